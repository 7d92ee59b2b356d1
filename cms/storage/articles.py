"""The article row (identity, slug, status, versions, schedule) and the slugs it had before.

Services decide (which version, what to publish, which events); these are the reads and writes they call,
each inside the caller's transaction when there is one. Nothing here hands out an ORM row.
"""

from dataclasses import dataclass, replace
from datetime import datetime

from cms.storage.db import unique
from cms.storage.models import Article as ArticleRow
from cms.storage.models import SlugRedirect


@dataclass(frozen=True)
class ArticleRecord:
    """An article's row as services see it; `id` is the row's key, for the other calls of storage."""

    id: int
    uid: str
    locale: str
    slug: str
    status: str
    version: int
    published_version: int | None
    published_at: datetime | None
    scheduled_at: datetime | None
    scheduled_version: int | None

    @property
    def identity(self) -> tuple[str, str, str]:
        """(id, slug, locale): what `served_article` needs of the article."""
        return self.uid, self.slug, self.locale


def _record(row: ArticleRow) -> ArticleRecord:
    return ArticleRecord(
        id=row.id, uid=row.uid, locale=row.locale, slug=row.slug, status=row.status, version=row.version,
        published_version=row.published_version, published_at=row.published_at, scheduled_at=row.scheduled_at,
        scheduled_version=row.scheduled_version,
    )  # fmt: skip


async def at(slug: str, locale: str) -> ArticleRecord | None:
    """The article that has this slug now."""
    row = await ArticleRow.get_or_none(slug=slug, locale=locale)
    return None if row is None else _record(row)


async def renamed_to(slug: str, locale: str) -> str | None:
    """The current slug of the article that had `slug` before, if one did."""
    old = await SlugRedirect.get_or_none(slug=slug, locale=locale).select_related("article")
    return None if old is None else str(old.article.slug)


async def by_uid(uid: str) -> ArticleRecord | None:
    row = await ArticleRow.get_or_none(uid=uid)
    return None if row is None else _record(row)


async def get(article_id: int) -> ArticleRecord:
    """The article as it is now (after a write); the ORM's DoesNotExist when it is gone."""
    return _record(await ArticleRow.get(id=article_id))


async def oldest_first() -> list[int]:
    """Every article's key, in the order they were created (for export)."""
    return [int(i) for i in await ArticleRow.all().order_by("created_at", "uid").values_list("id", flat=True)]


async def create(uid: str, locale: str, slug: str) -> ArticleRecord:
    """A new article at version 1 (a former slug of another article may be reused); Taken when the slug is."""
    await SlugRedirect.filter(locale=locale, slug=slug).delete()
    with unique():
        return _record(await ArticleRow.create(uid=uid, locale=locale, slug=slug, version=1))


async def claim_version(article_id: int, version: int) -> bool:
    """Compare-and-set: draft `version` becomes `version` + 1, unless another write got there first."""
    claimed = await ArticleRow.filter(id=article_id, version=version).update(version=version + 1)
    # SQLite counts the rows its FTS triggers write too (one matched row can answer 9): test for 0, never for 1.
    return claimed != 0


async def version_of(article_id: int) -> int | None:
    """The current draft version, None when the article is gone."""
    current = await ArticleRow.filter(id=article_id).values_list("version", flat=True)
    return int(current[0]) if current else None


async def move_slug(article: ArticleRecord, new_slug: str) -> ArticleRecord:
    """The article takes `new_slug` (taking it back from a former owner's redirects), and its old slug becomes a
    redirect; Taken when another article has `new_slug`."""
    await SlugRedirect.filter(locale=article.locale, slug=new_slug).delete()
    with unique():
        await ArticleRow.filter(id=article.id).update(slug=new_slug)
        await SlugRedirect.create(locale=article.locale, slug=article.slug, article_id=article.id)
    return replace(article, slug=new_slug)


async def schedule(article_id: int, status: str, at: datetime, version: int) -> None:
    await ArticleRow.filter(id=article_id).update(status=status, scheduled_at=at, scheduled_version=version)


async def mark_published(article_id: int, version: int, published_at: datetime, due: datetime | None) -> bool:
    """The row says `version` is published (and nothing scheduled); with `due`, only while the schedule is still
    that one (a compare-and-set that one worker wins). False when no row matched."""
    rows = ArticleRow.filter(id=article_id) if due is None else ArticleRow.filter(id=article_id, scheduled_at=due)
    claimed = await rows.update(
        status="published", published_version=version, published_at=published_at, scheduled_at=None,
        scheduled_version=None,
    )  # fmt: skip
    return claimed != 0


async def withdraw(article_id: int) -> bool:
    """A published article becomes a draft (its schedule cancelled); False when it was not published."""
    withdrawn = await ArticleRow.filter(id=article_id, published_version__not_isnull=True).update(
        status="draft", published_version=None, published_at=None, scheduled_at=None, scheduled_version=None
    )
    return withdrawn != 0


async def cancel_schedule(article_id: int) -> None:
    await ArticleRow.filter(id=article_id).update(status="draft", scheduled_at=None, scheduled_version=None)


async def delete(article_id: int) -> None:
    """The article with its editions, revisions and former slugs (they cascade)."""
    await ArticleRow.filter(id=article_id).delete()


async def due(now: datetime) -> list[ArticleRecord]:
    """The articles scheduled for `now` or earlier, the longest due first."""
    return [_record(row) for row in await ArticleRow.filter(scheduled_at__lte=now).order_by("scheduled_at")]


async def former_slugs(article_id: int) -> list[tuple[str, datetime]]:
    """(slug, when it was left), oldest first."""
    query = SlugRedirect.filter(article_id=article_id).order_by("created_at", "id").values_list("slug", "created_at")
    return [(str(slug), created_at) for slug, created_at in await query]


async def replace_with(
    uid: str,
    created_at: datetime,
    locale: str,
    slug: str,
    *,
    status: str,
    version: int,
    published_version: int | None,
    published_at: datetime | None,
    scheduled_at: datetime | None,
    scheduled_version: int | None,
) -> ArticleRecord:
    """The article `uid` is deleted (with all it has) and made again as given (for import); Taken when another
    article has the slug."""
    await ArticleRow.filter(uid=uid).delete()
    with unique():
        row = await ArticleRow.create(
            uid=uid, created_at=created_at, locale=locale, slug=slug, status=status, version=version,
            published_version=published_version, published_at=published_at, scheduled_at=scheduled_at,
            scheduled_version=scheduled_version,
        )  # fmt: skip
    return _record(row)


async def restore_former_slugs(article: ArticleRecord, slugs: list[tuple[str, datetime]]) -> None:
    """Taken when another article has one of them as a former slug."""
    with unique():
        await SlugRedirect.bulk_create(
            [
                SlugRedirect(locale=article.locale, slug=slug, article_id=article.id, created_at=created_at)
                for slug, created_at in slugs
            ]
        )
