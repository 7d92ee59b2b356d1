"""The published listing: summaries newest first, by keyset cursor."""

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime

import orjson
from tortoise.expressions import Q

from cms.core.article import Article
from cms.storage.models import PUBLISHED, Edition
from cms.storage.models import Section as SectionRow
from cms.storage.queries import to_article


@dataclass(frozen=True)
class Page:
    items: list[Article]
    next_cursor: str | None


class BadCursor(ValueError):
    pass


async def published_summaries(locale: str, limit: int, cursor: str | None, with_sections: bool) -> Page:
    """Newest first, by keyset (published_at, id): no page costs more than the first, at any depth.

    One query for the page, one more for the sections when they are asked for.
    """
    query = Edition.filter(stage=PUBLISHED, article__locale=locale)
    if cursor is not None:
        published_at, article_id = decode_cursor(cursor)
        query = query.filter(
            Q(article__published_at__lt=published_at)
            | Q(article__published_at=published_at, article__id__lt=article_id)
        )
    editions = await query.select_related("article").order_by("-article__published_at", "-article__id").limit(limit + 1)
    more = len(editions) > limit
    editions = editions[:limit]
    sections_by_edition: dict[int, list[SectionRow]] = {e.id: [] for e in editions}
    if with_sections and editions:
        for row in await SectionRow.filter(edition_id__in=list(sections_by_edition)).order_by("edition_id", "position"):
            sections_by_edition[row.edition_id].append(row)  # type: ignore[attr-defined]
    items = [to_article(e.article, e, sections_by_edition[e.id]) for e in editions]
    last = editions[-1].article if editions else None
    next_cursor = encode_cursor(last.published_at, last.id) if more and last and last.published_at else None
    return Page(items, next_cursor)


def encode_cursor(published_at: datetime, article_id: int) -> str:
    raw = orjson.dumps([published_at.isoformat(), article_id])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """The inverse of `encode_cursor`; anything else raises BadCursor (the API answers 400)."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        published_at, article_id = orjson.loads(raw)
        moment = datetime.fromisoformat(published_at)
    except (binascii.Error, ValueError, TypeError, orjson.JSONDecodeError):
        raise BadCursor(f"cursor {cursor!r} is not one this API returned: pass next_cursor unchanged") from None
    if not isinstance(article_id, int) or isinstance(article_id, bool) or moment.tzinfo is None:
        raise BadCursor(f"cursor {cursor!r} is not one this API returned: pass next_cursor unchanged")
    return moment, article_id
