"""Admins only: API tokens (create, revoke) and the people who sign in (create, new password, disable, enable)."""

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from cms.core.errors import Conflict, InvalidContent, NotFound
from cms.services import tokens, users
from cms.services.sessions import Session
from cms.web.admin.render import page, reasons
from cms.web.admin.session import signed_in
from cms.web.http import params


async def _tokens_page(request: Request, session: Session, status: int = 200, **context: object) -> Response:
    return page(request, "tokens.html", session, status, tokens=await tokens.active(), scopes=tokens.SCOPES, **context)


@signed_in("admin")
async def token_list(request: Request, session: Session) -> Response:
    return await _tokens_page(request, session, name="")


@signed_in("admin")
async def token_create(request: Request, session: Session) -> Response:
    form = await request.form()
    name, scopes = str(form.get("name", "")), [str(scope) for scope in form.getlist("scope")]
    try:
        created, secret = await tokens.create(name, scopes)
    except InvalidContent as exc:
        return await _tokens_page(request, session, 422, name=name, alert=reasons(exc))
    return await _tokens_page(request, session, 201, name="", created=created, secret=secret)


@signed_in("admin")
async def token_revoke(request: Request, session: Session) -> Response:
    try:
        await tokens.revoke(params.server_id(request, "token_id", "active token"))
    except NotFound as exc:
        return await _tokens_page(request, session, 404, name="", alert=reasons(exc))
    return RedirectResponse("/admin/tokens", status_code=303)


async def _users_page(request: Request, session: Session, status: int = 200, **context: object) -> Response:
    return page(request, "users.html", session, status, people=await users.everyone(), roles=users.ROLES, **context)


@signed_in("admin")
async def user_list(request: Request, session: Session) -> Response:
    return await _users_page(request, session, email="")


@signed_in("admin")
async def user_create(request: Request, session: Session) -> Response:
    form = await request.form()
    email, role = str(form.get("email", "")), str(form.get("role", ""))
    try:
        created, password = await users.create(email, role)
    except (InvalidContent, Conflict) as exc:
        return await _users_page(request, session, 422, email=email, alert=reasons(exc))
    return await _users_page(request, session, 201, email="", created=created, password=password)


async def _by_email(request: Request, session: Session, change: Callable[[str], Awaitable[object]]) -> Response:
    """Disable or enable the person the form names; back to the Users page."""
    try:
        await change(str((await request.form()).get("email", "")))
    except NotFound as exc:
        return await _users_page(request, session, 404, email="", alert=reasons(exc))
    return RedirectResponse("/admin/users", status_code=303)


@signed_in("admin")
async def user_disable(request: Request, session: Session) -> Response:
    return await _by_email(request, session, users.disable)


@signed_in("admin")
async def user_enable(request: Request, session: Session) -> Response:
    return await _by_email(request, session, users.enable)


@signed_in("admin")
async def user_password(request: Request, session: Session) -> Response:
    """A generated password, shown once (as after a restore without secrets, or a forgotten one)."""
    try:
        changed, password = await users.set_password(str((await request.form()).get("email", "")))
    except NotFound as exc:
        return await _users_page(request, session, 404, email="", alert=reasons(exc))
    return await _users_page(request, session, email="", changed=changed, password=password)


routes = [
    Route("/admin/tokens", token_list, methods=["GET"]),
    Route("/admin/tokens", token_create, methods=["POST"]),
    Route("/admin/tokens/{token_id}/revoke", token_revoke, methods=["POST"]),
    Route("/admin/users", user_list, methods=["GET"]),
    Route("/admin/users", user_create, methods=["POST"]),
    Route("/admin/users/disable", user_disable, methods=["POST"]),
    Route("/admin/users/enable", user_enable, methods=["POST"]),
    Route("/admin/users/password", user_password, methods=["POST"]),
]
