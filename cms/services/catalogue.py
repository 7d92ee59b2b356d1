"""Every article as the editor's page lists it: the draft's title, the status, when the draft last changed."""

from dataclasses import dataclass

from cms.core.listing_query import BadCursor, listing_cursor, listing_position
from cms.storage import listing
from cms.storage.listing import DraftEntry as Entry

__all__ = ["BadCursor", "Catalogue", "Entry", "drafts"]


@dataclass(frozen=True)
class Catalogue:
    """One page of entries; pass `next_cursor` back as `cursor` for the next one (None on the last page)."""

    entries: list[Entry]
    next_cursor: str | None


async def drafts(search: str = "", limit: int = 100, cursor: str | None = None) -> Catalogue:
    """Most recently changed first, `limit` at a time by keyset on (updated_at, id); `search` keeps the titles
    that contain it (any case). BadCursor when `cursor` is not a `next_cursor` this returned."""
    after = listing_position(cursor) if cursor is not None else None
    words = "".join(ch for ch in search if ch.isprintable()).strip()[:300]  # PostgreSQL refuses a NUL in text
    if words != search.strip():
        return Catalogue([], None)  # no title holds a control character
    found = await listing.drafts(words, limit, after)
    last = found.more_after
    return Catalogue(found.entries, listing_cursor(*last) if last else None)
