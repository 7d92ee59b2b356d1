"""CORS (CMS_CORS_ORIGINS, CMS_CORS_ALLOW_HEADERS): Starlette's middleware, a refused preflight as problem+json.

The request headers a page may send are those of CMS_CORS_ALLOW_HEADERS: by default what browsers and our clients
send (a token, conditional requests, `Cache-Control` from a `fetch`, …), `*` for any. Every write needs a token
anyway; what a browser may do cross-origin is decided by the allowed origins, methods and headers.
"""

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp

from cms.web.http.problems import ProblemResponse

METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]
EXPOSED = ["ETag", "Location", "X-Request-ID", "Last-Modified", "Retry-After", "Preference-Applied"]


class Cors(CORSMiddleware):
    def __init__(self, app: ASGIApp, origins: list[str], allow_headers: list[str]) -> None:
        super().__init__(
            app,
            allow_origins=origins,
            allow_methods=METHODS,
            allow_headers=allow_headers,
            expose_headers=EXPOSED,
            max_age=600,
        )
        self.allowed_names = allow_headers

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code != 400:
            return response
        refused = bytes(response.body).decode().removeprefix("Disallowed CORS ")
        origin, method = request_headers["origin"], request_headers["access-control-request-method"]
        asked = request_headers.get("access-control-request-headers", "").split(",")
        unknown = [name.strip() for name in asked if name.strip() and name.strip().lower() not in self.allow_headers]
        headers_detail = ""
        if unknown and not self.allow_all_headers:
            headers_detail = (
                f", headers {', '.join(unknown)!r}; allowed request headers are set by CMS_CORS_ALLOW_HEADERS"
                f" ({', '.join(self.allowed_names)})"
            )
        detail = (
            f"this cross-origin request is not allowed ({refused}): origin {origin!r}, method {method!r}"
            f"{headers_detail}; allowed origins are set by CMS_CORS_ORIGINS, methods are {', '.join(METHODS)}"
        )
        headers = {k: v for k, v in response.headers.items() if k.lower() not in ("content-type", "content-length")}
        return ProblemResponse(400, detail, headers=headers)
