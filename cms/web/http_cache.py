"""HTTP caching of delivery GETs: strong ETag, 304, Last-Modified, Cache-Control, Vary, Surrogate-Key, gzip."""

from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from starlette.requests import Request
from starlette.responses import Response

from cms.services.delivery_cache import Rendition


def surrogate_key(article_uid: str) -> str:
    """The CDN purge key of one article: purge it on publish, unpublish, delete or slug change."""
    return f"article-{article_uid}"


def cached_response(
    request: Request, rendition: Rendition, surrogate_keys: list[str], last_modified: datetime | None = None
) -> Response:
    """200 with the rendition (gzipped when the client accepts it), or 304 when the client's copy is current."""
    settings = request.app.state.settings
    headers = {
        "ETag": rendition.etag,
        "Cache-Control": (
            f"public, max-age={settings.cache_max_age}, stale-while-revalidate={settings.cache_stale_while_revalidate}"
        ),
        "Vary": "Accept-Encoding",
        "Surrogate-Key": " ".join(surrogate_keys),
    }
    if last_modified is not None:
        headers["Last-Modified"] = format_datetime(last_modified.astimezone(UTC), usegmt=True)
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
