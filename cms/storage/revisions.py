"""Revisions: every saved draft, whole, by article and version number."""

from dataclasses import dataclass
from datetime import datetime

from cms.core.article import Document
from cms.storage.models import Revision


@dataclass(frozen=True)
class RevisionRecord:
    version: int
    created_at: datetime
    token_name: str | None
    title: str
    document: Document | None
    """None when read without documents (`page(..., documents=False)`)."""
    slug: str | None = None
    """The slug it was saved with; None when not recorded (saved by an older installation) or not read (`page`)."""


def _record(row: Revision) -> RevisionRecord:
    document = Document.model_validate(row.document, strict=False)
    return RevisionRecord(row.version, row.created_at, row.token_name, row.title, document, row.slug)


async def add(
    article_id: int, version: int, document: Document, token_name: str | None, slug: str | None = None
) -> None:
    await Revision.create(
        article_id=article_id,
        version=version,
        token_name=token_name,
        title=document.title,
        document=document.model_dump(mode="json"),
        slug=slug,
    )


async def document(article_id: int, version: int) -> Document | None:
    revision = await Revision.get_or_none(article_id=article_id, version=version)
    return None if revision is None else Document.model_validate(revision.document, strict=False)


async def with_slug(article_id: int, version: int) -> tuple[str | None, Document] | None:
    """(the slug it was saved with, None when not recorded; its document), or None when there is no such revision."""
    row = await Revision.get_or_none(article_id=article_id, version=version)
    return None if row is None else (row.slug, Document.model_validate(row.document, strict=False))


async def get(article_id: int, version: int) -> RevisionRecord | None:
    revision = await Revision.get_or_none(article_id=article_id, version=version)
    return None if revision is None else _record(revision)


async def page(article_id: int, limit: int, before: int | None, documents: bool) -> list[RevisionRecord]:
    """Up to `limit` revisions older than version `before` (any when None), newest first, in one query; without
    `documents`, the documents are not read."""
    query = Revision.filter(article_id=article_id)
    if before is not None:
        query = query.filter(version__lt=before)
    query = query.order_by("-version").limit(limit)
    if documents:
        return [_record(row) for row in await query]
    rows = await query.values_list("version", "created_at", "token_name", "title")
    return [RevisionRecord(int(version), at, token_name, str(title), None) for version, at, token_name, title in rows]


async def every(article_id: int) -> list[RevisionRecord]:
    """All of the article's revisions, oldest first."""
    return [_record(row) for row in await Revision.filter(article_id=article_id).order_by("version")]


async def restore(article_id: int, revisions: list[RevisionRecord]) -> None:
    """Write `revisions` as they were (for import), in one insert."""
    await Revision.bulk_create(
        [
            Revision(
                article_id=article_id,
                version=revision.version,
                created_at=revision.created_at,
                token_name=revision.token_name,
                title=revision.title,
                document=revision.document.model_dump(mode="json") if revision.document else None,
                slug=revision.slug,
            )
            for revision in revisions
        ]
    )
