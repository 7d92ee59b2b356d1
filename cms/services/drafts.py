"""Writing drafts. Every write that changes the draft stores a new revision (version + 1).

A write reads the current draft, computes the new one (pure: it may raise ValidationError or InvalidContent,
and then nothing was touched), then saves it in one transaction (`write_draft`):
`_claim_version` (compare-and-set, the transaction's first statement, so SQLite takes its write lock at once
and a stale version fails before anything is written) -> `_move_slug` -> `write_edition` -> the revision -> events
(`article.updated`; and `article.published` with `previous_slug` when a published article's slug changed).
The article travels as an `ArticleRecord`; its row stays in cms/storage/.

A write that names an older version and asks to be merged (`merging=True`, the API's `Prefer: merge`) applies
its change to that version (the base) and merges it with the current draft (theirs) by unit (cms/core/merge.py):
the merged draft is saved as one new version, or `MergeConflict` lists what both sides changed differently. When
another write claims the version first, it merges again against the newer draft (`MERGE_ATTEMPTS` times at most).
"""

import dataclasses
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from cms.core.article import (
    Article,
    ArticleInput,
    Document,
    Section,
    SectionInput,
    new_id,
    served_article,
    slug_for,
    to_document,
)
from cms.core.errors import Busy, Conflict, FieldError, InvalidContent, MergeConflict, Moved, NotFound, StaleDraft
from cms.core.events import ARTICLE_PUBLISHED, ARTICLE_UPDATED, NewEvent, article_event
from cms.core.merge import Conflict as MergeUnit
from cms.core.merge import Draft, merge
from cms.core.merge_patch import merge_patch
from cms.core.numbers import MAX_VERSION, whole_number
from cms.core.slugs import is_slug
from cms.services import event_log
from cms.services.assets import fill_images
from cms.storage import articles, queries, revisions
from cms.storage.articles import ArticleRecord
from cms.storage.db import Taken
from cms.storage.editions import DRAFT, rename_published, write_edition

PATCHABLE = ("title", "slug", "tags", "summary", "author", "sections")
MERGE_ATTEMPTS = 40
"""How often a merging write merges again when other writes keep claiming the version first (then 503)."""

Change = Callable[[ArticleRecord, Document], ArticleInput]


def draft_tag(article_uid: str, version: int) -> str:
    """The draft's entity tag (unquoted): it changes with every saved draft, and differs between articles."""
    return f"{article_uid}.{version}"


async def find(slug: str, locale: str) -> ArticleRecord:
    """The article at this slug, for a management request: NotFound, or Moved when the slug was renamed."""
    if not is_slug(slug):  # no article can have it; and the column would refuse it as a query parameter
        raise NotFound(f"no article has slug {slug!r}: slugs are lowercase a-z, 0-9 and single hyphens")
    article = await articles.at(slug, locale)
    if article is not None:
        return article
    if (current := await articles.renamed_to(slug, locale)) is not None:
        raise Moved(current, locale)
    raise NotFound(f"no article has slug {slug!r} in locale {locale!r}")


def expected_version(article: ArticleRecord, if_match: list[str] | None) -> int:
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
            article = await articles.create(uuid.uuid4().hex, locale, slug)  # a former slug may be reused
            updated_at = await write_edition(article.id, DRAFT, 1, document)
            await revisions.add(article.id, 1, document, token_name, slug)
            events.append(_event(ARTICLE_UPDATED, article, 1))
    except Taken:
        raise slug_taken(slug, locale) from None
    return draft_view(article, document, updated_at)


async def read(slug: str, locale: str) -> tuple[Article, str]:
    """The current draft (what `?preview=true` serves) and its tag."""
    article = await find(slug, locale)
    draft = await queries.draft(article)
    return draft, draft_tag(article.uid, draft.version)


async def replace(
    slug: str, locale: str, new: ArticleInput, if_match: list[str] | None, token: str | None, merging: bool = False
) -> Article:
    """PUT: the draft becomes `new`. Without a slug in `new`, the article keeps its slug."""
    return await update(slug, locale, if_match, token, lambda article, current: new, merging)


async def save_merging(
    slug: str,
    locale: str,
    base_version: int,
    mine: ArticleInput,
    by: str | None,
    choices: Mapping[str, str] | None = None,
    their_version: int | None = None,
) -> Article | list[MergeUnit]:
    """What the editor's page saves: `mine` was edited from draft `base_version`. The saved draft (merged with what
    others saved meanwhile when its version is above `base_version` + 1), or the conflicts, nothing saved.
    StaleDraft when `base_version` never existed. `choices` ("mine" or "theirs" by conflict path) resolve the
    conflicts the person was shown against draft `their_version`; they count only while that is still the current
    draft (a newer one shows its conflicts afresh)."""
    article = await find(slug, locale)
    try:
        if choices:
            return await _merge(article, base_version, lambda _, __: mine, by, choices, their_version)
        return await replace(slug, locale, mine, [draft_tag(article.uid, base_version)], by, merging=True)
    except MergeConflict as conflict:
        return conflict.conflicts


async def patch(
    slug: str, locale: str, patch: Any, if_match: list[str] | None, token: str | None, merging: bool = False
) -> Article:
    """PATCH: a JSON Merge Patch (RFC 7396) of the draft's title, slug, tags, summary, author and sections."""
    if not isinstance(patch, dict):
        raise InvalidContent.at("", 'a merge patch is a JSON object of the fields to change, e.g. {"title": "…"}')
    if unknown := [key for key in patch if key not in PATCHABLE]:
        message = f"this field cannot be patched: patch {', '.join(PATCHABLE)}"
        raise InvalidContent([FieldError(key, message) for key in unknown])

    def change(article: ArticleRecord, current: Document) -> ArticleInput:
        merged = merge_patch(_editable(article, current), patch)
        merged.setdefault("title", "")  # a patch that removes the title fails validation, at "title"
        return ArticleInput.model_validate(merged)

    return await update(slug, locale, if_match, token, change, merging)


async def add_section(
    slug: str,
    locale: str,
    section: SectionInput,
    position: int | None,
    if_match: list[str] | None,
    token: str | None,
    merging: bool = False,
) -> tuple[Article, Section]:
    """The draft with the new section (at `position`, else last), and that section as saved."""
    section_id = section.id or new_id()  # known before the save, so that it is found after a merge too

    def change(article: ArticleRecord, current: Document) -> ArticleInput:
        sections = _sections(current)
        at = len(sections) if position is None else position
        if not 0 <= at <= len(sections):
            raise InvalidContent.at("position", f"position {at} is out of range: use 0 to {len(sections)}")
        sections.insert(at, section.model_dump(exclude_none=True) | {"id": section_id})
        return _with_sections(article, current, sections)

    article = await update(slug, locale, if_match, token, change, merging)
    return article, _section(article, section_id)


async def replace_section(
    slug: str,
    locale: str,
    anchor: str,
    section: SectionInput,
    if_match: list[str] | None,
    token: str | None,
    merging: bool = False,
) -> tuple[Article, Section]:
    """PUT of one section: it keeps its id and anchor unless the body gives new ones. The draft, and the section."""
    replaced: list[str] = []

    def change(article: ArticleRecord, current: Document) -> ArticleInput:
        sections = _sections(current)
        at = _index_of(current, anchor)
        sections[at] = {"id": sections[at]["id"], "anchor": anchor} | section.model_dump(exclude_none=True)
        replaced.append(sections[at]["id"])
        return _with_sections(article, current, sections)

    article = await update(slug, locale, if_match, token, change, merging)
    return article, _section(article, replaced[-1])


async def delete_section(
    slug: str, locale: str, anchor: str, if_match: list[str] | None, token: str | None, merging: bool = False
) -> Article:
    def change(article: ArticleRecord, current: Document) -> ArticleInput:
        sections = _sections(current)
        del sections[_index_of(current, anchor)]
        return _with_sections(article, current, sections)

    return await update(slug, locale, if_match, token, change, merging)


async def update(
    slug: str, locale: str, if_match: list[str] | None, token: str | None, change: Change, merging: bool = False
) -> Article:
    """Read, change (pure), save: the shape of every edit of an existing draft. `merging`: an older version in
    `if_match` is the base of a merge with the current draft, rather than StaleDraft."""
    article = await find(slug, locale)
    version = expected_version(article, if_match)
    if merging and version != article.version:
        return await _merge(article, version, change, token)
    current = await current_document(article)
    try:
        return await save(article, version, change(article, current), token)
    except StaleDraft:
        if not merging:
            raise
    # Another write claimed the version between our read and our save: this write's base is now an older one.
    return await _merge(await _again(article), version, change, token)


async def _merge(
    article: ArticleRecord,
    base_version: int,
    change: Change,
    token_name: str | None,
    choices: Mapping[str, str] | None = None,
    their_version: int | None = None,
) -> Article:
    """`change` applied to draft `base_version` (mine), merged with the current draft (theirs), saved as one new
    version; merged again against the newer draft while other writes claim the version first."""
    base = await _draft_at(article, base_version)
    new = change(dataclasses.replace(article, slug=base.slug), base.document)
    _check_locale(article, new)
    # New ids are given once, the same in every attempt; images are filled in as the server stores them, so that
    # an image block sent back without its width and height is not a change.
    mine = Draft(new.slug or base.slug, await fill_images(to_document(new)))
    for _ in range(MERGE_ATTEMPTS):
        theirs = Draft(article.slug, await current_document(article))
        merged = merge(base, theirs, mine, choices if article.version == their_version else None)
        if isinstance(merged, list):
            raise MergeConflict(merged, article.uid, article.version)
        try:
            return await save(article, article.version, merged.as_input(), token_name)
        except StaleDraft:
            article = await _again(article)
    raise Busy(f"the draft changed {MERGE_ATTEMPTS} times while this write was merged with it: retry in a moment")


async def _draft_at(article: ArticleRecord, version: int) -> Draft:
    """Draft `version` with the slug it was saved with (the current slug where the revision did not record one);
    StaleDraft when there never was such a version."""
    found = await revisions.with_slug(article.id, version) if 0 < version < article.version else None
    if found is None:
        raise StaleDraft(article.uid, article.version)
    slug, document = found
    return Draft(slug or article.slug, document)


async def _again(article: ArticleRecord) -> ArticleRecord:
    if (current := await articles.by_uid(article.uid)) is None:
        raise NotFound(f"article {article.slug!r} was deleted while this write was merged with it")
    return current


async def save(article: ArticleRecord, version: int, new: ArticleInput, token_name: str | None) -> Article:
    """Store `new` as draft version + 1, in one transaction; StaleDraft when `version` is no longer current."""
    document = await checked_document(article, new)
    new_slug = new.slug or article.slug
    try:
        async with event_log.transaction() as events:
            article, updated_at = await write_draft(article, version, document, new_slug, token_name, events)
    except Taken:
        raise slug_taken(new_slug, article.locale) from None
    return draft_view(article, document, updated_at)


async def checked_document(article: ArticleRecord, new: ArticleInput) -> Document:
    """`new` as the document to save (its images filled in), checked against the article before any write."""
    _check_locale(article, new)
    return await fill_images(to_document(new))


def _check_locale(article: ArticleRecord, new: ArticleInput) -> None:
    if new.locale is not None and new.locale != article.locale:
        message = f"the locale of an article cannot change (it is {article.locale!r}): create a new article instead"
        raise InvalidContent.at("locale", message)


async def write_draft(
    article: ArticleRecord,
    version: int,
    document: Document,
    new_slug: str,
    token_name: str | None,
    events: list[NewEvent],
) -> tuple[ArticleRecord, datetime]:
    """The steps of a save, inside the caller's `event_log.transaction()`: the article as saved, and when.
    StaleDraft when `version` is no longer current; storage's Taken when `new_slug` is (see `slug_taken`)."""
    saved = await _claim_version(article, version)
    published_version = None
    if new_slug != article.slug:
        saved, published_version = await _move_slug(saved, new_slug)
    updated_at = await write_edition(saved.id, DRAFT, saved.version, document)
    await revisions.add(saved.id, saved.version, document, token_name, saved.slug)
    events.append(_event(ARTICLE_UPDATED, saved, saved.version))
    if published_version is not None:  # delivery serves it at the new slug now
        events.append(_event(ARTICLE_PUBLISHED, saved, published_version, previous_slug=article.slug))
    return saved, updated_at


def slug_taken(slug: str, locale: str) -> Conflict:
    return Conflict(f"slug {slug!r} is already taken in locale {locale!r}: choose another 'slug'")


async def _claim_version(article: ArticleRecord, version: int) -> ArticleRecord:
    if not await articles.claim_version(article.id, version):
        current = await articles.version_of(article.id)
        raise StaleDraft(article.uid, current if current is not None else version)
    return dataclasses.replace(article, version=version + 1)


async def _move_slug(article: ArticleRecord, new_slug: str) -> tuple[ArticleRecord, int | None]:
    """The old slug keeps answering (301 / 308) through a redirect; a former slug can be taken back.

    Also returns the published version when the article is published (it moved too)."""
    moved = await articles.move_slug(article, new_slug)
    return moved, await rename_published(moved.id, new_slug)


def _event(type: str, article: ArticleRecord, version: int, previous_slug: str | None = None) -> NewEvent:
    return article_event(type, article.uid, article.slug, article.locale, version, previous_slug)


async def current_document(article: ArticleRecord, version: int | None = None) -> Document:
    document = await revisions.document(article.id, version or article.version)
    if document is None:
        raise NotFound(f"article {article.slug!r} has no revision {version or article.version}")
    return document


def draft_view(article: ArticleRecord, document: Document, updated_at: datetime) -> Article:
    return served_article(
        article.identity, document, status=article.status, version=article.version,
        published_at=article.published_at, updated_at=updated_at,
    )  # fmt: skip


def _editable(article: ArticleRecord, document: Document) -> dict[str, Any]:
    return {"slug": article.slug, **document.model_dump(mode="json")}


def _sections(document: Document) -> list[dict[str, Any]]:
    return [section.model_dump(mode="json") for section in document.sections]


def _with_sections(article: ArticleRecord, current: Document, sections: list[dict[str, Any]]) -> ArticleInput:
    return ArticleInput.model_validate(_editable(article, current) | {"sections": sections})


def _section(article: Article, section_id: str) -> Section:
    return next(section for section in article.sections if section.id == section_id)


def _index_of(document: Document, anchor: str) -> int:
    for index, section in enumerate(document.sections):
        if section.anchor == anchor:
            return index
    raise NotFound(f"the draft has no section with anchor {anchor!r}")
