"""OpenAPI 3.1 of every API operation, and an API docs page that works offline.

The schemas are generated from the models the code validates and serialises with (cms.web.openapi.schemas); the
paths from the operations each resource declares (cms.web.openapi.paths), the headers of each response in
cms.web.openapi.headers. docs/api.md tells how to generate a client from it.
"""

from collections.abc import Sequence
from typing import Any

import swagger_ui_bundle
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

import cms
from cms.web.openapi.headers import HEADERS
from cms.web.openapi.paths import paths
from cms.web.openapi.schemas import component_schemas
from cms.web.operations import PUBLIC, Operation

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


def build_openapi(operations: Sequence[Operation]) -> dict[str, Any]:
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
        "paths": paths(operations),
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


async def openapi_json(request: Request) -> Response:
    """The document of this app's operations, made once when the app was (cms.web.app)."""
    return Response(request.app.state.openapi_document, media_type="application/json")


async def docs(request: Request) -> Response:
    return HTMLResponse(_DOCS_PAGE)


operations = [
    Operation(
        "GET",
        "/openapi.json",
        openapi_json,
        "getOpenApiDocument",
        "Operations",
        "This document",
        security=PUBLIC,
        asks_database=False,
        responses={
            "200": {"description": "OpenAPI 3.1.", "content": {"application/json": {"schema": {"type": "object"}}}}
        },
    ),
]

docs_routes: list[BaseRoute] = [
    Route("/docs", docs, methods=["GET"]),
    Mount("/docs/assets", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="docs_assets"),
]
"""The docs page for people (like /admin, not an API operation)."""
