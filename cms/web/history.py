"""Revisions of a draft (read with `preview`, restore with `write`) and API tokens (`admin`)."""

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from cms.services import revisions, tokens
from cms.services.tokens import TokenInfo
from cms.web import auth, bodies, params
from cms.web.management import draft_response
from cms.web.preconditions import if_match
from cms.web.responses import json_response


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


class NewToken(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    name: str = Field(description="1 to 100 printable characters, trimmed")
    scopes: list[tokens.Scope] = Field(min_length=1)


class TokenList(BaseModel):
    items: list[TokenInfo]


class CreatedToken(TokenInfo):
    token: str = Field(description="The secret: shown in this response only, never again.")


async def create_token(request: Request) -> Response:
    await auth.require(request, "admin")
    params.query(request, ())
    new = await bodies.model(request, NewToken)
    token, secret = await tokens.create(new.name, list(new.scopes))
    created = CreatedToken(**token.model_dump(), token=secret)
    return json_response(created.model_dump(mode="json"), 201, {"Location": f"/api/v1/tokens/{token.id}"})


async def list_tokens(request: Request) -> Response:
    await auth.require(request, "admin")
    params.query(request, ())
    return json_response(TokenList(items=await tokens.active()).model_dump(mode="json"))


async def revoke_token(request: Request) -> Response:
    await auth.require(request, "admin")
    params.query(request, ())
    await tokens.revoke(params.server_id(request, "id", "active token"))
    return Response(status_code=204)


routes = [
    Route("/api/v1/articles/{slug}/revisions", list_revisions, methods=["GET"]),
    Route("/api/v1/articles/{slug}/revisions/{n}", get_revision, methods=["GET"]),
    Route("/api/v1/articles/{slug}/revisions/{n}/restore", restore_revision, methods=["POST"]),
    Route("/api/v1/tokens", create_token, methods=["POST"]),
    Route("/api/v1/tokens", list_tokens, methods=["GET"]),
    Route("/api/v1/tokens/{id}", revoke_token, methods=["DELETE"]),
]
