"""History: every saved draft, newest first; restoring one makes a new draft revision."""

from pydantic import BaseModel

from cms.core.article import Article, ArticleInput, Document
from cms.core.errors import NotFound
from cms.core.timestamps import UtcDatetime
from cms.services import drafts
from cms.storage.models import Revision


class RevisionSummary(BaseModel):
    version: int
    created_at: UtcDatetime
    token_name: str | None
    title: str


class RevisionPage(BaseModel):
    """Newest first; pass `next_cursor` back as `?cursor=` for older revisions (null on the last page)."""

    items: list[RevisionSummary]
    next_cursor: str | None


class RevisionDetail(RevisionSummary):
    document: Document


async def history(slug: str, locale: str, limit: int, before: int | None) -> RevisionPage:
    """Revisions newer first, `limit` at a time, by keyset on the version number."""
    article = await drafts.find(slug, locale)
    query = Revision.filter(article_id=article.id)
    if before is not None:
        query = query.filter(version__lt=before)
    rows = await query.order_by("-version").limit(limit + 1).values("version", "created_at", "token_name", "title")
    items = [RevisionSummary(**row) for row in rows[:limit]]
    return RevisionPage(items=items, next_cursor=str(items[-1].version) if len(rows) > limit else None)


async def get(slug: str, locale: str, version: int) -> RevisionDetail:
    article = await drafts.find(slug, locale)
    row = await Revision.get_or_none(article_id=article.id, version=version)
    if row is None:
        raise NotFound(f"article {article.slug!r} has no revision {version}: versions run from 1 to {article.version}")
    return detail(row)


def detail(row: Revision) -> RevisionDetail:
    fields = {"version": row.version, "created_at": row.created_at, "token_name": row.token_name, "title": row.title}
    return RevisionDetail.model_validate(fields | {"document": row.document}, strict=False)


async def restore(slug: str, locale: str, version: int, if_match: list[str] | None, token: str | None) -> Article:
    """The draft becomes revision `version` again, as a new revision; the slug stays as it is now."""
    revision = await get(slug, locale, version)

    def change(article: object, current: Document) -> ArticleInput:
        return ArticleInput.model_validate(revision.document.model_dump(mode="json"))

    return await drafts.update(slug, locale, if_match, token, change)
