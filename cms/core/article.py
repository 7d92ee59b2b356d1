"""Articles: what clients send (`ArticleInput`), what is stored (`Document`), what they read (`Article`)."""

import secrets
from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from cms.core.blocks import Block
from cms.core.errors import NotFound
from cms.core.slugs import ANCHOR_MAX_LENGTH, SLUG_PATTERN, Slug, slugify, unique_anchors
from cms.core.text import Id, explained, text
from cms.core.timestamps import UtcDatetime

Locale = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$", max_length=35),
    explained("locale {value} is not valid: use a language tag such as 'en', 'pt-BR' or 'zh-Hant'"),
]
"""A BCP 47 language tag in its common forms: 'en', 'pt-BR', 'zh-Hant'."""

Anchor = Annotated[
    str,
    StringConstraints(pattern=SLUG_PATTERN, min_length=1, max_length=ANCHOR_MAX_LENGTH),
    explained(
        f"anchor {{value}} is not valid: use 1-{ANCHOR_MAX_LENGTH} characters of lowercase a-z, 0-9 and single"
        " hyphens (e.g. 'what-is-ketamine')"
    ),
]
Tag = Annotated[
    str,
    StringConstraints(pattern=r"^[^\x00-\x1f,]{1,50}$"),
    explained("tag {value} is not valid: use 1-50 characters, no commas or control characters"),
]
Title = text(300, min_length=1, strip=True)
Status = Literal["draft", "published", "scheduled"]

MAX_SECTIONS = 200
MAX_BLOCKS_PER_SECTION = 500


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


def _repeated(values: Iterable[str | None]) -> list[str]:
    return sorted(value for value, count in Counter(v for v in values if v).items() if count > 1)


def _unique_tags(tags: list[str]) -> list[str]:
    if duplicates := _repeated(tags):
        raise ValueError(f"tags must be unique: {duplicates} repeat")
    return tags


def _unique_anchors_and_ids(sections: list["SectionInput"]) -> list["SectionInput"]:
    if duplicates := _repeated(s.anchor for s in sections):
        raise ValueError(f"section anchors must be unique within the article: {duplicates} repeat")
    if duplicates := _repeated([s.id for s in sections] + [b.id for s in sections for b in s.blocks]):
        raise ValueError(f"section and block ids must be unique within the article: {duplicates} repeat")
    return sections


class SectionInput(_Strict):
    id: Id | None = None
    anchor: Anchor | None = None
    heading: text(300, min_length=1, strip=True) | None = None  # type: ignore[valid-type]
    blocks: Annotated[list[Block], Field(max_length=MAX_BLOCKS_PER_SECTION)] = []


class ArticleInput(_Strict):
    """The body of a create or replace. The read-only fields of a fetched article are accepted and ignored,
    so that a client can send back what it read."""

    title: Title  # type: ignore[valid-type]
    slug: Slug | None = None
    locale: Locale | None = None
    summary: text(1_000, min_length=1) | None = None  # type: ignore[valid-type]
    tags: Annotated[list[Tag], Field(max_length=30), AfterValidator(_unique_tags)] = []
    author: text(200, min_length=1) | None = None  # type: ignore[valid-type]
    # The uniqueness rules check the whole list, so their errors point at 'tags' and 'sections', not at ''.
    sections: Annotated[
        list[SectionInput], Field(max_length=MAX_SECTIONS), AfterValidator(_unique_anchors_and_ids)
    ] = []

    id: Any = Field(default=None, exclude=True, description="read-only: ignored on input")
    status: Any = Field(default=None, exclude=True, description="read-only: ignored on input")
    version: Any = Field(default=None, exclude=True, description="read-only: ignored on input")
    published_at: Any = Field(default=None, exclude=True, description="read-only: ignored on input")
    updated_at: Any = Field(default=None, exclude=True, description="read-only: ignored on input")


class Section(_Strict):
    """A section as stored and served. `to_document` gives every block an id before anything is stored."""

    id: Id
    anchor: Anchor
    heading: str | None
    blocks: list[Block]


class Document(_Strict):
    """The editable content of an article, as stored in a revision: every section and block has its id."""

    title: str
    summary: str | None
    tags: list[str]
    author: str | None
    sections: list[Section]


class Article(_Strict):
    """An article as delivery and preview serve it (the JSON format); fields in the order clients see them."""

    id: str
    slug: Slug
    locale: Locale
    title: str
    summary: str | None
    tags: list[str]
    author: str | None
    status: Status
    version: int
    published_at: UtcDatetime | None
    updated_at: UtcDatetime
    sections: list[Section]


def served_article(
    identity: tuple[str, str, str],
    document: Document,
    *,
    status: str,
    version: int,
    published_at: datetime | None,
    updated_at: datetime,
) -> Article:
    """The one builder of an article as clients read it: the draft view, the snapshot stored at publish time, an
    export. `identity` is (id, slug, locale); `document` one version's content; the rest where it stands."""
    article_id, slug, locale = identity
    return Article.model_validate(
        {
            "id": article_id, "slug": slug, "locale": locale, "title": document.title, "summary": document.summary,
            "tags": document.tags, "author": document.author, "status": status, "version": version,
            "published_at": published_at, "updated_at": updated_at, "sections": document.sections,
        },
        strict=False,
    )  # fmt: skip


ARTICLE_FIELDS = tuple(Article.model_fields)
SUMMARY_FIELDS = tuple(name for name in ARTICLE_FIELDS if name != "sections")


def section_by_anchor(article: Article, anchor: str) -> Section:
    for section in article.sections:
        if section.anchor == anchor:
            return section
    raise NotFound(f"article {article.slug!r} has no section with anchor {anchor!r}")


def new_id() -> str:
    return secrets.token_hex(8)


def to_document(article: ArticleInput) -> Document:
    """Give every section and block an id and every section an anchor, keeping those the client chose."""
    anchors = unique_anchors([s.heading for s in article.sections], [s.anchor for s in article.sections])
    sections = [
        Section(
            id=section.id or new_id(),
            anchor=anchor,
            heading=section.heading,
            blocks=[block if block.id else block.model_copy(update={"id": new_id()}) for block in section.blocks],
        )
        for section, anchor in zip(article.sections, anchors, strict=True)
    ]
    return Document(
        title=article.title,
        summary=article.summary,
        tags=article.tags,
        author=article.author,
        sections=sections,
    )


def slug_for(article: ArticleInput) -> str:
    """The slug the client gave, else one derived from the title ('article' when the title has no ASCII letters)."""
    return article.slug or slugify(article.title) or "article"
