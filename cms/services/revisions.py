"""History: every saved draft, newest first; restoring one makes a new draft revision."""

from collections.abc import Sequence

from pydantic import BaseModel

from cms.core.article import Article, ArticleInput, Document
from cms.core.errors import NotFound
from cms.core.timestamps import UtcDatetime
from cms.services import drafts
from cms.storage import revisions
from cms.storage.revisions import RevisionRecord


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


class RevisionDetailPage(BaseModel):
    """A RevisionPage whose items carry their documents."""

    items: list[RevisionDetail]
    next_cursor: str | None


async def history(slug: str, locale: str, limit: int, before: int | None) -> RevisionPage:
    """Revisions newer first, `limit` at a time, by keyset on the version number."""
    rows = await _page(slug, locale, limit, before, documents=False)
    items = [_summary(row) for row in rows[:limit]]
    return RevisionPage(items=items, next_cursor=_next_cursor(items, len(rows), limit))


async def history_with_documents(slug: str, locale: str, limit: int, before: int | None) -> RevisionDetailPage:
    """As `history`, each revision with its document, read by the same one query."""
    rows = await _page(slug, locale, limit, before, documents=True)
    items = [detail(row) for row in rows[:limit]]
    return RevisionDetailPage(items=items, next_cursor=_next_cursor(items, len(rows), limit))


async def _page(slug: str, locale: str, limit: int, before: int | None, documents: bool) -> list[RevisionRecord]:
    """The page's revisions and one more, which tells whether an older page follows."""
    article = await drafts.find(slug, locale)
    return await revisions.page(article.id, limit + 1, before, documents)


def _next_cursor(items: Sequence[RevisionSummary], found: int, limit: int) -> str | None:
    return str(items[-1].version) if found > limit else None


async def get(slug: str, locale: str, version: int) -> RevisionDetail:
    article = await drafts.find(slug, locale)
    row = await revisions.get(article.id, version)
    if row is None:
        raise NotFound(f"article {article.slug!r} has no revision {version}: versions run from 1 to {article.version}")
    return detail(row)


def _summary(row: RevisionRecord) -> RevisionSummary:
    return RevisionSummary(version=row.version, created_at=row.created_at, token_name=row.token_name, title=row.title)


def detail(row: RevisionRecord) -> RevisionDetail:
    fields = {"version": row.version, "created_at": row.created_at, "token_name": row.token_name, "title": row.title}
    return RevisionDetail.model_validate(fields | {"document": row.document}, strict=False)


async def restore(slug: str, locale: str, version: int, if_match: list[str] | None, token: str | None) -> Article:
    """The draft becomes revision `version` again, as a new revision; the slug stays as it is now."""
    revision = await get(slug, locale, version)

    def change(article: object, current: Document) -> ArticleInput:
        return ArticleInput.model_validate(revision.document.model_dump(mode="json"))

    return await drafts.update(slug, locale, if_match, token, change)
