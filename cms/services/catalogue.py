"""Every article as the editor's page lists it: the draft's title, the status, when the draft last changed."""

from dataclasses import dataclass
from datetime import datetime

from tortoise.expressions import Q

from cms.core.listing_query import BadCursor, listing_cursor, listing_position
from cms.storage.models import DRAFT, Edition

__all__ = ["BadCursor", "Catalogue", "Entry", "drafts"]


@dataclass(frozen=True)
class Entry:
    slug: str
    locale: str
    title: str
    status: str
    updated_at: datetime


@dataclass(frozen=True)
class Catalogue:
    """One page of entries; pass `next_cursor` back as `cursor` for the next one (None on the last page)."""

    entries: list[Entry]
    next_cursor: str | None


async def drafts(search: str = "", limit: int = 100, cursor: str | None = None) -> Catalogue:
    """Most recently changed first, `limit` at a time by keyset on (updated_at, id); `search` keeps the titles
    that contain it (any case). BadCursor when `cursor` is not a `next_cursor` this returned."""
    after = listing_position(cursor) if cursor is not None else None
    query = Edition.filter(stage=DRAFT).select_related("article")
    words = "".join(ch for ch in search if ch.isprintable()).strip()[:300]  # PostgreSQL refuses a NUL in text
    if words != search.strip():
        return Catalogue([], None)  # no title holds a control character
    if words:
        query = query.filter(title__icontains=words)
    if after is not None:
        moment, edition_id = after
        query = query.filter(Q(updated_at__lt=moment) | Q(updated_at=moment, id__lt=edition_id))
    rows = await query.order_by("-updated_at", "-id").limit(limit + 1)
    last = rows[limit - 1] if len(rows) > limit else None
    entries = [Entry(e.article.slug, e.article.locale, e.title, e.article.status, e.updated_at) for e in rows[:limit]]
    return Catalogue(entries, listing_cursor(last.updated_at, last.id) if last else None)
