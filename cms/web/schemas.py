"""Shapes of the API's own responses (beyond the content model), as Pydantic models so OpenAPI is generated."""

from pydantic import BaseModel, ConfigDict

from cms.core.article import Article


class ArticlePage(BaseModel):
    """A page of the listing; pass `next_cursor` back as `?cursor=` for the next one (null on the last page)."""

    items: list[Article]
    next_cursor: str | None


class SiteInfo(BaseModel):
    name: str | None
    default_locale: str
    locales: list[str]


class FieldProblem(BaseModel):
    path: str
    message: str


class Problem(BaseModel):
    """application/problem+json (RFC 9457). `errors` on 422, `parameter` on a 400 about a query parameter."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldProblem] | None = None
    parameter: str | None = None


class EventData(BaseModel):
    """What changed: an article (`id`, `slug`, `locale`, `version`, `previous_slug` after a slug change) or an asset
    (`id`, `url`, `mime`, `bytes`)."""

    model_config = ConfigDict(extra="allow")

    id: str


class ChangeEvent(BaseModel):
    """One event of the log (SPEC §7); `id` is opaque and sorts in log order."""

    id: str
    type: str
    timestamp: str
    data: EventData


class ChangesPage(BaseModel):
    """Oldest first; poll again with `since=<next_cursor>` (always present) to get what came after."""

    items: list[ChangeEvent]
    next_cursor: str
