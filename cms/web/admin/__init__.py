"""The editor's page under /admin: server-rendered templates, a little JavaScript, no CDN."""

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from cms.web.admin import editor, images, people, sign_in, webhooks
from cms.web.admin.render import HERE

STATIC = StaticFiles(directory=HERE / "static")
FAVICON_MAX_AGE = 7 * 24 * 3600


async def favicon(request: Request) -> Response:
    """The icon browsers ask every site for (a page of the API or /docs, too): a file, so ETag and 304 come with
    it, kept a week. Like /admin and /docs it is for people, not an API operation (not in /openapi.json)."""
    response = await STATIC.get_response("favicon.ico", request.scope)
    response.headers["Cache-Control"] = f"public, max-age={FAVICON_MAX_AGE}"
    if response.status_code == 200:  # the registered type, whatever the system's table of types says
        response.headers["Content-Type"] = "image/vnd.microsoft.icon"
    return response


routes: list[BaseRoute] = [
    *sign_in.routes,
    *images.routes,
    *editor.routes,
    *people.routes,
    *webhooks.routes,
    Mount("/admin/static", STATIC, name="admin-static"),
    Route("/favicon.ico", favicon, methods=["GET"]),
]
