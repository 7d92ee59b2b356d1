"""API tokens (`admin`): create (the secret is in that answer only), list, revoke."""

from starlette.requests import Request
from starlette.responses import Response

from cms.services import tokens
from cms.web.http import auth, bodies, params
from cms.web.http.responses import json_response
from cms.web.openapi.parts import NO_CONTENT, SERVER_ID, json_body, param, problem, request_body, write_errors
from cms.web.operations import Operation
from cms.web.schemas import CreatedToken, NewToken, TokenList


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


operations = [
    Operation(
        "GET",
        "/api/v1/tokens",
        list_tokens,
        "listTokens",
        "Tokens",
        "Active tokens (never their secrets)",
        scopes=("admin",),
        responses={"200": json_body("TokenList", "The tokens."), **write_errors(slug=False, body=False)},
    ),
    Operation(
        "POST",
        "/api/v1/tokens",
        create_token,
        "createToken",
        "Tokens",
        "Create a token; its secret is in this response only",
        scopes=("admin",),
        body=request_body("NewToken"),
        responses={
            "201": json_body("CreatedToken", "The token and its secret; `Location` is its URL."),
            **write_errors(slug=False),
        },
    ),
    Operation(
        "DELETE",
        "/api/v1/tokens/{id}",
        revoke_token,
        "revokeToken",
        "Tokens",
        "Revoke a token, effective immediately",
        scopes=("admin",),
        parameters=[param("id", "path", "The token's id.", SERVER_ID, required=True)],
        responses={"204": NO_CONTENT, **write_errors(slug=False, body=False), "404": problem("No such token.")},
    ),
]
