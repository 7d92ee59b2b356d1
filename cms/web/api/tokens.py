"""API tokens (`admin`): create (the secret is in that answer only), list, revoke."""

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from cms.services import tokens
from cms.services.tokens import TokenInfo
from cms.web.http import auth, bodies, params
from cms.web.http.responses import json_response


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
    Route("/api/v1/tokens", create_token, methods=["POST"]),
    Route("/api/v1/tokens", list_tokens, methods=["GET"]),
    Route("/api/v1/tokens/{id}", revoke_token, methods=["DELETE"]),
]
