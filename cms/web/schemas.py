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
