"""Webhook subscriptions, their deliveries and redelivery (`admin`). Each route: auth -> parse -> one service call."""

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from cms.services import webhooks
from cms.services.webhooks import NewWebhook, WebhookPatch
from cms.web.http import auth, bodies, params
from cms.web.http.responses import json_response

PRIVATE = {"Cache-Control": "private, no-store"}


def target(request: Request) -> tuple[bool, webhooks.Resolve]:
    """What a webhook's URL is checked with (CMS_WEBHOOK_ALLOW_PRIVATE, the resolver): here and on the page."""
    return request.app.state.settings.webhook_allow_private, request.app.state.webhook_resolve


def webhook_id(request: Request) -> str:
    """The `{id}` of the path, parsed as the API and the page both parse it."""
    return params.server_id(request, "id", "webhook")


async def create_webhook(request: Request) -> Response:
    await auth.require(request, "admin")
    params.query(request, ())
    new = await bodies.model(request, NewWebhook)
    created = await webhooks.create(new, *target(request))
    headers = PRIVATE | {"Location": f"/api/v1/webhooks/{created.id}"}
    return json_response(created.model_dump(mode="json"), 201, headers)


async def list_webhooks(request: Request) -> Response:
    await auth.require(request, "admin")
    params.query(request, ())
    return json_response((await webhooks.list_all()).model_dump(mode="json"), headers=PRIVATE)


async def update_webhook(request: Request) -> Response:
    await auth.require(request, "admin")
    params.query(request, ())
    uid = webhook_id(request)
    patch = await bodies.model(request, WebhookPatch)
    updated = await webhooks.update(uid, patch, *target(request))
    return json_response(updated.model_dump(mode="json"), headers=PRIVATE)


async def delete_webhook(request: Request) -> Response:
    await auth.require(request, "admin")
    params.query(request, ())
    await webhooks.delete(webhook_id(request))
    return Response(status_code=204)


async def list_deliveries(request: Request) -> Response:
    await auth.require(request, "admin")
    query = params.query(request, ("limit", "cursor"))
    page = await webhooks.deliveries(webhook_id(request), params.limit(query), params.position(query))
    return json_response(page.model_dump(mode="json"), headers=PRIVATE)


async def redeliver(request: Request) -> Response:
    await auth.require(request, "admin")
    params.query(request, ())
    delivery = await webhooks.redeliver(webhook_id(request), params.server_id(request, "delivery", "delivery"))
    request.app.state.webhook_dispatcher.on_events([])  # this worker sends it at once
    return json_response(delivery.model_dump(mode="json"), 202, PRIVATE)


routes = [
    Route("/api/v1/webhooks", create_webhook, methods=["POST"]),
    Route("/api/v1/webhooks", list_webhooks, methods=["GET"]),
    Route("/api/v1/webhooks/{id}", update_webhook, methods=["PATCH"]),
    Route("/api/v1/webhooks/{id}", delete_webhook, methods=["DELETE"]),
    Route("/api/v1/webhooks/{id}/deliveries", list_deliveries, methods=["GET"]),
    Route("/api/v1/webhooks/{id}/deliveries/{delivery}/redeliver", redeliver, methods=["POST"]),
]
