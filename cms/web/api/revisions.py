"""Revisions of a draft: listed and read with `preview`, restored with `write`."""

from starlette.requests import Request
from starlette.responses import Response

from cms.core.numbers import MAX_VERSION
from cms.services import revisions
from cms.web.api.articles import draft_response
from cms.web.http import auth, params
from cms.web.http.preconditions import if_match
from cms.web.http.responses import json_response
from cms.web.openapi.parts import IF_MATCH, LIMIT, LOCALE, POSITION, SLUG, json_body, param, problem, write_errors
from cms.web.operations import Operation


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


VERSION = param(
    "n", "path", "A revision's version number.", {"type": "integer", "minimum": 1, "maximum": MAX_VERSION}, True
)
# A renamed slug: revisions are management requests, so 308 as for writes (cms.web.http.problems.on_moved).
READ_ERRORS = write_errors(body=False)
NO_REVISION = problem("No such article, or it has no such revision.")

operations = [
    Operation(
        "GET",
        "/api/v1/articles/{slug}/revisions",
        list_revisions,
        "listRevisions",
        "Revisions",
        "Every saved draft, newest first",
        scopes=("preview",),
        parameters=[SLUG, LOCALE, LIMIT, POSITION],
        responses={"200": json_body("RevisionPage", "A page of revisions."), **READ_ERRORS},
    ),
    Operation(
        "GET",
        "/api/v1/articles/{slug}/revisions/{n}",
        get_revision,
        "getRevision",
        "Revisions",
        "One saved draft",
        scopes=("preview",),
        parameters=[SLUG, LOCALE, VERSION],
        responses={
            "200": json_body("RevisionDetail", "The revision and its content."),
            **READ_ERRORS,
            "404": NO_REVISION,
        },
    ),
    Operation(
        "POST",
        "/api/v1/articles/{slug}/revisions/{n}/restore",
        restore_revision,
        "restoreRevision",
        "Revisions",
        "Make a revision the draft again (as a new revision)",
        scopes=("write",),
        parameters=[SLUG, LOCALE, VERSION, IF_MATCH],
        responses={
            "200": json_body("Article", "The draft, with its new `ETag`."),
            **write_errors(body=False, if_match="optional"),
            "404": NO_REVISION,
        },
        returns_draft=True,
    ),
]
