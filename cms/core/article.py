"""Articles: what clients send (`ArticleInput`), what is stored (`Document`), what they read (`Article`)."""

import secrets
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from cms.core.blocks import Block
from cms.core.slugs import Slug, slugify, unique_anchors
from cms.core.text import Id, text

Locale = Annotated[str, Field(pattern=r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$", max_length=35)]
"""A BCP 47 language tag in its common forms: 'en', 'pt-BR', 'zh-Hant'."""

Anchor = Annotated[Slug, Field(max_length=80)]
Tag = Annotated[str, Field(pattern=r"^[^\x00-\x1f,]{1,50}$")]
Title = text(300, min_length=1, strip=True)
Status = Literal["draft", "published", "scheduled"]

MAX_SECTIONS = 200
MAX_BLOCKS_PER_SECTION = 500


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


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
    tags: Annotated[list[Tag], Field(max_length=30)] = []
    author: text(200, min_length=1) | None = None  # type: ignore[valid-type]
    sections: Annotated[list[SectionInput], Field(max_length=MAX_SECTIONS)] = []

    id: Any = Field(default=None, exclude=True, description="read-only: ignored on input")
    status: Any = Field(default=None, exclude=True, description="read-only: ignored on input")
    version: Any = Field(default=None, exclude=True, description="read-only: ignored on input")
    published_at: Any = Field(default=None, exclude=True, description="read-only: ignored on input")
    updated_at: Any = Field(default=None, exclude=True, description="read-only: ignored on input")

    @model_validator(mode="after")
    def _unique_ids_and_anchors(self) -> "ArticleInput":
        if len(set(self.tags)) != len(self.tags):
            raise ValueError(f"tags must not repeat: {self.tags}")
        anchors = [s.anchor for s in self.sections if s.anchor]
        if len(set(anchors)) != len(anchors):
            raise ValueError(f"section anchors must be unique within the article: {anchors}")
        ids = [s.id for s in self.sections if s.id] + [b.id for s in self.sections for b in s.blocks if b.id]
        if len(set(ids)) != len(ids):
            duplicates = sorted({i for i in ids if ids.count(i) > 1})
            raise ValueError(f"section and block ids must be unique within the article: {duplicates} repeat")
        return self


class Section(_Strict):
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


class Article(Document):
    """An article as delivery and preview serve it (the JSON format)."""

    id: str
    slug: Slug
    locale: Locale
    status: Status
    version: int
    published_at: datetime | None
    updated_at: datetime


ARTICLE_FIELDS = tuple(Article.model_fields)
SUMMARY_FIELDS = tuple(name for name in ARTICLE_FIELDS if name != "sections")


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
