"""The editor's page under /admin: server-rendered templates, a little JavaScript, no CDN."""

from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from cms.web.admin import editor, images, people, sign_in, webhooks
from cms.web.admin.render import HERE

routes: list[BaseRoute] = [
    *sign_in.routes,
    *images.routes,
    *editor.routes,
    *people.routes,
    *webhooks.routes,
    Mount("/admin/static", StaticFiles(directory=HERE / "static"), name="admin-static"),
]
