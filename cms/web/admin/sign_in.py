"""Signing in and out: the form, the rate limit, the session cookie (also sent to the event stream, read-only, for
the live Preview: docs/decisions/0008). A form whose session ended comes back in the editor after signing in.
"""

from datetime import timedelta

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from cms.metrics import SIGN_INS
from cms.services import sessions, users
from cms.web.admin.editor import resume
from cms.web.admin.session import (
    KEPT_FIELDS,
    PATH,
    SIGN_IN,
    SIGN_IN_COOKIE,
    check_csrf,
    cookie_flags,
    safe_next,
    sign_in_page,
)
from cms.web.http.sessions import COOKIE, STREAM_PATH, current


async def sign_in_form(request: Request) -> Response:
    if await current(request) is not None:
        return RedirectResponse(safe_next(request.query_params.get("next", "")), status_code=303)
    return await sign_in_page(request)


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
        return await sign_in_page(request, error=error, email=email, kept=kept, status=429, headers=headers)
    if user is None:
        SIGN_INS.labels("failure").inc()
        error = "The email or the password is wrong."
        return await sign_in_page(request, error=error, email=email, kept=kept)
    SIGN_INS.labels("success").inc()
    idle = timedelta(minutes=request.app.state.settings.session_idle_minutes)
    secret, session = await sessions.start(user, idle)
    if kept.get("action_url", "").startswith("/admin/articles/"):
        response = await resume(request, session, kept)
    else:
        response = RedirectResponse(safe_next(str(form.get("next", ""))), status_code=303)
    response.set_cookie(COOKIE, secret, **cookie_flags(request))
    response.set_cookie(COOKIE, secret, **cookie_flags(request, STREAM_PATH))
    response.delete_cookie(SIGN_IN_COOKIE, path=PATH)
    return response


async def sign_out(request: Request) -> Response:
    session = await current(request)
    if session is not None:
        check_csrf(await request.form(), session.csrf_token)
        await sessions.end(request.cookies[COOKIE])
    response = RedirectResponse(SIGN_IN, status_code=303)
    for path in (PATH, STREAM_PATH):
        response.delete_cookie(COOKIE, **cookie_flags(request, path))
    return response


routes = [
    Route(SIGN_IN, sign_in_form, methods=["GET"]),
    Route(SIGN_IN, sign_in, methods=["POST"]),
    Route("/admin/sign-out", sign_out, methods=["POST"]),
]
