"""Export and import: every article with its published version, revisions and old slugs, as JSON Lines.

An export line is `{"article", "published", "revisions", "slug_history", "schedule"}`: the article (its draft),
its published version, every revision (with the slug it was saved with) and its former slugs (the documented export
format, docs/), plus the pending scheduled publish, so that importing an export restores exactly the exported state.
"""

import re
from collections.abc import AsyncIterator
from typing import IO, Annotated, Any

import orjson
from pydantic import BaseModel, ConfigDict, Field, field_validator

from cms.core.article import Article, Document
from cms.core.errors import Conflict
from cms.core.events import ARTICLE_PUBLISHED, ARTICLE_UNPUBLISHED, ARTICLE_UPDATED, NewEvent, article_event
from cms.core.markdown_in import parse_markdown
from cms.core.timestamps import Timestamp, UtcDatetime
from cms.services import drafts, event_log, publishing
from cms.services.drafts import draft_view
from cms.services.revisions import RevisionDetail, detail
from cms.storage import articles, db, revisions
from cms.storage.articles import ArticleRecord
from cms.storage.db import Taken
from cms.storage.editions import DRAFT, PUBLISHED, editions_of, write_edition
from cms.storage.revisions import RevisionRecord

IMPORT_TOKEN_NAME = "cms import"  # recorded on the revisions an import makes


class FormerSlug(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slug: str
    created_at: UtcDatetime


class Schedule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    at: Timestamp
    version: int


class ExportRevision(RevisionDetail):
    """A revision as the API shows it, plus the slug it was saved with (null when not recorded: revisions saved
    before slugs were recorded, and export files written before then), which a merge compares."""

    slug: str | None = None


class ExportLine(BaseModel):
    """One article, whole."""

    model_config = ConfigDict(extra="forbid")

    article: Article

    @field_validator("article")
    @classmethod
    def _article_id(cls, article: Article) -> Article:
        if not re.fullmatch(r"[0-9a-f]{32}", article.id):
            raise ValueError(f"article id {article.id!r} is not one this service made: 32 hex digits")
        return article

    published: Article | None
    revisions: Annotated[list[ExportRevision], Field(min_length=1)]
    slug_history: list[FormerSlug]
    schedule: Schedule | None = None


async def export_articles(stream: IO[bytes]) -> int:
    """`cms export --articles`: every article's line written to `stream`, all read in one snapshot (an article
    deleted meanwhile is either whole in it or absent). Gives how many."""
    count = 0
    async with db.snapshot():
        async for line in export_lines():
            stream.write(line)
            count += 1
    return count


async def export_lines() -> AsyncIterator[bytes]:
    """Every article, oldest first, one JSON line each (a few queries per article, never all in memory)."""
    for article_id in await articles.oldest_first():
        article = await articles.get(article_id)
        yield orjson.dumps((await _export(article)).model_dump(mode="json")) + b"\n"


async def _export(article: ArticleRecord) -> ExportLine:
    editions = await editions_of(article.id)
    every = [_exported(revision) for revision in await revisions.every(article.id)]
    draft = next(r for r in every if r.version == editions[DRAFT].version)
    published = editions.get(PUBLISHED)
    schedule = article.scheduled_at and article.scheduled_version
    return ExportLine(
        article=draft_view(article, draft.document, editions[DRAFT].updated_at),
        published=Article.model_validate_json(published.snapshot, strict=False)
        if published and published.snapshot
        else None,
        revisions=every,
        slug_history=[FormerSlug(slug=slug, created_at=at) for slug, at in await articles.former_slugs(article.id)],
        schedule=Schedule(at=article.scheduled_at, version=article.scheduled_version) if schedule else None,
    )


async def restore(line: bytes | str) -> str:
    """Make the database hold exactly this exported article (replacing the one with its id); returns its slug."""
    record = ExportLine.model_validate_json(line)
    draft, published = record.article, record.published
    before = await articles.by_uid(draft.id)
    try:
        async with event_log.transaction() as events:
            article = await articles.replace_with(
                draft.id, record.revisions[0].created_at, draft.locale, draft.slug, status=draft.status,
                version=draft.version, published_version=published.version if published else None,
                published_at=draft.published_at, scheduled_at=record.schedule.at if record.schedule else None,
                scheduled_version=record.schedule.version if record.schedule else None,
            )  # fmt: skip
            await write_edition(article.id, DRAFT, draft.version, _document(draft), updated_at=draft.updated_at)
            if published is not None:
                snapshot = orjson.dumps(published.model_dump(mode="json"))
                await write_edition(
                    article.id, PUBLISHED, published.version, _document(published), snapshot, published.updated_at
                )
            await revisions.restore(article.id, [_revision(revision) for revision in record.revisions])
            await articles.restore_former_slugs(article, [(old.slug, old.created_at) for old in record.slug_history])
            events.extend(_restore_events(before, draft, published))
    except Taken:
        message = f"article {draft.id}: slug {draft.slug!r} (or a former one) is taken in locale {draft.locale!r}"
        raise Conflict(message) from None
    return draft.slug


def _restore_events(before: ArticleRecord | None, draft: Article, published: Article | None) -> list[NewEvent]:
    """A restored article has a new draft; and it is published (again), or no longer published."""
    events = [article_event(ARTICLE_UPDATED, draft.id, draft.slug, draft.locale, draft.version)]
    if published is not None:
        moved = before is not None and before.published_version is not None and before.slug != draft.slug
        previous = before.slug if before is not None and moved else None
        events.append(article_event(ARTICLE_PUBLISHED, draft.id, draft.slug, draft.locale, published.version, previous))
    elif before is not None and before.published_version is not None:
        events.append(article_event(ARTICLE_UNPUBLISHED, draft.id, before.slug, draft.locale, draft.version))
    return events


def _document(article: Article) -> Document:
    fields: dict[str, Any] = article.model_dump(include=set(Document.model_fields))
    return Document.model_validate(fields, strict=False)


def _exported(revision: RevisionRecord) -> ExportRevision:
    return ExportRevision(**dict(detail(revision)), slug=revision.slug)


def _revision(revision: ExportRevision) -> RevisionRecord:
    return RevisionRecord(
        revision.version, revision.created_at, revision.token_name, revision.title, revision.document, revision.slug
    )


async def import_markdown(source: str, default_locale: str, publish: bool) -> str:
    """A Markdown file (front matter optional) becomes a new draft, published with `publish`; returns its slug."""
    article = await drafts.create(parse_markdown(source), default_locale, token_name=IMPORT_TOKEN_NAME)
    if publish:
        await publishing.publish(article.slug, article.locale, if_match=None)
    return article.slug
