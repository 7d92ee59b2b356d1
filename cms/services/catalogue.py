"""Every article as the editor's page lists it: the draft's title, the status, when the draft last changed."""

from dataclasses import dataclass
from datetime import datetime

from cms.storage.models import DRAFT, Edition


@dataclass(frozen=True)
class Entry:
    slug: str
    locale: str
    title: str
    status: str
    updated_at: datetime


async def drafts(search: str = "", limit: int = 500) -> list[Entry]:
    """Most recently changed first; `search` keeps the titles that contain it (any case)."""
    query = Edition.filter(stage=DRAFT).select_related("article")
    words = "".join(ch for ch in search if ch.isprintable()).strip()[:300]  # PostgreSQL refuses a NUL in text
    if words != search.strip():
        return []  # no title holds a control character
    if words:
        query = query.filter(title__icontains=words)
    rows = await query.order_by("-updated_at", "-id").limit(limit)
    return [Entry(e.article.slug, e.article.locale, e.title, e.article.status, e.updated_at) for e in rows]
