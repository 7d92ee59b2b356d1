"""One record per HTTP operation of the API, declared next to its handler in cms/web/api/.

The router (`routes`), the OpenAPI `paths` (cms/web/openapi/paths.py) and the cached-hit fast path
(cms/web/http/fast_path.py) are all made from these records, so adding a route is adding one `Operation`.
"""

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

Handler = Callable[[Request], Awaitable[Response]]

Security = tuple[dict[str, list[str]], ...]
"""OpenAPI's `security` of an operation: the ways a client may authenticate, any one of them enough."""
PUBLIC: Security = ()
OPTIONAL_TOKEN: Security = ({}, {"bearer": []})
TOKEN: Security = ({"bearer": []},)


class PathParameters(Protocol):
    """A request's `path_params`, or the match of the route's pattern that the fast path makes instead."""

    def __getitem__(self, name: str, /) -> str: ...


Variant = Callable[[PathParameters], tuple[str, ...]]


@dataclass(frozen=True)
class Kept:
    """A GET whose answer without a query string the delivery cache keeps, so the fast path answers it unrouted:
    the rendition `variant(path parameters)` of the published article `{slug}`, or, when `variant` is None, the
    listing page kept for the request's query string."""

    variant: Variant | None = None


@dataclass(frozen=True)
class Operation:
    """`method path`, answered by `handler`; the rest describes it in OpenAPI (`id` is its operationId and the
    route's name). `responses` maps every status it can answer to its OpenAPI response (cms/web/openapi/parts.py
    has the problems and bodies they are made of); the headers of each are added by what the response is."""

    method: str
    path: str
    handler: Handler
    id: str
    tag: str
    summary: str
    responses: Mapping[str, Any]
    parameters: Sequence[Mapping[str, Any]] = ()
    body: Mapping[str, Any] | None = None
    scopes: tuple[str, ...] = ()
    """A token with one of these scopes is needed (its description says so)."""
    security: Security = TOKEN
    returns_draft: bool = False
    """Success carries the draft's new `ETag`, for the next If-Match."""
    merges: bool = False
    """It takes `Prefer: merge`: success carries `Preference-Applied: merge` when the write was merged."""
    asks_database: bool = True
    """False for the few operations that never can answer 503 for the database."""
    kept: Kept | None = None

    def __post_init__(self) -> None:
        if self.kept is not None and self.method != "GET":
            raise ValueError(f"{self.method} {self.path}: only a GET's answer is kept for the fast path")


def routes(operations: Sequence[Operation]) -> list[Route]:
    return [Route(op.path, op.handler, methods=[op.method], name=op.id) for op in operations]
