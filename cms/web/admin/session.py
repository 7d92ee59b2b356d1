"""Who is signed in: the session cookie, the CSRF check of every form, sign in and sign out.

The session cookie holds a random secret (the table keeps its SHA-256); it is HttpOnly, SameSite=Lax, and
Secure when the page is served over HTTPS. Each session has its own CSRF token, sent back by every form.
Before a session exists, the sign-in form is protected by a double-submit cookie of its own.
"""

import hmac
import secrets
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from cms.metrics import SIGN_INS
from cms.services import sessions, users
from cms.services.sessions import Session
from cms.web.admin.render import error_page, page
from cms.web.http.problems import Problem

COOKIE = "cms_session"
SIGN_IN_COOKIE = "cms_sign_in"
PATH = "/admin"
STREAM_PATH = "/api/v1/events"
"""The session cookie is also sent to the event stream, read-only, for the live Preview (docs/decisions/0008)."""
SIGN_IN = "/admin/sign-in"

Handler = Callable[[Request, Session], Awaitable[Response]]
# What an editor's form keeps when its session ended: given back to the editor after signing in again.
KEPT_FIELDS = ("action_url", "title", "slug", "tags", "summary", "body", "etag", "author")


async def current(request: Request) -> Session | None:
    secret = request.cookies.get(COOKIE)
    if not secret:
        return None
    idle = timedelta(minutes=request.app.state.settings.session_idle_minutes)
    return await sessions.find(secret, idle)


def _cookie_flags(request: Request, path: str = PATH) -> dict[str, Any]:
    return {"path": path, "httponly": True, "samesite": "lax", "secure": request.url.scheme == "https"}


def _safe_next(value: str) -> str:
    """Only a path of this page: never another site (`//evil.example`) after signing in."""
    return value if value.startswith("/admin") and not value.startswith("//") and "\\" not in value else "/admin"


def signed_in(
    scope: str = "write", keeps_text: bool = False
) -> Callable[[Handler], Callable[[Request], Awaitable[Response]]]:
    """A page route for people with `scope`: signed out -> the sign-in page, a form without its CSRF token -> 403."""

    def wrap(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            session = await current(request)
            if session is None:
                if request.method == "POST" and keeps_text:
                    form = await request.form()
                    kept = {name: str(form.get(name, "")) for name in KEPT_FIELDS} | {"action_url": request.url.path}
                    return await _sign_in_page(request, kept=kept)
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                return RedirectResponse(f"{SIGN_IN}?next={quote(target, safe='')}", status_code=303)
            if scope not in session.user.scopes:
                message = f"{session.user.email} has the {session.user.role} role: this page is for admins"
                return error_page(request, session, 403, "Not for your role", message)
            if request.method == "POST":
                check_csrf(await request.form(), session.csrf_token)
            return await handler(request, session)

        return endpoint

    return wrap


def check_csrf(form: Mapping[str, object], expected: str) -> None:
    sent = form.get("csrf")
    if not isinstance(sent, str) or not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise Problem(403, "the form's CSRF token is missing or wrong: reload the page and send the form again")


async def _sign_in_page(
    request: Request,
    *,
    error: str = "",
    email: str = "",
    kept: dict[str, str] | None = None,
    status: int = 200,
    headers: dict[str, str] | None = None,
    next_url: str | None = None,
) -> Response:
    token = request.cookies.get(SIGN_IN_COOKIE) or secrets.token_urlsafe(32)
    if next_url is None:
        next_url = request.query_params.get("next", "") or str((await request.form()).get("next", ""))
    next_url = _safe_next(next_url)
    response = page(
        request, "sign_in.html", None, status, error=error, email=email, kept=kept or {}, sign_in_csrf=token,
        next_url=next_url,
    )  # fmt: skip
    response.set_cookie(SIGN_IN_COOKIE, token, **_cookie_flags(request))
    response.headers.update(headers or {})
    return response


async def sign_in_again(request: Request, kept: dict[str, str]) -> Response:
    """The sign-in page for a form whose session ended: what it held comes back in the editor after signing in."""
    return await _sign_in_page(request, kept=kept, next_url=kept.get("action_url", ""))


async def sign_in_form(request: Request) -> Response:
    if await current(request) is not None:
        return RedirectResponse(_safe_next(request.query_params.get("next", "")), status_code=303)
    return await _sign_in_page(request)


async def sign_in(request: Request) -> Response:
    form = await request.form()
    check_csrf(form, request.cookies.get(SIGN_IN_COOKIE, ""))
    email, password = str(form.get("email", "")), str(form.get("password", ""))
    kept = {name: str(form[f"kept_{name}"]) for name in KEPT_FIELDS if f"kept_{name}" in form}
    try:
        user = await users.authenticate(email, password)
    except users.TooManyFailures as exc:
        SIGN_INS.labels("limited").inc()
        minutes = -(-exc.retry_after // 60)
        error = f"Too many failed sign-ins for this email: try again in {minutes} minute{'s' * (minutes != 1)}."
        headers = {"Retry-After": str(exc.retry_after)}
        return await _sign_in_page(request, error=error, email=email, kept=kept, status=429, headers=headers)
    if user is None:
        SIGN_INS.labels("failure").inc()
        error = "The email or the password is wrong."
        return await _sign_in_page(request, error=error, email=email, kept=kept)
    SIGN_INS.labels("success").inc()
    idle = timedelta(minutes=request.app.state.settings.session_idle_minutes)
    secret, session = await sessions.start(user, idle)
    if kept.get("action_url", "").startswith("/admin/articles/"):
        from cms.web.admin.editor import resume  # the editor imports this module

        response = await resume(request, session, kept)
    else:
        response = RedirectResponse(_safe_next(str(form.get("next", ""))), status_code=303)
    response.set_cookie(COOKIE, secret, **_cookie_flags(request))
    response.set_cookie(COOKIE, secret, **_cookie_flags(request, STREAM_PATH))
    response.delete_cookie(SIGN_IN_COOKIE, path=PATH)
    return response


async def sign_out(request: Request) -> Response:
    session = await current(request)
    if session is not None:
        check_csrf(await request.form(), session.csrf_token)
        await sessions.end(request.cookies[COOKIE])
    response = RedirectResponse(SIGN_IN, status_code=303)
    for path in (PATH, STREAM_PATH):
        response.delete_cookie(COOKIE, **_cookie_flags(request, path))
    return response
