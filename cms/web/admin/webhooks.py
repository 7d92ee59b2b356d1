"""Admins only: webhook subscriptions (create, enable, disable, delete), their deliveries and "Redeliver".

Each form calls the service behind `/api/v1/webhooks` (cms/services/webhooks.py), with the same checks.
"""

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from cms.core.blocks import error_list
from cms.core.errors import InvalidContent, NotFound
from cms.core.events import TYPES
from cms.services import webhooks
from cms.services.sessions import Session
from cms.services.webhooks import NewWebhook, WebhookPatch
from cms.web.admin.render import error_page, page
from cms.web.admin.session import signed_in
from cms.web.api.webhooks import target, webhook_id
from cms.web.http import params
from cms.web.http.problems import Problem

LIST = "/admin/webhooks"
DONE = {
    "enabled": "Enabled.",
    "disabled": "Disabled: nothing is sent to it until it is enabled again.",
    "deleted": "Deleted, with its deliveries.",
    "redelivered": "Queued again: it is sent at once (after an attempt under way), with the same webhook-id.",
}
DELIVERIES_PER_PAGE = 20


async def _list_page(request: Request, session: Session, status: int = 200, **context: object) -> Response:
    notice = DONE.get(request.query_params.get("done", ""), "")
    subscriptions = (await webhooks.list_all()).items
    context = {"url": "", "chosen": (), "notice": notice} | context
    return page(request, "webhooks.html", session, status, webhooks=subscriptions, event_types=TYPES, **context)


@signed_in("admin")
async def webhook_list(request: Request, session: Session) -> Response:
    return await _list_page(request, session)


@signed_in("admin")
async def webhook_create(request: Request, session: Session) -> Response:
    form = await request.form()
    url, events = str(form.get("url", "")).strip(), [str(kind) for kind in form.getlist("event")]
    try:
        if not events:
            raise InvalidContent.at("events", "choose at least one event to send")
        new = NewWebhook.model_validate({"url": url, "events": events})
        created = await webhooks.create(new, *target(request))
    except (ValidationError, InvalidContent) as exc:
        if isinstance(exc, ValidationError):
            errors = [(error["path"], error["message"]) for error in error_list(exc)]
        else:
            errors = [(error.path, error.message) for error in exc.errors]
        alert = "Not created: " + "; ".join(f"{path}: {message}" for path, message in errors) + "."
        return await _list_page(request, session, 422, url=url, chosen=events, alert=alert)
    return await _list_page(request, session, 201, created=created)


async def _change(request: Request, session: Session, done: str) -> Response:
    try:
        uid = webhook_id(request)
        if done == "deleted":
            await webhooks.delete(uid)
        else:
            await webhooks.update(uid, WebhookPatch(enabled=done == "enabled"), *target(request))
    except NotFound as exc:
        return error_page(request, session, 404, "No such webhook", str(exc))
    return RedirectResponse(f"{LIST}?done={done}", status_code=303)


@signed_in("admin")
async def webhook_enable(request: Request, session: Session) -> Response:
    return await _change(request, session, "enabled")


@signed_in("admin")
async def webhook_disable(request: Request, session: Session) -> Response:
    return await _change(request, session, "disabled")


@signed_in("admin")
async def webhook_delete(request: Request, session: Session) -> Response:
    return await _change(request, session, "deleted")


@signed_in("admin")
async def webhook_deliveries(request: Request, session: Session) -> Response:
    try:
        before = params.position(request.query_params)
    except Problem as exc:
        return error_page(request, session, exc.status, "No such page", exc.detail)
    try:
        uid = webhook_id(request)
        subscription = next((w for w in (await webhooks.list_all()).items if w.id == uid), None)
        if subscription is None:
            raise NotFound(f"no webhook has id {uid!r}")
        listed = await webhooks.deliveries(uid, DELIVERIES_PER_PAGE, before)
    except NotFound as exc:
        return error_page(request, session, 404, "No such webhook", str(exc))
    notice = DONE.get(request.query_params.get("done", ""), "")
    return page(
        request, "deliveries.html", session, webhook=subscription, deliveries=listed.items,
        next_cursor=listed.next_cursor, notice=notice,
    )  # fmt: skip


@signed_in("admin")
async def webhook_redeliver(request: Request, session: Session) -> Response:
    try:
        uid = webhook_id(request)
        await webhooks.redeliver(uid, params.server_id(request, "delivery", "delivery"))
    except NotFound as exc:
        return error_page(request, session, 404, "No such delivery", str(exc))
    request.app.state.webhook_dispatcher.wake()  # this worker sends it at once, as the API's redeliver does
    return RedirectResponse(f"{LIST}/{uid}?done=redelivered", status_code=303)


routes = [
    Route(LIST, webhook_list, methods=["GET"]),
    Route(LIST, webhook_create, methods=["POST"]),
    Route(LIST + "/{id}", webhook_deliveries, methods=["GET"]),
    Route(LIST + "/{id}/enable", webhook_enable, methods=["POST"]),
    Route(LIST + "/{id}/disable", webhook_disable, methods=["POST"]),
    Route(LIST + "/{id}/delete", webhook_delete, methods=["POST"]),
    Route(LIST + "/{id}/deliveries/{delivery}/redeliver", webhook_redeliver, methods=["POST"]),
]
