"""Shapes of the API's own request and response bodies (beyond the content model), as Pydantic models: the handlers
validate and serialise with them, and the OpenAPI document is generated from them (cms/web/openapi/schemas.py)."""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from cms.core.article import SectionInput
from cms.core.events import TYPES
from cms.core.timestamps import Timestamp
from cms.services import tokens
from cms.services.tokens import TokenInfo


class SiteInfo(BaseModel):
    name: str | None
    default_locale: str
    locales: list[str]


class FieldProblem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str = Field(description="Where in the body: 'sections/1/blocks/0/level'; '' for the body itself.")
    message: str


class MergeConflictUnit(BaseModel):
    """One unit both sides of a merge changed differently, with its three values (null where a side lacks it)."""

    model_config = ConfigDict(extra="forbid")

    path: str = Field(
        description="The unit: a field ('title'), 'sections/<id>/heading', 'sections/<id>/anchor', 'sections/<id>', "
        "'sections/<id>/blocks/<id>', 'sections/order' or 'sections/<id>/blocks/order'."
    )
    base: Any = Field(description="Its value in the version the write started from.")
    theirs: Any = Field(description="Its value in the current draft.")
    mine: Any = Field(description="Its value in the write.")
    limit: str | SkipJsonSchema[None] = Field(
        default=None,
        description="Only when no unit is at fault but the merged article breaks a limit that neither side breaks "
        "(more than 200 sections, say): which, at `path`; the three values are then null.",
    )


class Problem(BaseModel):
    """application/problem+json (RFC 9457), as cms.web.http.problems.ProblemResponse writes it: `errors` on a 422 only,
    `parameter` on a 400 about a query parameter (or path segment) only, `header` on a 428 only, `conflicts` on the
    409 of a merge only."""

    model_config = ConfigDict(extra="forbid")

    type: str = Field(
        description="'about:blank' (the status and `title` say what kind of problem it is), or, for a merge's "
        "conflicts, 'tag:cms,2026:problems/merge-conflict'."
    )
    title: str = Field(description="The status's reason phrase (RFC 9110), e.g. 'Not Found'.")
    status: int
    detail: str = Field(description="What was wrong, the value, and what would be accepted.")
    errors: list[FieldProblem] | SkipJsonSchema[None] = None
    parameter: str | SkipJsonSchema[None] = Field(default=None, description="The query parameter at fault.")
    header: str | SkipJsonSchema[None] = Field(default=None, description="The request header that is missing.")
    conflicts: list[MergeConflictUnit] | SkipJsonSchema[None] = Field(
        default=None, description="What both sides of a merge changed differently (`Prefer: merge`); nothing saved."
    )


class EventData(BaseModel):
    """What changed: an article (`id`, `slug`, `locale`, `version`, `previous_slug` after a slug change) or an asset
    (`id`, `url`, `mime`, `bytes`)."""

    model_config = ConfigDict(extra="allow")

    id: str


class ChangeEvent(BaseModel):
    """One event of the log (docs/events.md); `id` is opaque and sorts in log order."""

    id: str
    type: str
    timestamp: str
    data: EventData


StreamEventName = Literal[*TYPES, "reset"]  # type: ignore[valid-type]


class StreamEvent(BaseModel):
    """One message of the stream `GET /api/v1/events`: an event of the log (`event` its type, `data` the
    `ChangeEvent` JSON) or `reset` (`data` `{}`, no `id`): events were missed, re-read what you need."""

    id: str | SkipJsonSchema[None] = Field(default=None, description="The event's id; absent on `reset`.")
    event: StreamEventName
    data: str = Field(description="JSON: the `ChangeEvent`, or `{}` for `reset`.")


class ChangesPage(BaseModel):
    """Oldest first; poll again with `since=<next_cursor>` (always present) to get what came after."""

    items: list[ChangeEvent]
    next_cursor: str


class PortableTextSpan(BaseModel):
    """A run of text: `marks` are decorators (strong, em, code, underline, strike-through) and `markDefs` keys."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["span"] = Field(alias="_type")
    key: str = Field(alias="_key")
    text: str
    marks: list[str]


class PortableTextLink(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: Literal["link"] = Field(alias="_type")
    key: str = Field(alias="_key")
    href: str


class PortableTextBlock(BaseModel):
    """A standard text block (cms.core.render.portable_text): a paragraph (`normal`), a heading (`h2` is a
    section's, `h3`-`h6` heading blocks), a quote (`blockquote`, with `cite` when it has one), or one list item
    (`listItem` and its 1-based `level`). `_key` is the block's id, or the id, a dot and an index."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["block"] = Field(alias="_type")
    key: str = Field(alias="_key")
    style: Literal["normal", "h2", "h3", "h4", "h5", "h6", "blockquote"]
    children: list[PortableTextSpan]
    markDefs: list[PortableTextLink]  # Portable Text's names
    listItem: Literal["bullet", "number"] | SkipJsonSchema[None] = None
    level: Annotated[int, Field(ge=1)] | SkipJsonSchema[None] = None
    cite: str | SkipJsonSchema[None] = Field(default=None, description="A quote's attribution.")


class NewSection(SectionInput):
    """A section to add; `position` is a 0-based index in the article's sections (absent: last)."""

    position: Annotated[int, Field(ge=0)] | None = None


class PublishRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    at: Timestamp | None = None
    """RFC 3339 with an offset (held in UTC); absent or past means now."""


class NewToken(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    name: str = Field(description="1 to 100 printable characters, trimmed")
    scopes: list[tokens.Scope] = Field(min_length=1)


class TokenList(BaseModel):
    items: list[TokenInfo]


class CreatedToken(TokenInfo):
    token: str = Field(description="The secret: shown in this response only, never again.")
