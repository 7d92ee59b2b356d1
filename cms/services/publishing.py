"""Publishing: the draft edition is copied over the published one, which delivery then serves.

Publishing now, at a time (`publish_due`, run by every worker's scheduler: a compare-and-set on `scheduled_at`
lets exactly one of them publish each due article), saving and publishing together (the editor's page),
unpublishing and deleting.
"""

import asyncio
import contextlib
import logging
from datetime import UTC, datetime

import orjson
from pydantic import BaseModel

from cms.core.article import ArticleInput, Document, served_article
from cms.core.errors import StaleDraft
from cms.core.events import ARTICLE_DELETED, ARTICLE_PUBLISHED, ARTICLE_UNPUBLISHED, NewEvent, article_event
from cms.services import drafts, event_log
from cms.services.drafts import current_document, expected_version, find
from cms.storage import articles
from cms.storage.articles import ArticleRecord
from cms.storage.db import Taken, forget_read_only_sessions, is_unavailable
from cms.storage.editions import PUBLISHED, delete_edition, write_edition

log = logging.getLogger(__name__)


class Publication(BaseModel):
    """Where an article stands: what publish and unpublish answer."""

    id: str
    slug: str
    locale: str
    status: str
    version: int
    published_version: int | None
    published_at: datetime | None
    scheduled_at: datetime | None


def _publication(article: ArticleRecord) -> Publication:
    return Publication(
        id=article.uid,
        slug=article.slug,
        locale=article.locale,
        status=article.status,
        version=article.version,
        published_version=article.published_version,
        published_at=article.published_at,
        scheduled_at=article.scheduled_at,
    )


async def state(slug: str, locale: str) -> Publication:
    """Where the article stands now (published, scheduled for when)."""
    return _publication(await find(slug, locale))


class Scheduled(BaseModel):
    """A publish to come: when, and which version it publishes (the draft's version when it was scheduled)."""

    at: datetime
    version: int


async def scheduled(slug: str, locale: str) -> Scheduled | None:
    """The article's schedule, None when it has none."""
    article = await find(slug, locale)
    if article.scheduled_at is None or article.scheduled_version is None:
        return None
    return Scheduled(at=article.scheduled_at, version=article.scheduled_version)


def _event(type: str, article: ArticleRecord, version: int) -> NewEvent:
    return article_event(type, article.uid, article.slug, article.locale, version)


def _check(article: ArticleRecord, if_match: list[str] | None) -> None:
    """If-Match is optional here; when given, it must name the current draft."""
    if expected_version(article, if_match) != article.version:
        raise StaleDraft(article.uid, article.version)


async def publish(
    slug: str, locale: str, if_match: list[str] | None, at: datetime | None = None, now: datetime | None = None
) -> Publication:
    """Publish the current draft now, or schedule it for `at` (the version as it is now, not as it will be)."""
    now = now or datetime.now(UTC)
    article = await find(slug, locale)
    _check(article, if_match)
    if at is not None and at > now:
        await _schedule(article, at)
        return _publication(await articles.get(article.id))
    published = await _publish_version(article, article.version, now)
    return _publication(published or article)


async def save_and_publish(
    slug: str,
    locale: str,
    new: ArticleInput,
    if_match: list[str] | None,
    token_name: str | None,
    at: datetime | None = None,
    now: datetime | None = None,
) -> Publication:
    """Save `new` as the draft and publish it (or schedule it for `at`) in one transaction: both happen, or
    neither. What the editor's page does when edited text is published; If-Match as for `drafts.save`."""
    now = now or datetime.now(UTC)
    article = await find(slug, locale)
    version = expected_version(article, if_match)
    document = await drafts.checked_document(article, new)
    new_slug = new.slug or article.slug
    try:
        async with event_log.transaction() as events:
            saved, _ = await drafts.write_draft(article, version, document, new_slug, token_name, events)
            if at is not None and at > now:
                await _schedule(saved, at)
            else:
                await _publish_steps(saved, saved.version, document, now, events)
    except Taken:
        raise drafts.slug_taken(new_slug, article.locale) from None
    return _publication(await articles.get(article.id))


async def _schedule(article: ArticleRecord, at: datetime) -> None:
    status = "published" if article.status == "published" else "scheduled"
    await articles.schedule(article.id, status, at, article.version)


async def _publish_version(
    article: ArticleRecord, version: int, now: datetime, due: datetime | None = None
) -> ArticleRecord | None:
    """Copy revision `version` over the published edition; with `due`, only if the schedule is still unclaimed.
    The article as it is then; None when the schedule was claimed by another worker."""
    document = await current_document(article, version)
    async with event_log.transaction() as events:
        if not await _publish_steps(article, version, document, now, events, due):
            return None
    return await articles.get(article.id)


async def _publish_steps(
    article: ArticleRecord,
    version: int,
    document: Document,
    now: datetime,
    events: list[NewEvent],
    due: datetime | None = None,
) -> bool:
    """The steps of a publish, inside the caller's `event_log.transaction()`; False when `due` was claimed."""
    published_at = article.published_at or now
    # The article row is written first: on PostgreSQL that locks the row, on SQLite it takes the write lock,
    # so concurrent publishes of one article run one after the other, and a due schedule is claimed once.
    if not await articles.mark_published(article.id, version, published_at, due):
        return False
    snapshot = _snapshot(article, version, document, published_at, now)
    await write_edition(article.id, PUBLISHED, version, document, snapshot, updated_at=now)
    events.append(_event(ARTICLE_PUBLISHED, article, version))
    return True


def _snapshot(article: ArticleRecord, version: int, document: Document, published_at: datetime, now: datetime) -> bytes:
    """The published article exactly as delivery serves it in JSON, made once here rather than on every read."""
    published = served_article(
        article.identity, document, status="published", version=version, published_at=published_at, updated_at=now
    )
    return orjson.dumps(published.model_dump(mode="json"))


async def unpublish(slug: str, locale: str, if_match: list[str] | None) -> Publication:
    """Take the article off delivery (and cancel a scheduled publish); the draft stays."""
    article = await find(slug, locale)
    _check(article, if_match)
    async with event_log.transaction() as events:
        if not await articles.withdraw(article.id):  # never published, or unpublished already: no event
            await articles.cancel_schedule(article.id)
        else:
            await delete_edition(article.id, PUBLISHED)
            events.append(_event(ARTICLE_UNPUBLISHED, article, article.version))
    return _publication(await articles.get(article.id))


async def delete(slug: str, locale: str, if_match: list[str] | None) -> str:
    """Delete the article with its editions, revisions and old slugs; returns its id."""
    article = await find(slug, locale)
    _check(article, if_match)
    async with event_log.transaction() as events:
        await articles.delete(article.id)
        events.append(_event(ARTICLE_DELETED, article, article.version))
    return article.uid


async def publish_due(now: datetime) -> list[str]:
    """Publish every scheduled article whose time has come; returns their slugs.

    Several workers run this at once: each claims an article by clearing its `scheduled_at` with a
    compare-and-set, so exactly one publishes it. A schedule that fell due while the server was down is
    published by the first run after start.
    """
    published = []
    for article in await articles.due(now):
        version = article.scheduled_version
        if version is not None and await _publish_version(article, version, now, due=article.scheduled_at) is not None:
            published.append(article.slug)
    return published


async def run_schedule(stop: asyncio.Event, interval: float = 1.0) -> None:
    """Every worker runs this for its lifetime: publish what fell due, wait, again (first round at once).

    It ends between rounds when `stop` is set, never in the middle of one: cancelling a query in flight
    leaves SQLite's driver thread answering a closed event loop.
    """
    unavailable = False
    while not stop.is_set():
        try:
            if slugs := await publish_due(datetime.now(UTC)):
                log.info("published on schedule: %s", ", ".join(slugs))
            unavailable = False
        except Exception as exc:  # a failed round (database restarting, say) must not stop the schedule
            if not is_unavailable(exc):
                log.exception("scheduled publishing failed; retrying in %s s", interval)
            elif not unavailable:  # once per outage: what is due is published at the first round after it
                log.warning("scheduled publishing waits for the database (%s: %s)", type(exc).__name__, exc)
            unavailable = is_unavailable(exc)
            await forget_read_only_sessions(exc)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)
