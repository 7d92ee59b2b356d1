"""Webhook subscriptions, their deliveries and redelivery (`admin`). Each route: auth -> parse -> one service call."""

from starlette.requests import Request
from starlette.responses import Response

from cms.services import webhooks
from cms.services.webhooks import NewWebhook, WebhookPatch
from cms.web.http import auth, bodies, params
from cms.web.http.responses import json_response
from cms.web.openapi.parts import (
    LIMIT,
    NO_CONTENT,
    POSITION,
    SERVER_ID,
    json_body,
    param,
    problem,
    request_body,
    write_errors,
)
from cms.web.operations import Operation

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
    request.app.state.webhook_dispatcher.wake()  # this worker sends it at once
    return json_response(delivery.model_dump(mode="json"), 202, PRIVATE)


WEBHOOK_ID = param("id", "path", "The subscription's id.", SERVER_ID, required=True)
ADMIN = write_errors(slug=False, body=False)
NO_WEBHOOK = {"404": problem("No such subscription.")}

operations = [
    Operation(
        "GET",
        "/api/v1/webhooks",
        list_webhooks,
        "listWebhooks",
        "Webhooks",
        "Webhook subscriptions (never their secrets)",
        scopes=("admin",),
        responses={"200": json_body("WebhookList", "The subscriptions."), **ADMIN},
    ),
    Operation(
        "POST",
        "/api/v1/webhooks",
        create_webhook,
        "createWebhook",
        "Webhooks",
        "Subscribe a URL to event types; the signing secret is in this response only",
        scopes=("admin",),
        body=request_body("NewWebhook"),
        responses={"201": json_body("CreatedWebhook", "The subscription and its secret."), **write_errors(slug=False)},
    ),
    Operation(
        "PATCH",
        "/api/v1/webhooks/{id}",
        update_webhook,
        "updateWebhook",
        "Webhooks",
        'Change a subscription; {"enabled": true} turns a disabled one back on',
        scopes=("admin",),
        parameters=[WEBHOOK_ID],
        body=request_body("WebhookPatch"),
        responses={"200": json_body("WebhookInfo", "The subscription."), **write_errors(slug=False), **NO_WEBHOOK},
    ),
    Operation(
        "DELETE",
        "/api/v1/webhooks/{id}",
        delete_webhook,
        "deleteWebhook",
        "Webhooks",
        "Delete a subscription and its deliveries",
        scopes=("admin",),
        parameters=[WEBHOOK_ID],
        responses={"204": NO_CONTENT, **ADMIN, **NO_WEBHOOK},
    ),
    Operation(
        "GET",
        "/api/v1/webhooks/{id}/deliveries",
        list_deliveries,
        "listDeliveries",
        "Webhooks",
        "A subscription's deliveries, newest first, with every attempt",
        scopes=("admin",),
        parameters=[WEBHOOK_ID, LIMIT, POSITION],
        responses={"200": json_body("DeliveryPage", "A page of deliveries."), **ADMIN, **NO_WEBHOOK},
    ),
    Operation(
        "POST",
        "/api/v1/webhooks/{id}/deliveries/{delivery}/redeliver",
        redeliver,
        "redeliver",
        "Webhooks",
        "Queue one more attempt of a delivery (same webhook-id)",
        scopes=("admin",),
        parameters=[WEBHOOK_ID, param("delivery", "path", "The delivery's id.", SERVER_ID, required=True)],
        responses={
            "202": json_body("DeliveryInfo", "The delivery, pending."),
            **ADMIN,
            "404": problem("No such subscription, or it has no such delivery."),
        },
    ),
]
