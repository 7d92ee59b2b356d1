"""Named reads. Each returns core models (or plain values), never ORM rows, and costs a fixed number of queries."""

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime

import orjson
from tortoise.expressions import Q

from cms.core.article import Article, Section
from cms.storage.models import PUBLISHED, Edition, Site, SlugRedirect
from cms.storage.models import Article as ArticleRow
from cms.storage.models import Section as SectionRow


@dataclass(frozen=True)
class Redirect:
    """The slug asked for was renamed: the article now lives at `slug`."""

    slug: str


@dataclass(frozen=True)
class Page:
    items: list[Article]
    next_cursor: str | None


class BadCursor(ValueError):
    pass


def to_section(row: SectionRow) -> Section:
    return Section.model_validate(
        {"id": row.uid, "anchor": row.anchor, "heading": row.heading, "blocks": row.blocks}, strict=False
    )


def to_article(article: ArticleRow, edition: Edition, sections: list[SectionRow]) -> Article:
    # Rows were validated on the way in; this rebuilds the models without re-running the sanitiser's cost twice.
    return Article.model_validate(
        {
            "id": article.uid,
            "slug": article.slug,
            "locale": article.locale,
            "title": edition.title,
            "summary": edition.summary,
            "tags": edition.tags,
            "author": edition.author,
            "status": article.status,
            "version": edition.version,
            "published_at": article.published_at,
            "updated_at": edition.updated_at,
            "sections": [to_section(row) for row in sections],
        },
        strict=False,
    )


async def published_by_slug(slug: str, locale: str) -> Article | Redirect | None:
    """The published article at this slug: 2 queries, whatever its size; a third only for an unknown slug."""
    edition = (
        await Edition.filter(stage=PUBLISHED, article__slug=slug, article__locale=locale)
        .select_related("article")
        .first()
    )
    if edition is None:
        return await _renamed(slug, locale)
    sections = await SectionRow.filter(edition_id=edition.id).order_by("position")
    return to_article(edition.article, edition, sections)


async def _renamed(slug: str, locale: str) -> Redirect | None:
    old = await SlugRedirect.filter(slug=slug, locale=locale).select_related("article").first()
    return Redirect(old.article.slug) if old else None


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


async def site_name() -> str | None:
    site = await Site.first()
    return site.name if site else None


async def published_locales() -> list[str]:
    rows = await ArticleRow.filter(published_version__not_isnull=True).distinct().values_list("locale", flat=True)
    return sorted(str(locale) for locale in rows)
