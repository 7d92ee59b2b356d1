"""HTTP caching of delivery GETs: strong ETag, 304, Last-Modified, Cache-Control, Vary, Surrogate-Key, gzip.

A cached article's responses are prepared once: the encoded header lists of its 200 and 304, plain and gzipped,
are kept with the rendition, so a hit only picks one and sends it. This is the hot path of every site behind us.

The gzipped body is another representation, so it has its own strong ETag (the plain one with `-gzip`): a cache
that stored one must never be told by a 304 that it holds the other (RFC 9110 §8.8.3).
"""

import functools
from collections.abc import Iterable
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import NamedTuple

from starlette.requests import Request
from starlette.responses import Response

from cms.config import Settings
from cms.core.representation import Rendition, http_date

Headers = list[tuple[bytes, bytes]]


class PreparedResponse(Response):
    """A Response whose encoded headers were made earlier (Starlette's Response encodes them on every request)."""

    def __init__(self, status_code: int, raw_headers: Headers, body: bytes = b"") -> None:
        self.status_code = status_code
        self.raw_headers = raw_headers
        self.body = body
        self.background = None


@functools.cache
def _cache_control(max_age: int, stale_while_revalidate: int, stale_if_error: int) -> str:
    """stale-if-error (RFC 5861): a CDN keeps serving its copy while we answer 5xx, as the workers themselves do."""
    return (
        f"public, max-age={max_age}, stale-while-revalidate={stale_while_revalidate}, stale-if-error={stale_if_error}"
    )


class Conditions(NamedTuple):
    """The request headers a cached answer depends on, read in one pass over the raw headers.

    A list-valued header sent twice counts as one comma-joined header (RFC 9110 §5.3).
    """

    accept_encoding: str = ""
    if_none_match: str | None = None
    if_modified_since: str | None = None

    @classmethod
    def of(cls, raw_headers: Iterable[tuple[bytes, bytes]]) -> "Conditions":
        accept: list[str] = []
        none_match: list[str] = []
        modified_since = None
        for name, value in raw_headers:
            if name == b"accept-encoding":
                accept.append(value.decode("latin-1"))
            elif name == b"if-none-match":
                none_match.append(value.decode("latin-1"))
            elif name == b"if-modified-since" and modified_since is None:
                modified_since = value.decode("latin-1")
        return cls(", ".join(accept), ", ".join(none_match) if none_match else None, modified_since)


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
    conditions = Conditions.of(request.scope["headers"])
    settings = request.app.state.settings
    return answer(conditions, settings, rendition, surrogate_keys, last_modified, last_modified_header)


def answer(
    conditions: Conditions,
    settings: Settings,
    rendition: Rendition,
    surrogate_keys: str,
    last_modified: datetime | None = None,
    last_modified_header: str | None = None,
) -> Response:
    """`cached_response` for a caller that has no Request (cms/web/http/fast_path.py)."""
    gzipped = rendition.gzipped is not None and accepts_gzip(conditions.accept_encoding)
    kind = "gzip" if gzipped else "identity"
    etag = gzip_etag(rendition.etag) if gzipped else rendition.etag
    if _not_modified(conditions, etag, last_modified):
        return PreparedResponse(304, _headers(settings, rendition, surrogate_keys, None, None, kind, body=False))
    headers = _headers(settings, rendition, surrogate_keys, last_modified, last_modified_header, kind)
    return PreparedResponse(200, headers, rendition.gzipped if gzipped and rendition.gzipped else rendition.body)


def gzip_etag(etag: str) -> str:
    """'"3f2a…"' -> '"3f2a…-gzip"': the strong ETag of the gzipped representation."""
    return etag[:-1] + '-gzip"'


@functools.lru_cache(maxsize=256)
def accepts_gzip(accept_encoding: str) -> bool:
    """Whether `Accept-Encoding` allows gzip: 'gzip, br' and '*' do; 'gzip;q=0', 'identity' and '' do not.

    Few distinct values reach a server (each browser sends one), so the answer is kept per value.
    """
    quality: dict[str, float] = {}
    for item in accept_encoding.lower().split(","):
        coding, _, parameters = item.strip().partition(";")
        q = 1.0
        for parameter in parameters.split(";"):
            name, _, value = parameter.strip().partition("=")
            if name == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0  # a malformed weight makes the coding unacceptable rather than preferred
        quality[coding.strip()] = q
    q = quality.get("gzip", quality.get("x-gzip", quality.get("*", 0.0)))
    return q > 0


def _headers(
    settings: Settings,
    rendition: Rendition,
    surrogate_keys: str,
    last_modified: datetime | None,
    last_modified_header: str | None,
    kind: str,
    body: bool = True,
) -> Headers:
    """The encoded headers of one response ("identity" or "gzip", 200 or 304), made once per rendition.

    A 304 carries what RFC 9110 §15.4.5 asks for (ETag, Cache-Control, Vary) and the Surrogate-Key that guides a
    CDN's cache update, but no representation metadata: no Last-Modified beside an ETag, no Content-Type.
    """
    key = kind if body else f"{kind} 304"
    if (headers := rendition.prepared_headers.get(key)) is not None:
        return headers
    pairs = [
        ("etag", gzip_etag(rendition.etag) if kind == "gzip" else rendition.etag),
        (
            "cache-control",
            _cache_control(
                settings.cache_max_age, settings.cache_stale_while_revalidate, settings.cache_stale_if_error
            ),
        ),
        ("vary", "Accept-Encoding"),
        ("surrogate-key", surrogate_keys),
    ]
    if last_modified is not None:
        pairs.append(("last-modified", last_modified_header or http_date(last_modified)))
    if body:
        content = rendition.gzipped if kind == "gzip" and rendition.gzipped else rendition.body
        pairs += [("content-type", rendition.media_type), ("content-length", str(len(content)))]
        if kind == "gzip":
            pairs.append(("content-encoding", "gzip"))
    headers = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in pairs]
    rendition.prepared_headers[key] = headers
    return headers


def _not_modified(conditions: Conditions, etag: str, last_modified: datetime | None) -> bool:
    """If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2); If-None-Match compares weakly."""
    if (if_none_match := conditions.if_none_match) is not None:
        return etag_matches(if_none_match, etag)
    if last_modified is None or (since := conditions.if_modified_since) is None:
        return False
    try:
        return last_modified.replace(microsecond=0) <= parsedate_to_datetime(since)
    except (TypeError, ValueError):  # an unparsable date is ignored, as RFC 9110 asks
        return False


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Whether an If-None-Match value names `etag`: '*', the tag itself, or a list holding it, compared weakly."""
    if if_none_match is None:
        return False
    if if_none_match == etag:
        return True
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in tags or etag in tags
