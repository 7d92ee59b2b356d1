"""Writing drafts. Every write that changes the draft stores a new revision (version + 1).

A write reads the current draft, computes the new one (pure: it may raise ValidationError or InvalidContent,
and then nothing was touched), then saves it in one transaction:
`_claim_version` (compare-and-set, the transaction's first statement, so SQLite takes its write lock at once
and a stale version fails before anything is written) -> `_move_slug` -> `write_edition` -> `Revision` -> events
(`article.updated`; and `article.published` with `previous_slug` when a published article's slug changed).
"""

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from tortoise.exceptions import IntegrityError

from cms.core.article import Article, ArticleInput, Document, SectionInput, served_article, slug_for, to_document
from cms.core.errors import Conflict, FieldError, InvalidContent, Moved, NotFound, StaleDraft
from cms.core.events import ARTICLE_PUBLISHED, ARTICLE_UPDATED, NewEvent, article_event
from cms.core.merge_patch import merge_patch
from cms.core.numbers import MAX_VERSION, whole_number
from cms.core.slugs import is_slug
from cms.services import event_log
from cms.services.assets import fill_images
from cms.storage.editions import rename_published, write_edition
from cms.storage.models import DRAFT, Edition, Revision, Section, SlugRedirect
from cms.storage.models import Article as ArticleRow
from cms.storage.queries import identity, to_article

PATCHABLE = ("title", "slug", "tags", "summary", "author", "sections")

Change = Callable[[ArticleRow, Document], ArticleInput]


def draft_tag(article_uid: str, version: int) -> str:
    """The draft's entity tag (unquoted): it changes with every saved draft, and differs between articles."""
    return f"{article_uid}.{version}"


async def find(slug: str, locale: str) -> ArticleRow:
    """The article at this slug, for a management request: NotFound, or Moved when the slug was renamed."""
    if not is_slug(slug):  # no article can have it; and the column would refuse it as a query parameter
        raise NotFound(f"no article has slug {slug!r}: slugs are lowercase a-z, 0-9 and single hyphens")
    article = await ArticleRow.get_or_none(slug=slug, locale=locale)
    if article is not None:
        return article
    old = await SlugRedirect.get_or_none(slug=slug, locale=locale).select_related("article")
    if old is not None:
        raise Moved(old.article.slug, locale)
    raise NotFound(f"no article has slug {slug!r} in locale {locale!r}")


def expected_version(article: ArticleRow, if_match: list[str] | None) -> int:
    """The draft version the client's If-Match names; the current one when it names none or '*'."""
    if if_match is None or "*" in if_match:
        return article.version
    for tag in if_match:
        uid, _, version = tag.rpartition(".")
        if uid == article.uid and (number := whole_number(version, MAX_VERSION)) is not None:
            return number
    raise StaleDraft(article.uid, article.version)


async def create(new: ArticleInput, default_locale: str, token_name: str | None = None) -> Article:
    """A new draft, version 1. The slug is the one given, else derived from the title; Conflict when taken."""
    locale = new.locale or default_locale
    slug = slug_for(new)
    document = await fill_images(to_document(new))
    try:
        async with event_log.transaction() as events:
            await SlugRedirect.filter(locale=locale, slug=slug).delete()  # a former slug may be reused
            article = await ArticleRow.create(uid=uuid.uuid4().hex, locale=locale, slug=slug, version=1)
            edition = await write_edition(article, DRAFT, 1, document)
            await _save_revision(article, 1, document, token_name)
            events.append(_event(ARTICLE_UPDATED, article, 1))
    except IntegrityError:
        raise Conflict(f"slug {slug!r} is already taken in locale {locale!r}: choose another 'slug'") from None
    return draft_view(article, document, edition.updated_at)


async def read(slug: str, locale: str) -> tuple[Article, str]:
    """The current draft (what `?preview=true` serves) and its tag."""
    article = await find(slug, locale)
    edition = await Edition.get(article_id=article.id, stage=DRAFT)
    sections = await Section.filter(edition_id=edition.id).order_by("position")
    return to_article(article, edition, sections), draft_tag(article.uid, edition.version)


async def replace(slug: str, locale: str, new: ArticleInput, if_match: list[str] | None, token: str | None) -> Article:
    """PUT: the draft becomes `new`. Without a slug in `new`, the article keeps its slug."""
    return await update(slug, locale, if_match, token, lambda article, current: new)


async def patch(slug: str, locale: str, patch: Any, if_match: list[str] | None, token: str | None) -> Article:
    """PATCH: a JSON Merge Patch (RFC 7396) of the draft's title, slug, tags, summary, author and sections."""
    if not isinstance(patch, dict):
        raise InvalidContent.at("", 'a merge patch is a JSON object of the fields to change, e.g. {"title": "…"}')
    if unknown := [key for key in patch if key not in PATCHABLE]:
        message = f"this field cannot be patched: patch {', '.join(PATCHABLE)}"
        raise InvalidContent([FieldError(key, message) for key in unknown])

    def change(article: ArticleRow, current: Document) -> ArticleInput:
        merged = merge_patch(_editable(article, current), patch)
        merged.setdefault("title", "")  # a patch that removes the title fails validation, at "title"
        return ArticleInput.model_validate(merged)

    return await update(slug, locale, if_match, token, change)


async def add_section(
    slug: str, locale: str, section: SectionInput, position: int | None, if_match: list[str] | None, token: str | None
) -> Article:
    def change(article: ArticleRow, current: Document) -> ArticleInput:
        sections = _sections(current)
        at = len(sections) if position is None else position
        if not 0 <= at <= len(sections):
            raise InvalidContent.at("position", f"position {at} is out of range: use 0 to {len(sections)}")
        sections.insert(at, section.model_dump(exclude_none=True))
        return _with_sections(article, current, sections)

    return await update(slug, locale, if_match, token, change)


async def replace_section(
    slug: str, locale: str, anchor: str, section: SectionInput, if_match: list[str] | None, token: str | None
) -> Article:
    """PUT of one section: it keeps its id and anchor unless the body gives new ones."""

    def change(article: ArticleRow, current: Document) -> ArticleInput:
        sections = _sections(current)
        at = _index_of(current, anchor)
        sections[at] = {"id": sections[at]["id"], "anchor": anchor} | section.model_dump(exclude_none=True)
        return _with_sections(article, current, sections)

    return await update(slug, locale, if_match, token, change)


async def delete_section(slug: str, locale: str, anchor: str, if_match: list[str] | None, token: str | None) -> Article:
    def change(article: ArticleRow, current: Document) -> ArticleInput:
        sections = _sections(current)
        del sections[_index_of(current, anchor)]
        return _with_sections(article, current, sections)

    return await update(slug, locale, if_match, token, change)


async def update(slug: str, locale: str, if_match: list[str] | None, token: str | None, change: Change) -> Article:
    """Read, change (pure), save: the shape of every edit of an existing draft."""
    article = await find(slug, locale)
    version = expected_version(article, if_match)
    current = await current_document(article)
    return await save(article, version, change(article, current), token)


async def save(article: ArticleRow, version: int, new: ArticleInput, token_name: str | None) -> Article:
    """Store `new` as draft version + 1, in one transaction; StaleDraft when `version` is no longer current."""
    if new.locale is not None and new.locale != article.locale:
        message = f"the locale of an article cannot change (it is {article.locale!r}): create a new article instead"
        raise InvalidContent.at("locale", message)
    document = await fill_images(to_document(new))
    new_slug = new.slug or article.slug
    try:
        async with event_log.transaction() as events:
            await _claim_version(article, version)
            old_slug, published_version = article.slug, None
            if new_slug != article.slug:
                published_version = await _move_slug(article, new_slug)
            edition = await write_edition(article, DRAFT, article.version, document)
            await _save_revision(article, article.version, document, token_name)
            events.append(_event(ARTICLE_UPDATED, article, article.version))
            if published_version is not None:  # delivery serves it at the new slug now
                events.append(_event(ARTICLE_PUBLISHED, article, published_version, previous_slug=old_slug))
    except IntegrityError:
        message = f"slug {new_slug!r} is already taken in locale {article.locale!r}: choose another 'slug'"
        raise Conflict(message) from None
    return draft_view(article, document, edition.updated_at)


async def _claim_version(article: ArticleRow, version: int) -> None:
    claimed = await ArticleRow.filter(id=article.id, version=version).update(version=version + 1)
    if claimed == 0:  # SQLite counts rows written by triggers too: test for 0, never for 1 (STACK.md §3)
        current = await ArticleRow.filter(id=article.id).values_list("version", flat=True)
        raise StaleDraft(article.uid, int(current[0]) if current else version)
    article.version = version + 1


async def _move_slug(article: ArticleRow, new_slug: str) -> int | None:
    """The old slug keeps answering (301 / 308) through a SlugRedirect; a former slug can be taken back.

    Returns the published version when the article is published (it moved too)."""
    old_slug = article.slug
    await SlugRedirect.filter(locale=article.locale, slug=new_slug).delete()
    await ArticleRow.filter(id=article.id).update(slug=new_slug)
    await SlugRedirect.create(locale=article.locale, slug=old_slug, article_id=article.id)
    article.slug = new_slug
    return await rename_published(article)


def _event(type: str, article: ArticleRow, version: int, previous_slug: str | None = None) -> NewEvent:
    return article_event(type, article.uid, article.slug, article.locale, version, previous_slug)


async def _save_revision(article: ArticleRow, version: int, document: Document, token_name: str | None) -> None:
    await Revision.create(
        article_id=article.id,
        version=version,
        token_name=token_name,
        title=document.title,
        document=document.model_dump(mode="json"),
    )


async def current_document(article: ArticleRow, version: int | None = None) -> Document:
    revision = await Revision.get_or_none(article_id=article.id, version=version or article.version)
    if revision is None:
        raise NotFound(f"article {article.slug!r} has no revision {version or article.version}")
    return Document.model_validate(revision.document, strict=False)


def draft_view(article: ArticleRow, document: Document, updated_at: datetime) -> Article:
    return served_article(
        identity(article), document, status=article.status, version=article.version,
        published_at=article.published_at, updated_at=updated_at,
    )  # fmt: skip


def _editable(article: ArticleRow, document: Document) -> dict[str, Any]:
    return {"slug": article.slug, **document.model_dump(mode="json")}


def _sections(document: Document) -> list[dict[str, Any]]:
    return [section.model_dump(mode="json") for section in document.sections]


def _with_sections(article: ArticleRow, current: Document, sections: list[dict[str, Any]]) -> ArticleInput:
    return ArticleInput.model_validate(_editable(article, current) | {"sections": sections})


def _index_of(document: Document, anchor: str) -> int:
    for index, section in enumerate(document.sections):
        if section.anchor == anchor:
            return index
    raise NotFound(f"the draft has no section with anchor {anchor!r}")
