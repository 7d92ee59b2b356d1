"""GET /api/v1/articles: published summaries, newest first or best search hits first, by keyset cursor."""

from collections.abc import Awaitable

from pydantic import TypeAdapter, ValidationError
from starlette.requests import Request
from starlette.responses import Response

from cms.core.article import ARTICLE_FIELDS, SUMMARY_FIELDS, Tag
from cms.core.representation import Rendition
from cms.services import listing
from cms.services.delivery_cache import DeliveryCache
from cms.web.http import params
from cms.web.http.caching import cached_response
from cms.web.http.problems import bad_parameter
from cms.web.openapi.examples import listing_examples, with_examples
from cms.web.openapi.parts import CACHED_READ, CURSOR, FIELDS, LIMIT, LOCALE, any_of, param
from cms.web.operations import PUBLIC, Kept, Operation

_TAG = TypeAdapter(Tag)


async def list_articles(request: Request) -> Response:
    """Every parameter is checked before the cache is asked, so a bad one is a 400 whether the page is kept or not."""
    query = params.query(request, {"locale", "fields", "limit", "cursor", "tag", "q"})
    fields = params.fields(query, ARTICLE_FIELDS, SUMMARY_FIELDS)
    locale = params.locale(query, request.app.state.settings.default_locale)
    limit, tag, search = params.limit(query), _tag(query), _search(query)

    def load() -> Awaitable[tuple[Rendition, str]]:
        return listing.page(locale, limit, query.get("cursor"), fields, tag, search)

    cache: DeliveryCache = request.app.state.delivery_cache
    try:
        rendition, keys = await cache.page(request.scope["query_string"].decode("latin-1"), load)
    except listing.BadCursor as exc:
        raise bad_parameter("cursor", str(exc)) from None
    return cached_response(request, rendition, keys)


def _tag(query: dict[str, str]) -> str | None:
    """A tag no article could have is a mistake worth a 400, not an empty page."""
    if "tag" not in query:
        return None
    try:
        return _TAG.validate_python(query["tag"])
    except ValidationError:
        raise bad_parameter(
            "tag", f"tag {query['tag']!r} is not valid: use 1-50 characters, no commas or control characters"
        ) from None


def _search(query: dict[str, str]) -> listing.Search | None:
    if "q" not in query:
        return None
    try:
        return listing.Search.parse(query["q"])
    except listing.BadSearch as exc:
        raise bad_parameter("q", str(exc)) from None


PAGE = {
    "description": "A page of summaries (`ArticleSummaryPage`), or with `fields=` of those fields "
    "(`ArticleFieldsPage`).",
    "content": {"application/json": {"schema": any_of("ArticleSummaryPage", "ArticleFieldsPage")}},
}
TAG = param("tag", "query", "Only articles with this tag (exact).", {"type": "string", "maxLength": 50})
SEARCH = param(
    "q",
    "query",
    "Full-text search: plain words, all must match, the last as a prefix; best hits first (docs/search.md).",
    {"type": "string", "maxLength": 500},
)

operations = [
    Operation(
        "GET",
        "/api/v1/articles",
        list_articles,
        "listArticles",
        "Delivery",
        "Published articles, newest first, or best search hits first (keyset pagination)",
        security=PUBLIC,
        parameters=[LOCALE, FIELDS, LIMIT, CURSOR, TAG, SEARCH],
        responses={"200": with_examples(PAGE, listing_examples()), **CACHED_READ},
        kept=Kept(),
    ),
]
