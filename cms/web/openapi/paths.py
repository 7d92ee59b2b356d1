"""Every route of the API (`paths()`): those of articles from cms.web.openapi.articles, and here tokens, webhooks,
events, assets and operations, with every status each answers; tests/openapi/test_conformance.py checks each
against real responses. The /admin pages are left out: they are HTML forms for people (a session cookie and a CSRF
field), not an API a client should be generated for."""

from typing import Any

from cms.core.assets import EXTENSIONS
from cms.core.assets import FORMATS as IMAGE_FORMATS
from cms.web.openapi.articles import delivery, editing, revisions
from cms.web.openapi.parts import (
    BAD_QUERY,
    BAD_TOKEN,
    LIMIT,
    NO_CONTENT,
    NOT_MODIFIED,
    OPTIONAL_TOKEN,
    POSITION,
    PUBLIC,
    SERVER_ID,
    TOKEN,
    json_body,
    op,
    param,
    problem,
    request_body,
    write_errors,
)


def tokens() -> dict[str, Any]:
    token_id = param("id", "path", "The token's id.", SERVER_ID, required=True)
    return {
        "/api/v1/tokens": {
            "get": op(
                "listTokens",
                "Tokens",
                "Active tokens (never their secrets)",
                TOKEN,
                [],
                {"200": json_body("TokenList", "The tokens."), **write_errors(slug=False, body=False)},
                scope="admin",
            ),
            "post": op(
                "createToken",
                "Tokens",
                "Create a token; its secret is in this response only",
                TOKEN,
                [],
                {
                    "201": json_body("CreatedToken", "The token and its secret; `Location` is its URL."),
                    **write_errors(slug=False),
                },
                request_body("NewToken"),
                scope="admin",
            ),
        },
        "/api/v1/tokens/{id}": {
            "delete": op(
                "revokeToken",
                "Tokens",
                "Revoke a token, effective immediately",
                TOKEN,
                [token_id],
                {"204": NO_CONTENT, **write_errors(slug=False, body=False), "404": problem("No such token.")},
                scope="admin",
            ),
        },
    }


def webhooks() -> dict[str, Any]:
    webhook_id = param("id", "path", "The subscription's id.", SERVER_ID, required=True)
    delivery_id = param("delivery", "path", "The delivery's id.", SERVER_ID, required=True)
    admin = write_errors(slug=False, body=False)
    no_webhook = {"404": problem("No such subscription.")}
    return {
        "/api/v1/webhooks": {
            "get": op(
                "listWebhooks",
                "Webhooks",
                "Webhook subscriptions (never their secrets)",
                TOKEN,
                [],
                {"200": json_body("WebhookList", "The subscriptions."), **admin},
                scope="admin",
            ),
            "post": op(
                "createWebhook",
                "Webhooks",
                "Subscribe a URL to event types; the signing secret is in this response only",
                TOKEN,
                [],
                {
                    "201": json_body("CreatedWebhook", "The subscription and its secret."),
                    **write_errors(slug=False),
                },
                request_body("NewWebhook"),
                scope="admin",
            ),
        },
        "/api/v1/webhooks/{id}": {
            "patch": op(
                "updateWebhook",
                "Webhooks",
                'Change a subscription; {"enabled": true} turns a disabled one back on',
                TOKEN,
                [webhook_id],
                {"200": json_body("WebhookInfo", "The subscription."), **write_errors(slug=False), **no_webhook},
                request_body("WebhookPatch"),
                scope="admin",
            ),
            "delete": op(
                "deleteWebhook",
                "Webhooks",
                "Delete a subscription and its deliveries",
                TOKEN,
                [webhook_id],
                {"204": NO_CONTENT, **admin, **no_webhook},
                scope="admin",
            ),
        },
        "/api/v1/webhooks/{id}/deliveries": {
            "get": op(
                "listDeliveries",
                "Webhooks",
                "A subscription's deliveries, newest first, with every attempt",
                TOKEN,
                [webhook_id, LIMIT, POSITION],
                {"200": json_body("DeliveryPage", "A page of deliveries."), **admin, **no_webhook},
                scope="admin",
            ),
        },
        "/api/v1/webhooks/{id}/deliveries/{delivery}/redeliver": {
            "post": op(
                "redeliver",
                "Webhooks",
                "Queue one more attempt of a delivery (same webhook-id)",
                TOKEN,
                [webhook_id, delivery_id],
                {
                    "202": json_body("DeliveryInfo", "The delivery, pending."),
                    **admin,
                    "404": problem("No such subscription, or it has no such delivery."),
                },
                scope="admin",
            ),
        },
    }


REF_STREAM = {"$ref": "#/components/schemas/StreamEvent"}
"""What each message of the stream is (`contentSchema`: the schema of what the string holds)."""


def events() -> dict[str, Any]:
    since = param(
        "since",
        "query",
        "An event id or `next_cursor` this service gave, or `latest`; absent: from the oldest event kept (feed) or "
        "live events only (stream).",
        {"type": "string", "pattern": "^(latest|[0-7][0-9a-f]{15})$"},
    )
    limit = param("limit", "query", "Page size.", {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100})
    last_event_id = param(
        "Last-Event-ID", "header", "The id of the last event received, on reconnection.", {"type": "string"}
    )
    return {
        "/api/v1/changes": {
            "get": op(
                "listChanges",
                "Events",
                "The event log, oldest first, from a cursor; with the `preview` scope, `article.updated` too",
                OPTIONAL_TOKEN,
                [since, limit],
                {
                    "200": json_body("ChangesPage", "Events after `since`, and the cursor to poll with."),
                    "400": BAD_QUERY,
                    "401": BAD_TOKEN,
                    "410": problem("The cursor is older than what the log keeps: re-read, then use since=latest."),
                },
            ),
        },
        "/api/v1/events": {
            "get": op(
                "streamEvents",
                "Events",
                "Live events as Server-Sent Events (`id`, `event` = type, `data` = the event JSON); with "
                "`Last-Event-ID` or `since`, first every event missed; `event: reset` when those are no longer kept",
                OPTIONAL_TOKEN,
                [since, last_event_id],
                {
                    "200": {
                        "description": "An endless text/event-stream of `StreamEvent` messages (an event of the log "
                        "or `reset`), with a comment line at least every 15 s.",
                        "content": {"text/event-stream": {"schema": {"type": "string", "contentSchema": REF_STREAM}}},
                    },
                    "400": BAD_QUERY,
                    "401": BAD_TOKEN,
                },
            ),
        },
    }


def assets() -> dict[str, Any]:
    asset_id = param("id", "path", "The asset's id (32 hexadecimal digits).", SERVER_ID, required=True)
    no_asset = {"404": problem("No such asset.")}
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
    variant_params = [
        param("w", "query", "One of CMS_IMAGE_WIDTHS; never upscaled.", {"type": "integer"}),
        param("h", "query", "Height of the box (needs `w`): one of CMS_IMAGE_WIDTHS.", {"type": "integer"}),
        param("fit", "query", "How the image fills a `w` x `h` box.", {"type": "string", "enum": ["contain", "cover"]}),
        param(
            "fm",
            "query",
            "Format of the variant; the original's when absent.",
            {"type": "string", "enum": list(IMAGE_FORMATS)},
        ),
        param(
            "q",
            "query",
            "Quality of lossy formats: one of CMS_IMAGE_QUALITIES (default 50, 75, 90).",
            {"type": "integer", "minimum": 1, "maximum": 100},
        ),
    ]
    file = {
        "description": "The file (or the variant): `Cache-Control: public, max-age=31536000, immutable`, a strong "
        "`ETag`, `X-Content-Type-Options: nosniff`, `Content-Security-Policy: default-src 'none'`; PDFs as "
        "attachments.",
        "content": {mime: {"schema": {"type": "string", "contentMediaType": mime}} for mime in EXTENSIONS},
    }
    return {
        "/api/v1/assets": {
            "post": op(
                "uploadAsset",
                "Assets",
                "Upload a PNG, JPEG, WebP, GIF, AVIF or PDF (its type sniffed from the bytes)",
                TOKEN,
                [],
                {
                    "200": json_body("Asset", "These bytes were stored already: that asset."),
                    "201": json_body("Asset", "A new asset; `Location` is its URL."),
                    **write_errors(slug=False),
                    "400": problem("A malformed multipart/form-data body."),
                    "413": problem("The file is larger than CMS_MAX_ASSET_BYTES (nothing was kept)."),
                    "415": problem(
                        "Not multipart/form-data, or bytes that are not a PNG, JPEG, WebP, GIF, AVIF or PDF."
                    ),
                    "422": problem("An image that does not decode or has too many pixels, no file, or a bad field."),
                },
                upload_body,
                scope="write",
            ),
            "get": op(
                "listAssets",
                "Assets",
                "Uploaded assets, newest first",
                TOKEN,
                [LIMIT, POSITION],
                {"200": json_body("AssetPage", "A page of assets."), **write_errors(slug=False, body=False)},
                scope="preview` or `write",
            ),
        },
        "/api/v1/assets/{id}": {
            "get": op(
                "redirectToAsset",
                "Assets",
                "The asset's short URL: a redirect to its `url`",
                PUBLIC,
                [asset_id],
                {"301": {"description": "`Location` is the asset's `url`."}, "400": BAD_QUERY, **no_asset},
            ),
            "delete": op(
                "deleteAsset",
                "Assets",
                "Delete an asset and its variants",
                TOKEN,
                [asset_id],
                {
                    "204": NO_CONTENT,
                    **write_errors(slug=False, body=False),
                    **no_asset,
                    "409": problem("The current draft or the published version of an article shows it."),
                },
                scope="write",
            ),
        },
        "/api/v1/assets/{id}/{filename}": {
            "get": op(
                "getAssetFile",
                "Assets",
                "An uploaded file, or a variant of an image with ?w= or ?fm=",
                PUBLIC,
                [
                    asset_id,
                    param("filename", "path", "The asset's filename.", {"type": "string"}, True),
                    *variant_params,
                ],
                {
                    "200": file,
                    "206": {
                        "description": "The requested byte range (`Range: bytes=…`).",
                        "content": file["content"],
                    },
                    "301": {"description": "Another filename: `Location` is the asset's own URL."},
                    "304": NOT_MODIFIED,
                    "400": BAD_QUERY,
                    **no_asset,
                    "416": {"description": "The range is beyond the end of the file (`Content-Range: bytes */size`)."},
                    "503": problem("Every image worker of this process is busy: retry after `Retry-After`."),
                },
            ),
        },
    }


def operations() -> dict[str, Any]:
    status = {
        "200": {
            "description": "OK",
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {"status": {"const": "ok"}, "database": {"const": "ok"}},
                        "required": ["status"],
                    }
                }
            },
        }
    }
    return {
        "/healthz": {"get": op("getHealth", "Operations", "Liveness: the process answers", PUBLIC, [], status)},
        "/readyz": {
            "get": op(
                "getReadiness",
                "Operations",
                "Readiness: the database answers",
                PUBLIC,
                [],
                status | {"503": problem("The database does not answer; retry after `Retry-After`.")},
            ),
        },
        "/metrics": {
            "get": op(
                "getMetrics",
                "Operations",
                "Prometheus metrics of every worker: requests by route and status, latency, delivery cache",
                PUBLIC,
                [],
                {
                    "200": {
                        "description": "Prometheus text format 0.0.4.",
                        "content": {"text/plain": {"schema": {"type": "string"}}},
                    }
                },
            ),
        },
        "/openapi.json": {
            "get": op(
                "getOpenApiDocument",
                "Operations",
                "This document",
                PUBLIC,
                [],
                {
                    "200": {
                        "description": "OpenAPI 3.1.",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    }
                },
            ),
        },
    }


def paths() -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for group in (delivery(), editing(), revisions(), tokens(), webhooks(), events(), assets(), operations()):
        for path, methods in group.items():
            merged.setdefault(path, {}).update(methods)
    return merged
