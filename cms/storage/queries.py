"""Named reads. Each returns core models (or plain values), never ORM rows, and costs a fixed number of queries."""

from dataclasses import dataclass
from datetime import datetime

from cms.core.article import Article, Document, Section, served_article
from cms.storage.articles import ArticleRecord
from cms.storage.db import delivery_connection
from cms.storage.models import DRAFT, PUBLISHED, Edition, Site, SlugRedirect
from cms.storage.models import Article as ArticleRow
from cms.storage.models import Section as SectionRow


@dataclass(frozen=True)
class Redirect:
    """The slug asked for was renamed: the article now lives at `slug`."""

    slug: str


def to_section(row: SectionRow) -> Section:
    return Section.model_validate(
        {"id": row.uid, "anchor": row.anchor, "heading": row.heading, "blocks": row.blocks}, strict=False
    )


async def draft(article: ArticleRecord) -> Article:
    """The article's current draft as `?preview=true` serves it (read from the primary, which has every write)."""
    edition = await Edition.get(article_id=article.id, stage=DRAFT)
    sections = await SectionRow.filter(edition_id=edition.id).order_by("position")
    return to_article(article, edition, sections)


def to_article(article: ArticleRecord, edition: Edition, sections: list[SectionRow]) -> Article:
    """The article as clients read it, from an edition's rows (validated on the way in, so rebuilt cheaply)."""
    document = Document(
        title=edition.title, summary=edition.summary, tags=edition.tags, author=edition.author,
        sections=[to_section(row) for row in sections],
    )  # fmt: skip
    return served_article(
        article.identity, document, status=article.status, version=edition.version,
        published_at=article.published_at, updated_at=edition.updated_at,
    )  # fmt: skip


@dataclass(frozen=True)
class Snapshot:
    """A published article as stored at publish time: the JSON delivery serves, ready to send."""

    article_uid: str
    json: bytes
    published: datetime
    """When this version was published: the `updated_at` inside the JSON, and the response's Last-Modified."""


async def published_snapshot(slug: str, locale: str) -> Snapshot | Redirect | None:
    """The published article at this slug: one indexed query; a second only for an unknown slug."""
    row = (
        await Edition.filter(stage=PUBLISHED, article__slug=slug, article__locale=locale)
        .using_db(delivery_connection())
        .first()
        .values("snapshot", "updated_at", "article__uid")
    )
    if row is None:
        return await _renamed(slug, locale)
    return Snapshot(row["article__uid"], row["snapshot"].encode(), row["updated_at"])


async def _renamed(slug: str, locale: str) -> Redirect | None:
    old = (
        await SlugRedirect.filter(slug=slug, locale=locale)
        .using_db(delivery_connection())
        .first()
        .values("article__slug")
    )
    return Redirect(old["article__slug"]) if old else None


async def site_name() -> str | None:
    site = await Site.all().using_db(delivery_connection()).first()
    return site.name if site else None


async def published_locales() -> list[str]:
    rows = (
        await ArticleRow.filter(published_version__not_isnull=True)
        .using_db(delivery_connection())
        .distinct()
        .values_list("locale", flat=True)
    )
    return sorted(str(locale) for locale in rows)
