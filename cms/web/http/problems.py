"""problem+json (RFC 9457): the one shape of every error response, and the table of domain error -> status."""

import logging
from http import HTTPStatus
from typing import Any

import orjson
from pydantic import ValidationError
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Match, Route

from cms.core.blocks import error_list
from cms.core.errors import (
    Busy,
    CMSError,
    Conflict,
    InvalidContent,
    MergeConflict,
    Moved,
    NotFound,
    StaleDraft,
    TooLarge,
    UnsupportedType,
)
from cms.services import health
from cms.services.drafts import draft_tag
from cms.web.http.request_id import current_request_id

log = logging.getLogger("cms.errors")
DELIVERY_ROUTES = ("getArticle", "getSection")
"""The operationIds (route names) of the delivery reads (cms/web/api/delivery.py) whose renamed slugs answer 301."""

MERGE_CONFLICT = "tag:cms,2026:problems/merge-conflict"
"""The `type` of a merge's 409 (RFC 9457 allows a tag URI for a type that is not a web page; docs/api.md has it)."""

# RFC 9110's names, where older Pythons' HTTPStatus still has RFC 7231's: titles must not change with the runtime.
_TITLES = {413: "Content Too Large", 422: "Unprocessable Content"}


class ProblemResponse(Response):
    media_type = "application/problem+json"

    def __init__(
        self,
        status: int,
        detail: str,
        headers: dict[str, str] | None = None,
        type: str = "about:blank",
        **extra: Any,
    ) -> None:
        title = _TITLES.get(status) or HTTPStatus(status).phrase
        body = {"type": type, "title": title, "status": status, "detail": detail, **extra}
        super().__init__(orjson.dumps(body), status_code=status, headers=headers)


class Problem(Exception):
    """Raised by handlers for a client error that has no domain meaning (a bad query parameter, say)."""

    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.status, self.detail, self.headers, self.extra = status, detail, headers, extra


def bad_parameter(name: str, detail: str) -> Problem:
    return Problem(400, detail, parameter=name)


_STATUS: dict[type[CMSError], int] = {
    NotFound: 404,
    Conflict: 409,
    MergeConflict: 409,
    StaleDraft: 412,
    TooLarge: 413,
    UnsupportedType: 415,
    InvalidContent: 422,
    Busy: 503,
}


def status_of(exc: CMSError) -> int:
    """The status a domain error answers, in the API and on the editor's page alike."""
    return next(code for kind, code in _STATUS.items() if isinstance(exc, kind))


async def on_problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Problem)
    return ProblemResponse(exc.status, exc.detail, headers=exc.headers, **exc.extra)


async def on_domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, CMSError)
    status = status_of(exc)
    if isinstance(exc, InvalidContent):
        errors = [{"path": e.path, "message": e.message} for e in exc.errors]
        return ProblemResponse(status, "the content is not valid: see errors", errors=errors)
    if isinstance(exc, StaleDraft):
        current = quoted_etag(draft_tag(exc.article_uid, exc.current_version))
        detail = f"the draft has changed since you read it: the current ETag is {current}; fetch it and retry"
        return ProblemResponse(status, detail, headers={"ETag": current})
    if isinstance(exc, MergeConflict):
        conflicts = [conflict.as_json() for conflict in exc.conflicts]
        paths = ", ".join(conflict.path for conflict in exc.conflicts if not conflict.limit)
        limits = "; ".join(f"{conflict.path}: {conflict.limit}" for conflict in exc.conflicts if conflict.limit)
        current = quoted_etag(draft_tag(exc.article_uid, exc.current_version))
        detail = (
            f"both this write and a save since its If-Match changed {paths} differently"
            if paths
            else f"this write merged with a save since its If-Match breaks a limit ({limits})"
        )
        detail += f", so nothing was saved: resolve each conflict and send the result with If-Match: {current}"
        return ProblemResponse(status, detail, {"ETag": current}, type=MERGE_CONFLICT, conflicts=conflicts)
    if isinstance(exc, Busy):
        return ProblemResponse(status, str(exc), headers={"Retry-After": "1"})
    return ProblemResponse(status, str(exc))


async def on_validation_error(request: Request, exc: Exception) -> Response:
    """Pydantic's errors: malformed JSON is 400, anything else 422 with one path per error."""
    assert isinstance(exc, ValidationError)
    errors = error_list(exc)
    if any(e["type"] == "json_invalid" for e in exc.errors(include_url=False)):
        return ProblemResponse(400, f"the body is not valid JSON: {errors[0]['message']}")
    return ProblemResponse(422, "the content is not valid: see errors", errors=errors)


def quoted_etag(tag: str) -> str:
    return f'"{tag}"'


async def on_moved(request: Request, exc: Exception) -> Response:
    """A renamed slug: delivery GETs answer 301, management requests 308 (method and body kept); query kept."""
    assert isinstance(exc, Moved)
    old = request.path_params["slug"]
    path = request.url.path.replace(f"/articles/{old}", f"/articles/{exc.slug}", 1)
    return RedirectResponse(str(request.url.replace(path=path)), status_code=301 if _delivery(request) else 308)


def _delivery(request: Request) -> bool:
    """A published article or section read without `preview=true`: its old slug answers 301, and every
    management request (writes, revisions, previews) 308."""
    route = getattr(request.scope.get("route"), "name", None)
    return route in DELIVERY_ROUTES and request.method == "GET" and request.query_params.get("preview") != "true"


async def on_http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    detail = exc.detail if exc.detail != HTTPStatus(exc.status_code).phrase else _DEFAULT_DETAIL.get(exc.status_code)
    headers = exc.headers
    if exc.status_code == 405:
        headers = {**(headers or {}), "Allow": _allowed_methods(request)}
    return ProblemResponse(exc.status_code, detail or exc.detail, headers=headers)


def _allowed_methods(request: Request) -> str:
    """Every method some route takes at this path: Starlette's 405 names only the first route's."""
    methods: set[str] = set()
    for route in request.app.routes:
        if isinstance(route, Route) and route.methods and route.matches(request.scope)[0] != Match.NONE:
            methods |= route.methods
    return ", ".join(sorted(methods))


async def on_storage_error(request: Request, exc: Exception) -> Response:
    """A database that is down, restarting, full, or busy beyond its timeout is a 503 to retry, not a bug."""
    if health.is_unavailable(exc):
        await health.forget_read_only_sessions(exc)
        detail = "the database is busy or unreachable: retry in a moment"
        return ProblemResponse(503, detail, headers={"Retry-After": "1"})
    return await on_unexpected(request, exc)


async def on_client_disconnect(request: Request, exc: Exception) -> Response:
    """The client went away while sending its body: nothing to answer, nothing went wrong here."""
    log.info("client disconnected before sending the whole body: %s %s", request.method, request.url.path)
    return Response(status_code=499)  # nginx's "client closed request"; nobody receives it


async def on_unexpected(request: Request, exc: Exception) -> Response:
    """Every 500 is logged once, with the request id the client got, so the two can be matched."""
    log.error(
        "unhandled error answering %s %s (request id %s)",
        request.method,
        request.url.path,
        current_request_id(),
        exc_info=exc,
    )
    return ProblemResponse(500, "the server failed to answer this request; it has been logged")


_DEFAULT_DETAIL = {
    404: "no route matches this path: see /docs for the API",
    405: "this route does not take that method: see the Allow header",
}

EXCEPTION_HANDLERS = {
    Problem: on_problem,
    Moved: on_moved,
    ValidationError: on_validation_error,
    CMSError: on_domain_error,
    HTTPException: on_http_exception,
    ClientDisconnect: on_client_disconnect,
    **dict.fromkeys(health.DRIVER_ERRORS, on_storage_error),
    Exception: on_unexpected,
}
