"""Public read routes: articles by slug, one section, the listing, the site, the schema."""

from collections.abc import Collection

import orjson
from starlette.requests import Request
from starlette.responses import Response

from cms.core.article import ARTICLE_FIELDS, section_by_anchor
from cms.core.errors import Moved, NotFound
from cms.core.representation import Rendition
from cms.core.schema import article_input_schema
from cms.core.slugs import is_slug
from cms.services import site
from cms.services.delivery_cache import DeliveryCache, Entry, Redirect
from cms.web.api import articles
from cms.web.http import params
from cms.web.http.caching import cached_response
from cms.web.http.problems import bad_parameter
from cms.web.http.responses import render_article, render_section
from cms.web.openapi.examples import article_examples, section_examples, with_examples
from cms.web.openapi.parts import (
    ANCHOR,
    CACHED_READ,
    FIELDS,
    FORMAT,
    LOCALE,
    MOVED,
    NO_ARTICLE,
    PREVIEW,
    SLUG,
    any_of,
    formatted,
    json_body,
    problem,
)
from cms.web.operations import OPTIONAL_TOKEN, PUBLIC, Kept, Operation, PathParameters
from cms.web.schemas import SiteInfo


async def _published(request: Request, slug: str, locale: str) -> Entry:
    """The published article, from this worker's cache; Moved when the slug was renamed; else NotFound."""
    found = await _cache(request).entry(slug, locale) if is_slug(slug) else None
    if isinstance(found, Redirect):
        raise Moved(found.slug, locale)
    if found is None:
        raise NotFound(f"no published article has slug {slug!r} in locale {locale!r}")
    return found


async def get_article(request: Request) -> Response:
    """A cache hit costs no query and no rendering: the bytes and their ETag were made by an earlier request."""
    if _preview(request):
        return await articles.preview_article(request)
    query = params.query(request, {"locale", "fields", "format", "preview"})
    fmt = params.output_format(query)
    fields = params.fields(query, ARTICLE_FIELDS, ARTICLE_FIELDS)
    entry = await _published(request, request.path_params["slug"], params.locale(query, _default_locale(request)))

    def render() -> tuple[bytes, str]:
        if fmt.name == "json" and len(fields) == len(ARTICLE_FIELDS):
            return entry.snapshot, fmt.media_type  # stored at publish time exactly as served
        return render_article(entry.article(), query, request.app.state.formats)

    rendition = _cache(request).rendition(entry, article_variant(request.path_params, fmt.name, fields), render)
    return cached_response(request, rendition, entry.surrogate_key, entry.published, entry.last_modified)


async def get_section(request: Request) -> Response:
    if _preview(request):
        return await articles.preview_section(request)
    query = params.query(request, {"locale", "format", "preview"})
    fmt = params.output_format(query)
    entry = await _published(request, request.path_params["slug"], params.locale(query, _default_locale(request)))
    anchor = request.path_params["anchor"]
    section = lambda: section_by_anchor(entry.article(), anchor)  # noqa: E731
    render = lambda: render_section(section(), query, request.app.state.formats)  # noqa: E731
    rendition = _cache(request).rendition(entry, section_variant(request.path_params, fmt.name), render)
    return cached_response(request, rendition, entry.surrogate_key, entry.published, entry.last_modified)


def article_variant(path: PathParameters, fmt: str = "json", fields: Collection[str] | None = None) -> tuple[str, ...]:
    """The delivery cache's name of an article's rendition: its format, and its `fields=` unless all are chosen.
    Without the last two, the rendition a request without a query string gets (which the fast path serves)."""
    if fields is None or len(fields) == len(ARTICLE_FIELDS):
        return ("article", fmt)
    return ("article", fmt, *sorted(fields))


def section_variant(path: PathParameters, fmt: str = "json") -> tuple[str, ...]:
    return ("section", path["anchor"], fmt)


def _cache(request: Request) -> DeliveryCache:
    cache: DeliveryCache = request.app.state.delivery_cache
    return cache


def _preview(request: Request) -> bool:
    """`?preview=true` asks for the draft (a management request); `false` or no value, the published article."""
    if not request.scope["query_string"]:
        return False
    value = request.query_params.get("preview", "false")
    if value not in ("true", "false"):
        raise bad_parameter("preview", f"preview {value!r} is not a boolean: use preview=true or leave it out")
    return value == "true"


async def get_site(request: Request) -> Response:
    params.query(request, ())
    default = _default_locale(request)
    name, locales = await site.describe(default)
    info = SiteInfo(name=name, default_locale=default, locales=locales)
    return cached_response(request, Rendition.of(orjson.dumps(info.model_dump()), "application/json"), "site")


async def get_schema(request: Request) -> Response:
    params.query(request, ())
    return cached_response(request, _SCHEMA, "schema")


_SCHEMA = Rendition.of(orjson.dumps(article_input_schema()), "application/schema+json")


def _default_locale(request: Request) -> str:
    return str(request.app.state.settings.default_locale)


PREVIEW_ERRORS = {
    "308": {"description": "With preview=true, the slug was renamed: `Location` is the new URL."},
    "401": problem("preview=true without a token, or with an unknown or revoked one."),
    "403": problem("preview=true with a token that lacks the `preview` scope."),
}
ARTICLE = formatted(
    any_of("Article", "PortableTextArticle", "ArticleFields"),
    "The article: an `Article` (JSON), a `PortableTextArticle` (`format=portable-text`), an `ArticleFields` "
    "(`fields=`), or the text of the `html`, `markdown` or `text` format.",
)
SECTION = formatted(
    any_of("Section", "PortableTextSection"),
    "The section: a `Section` (JSON), a `PortableTextSection` (`format=portable-text`), or text.",
)

operations = [
    Operation(
        "GET",
        "/api/v1/articles/{slug}",
        get_article,
        "getArticle",
        "Delivery",
        "One published article; with preview=true, the current draft",
        security=OPTIONAL_TOKEN,
        parameters=[SLUG, LOCALE, FIELDS, FORMAT, PREVIEW],
        responses={
            "200": with_examples(ARTICLE, article_examples()),
            "301": MOVED,
            **CACHED_READ,
            **PREVIEW_ERRORS,
            "404": NO_ARTICLE,
        },
        kept=Kept(article_variant),
    ),
    Operation(
        "GET",
        "/api/v1/articles/{slug}/sections/{anchor}",
        get_section,
        "getSection",
        "Delivery",
        "One section of a published article; with preview=true, of the draft",
        security=OPTIONAL_TOKEN,
        parameters=[SLUG, ANCHOR, LOCALE, FORMAT, PREVIEW],
        responses={
            "200": with_examples(SECTION, section_examples()),
            "301": MOVED,
            **CACHED_READ,
            **PREVIEW_ERRORS,
            "404": problem("No such article, or it has no section with this anchor."),
        },
        kept=Kept(section_variant),
    ),
    Operation(
        "GET",
        "/api/v1/site",
        get_site,
        "getSite",
        "Delivery",
        "The site's name and locales",
        security=PUBLIC,
        responses={"200": json_body("SiteInfo", "The site."), **CACHED_READ},
    ),
    Operation(
        "GET",
        "/api/v1/schema",
        get_schema,
        "getSchema",
        "Delivery",
        "JSON Schema (2020-12) of the article input, every block type under $defs by its type name",
        security=PUBLIC,
        responses={
            "200": {
                "description": "The schema.",
                "content": {"application/schema+json": {"schema": {"type": "object"}}},
            },
            **CACHED_READ,
        },
    ),
]
