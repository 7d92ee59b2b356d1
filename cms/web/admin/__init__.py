"""The editor's page under /admin (SPEC §8): server-rendered templates, a little JavaScript, no CDN."""

from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from cms.web.admin import editor, images, people, session, webhooks
from cms.web.admin.render import HERE

routes: list[BaseRoute] = [
    Route("/admin/sign-in", session.sign_in_form, methods=["GET"]),
    Route("/admin/sign-in", session.sign_in, methods=["POST"]),
    Route("/admin/sign-out", session.sign_out, methods=["POST"]),
    *images.routes,
    *editor.routes,
    *people.routes,
    *webhooks.routes,
    Mount("/admin/static", StaticFiles(directory=HERE / "static"), name="admin-static"),
]
