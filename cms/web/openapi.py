"""OpenAPI 3.1 built from the Pydantic models, and an API docs page that works offline.

The schemas come from the models (never written by hand); this module only lists the routes and their parameters.
"""

from typing import Any

import orjson
import swagger_ui_bundle
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

import cms
from cms.core.article import ARTICLE_FIELDS, Article, ArticleInput, Section
from cms.core.render import FORMATS
from cms.core.schema import component_schemas
from cms.web.schemas import ArticlePage, Problem, SiteInfo

_REF = "#/components/schemas/"


def _param(name: str, where: str, description: str, schema: dict[str, Any], required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": where, "required": required, "description": description, "schema": schema}


SLUG = _param("slug", "path", "The article's slug.", {"type": "string"}, required=True)
ANCHOR = _param("anchor", "path", "The section's anchor ('intro' for a leading section).", {"type": "string"}, True)
LOCALE = _param("locale", "query", "Language tag; the site's default locale when absent.", {"type": "string"})
FORMAT = _param("format", "query", "Output format.", {"enum": list(FORMATS), "default": "json"})
FIELDS = _param(
    "fields",
    "query",
    f"Comma-separated top-level fields of the JSON format: {', '.join(ARTICLE_FIELDS)}.",
    {"type": "string"},
)
LIMIT = _param("limit", "query", "Page size.", {"type": "integer", "minimum": 1, "maximum": 100, "default": 20})
CURSOR = _param("cursor", "query", "The `next_cursor` of the previous page, unchanged.", {"type": "string"})


def _json(ref: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": _REF + ref}}}}


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/problem+json": {"schema": {"$ref": _REF + "Problem"}}}}


def _formatted(ref: str, description: str) -> dict[str, Any]:
    content: dict[str, Any] = {"application/json": {"schema": {"$ref": _REF + ref}}}
    for fmt in FORMATS.values():
        content.setdefault(fmt.media_type, {"schema": {"type": "string"}})
    return {"description": description, "content": content}


BAD_PARAMETER = _problem("An unknown query parameter or a value out of range; `parameter` names it.")
NOT_FOUND = _problem("No published article (or section) by that name.")
MOVED = {"description": "The slug was renamed: `Location` is the new URL, query string kept."}


def _get(summary: str, parameters: list[dict[str, Any]], ok: dict[str, Any], **errors: Any) -> dict[str, Any]:
    return {"get": {"summary": summary, "parameters": parameters, "responses": {"200": ok, **errors}}}


def build_openapi() -> dict[str, Any]:
    _, schemas = component_schemas(
        [
            (ArticleInput, "validation"),
            (Article, "serialization"),
            (Section, "serialization"),
            (ArticlePage, "serialization"),
            (SiteInfo, "serialization"),
            (Problem, "serialization"),
        ],
        _REF,
    )
    status_ok = {"description": "OK", "content": {"application/json": {"schema": {"type": "object"}}}}
    paths = {
        "/api/v1/articles": _get(
            "Published articles, newest first (keyset pagination).",
            [LOCALE, FIELDS, LIMIT, CURSOR],
            _json("ArticlePage", "A page of article summaries."),
            **{"400": BAD_PARAMETER},
        ),
        "/api/v1/articles/{slug}": _get(
            "One published article.",
            [SLUG, LOCALE, FIELDS, FORMAT],
            _formatted("Article", "The article in the requested format."),
            **{"301": MOVED, "400": BAD_PARAMETER, "404": NOT_FOUND},
        ),
        "/api/v1/articles/{slug}/sections/{anchor}": _get(
            "One section of a published article.",
            [SLUG, ANCHOR, LOCALE, FORMAT],
            _formatted("Section", "The section in the requested format."),
            **{"301": MOVED, "400": BAD_PARAMETER, "404": NOT_FOUND},
        ),
        "/api/v1/site": _get("The site's name and locales.", [], _json("SiteInfo", "The site.")),
        "/api/v1/schema": _get(
            "JSON Schema (2020-12) of the article input, every block type under $defs by its type name.",
            [],
            {"description": "The schema.", "content": {"application/schema+json": {"schema": {"type": "object"}}}},
        ),
        "/healthz": _get("Liveness: the process answers.", [], status_ok),
        "/readyz": _get(
            "Readiness: the database answers.", [], status_ok, **{"503": _problem("The database does not answer.")}
        ),
    }
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "info": {"title": "cms", "version": cms.__version__, "description": "A small, strict headless CMS."},
        "paths": paths,
        "components": {"schemas": schemas},
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
