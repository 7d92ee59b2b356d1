"""Who may use a page: the signed-in guard of every route, the CSRF check of every form, the sign-in page.

The session cookie holds a random secret (the table keeps its SHA-256); it is HttpOnly, SameSite=Lax, and
Secure when the page is served over HTTPS. Each session has its own CSRF token, sent back by every form.
Before a session exists, the sign-in form is protected by a double-submit cookie of its own.
"""

import hmac
import json
import secrets
from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from cms.services.sessions import Session
from cms.web.admin.render import error_page, page
from cms.web.http import bodies
from cms.web.http.problems import Problem
from cms.web.http.sessions import current

SIGN_IN_COOKIE = "cms_sign_in"
PATH = "/admin"
SIGN_IN = "/admin/sign-in"

Handler = Callable[[Request, Session], Awaitable[Response]]
KeptText = Callable[[Request], Awaitable[dict[str, str]]]
# What an editor's form keeps when its session ended: given back to the editor after signing in again.
KEPT_FIELDS = ("action_url", "form")
"""What a form sent after its session ended keeps: where it was going, and all its fields as JSON pairs."""
NOT_KEPT = ("csrf", "action")


def cookie_flags(request: Request, path: str = PATH) -> dict[str, Any]:
    return {"path": path, "httponly": True, "samesite": "lax", "secure": request.url.scheme == "https"}


def safe_next(value: str) -> str:
    """Only a path of this page: never another site (`//evil.example`) after signing in."""
    return value if value.startswith("/admin") and not value.startswith("//") and "\\" not in value else "/admin"


def wants_json(request: Request) -> bool:
    """The page's script asking (an upload): it is answered problem+json, never a page or a redirect."""
    return "application/json" in request.headers.get("accept", "")


def signed_in(
    scope: str = "write", keeps_text: bool = False, streamed: KeptText | None = None
) -> Callable[[Handler], Callable[[Request], Awaitable[Response]]]:
    """A page route for people with `scope`: signed out -> the sign-in page, another role -> 403, a form without its
    CSRF token -> 403. A script asking for JSON gets the 401 and the 403 as problem+json.

    `keeps_text`: a form sent after its session ended comes back in the editor after signing in again.
    `streamed`: the route reads its multipart body itself as it streams in (an upload) and checks that body's CSRF
    token with `check_csrf`; signed out, the text typed is what `streamed` reads from the body.
    """

    def wrap(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            multipart = streamed if bodies.media_type(request) == "multipart/form-data" else None
            session = await current(request)
            if session is None:
                return await _signed_out(request, keeps_text, multipart)
            if scope not in session.user.scopes:
                message = f"{session.user.email} has the {session.user.role} role: this page is for admins"
                if wants_json(request):
                    raise Problem(403, message)
                return error_page(request, session, 403, "Not for your role", message)
            if request.method == "POST" and multipart is None:
                check_csrf(await request.form(), session.csrf_token)
            return await handler(request, session)

        return endpoint

    return wrap


async def _signed_out(request: Request, keeps_text: bool, streamed: KeptText | None) -> Response:
    if wants_json(request):
        raise Problem(401, "your session ended: sign in again (in another tab, to keep what you typed here)")
    if request.method == "POST" and streamed is not None:
        return await sign_in_again(request, await streamed(request))
    if request.method == "POST" and keeps_text:
        form = await request.form()
        pairs = [(name, value) for name, value in form.multi_items() if isinstance(value, str) and name not in NOT_KEPT]
        kept = {"action_url": request.url.path, "form": json.dumps(pairs, ensure_ascii=False)}
        return await sign_in_page(request, kept=kept)
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"{SIGN_IN}?next={quote(target, safe='')}", status_code=303)


def check_csrf(form: Mapping[str, object], expected: str) -> None:
    sent = form.get("csrf")
    if not isinstance(sent, str) or not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise Problem(403, "the form's CSRF token is missing or wrong: reload the page and send the form again")


async def sign_in_page(
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
    next_url = safe_next(next_url)
    response = page(
        request, "sign_in.html", None, status, error=error, email=email, kept=kept or {}, sign_in_csrf=token,
        next_url=next_url,
    )  # fmt: skip
    response.set_cookie(SIGN_IN_COOKIE, token, **cookie_flags(request))
    response.headers.update(headers or {})
    return response


async def sign_in_again(request: Request, kept: dict[str, str]) -> Response:
    """The sign-in page for a form whose session ended: what it held comes back in the editor after signing in."""
    return await sign_in_page(request, kept=kept, next_url=kept.get("action_url", ""))
