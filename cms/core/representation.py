"""A response body ready to send: its bytes, media type, strong ETag and, when it pays, its gzip form.

Made once per article, format and section by delivery (cms/services/delivery_cache.py) and per listing page
(cms/services/listing.py), and sent by the web layer (cms/web/http/caching.py) as often as it is asked for.
"""

import gzip
import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime

GZIP_MIN_BYTES = 1024


def http_date(moment: datetime) -> str:
    """datetime(2026, 11, 24, 10, tzinfo=UTC) -> 'Tue, 24 Nov 2026 10:00:00 GMT'."""
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def strong_etag(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


@dataclass
class Rendition:
    body: bytes
    media_type: str
    etag: str
    gzipped: bytes | None = None
    prepared_headers: dict[str, list[tuple[bytes, bytes]]] = field(default_factory=dict)
    """Encoded response headers, made once by the web layer (cms/web/http/caching.py)."""

    @classmethod
    def of(cls, body: bytes, media_type: str) -> "Rendition":
        compressed = gzip.compress(body, compresslevel=6, mtime=0) if len(body) >= GZIP_MIN_BYTES else None
        return cls(body, media_type, strong_etag(body), compressed)

    @property
    def size(self) -> int:
        return len(self.body) + len(self.gzipped or b"") + 200
