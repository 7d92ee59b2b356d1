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
from cms.core.article import ARTICLE_FIELDS, Article, ArticleInput, Section, SectionInput
from cms.core.assets import FORMATS as IMAGE_FORMATS
from cms.core.assets import Asset, AssetPage
from cms.core.render import FORMATS
from cms.core.schema import component_schemas
from cms.services.publishing import Publication
from cms.services.revisions import RevisionDetail, RevisionPage
from cms.services.webhooks import (
    CreatedWebhook,
    DeliveryInfo,
    DeliveryPage,
    NewWebhook,
    WebhookInfo,
    WebhookList,
    WebhookPatch,
)
from cms.web.history import CreatedToken, NewToken, TokenList
from cms.web.management import NewSection, PublishRequest
from cms.web.schemas import ArticlePage, ChangesPage, Problem, SiteInfo

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
SINCE = _param(
    "since",
    "query",
    "An event id or `next_cursor` this service gave, or `latest`; absent: from the oldest event kept (feed) or "
    "live events only (stream).",
    {"type": "string"},
)
CHANGES_LIMIT = _param(
    "limit", "query", "Page size.", {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}
)
LAST_EVENT_ID = _param(
    "Last-Event-ID", "header", "The id of the last event received, on reconnection.", {"type": "string"}
)
TAG = _param("tag", "query", "Only articles with this tag (exact).", {"type": "string", "maxLength": 50})
Q = _param(
    "q",
    "query",
    "Full-text search: plain words, all must match, the last as a prefix; best hits first (docs/search.md).",
    {"type": "string", "maxLength": 500},
)


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
NOT_FOUND = _problem("No such article, section, revision or token.")
MOVED = {"description": "The slug was renamed: `Location` is the new URL, query string kept."}
PREVIEW = _param(
    "preview", "query", "`true` serves the current draft (needs the `preview` scope).", {"type": "boolean"}
)
VERSION = _param("n", "path", "A revision's version number.", {"type": "integer", "minimum": 1}, required=True)
TOKEN_ID = _param("id", "path", "The token's id.", {"type": "string"}, required=True)
WEBHOOK_ID = _param("id", "path", "The subscription's id.", {"type": "string"}, required=True)
DELIVERY_ID = _param("delivery", "path", "The delivery's id.", {"type": "string"}, required=True)
IF_MATCH = _param("If-Match", "header", "The draft's ETag, as the last read or write returned it.", {"type": "string"})
IF_MATCH_REQUIRED = IF_MATCH | {"required": True}

WRITE_ERRORS = {
    "400": _problem("Malformed JSON, or a bad query parameter."),
    "401": _problem("No token, or an unknown or revoked one (`WWW-Authenticate: Bearer`)."),
    "403": _problem("The token lacks the scope this route needs."),
    "404": NOT_FOUND,
    "308": {"description": "The slug was renamed: repeat the request at `Location`."},
    "412": _problem("The If-Match ETag is not the draft's current one: nothing changed; `ETag` is the current one."),
    "413": _problem("The body is larger than CMS_MAX_BODY_BYTES."),
    "415": _problem("The body's content type is not accepted here."),
    "422": _problem("The content is not valid: `errors` lists each field's path and message."),
}


def _op(summary: str, parameters: list[dict[str, Any]], responses: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"summary": summary, "parameters": parameters, "responses": responses, **extra}


def _write(
    summary: str, scope: str, parameters: list[dict[str, Any]], ok: dict[str, Any], body: str | None = None,
    media_types: tuple[str, ...] = ("application/json",), code: str = "200",
) -> dict[str, Any]:  # fmt: skip
    operation = _op(f"{summary} (scope `{scope}`)", parameters, {code: ok, **WRITE_ERRORS}, security=[{"bearer": []}])
    if body:
        schema = {"$ref": _REF + body}
        operation["requestBody"] = {"required": True, "content": {kind: {"schema": schema} for kind in media_types}}
    return operation


def build_openapi() -> dict[str, Any]:
    _, schemas = component_schemas(
        [
            (ArticleInput, "validation"),
            (NewSection, "validation"),
            (SectionInput, "validation"),
            (PublishRequest, "validation"),
            (NewToken, "validation"),
            (NewWebhook, "validation"),
            (WebhookPatch, "validation"),
            (WebhookInfo, "serialization"),
            (CreatedWebhook, "serialization"),
            (WebhookList, "serialization"),
            (DeliveryInfo, "serialization"),
            (DeliveryPage, "serialization"),
            (Article, "serialization"),
            (Section, "serialization"),
            (ArticlePage, "serialization"),
            (ChangesPage, "serialization"),
            (SiteInfo, "serialization"),
            (Publication, "serialization"),
            (RevisionPage, "serialization"),
            (RevisionDetail, "serialization"),
            (TokenList, "serialization"),
            (CreatedToken, "serialization"),
            (Asset, "serialization"),
            (AssetPage, "serialization"),
            (Problem, "serialization"),
        ],
        _REF,
    )
    status_ok = {"description": "OK", "content": {"application/json": {"schema": {"type": "object"}}}}
    draft = _json("Article", "The draft, with its new `ETag`.")
    no_content = {"description": "Done; no body."}
    article_path = [SLUG, LOCALE]
    paths = {
        "/api/v1/articles": {
            "get": _op(
                "Published articles, newest first or best search hits first (keyset pagination).",
                [LOCALE, FIELDS, LIMIT, CURSOR, TAG, Q],
                {"200": _json("ArticlePage", "A page of article summaries."), "400": BAD_PARAMETER},
            ),
            "post": _write(
                "Create a draft from JSON or from Markdown with front matter",
                "write",
                [LOCALE],
                draft,
                "ArticleInput",
                ("application/json", "text/markdown"),
                code="201",
            ),
        },
        "/api/v1/articles/{slug}": {
            "get": _op(
                "One published article; with preview=true, the current draft.",
                [SLUG, LOCALE, FIELDS, FORMAT, PREVIEW],
                {
                    "200": _formatted("Article", "The article in the requested format."),
                    "301": MOVED,
                    "400": BAD_PARAMETER,
                    "404": NOT_FOUND,
                },
            ),
            "put": _write("Replace the draft", "write", [*article_path, IF_MATCH_REQUIRED], draft, "ArticleInput"),
            "patch": _write(
                "Change the draft's title, slug, tags, summary, author or sections (JSON Merge Patch)",
                "write",
                [*article_path, IF_MATCH_REQUIRED],
                draft,
                "ArticleInput",
                ("application/merge-patch+json", "application/json"),
            ),
            "delete": _write("Delete the article", "write", [*article_path, IF_MATCH], no_content, code="204"),
        },
        "/api/v1/articles/{slug}/sections": {
            "post": _write(
                "Add a section to the draft",
                "write",
                [*article_path, IF_MATCH_REQUIRED],
                _json("Section", "The new section; `ETag` is the draft's new one."),
                "NewSection",
                code="201",
            ),
        },
        "/api/v1/articles/{slug}/sections/{anchor}": {
            "get": _op(
                "One section of a published article; with preview=true, of the draft.",
                [SLUG, ANCHOR, LOCALE, FORMAT, PREVIEW],
                {
                    "200": _formatted("Section", "The section in the requested format."),
                    "301": MOVED,
                    "400": BAD_PARAMETER,
                    "404": NOT_FOUND,
                },
            ),
            "put": _write(
                "Replace one section of the draft",
                "write",
                [SLUG, ANCHOR, LOCALE, IF_MATCH_REQUIRED],
                _json("Section", "The section; `ETag` is the draft's new one."),
                "SectionInput",
            ),
            "delete": _write(
                "Remove one section of the draft",
                "write",
                [SLUG, ANCHOR, LOCALE, IF_MATCH_REQUIRED],
                no_content,
                code="204",
            ),
        },
        "/api/v1/articles/{slug}/publish": {
            "post": _write(
                "Publish the current draft now, or at `at`",
                "write",
                [*article_path, IF_MATCH],
                _json("Publication", "Where the article stands."),
                "PublishRequest",
            ),
        },
        "/api/v1/articles/{slug}/unpublish": {
            "post": _write(
                "Take the article off delivery; the draft stays",
                "write",
                [*article_path, IF_MATCH],
                _json("Publication", "Where the article stands."),
            ),
        },
        "/api/v1/articles/{slug}/revisions": {
            "get": _write(
                "Every saved draft, newest first",
                "preview",
                [*article_path, LIMIT, CURSOR],
                _json("RevisionPage", "A page of revisions."),
            ),
        },
        "/api/v1/articles/{slug}/revisions/{n}": {
            "get": _write("One saved draft", "preview", [*article_path, VERSION], _json("RevisionDetail", "It.")),
        },
        "/api/v1/articles/{slug}/revisions/{n}/restore": {
            "post": _write(
                "Make a revision the draft again (a new revision)", "write", [*article_path, VERSION, IF_MATCH], draft
            ),
        },
        "/api/v1/tokens": {
            "get": _write("Active tokens (never their secrets)", "admin", [], _json("TokenList", "The tokens.")),
            "post": _write(
                "Create a token; its secret is in this response only",
                "admin",
                [],
                _json("CreatedToken", "The token and its secret."),
                "NewToken",
                code="201",
            ),
        },
        "/api/v1/tokens/{id}": {
            "delete": _write("Revoke a token, effective immediately", "admin", [TOKEN_ID], no_content, code="204"),
        },
        **_asset_paths(),
        "/api/v1/changes": {
            "get": _op(
                "The event log, oldest first, from a cursor. Without a token, what delivery shows; with the "
                "`preview` scope, `article.updated` too.",
                [SINCE, CHANGES_LIMIT],
                {
                    "200": _json("ChangesPage", "Events after `since`, and the cursor to poll with."),
                    "400": BAD_PARAMETER,
                    "401": _problem("An unknown or revoked token (none is fine)."),
                    "410": _problem("The cursor is older than what the log keeps: re-read, then use since=latest."),
                },
                security=[{}, {"bearer": []}],
            ),
        },
        "/api/v1/events": {
            "get": _op(
                "Live events as Server-Sent Events (`id`, `event` = type, `data` = the event JSON); with "
                "`Last-Event-ID` or `since`, first every event missed. `event: reset` when those are no longer kept.",
                [SINCE, LAST_EVENT_ID],
                {
                    "200": {
                        "description": "An endless text/event-stream, with a comment line at least every 15 s.",
                        "content": {"text/event-stream": {"schema": {"type": "string"}}},
                    },
                    "400": BAD_PARAMETER,
                    "401": _problem("An unknown or revoked token (none is fine)."),
                },
                security=[{}, {"bearer": []}],
            ),
        },
        "/api/v1/webhooks": {
            "get": _write("Webhook subscriptions (never their secrets)", "admin", [], _json("WebhookList", "They.")),
            "post": _write(
                "Subscribe a URL to event types; the signing secret is in this response only",
                "admin",
                [],
                _json("CreatedWebhook", "The subscription and its secret."),
                "NewWebhook",
                code="201",
            ),
        },
        "/api/v1/webhooks/{id}": {
            "patch": _write(
                'Change a subscription; {"enabled": true} turns a disabled one back on',
                "admin",
                [WEBHOOK_ID],
                _json("WebhookInfo", "The subscription."),
                "WebhookPatch",
            ),
            "delete": _write("Delete a subscription and its deliveries", "admin", [WEBHOOK_ID], no_content, code="204"),
        },
        "/api/v1/webhooks/{id}/deliveries": {
            "get": _write(
                "Deliveries, newest first, with every attempt",
                "admin",
                [WEBHOOK_ID, LIMIT, CURSOR],
                _json("DeliveryPage", "A page of deliveries."),
            ),
        },
        "/api/v1/webhooks/{id}/deliveries/{delivery}/redeliver": {
            "post": _write(
                "Queue one more attempt of a delivery (same webhook-id)",
                "admin",
                [WEBHOOK_ID, DELIVERY_ID],
                _json("DeliveryInfo", "The delivery, pending."),
                code="202",
            ),
        },
        "/api/v1/site": {"get": _op("The site's name and locales.", [], {"200": _json("SiteInfo", "The site.")})},
        "/api/v1/schema": {
            "get": _op(
                "JSON Schema (2020-12) of the article input, every block type under $defs by its type name.",
                [],
                {
                    "200": {
                        "description": "The schema.",
                        "content": {"application/schema+json": {"schema": {"type": "object"}}},
                    }
                },
            ),
        },
        "/healthz": {"get": _op("Liveness: the process answers.", [], {"200": status_ok})},
        "/metrics": {
            "get": _op(
                "Prometheus metrics of every worker: requests by route and status, latency, delivery cache.",
                [],
                {
                    "200": {
                        "description": "Prometheus text format.",
                        "content": {"text/plain": {"schema": {"type": "string"}}},
                    }
                },
            )
        },
        "/readyz": {
            "get": _op(
                "Readiness: the database answers.", [], {"200": status_ok, "503": _problem("The database does not.")}
            ),
        },
    }
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "info": {"title": "cms", "version": cms.__version__, "description": "A small, strict headless CMS."},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


ASSET_ID = _param("id", "path", "The asset's id (32 hexadecimal digits).", {"type": "string"}, required=True)
_IMMUTABLE_FILE = {
    "description": "The file (or the variant): `Cache-Control: public, max-age=31536000, immutable`, a strong `ETag`,"
    " `X-Content-Type-Options: nosniff`, `Content-Security-Policy: default-src 'none'`; PDFs as attachments.",
    "content": {"*/*": {"schema": {"type": "string", "contentMediaType": "application/octet-stream"}}},
}


def _asset_paths() -> dict[str, Any]:
    upload_body = {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "contentMediaType": "application/octet-stream"},
                        "alt": {"type": "string", "maxLength": 1000},
                    },
                }
            }
        },
    }
    uploaded = _json("Asset", "These bytes were stored already: that asset.")
    upload = _write(
        "Upload a PNG, JPEG, WebP, GIF, AVIF or PDF (type sniffed from the bytes)",
        "write",
        [],
        _json("Asset", "A new asset; `Location` is its URL."),
        code="201",
    )
    upload["requestBody"] = upload_body
    upload["responses"] |= {
        "200": uploaded,
        "413": _problem("The file is larger than CMS_MAX_ASSET_BYTES (nothing was kept)."),
        "415": _problem("The bytes are not a PNG, JPEG, WebP, GIF, AVIF or PDF, whatever the name says."),
        "422": _problem("An image that does not decode or has more than CMS_MAX_IMAGE_PIXELS, or a bad field."),
    }
    delete = _write("Delete an asset and its variants", "write", [ASSET_ID], {"description": "Deleted."}, code="204")
    delete["responses"]["409"] = _problem("The current draft or the published version of an article shows it.")
    variant_params = [
        _param("w", "query", "One of CMS_IMAGE_WIDTHS; never upscaled.", {"type": "integer"}),
        _param("h", "query", "Height of the box (needs `w`).", {"type": "integer", "minimum": 1, "maximum": 10000}),
        _param("fit", "query", "How the image fills a `w` x `h` box.", {"enum": ["contain", "cover"]}),
        _param("fm", "query", "Format of the variant; the original's when absent.", {"enum": list(IMAGE_FORMATS)}),
        _param("q", "query", "Quality of lossy formats.", {"type": "integer", "minimum": 1, "maximum": 100}),
    ]
    serve = _op(
        "An uploaded file, or a variant of an image with ?w= or ?fm=",
        [ASSET_ID, _param("filename", "path", "The asset's filename.", {"type": "string"}, True), *variant_params],
        {
            "200": _IMMUTABLE_FILE,
            "206": {"description": "The requested byte range (`Range: bytes=…`)."},
            "301": {"description": "Another filename: `Location` is the asset's own URL."},
            "304": {"description": "If-None-Match names the current ETag."},
            "400": BAD_PARAMETER,
            "404": _problem("No such asset."),
            "416": {"description": "The range is beyond the end of the file."},
            "503": _problem("Every image worker of this process is busy making variants: retry after `Retry-After`."),
        },
    )
    return {
        "/api/v1/assets": {
            "post": upload,
            "get": _write(
                "Uploaded assets, newest first",
                "preview` or `write",
                [LIMIT, CURSOR],
                _json("AssetPage", "A page of assets."),
            ),
        },
        "/api/v1/assets/{id}": {
            "get": _op(
                "The asset's short URL: a redirect to its `url`",
                [ASSET_ID],
                {"301": {"description": "`Location` is the asset's `url`."}, "404": _problem("No such asset.")},
            ),
            "delete": delete,
        },
        "/api/v1/assets/{id}/{filename}": {"get": serve},
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
