"""OpenAPI 3.1 of every API route, and an API docs page that works offline.

The schemas are generated from the models the code validates and serialises with (cms.web.openapi.schemas); the
routes, their parameters and every status they answer are listed in cms.web.openapi.paths, the headers of each
response in cms.web.openapi.headers. docs/api.md tells how to generate a client from it.
"""

from typing import Any

import orjson
import swagger_ui_bundle
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

import cms
from cms.web.openapi.headers import HEADERS, with_headers
from cms.web.openapi.paths import paths
from cms.web.openapi.schemas import component_schemas

TAGS = [
    ("Delivery", "Public reads: published articles and sections in every format, the listing, the site, the schema."),
    ("Editing", "Drafts: create, replace, patch, sections, publish (now or scheduled), unpublish, delete."),
    ("Revisions", "Every saved draft of an article, and restoring one."),
    ("Tokens", "API tokens and their scopes (`preview`, `write`, `admin`)."),
    ("Webhooks", "Subscriptions to events, signed deliveries (Standard Webhooks) and redelivery."),
    ("Assets", "Uploaded images and PDFs, and image variants."),
    ("Events", "The event log: a feed to poll and a Server-Sent Events stream."),
    ("Operations", "Health, readiness, metrics and this document."),
]


def build_openapi() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "info": {
            "title": "cms",
            "version": cms.__version__,
            "description": "A small, strict headless CMS. Errors are `application/problem+json` (`Problem`).",
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "servers": [{"url": "/", "description": "The server that serves this document."}],
        "tags": [{"name": name, "description": description} for name, description in TAGS],
        "security": [{"bearer": []}],
        "paths": with_headers(paths()),
        "components": {
            "schemas": component_schemas(),
            "headers": HEADERS,
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token from `cms token create` or POST /api/v1/tokens: 'Authorization: Bearer "
                    "<token>'.",
                }
            },
        },
    }


_DOCS_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>cms API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script>SwaggerUIBundle({url: "/openapi.json", dom_id: "#ui"});</script>
</body></html>
"""


def routes() -> list[Route | Mount]:
    document = orjson.dumps(build_openapi())

    async def openapi_json(request: Request) -> Response:
        return Response(document, media_type="application/json")

    async def docs(request: Request) -> Response:
        return HTMLResponse(_DOCS_PAGE)

    return [
        Route("/openapi.json", openapi_json, methods=["GET"]),
        Route("/docs", docs, methods=["GET"]),
        Mount("/docs/assets", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="docs_assets"),
    ]
