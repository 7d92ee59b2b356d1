"""The editor's session as a request carries it: the cookie's name and the live session it names.

The editor's page signs people in (cms/web/admin/session.py); the event stream reads the same cookie, read-only,
for the live Preview (docs/decisions/0008). Both read it here, so the API does not depend on the page.
"""

from datetime import timedelta

from starlette.requests import Request

from cms.services import sessions
from cms.services.sessions import Session

COOKIE = "cms_session"
STREAM_PATH = "/api/v1/events"
"""The one API path the cookie is also sent to: the event stream (docs/decisions/0008)."""


async def current(request: Request) -> Session | None:
    """The live session of the request's cookie: None without one, or when it ended or sat idle too long."""
    secret = request.cookies.get(COOKIE)
    if not secret:
        return None
    idle = timedelta(minutes=request.app.state.settings.session_idle_minutes)
    return await sessions.find(secret, idle)
