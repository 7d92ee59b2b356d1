"""Bearer tokens -> the caller; 401 without a valid token, 403 without the scope."""

from starlette.requests import Request

from cms.services import tokens
from cms.services.tokens import TokenInfo
from cms.web.http.problems import Problem

_CHALLENGE = 'Bearer realm="cms"'


async def require(request: Request, scope: str, *alternatives: str) -> TokenInfo:
    """The token making this request, which must carry `scope` (or one of the `alternatives`)."""
    token = await require_token(request)
    if scope not in token.scopes and not any(other in token.scopes for other in alternatives):
        needed = " or ".join(repr(name) for name in (scope, *alternatives))
        raise Problem(403, f"token {token.name!r} lacks the {needed} scope this route needs")
    return token


async def require_token(request: Request) -> TokenInfo:
    """The valid token making this request, whatever its scopes."""
    scheme, _, secret = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise Problem(
            401,
            "this route needs a token: send 'Authorization: Bearer <token>'",
            headers={"WWW-Authenticate": _CHALLENGE},
        )
    token = await tokens.authenticate(secret.strip())
    if token is None:
        raise Problem(
            401,
            "the token is not valid (unknown or revoked): create one with 'cms token create'",
            headers={"WWW-Authenticate": f'{_CHALLENGE}, error="invalid_token"'},
        )
    return token


async def may(request: Request, scope: str) -> bool:
    """For routes open to everyone that show more to some: no token is False; a bad token is still a 401."""
    if "authorization" not in request.headers:
        return False
    token = await require_token(request)
    return scope in token.scopes
