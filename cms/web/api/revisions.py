"""Revisions of a draft: listed and read with `preview`, restored with `write`."""

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from cms.services import revisions
from cms.web.api.articles import draft_response
from cms.web.http import auth, params
from cms.web.http.preconditions import if_match
from cms.web.http.responses import json_response


def _locale(query: dict[str, str], request: Request) -> str:
    return params.locale(query, request.app.state.settings.default_locale)


async def list_revisions(request: Request) -> Response:
    await auth.require(request, "preview")
    query = params.query(request, {"locale", "limit", "cursor"})
    before = params.position(query)
    page = await revisions.history(request.path_params["slug"], _locale(query, request), params.limit(query), before)
    return json_response(page.model_dump(mode="json"))


async def get_revision(request: Request) -> Response:
    await auth.require(request, "preview")
    query = params.query(request, {"locale"})
    revision = await revisions.get(request.path_params["slug"], _locale(query, request), params.version(request))
    return json_response(revision.model_dump(mode="json"))


async def restore_revision(request: Request) -> Response:
    token = await auth.require(request, "write")
    query = params.query(request, {"locale"})
    slug, version = request.path_params["slug"], params.version(request)
    article = await revisions.restore(slug, _locale(query, request), version, if_match(request, False), token.name)
    return draft_response(article)


routes = [
    Route("/api/v1/articles/{slug}/revisions", list_revisions, methods=["GET"]),
    Route("/api/v1/articles/{slug}/revisions/{n}", get_revision, methods=["GET"]),
    Route("/api/v1/articles/{slug}/revisions/{n}/restore", restore_revision, methods=["POST"]),
]
