"""Request bodies: the size limit (counted while reading), the media type, and JSON parsing into models."""

from typing import Any, TypeVar

import orjson
from pydantic import BaseModel
from starlette.requests import Request

from cms.core.numbers import whole_number
from cms.web.http.problems import Problem

M = TypeVar("M", bound=BaseModel)

JSON = "application/json"
MERGE_PATCH = "application/merge-patch+json"
MARKDOWN = "text/markdown"


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def require_media_type(request: Request, accepted: tuple[str, ...]) -> str:
    kind = media_type(request)
    if kind not in accepted:
        raise Problem(415, f"content type {kind or '(none)'!r} is not accepted here: send {' or '.join(accepted)}")
    return kind


async def read(request: Request) -> bytes:
    """The whole body, refused with 413 as soon as it passes CMS_MAX_BODY_BYTES (never buffered beyond it)."""
    limit: int = request.app.state.settings.max_body_bytes
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and whole_number(declared, limit) is None:
        raise _too_large(limit)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise _too_large(limit)
    return bytes(body)


def _too_large(limit: int) -> Problem:
    return Problem(413, f"the body is larger than the limit of {limit} bytes (CMS_MAX_BODY_BYTES)")


async def model(request: Request, kind: type[M]) -> M:
    """A JSON body validated as `kind`: 415, 413, 400 (malformed JSON) or 422 (invalid content, with paths)."""
    require_media_type(request, (JSON,))
    return kind.model_validate_json(await read(request))


async def json_value(request: Request, accepted: tuple[str, ...] = (JSON,)) -> Any:
    """Any JSON value (for merge patches): 415, 413 or 400."""
    require_media_type(request, accepted)
    try:
        return orjson.loads(await read(request))
    except orjson.JSONDecodeError as exc:
        raise Problem(400, f"the body is not valid JSON: {exc}") from None


async def text(request: Request) -> str:
    try:
        return (await read(request)).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Problem(400, f"the body is not valid UTF-8: {exc}") from None
