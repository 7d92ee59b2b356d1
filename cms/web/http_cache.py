"""HTTP caching of delivery GETs: strong ETag, 304, Last-Modified, Cache-Control, Vary, Surrogate-Key, gzip."""

import functools
from datetime import datetime
from email.utils import parsedate_to_datetime

from starlette.requests import Request
from starlette.responses import Response

from cms.services.delivery_cache import Rendition, http_date


@functools.cache
def _cache_control(max_age: int, stale_while_revalidate: int) -> str:
    return f"public, max-age={max_age}, stale-while-revalidate={stale_while_revalidate}"


def cached_response(
    request: Request,
    rendition: Rendition,
    surrogate_keys: str,
    last_modified: datetime | None = None,
    last_modified_header: str | None = None,
) -> Response:
    """200 with the rendition (gzipped when the client accepts it), or 304 when the client's copy is current.

    `surrogate_keys` is space-separated; `last_modified_header`, when given, is `http_date(last_modified)` made once.
    """
    settings = request.app.state.settings
    headers = {
        "ETag": rendition.etag,
        "Cache-Control": _cache_control(settings.cache_max_age, settings.cache_stale_while_revalidate),
        "Vary": "Accept-Encoding",
        "Surrogate-Key": surrogate_keys,
    }
    if last_modified is not None:
        headers["Last-Modified"] = last_modified_header or http_date(last_modified)
    if _not_modified(request, rendition.etag, last_modified):
        return Response(status_code=304, headers=headers)
    if rendition.gzipped is not None and "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(rendition.gzipped, media_type=rendition.media_type, headers=headers)
    return Response(rendition.body, media_type=rendition.media_type, headers=headers)


def _not_modified(request: Request, etag: str, last_modified: datetime | None) -> bool:
    """If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2); If-None-Match compares weakly."""
    if (if_none_match := request.headers.get("if-none-match")) is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or etag in tags
    if last_modified is None or (since := request.headers.get("if-modified-since")) is None:
        return False
    try:
        return last_modified.replace(microsecond=0) <= parsedate_to_datetime(since)
    except (TypeError, ValueError):  # an unparsable date is ignored, as RFC 9110 asks
        return False
