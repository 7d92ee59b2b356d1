"""What a listing request asks for, parsed from user input: the words of `q`, and keyset cursors.

Pure: the SQL that runs them lives in cms/storage/listing.py. A cursor is opaque to clients (base64 of a small
JSON value) and checked here, so a forged one is a 400, never a driver error.
"""

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from cms.core.numbers import MAX_VERSION

MAX_QUERY_CHARS = 500
MAX_QUERY_WORDS = 32
# Letters and digits: what both FTS5's unicode61 tokenizer and PostgreSQL's parser treat as word characters.
_WORD = re.compile(r"[^\W_]+")


class BadCursor(ValueError):
    pass


class BadSearch(ValueError):
    pass


@dataclass(frozen=True)
class Search:
    """The words of `q`: every one must match, the last one as a prefix (so 'depr' finds 'depression')."""

    words: tuple[str, ...]

    @classmethod
    def parse(cls, q: str) -> "Search":
        if len(q) > MAX_QUERY_CHARS:
            raise BadSearch(f"q is {len(q)} characters long: use at most {MAX_QUERY_CHARS}")
        words = tuple(_WORD.findall(q))
        if not words:
            raise BadSearch(f"q {q!r} has no words to search for: give at least one letter or digit")
        if len(words) > MAX_QUERY_WORDS:
            raise BadSearch(f"q has {len(words)} words: use at most {MAX_QUERY_WORDS}")
        return cls(words)

    @property
    def key(self) -> str:
        """Identifies the search inside its cursors, so that a cursor cannot continue another search."""
        return hashlib.sha256(" ".join(self.words).casefold().encode()).hexdigest()[:16]

    def fts5_match(self) -> str:
        """Each word quoted, so no input is FTS5 syntax: 'bad "query -' would raise unquoted."""
        return " ".join(f'"{word}"' for word in self.words) + "*"

    def pg_tsquery(self) -> str:
        """The same for to_tsquery: the words contain no quote, so each quoted word is one operand."""
        return " & ".join(f"'{word}'" for word in self.words) + ":*"


def listing_cursor(published_at: datetime, article_id: int) -> str:
    return _encode([published_at.isoformat(), article_id])


def search_cursor(search: Search, rank: float, article_id: int) -> str:
    return _encode({"q": search.key, "rank": rank, "id": article_id})


def _encode(position: object) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(position)).decode().rstrip("=")


def _decode(cursor: str) -> Any:
    try:
        return orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError):  # orjson.JSONDecodeError is a ValueError
        raise _not_ours(cursor) from None


def _not_ours(cursor: str) -> BadCursor:
    return BadCursor(f"cursor {cursor!r} is not one this API returned: pass next_cursor unchanged")


def _is_id(value: object) -> bool:
    """A whole number the id column can hold: a larger one would fail in the driver, not in the query."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_VERSION


def listing_position(cursor: str) -> tuple[datetime, int]:
    """(published_at, article id) of the last item of the previous page."""
    position = _decode(cursor)
    if isinstance(position, dict):
        raise BadCursor(f"cursor {cursor!r} continues a search: pass the q it came with, or drop the cursor")
    try:
        published_at, article_id = position
        moment = datetime.fromisoformat(published_at)
    except (ValueError, TypeError):
        raise _not_ours(cursor) from None
    if not _is_id(article_id) or moment.tzinfo is None:
        raise _not_ours(cursor)
    return moment, article_id


def search_position(cursor: str, key: str) -> tuple[float, int]:
    """(rank, article id) of the last hit of the previous page of the same search."""
    position = _decode(cursor)
    if not isinstance(position, dict) or set(position) != {"q", "rank", "id"}:
        raise BadCursor(f"cursor {cursor!r} does not continue a search: drop it to start this search")
    rank, article_id = position["rank"], position["id"]
    if not isinstance(rank, int | float) or isinstance(rank, bool) or not _is_id(article_id):
        raise _not_ours(cursor)
    if position["q"] != key:
        raise BadCursor(f"cursor {cursor!r} continues a search for another q: pass the q it came with")
    return float(rank), article_id
