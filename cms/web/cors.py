"""CORS (CMS_CORS_ORIGINS): Starlette's middleware, with a refused preflight answered as problem+json.

Any request header is allowed (a `fetch` may send `Cache-Control` or `Accept-Language`, say): what a browser may
do cross-origin is decided by the allowed origins and methods, and every write needs a token anyway.
"""

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp

from cms.web.problems import ProblemResponse

METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]
EXPOSED = ["ETag", "Location", "X-Request-ID", "Last-Modified", "Retry-After"]


class Cors(CORSMiddleware):
    def __init__(self, app: ASGIApp, origins: list[str]) -> None:
        super().__init__(
            app, allow_origins=origins, allow_methods=METHODS, allow_headers=["*"], expose_headers=EXPOSED, max_age=600
        )

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code != 400:
            return response
        refused = bytes(response.body).decode().removeprefix("Disallowed CORS ")
        origin, method = request_headers["origin"], request_headers["access-control-request-method"]
        detail = (
            f"this cross-origin request is not allowed ({refused}): origin {origin!r}, method {method!r}; "
            f"allowed origins are set by CMS_CORS_ORIGINS, methods are {', '.join(METHODS)}"
        )
        headers = {k: v for k, v in response.headers.items() if k.lower() not in ("content-type", "content-length")}
        return ProblemResponse(400, detail, headers=headers)
