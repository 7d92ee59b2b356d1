"""Authenticated writes: articles, their sections, publishing. Each route: auth -> parse -> one service call."""

from starlette.requests import Request
from starlette.responses import Response

from cms.core.article import Article, ArticleInput, SectionInput, section_by_anchor
from cms.core.markdown_in import parse_markdown
from cms.services import drafts, publishing
from cms.services.assets import check_images
from cms.web.http import auth, bodies, params
from cms.web.http.preconditions import MERGE, PREFERENCE_APPLIED, if_match, prefers_merge
from cms.web.http.problems import quoted_etag
from cms.web.http.responses import json_response, render_article, render_section, rendered
from cms.web.openapi.parts import (
    ANCHOR,
    IF_MATCH,
    IF_MATCH_REQUIRED,
    LOCALE,
    NO_CONTENT,
    PREFER,
    REF,
    SLUG,
    json_body,
    problem,
    request_body,
    write_errors,
)
from cms.web.operations import Operation
from cms.web.schemas import NewSection, PublishRequest

PRIVATE = "private, no-store"


def draft_headers(article: Article) -> dict[str, str]:
    return {"ETag": quoted_etag(drafts.draft_tag(article.id, article.version)), "Cache-Control": PRIVATE}


def draft_response(article: Article, status: int = 200, **headers: str) -> Response:
    response = json_response(article.model_dump(mode="json"), status)
    response.headers.update(draft_headers(article) | headers)
    return response


def _applied(request: Request, expected: list[str] | None, article: Article) -> dict[str, str]:
    """`Preference-Applied: merge` when the write was merged: If-Match named an older version than the one before
    the version it made (a write whose If-Match was current is an ordinary write)."""
    if not prefers_merge(request) or expected is None or "*" in expected:
        return {}
    return {} if drafts.draft_tag(article.id, article.version - 1) in expected else {PREFERENCE_APPLIED: MERGE}


def _locale(request: Request, allowed: tuple[str, ...] = ("locale",)) -> str:
    return params.locale(params.query(request, allowed), request.app.state.settings.default_locale)


def _article_url(request: Request, article: Article) -> str:
    url = f"/api/v1/articles/{article.slug}"
    return url if article.locale == request.app.state.settings.default_locale else f"{url}?locale={article.locale}"


async def create_article(request: Request) -> Response:
    token = await auth.require(request, "write")
    locale = _locale(request)
    kind = bodies.require_media_type(request, (bodies.JSON, bodies.MARKDOWN))
    if kind == bodies.MARKDOWN:
        new = parse_markdown(await bodies.text(request))
    else:
        new = await bodies.model(request, ArticleInput)
    article = await drafts.create(new.model_copy(update={"locale": new.locale or locale}), locale, token.name)
    return draft_response(article, 201, Location=_article_url(request, article))


async def replace_article(request: Request) -> Response:
    token = await auth.require(request, "write")
    locale = _locale(request)
    expected = if_match(request, required=True)
    new = await bodies.model(request, ArticleInput)
    slug, merging = request.path_params["slug"], prefers_merge(request)
    article = await drafts.replace(slug, locale, new, expected, token.name, merging)
    return draft_response(article, **_applied(request, expected, article))


async def patch_article(request: Request) -> Response:
    token = await auth.require(request, "write")
    locale = _locale(request)
    expected = if_match(request, required=True)
    patch = await bodies.json_value(request, (bodies.MERGE_PATCH, bodies.JSON))
    slug, merging = request.path_params["slug"], prefers_merge(request)
    article = await drafts.patch(slug, locale, patch, expected, token.name, merging)
    return draft_response(article, **_applied(request, expected, article))


async def delete_article(request: Request) -> Response:
    await auth.require(request, "write")
    locale = _locale(request)
    await publishing.delete(request.path_params["slug"], locale, if_match(request, required=False))
    return Response(status_code=204)


async def add_section(request: Request) -> Response:
    token = await auth.require(request, "write")
    locale = _locale(request)
    expected = if_match(request, required=True)
    new = await bodies.model(request, NewSection)
    section = SectionInput.model_validate(new.model_dump(exclude={"position"}, exclude_none=True))
    await check_images(("", section.blocks))  # errors at paths in this body, like its validation's
    slug = request.path_params["slug"]
    merging = prefers_merge(request)
    article, added = await drafts.add_section(slug, locale, section, new.position, expected, token.name, merging)
    location = f"/api/v1/articles/{article.slug}/sections/{added.anchor}?preview=true"
    response = json_response(added.model_dump(mode="json"), 201)
    response.headers.update(draft_headers(article) | {"Location": location} | _applied(request, expected, article))
    return response


async def replace_section(request: Request) -> Response:
    token = await auth.require(request, "write")
    locale = _locale(request)
    expected = if_match(request, required=True)
    new = await bodies.model(request, SectionInput)
    await check_images(("", new.blocks))  # errors at paths in this body, like its validation's
    slug, anchor = request.path_params["slug"], request.path_params["anchor"]
    merging = prefers_merge(request)
    article, replaced = await drafts.replace_section(slug, locale, anchor, new, expected, token.name, merging)
    response = json_response(replaced.model_dump(mode="json"))
    response.headers.update(draft_headers(article) | _applied(request, expected, article))
    return response


async def delete_section(request: Request) -> Response:
    token = await auth.require(request, "write")
    locale = _locale(request)
    expected = if_match(request, required=True)
    slug, anchor = request.path_params["slug"], request.path_params["anchor"]
    article = await drafts.delete_section(slug, locale, anchor, expected, token.name, prefers_merge(request))
    return Response(status_code=204, headers=draft_headers(article) | _applied(request, expected, article))


async def publish(request: Request) -> Response:
    await auth.require(request, "write")
    locale = _locale(request)
    expected = if_match(request, required=False)
    at = (await _publish_request(request)).at
    state = await publishing.publish(request.path_params["slug"], locale, expected, at=at)
    return json_response(state.model_dump(mode="json"))


async def _publish_request(request: Request) -> PublishRequest:
    """The body is optional: none (or `{}`) publishes now."""
    if not request.headers.get("content-length", "").strip("0") and "transfer-encoding" not in request.headers:
        return PublishRequest()
    return await bodies.model(request, PublishRequest)


async def unpublish(request: Request) -> Response:
    await auth.require(request, "write")
    locale = _locale(request)
    state = await publishing.unpublish(request.path_params["slug"], locale, if_match(request, required=False))
    return json_response(state.model_dump(mode="json"))


async def preview_article(request: Request) -> Response:
    """GET ?preview=true: the current draft, never cached by anyone but the client."""
    query = await _preview_query(request, {"preview", "locale", "fields", "format"})
    article, tag = await drafts.read(request.path_params["slug"], _default_or(query, request))
    return rendered(
        render_article(article, query, request.app.state.formats), {"ETag": quoted_etag(tag), "Cache-Control": PRIVATE}
    )


async def preview_section(request: Request) -> Response:
    query = await _preview_query(request, {"preview", "locale", "format"})
    article, tag = await drafts.read(request.path_params["slug"], _default_or(query, request))
    section = section_by_anchor(article, request.path_params["anchor"])
    return rendered(
        render_section(section, query, request.app.state.formats), {"ETag": quoted_etag(tag), "Cache-Control": PRIVATE}
    )


async def _preview_query(request: Request, allowed: set[str]) -> dict[str, str]:
    await auth.require(request, "preview")
    return params.query(request, allowed)


def _default_or(query: dict[str, str], request: Request) -> str:
    return params.locale(query, request.app.state.settings.default_locale)


DRAFT = json_body("Article", "The draft, with its new `ETag`.")
PUBLICATION = json_body("Publication", "Where the article stands.")
AT_SLUG = [SLUG, LOCALE]
AT_SECTION = [SLUG, ANCHOR, LOCALE, IF_MATCH_REQUIRED, PREFER]
NO_SECTION = problem("No such article, or it has no section with this anchor.")
ARTICLE_OR_MARKDOWN = {
    "required": True,
    "content": {
        "application/json": {"schema": {"$ref": REF + "ArticleInput"}},
        "text/markdown": {
            "schema": {"type": "string", "description": "Markdown with YAML front matter (docs/api.md)."}
        },
    },
}

operations = [
    Operation(
        "POST",
        "/api/v1/articles",
        create_article,
        "createArticle",
        "Editing",
        "Create a draft from JSON, or from Markdown with front matter",
        scopes=("write",),
        parameters=[LOCALE],
        body=ARTICLE_OR_MARKDOWN,
        responses={
            "201": json_body("Article", "The new draft; `Location` is its URL, `ETag` its version."),
            **write_errors(slug=False, conflict=True),
        },
        returns_draft=True,
    ),
    Operation(
        "PUT",
        "/api/v1/articles/{slug}",
        replace_article,
        "replaceArticle",
        "Editing",
        "Replace the draft",
        scopes=("write",),
        parameters=[*AT_SLUG, IF_MATCH_REQUIRED, PREFER],
        body=request_body("ArticleInput"),
        responses={"200": DRAFT, **write_errors(if_match="required", conflict=True, merges=True)},
        returns_draft=True,
        merges=True,
    ),
    Operation(
        "PATCH",
        "/api/v1/articles/{slug}",
        patch_article,
        "patchArticle",
        "Editing",
        "Change the draft's title, slug, tags, summary, author or sections (JSON Merge Patch)",
        scopes=("write",),
        parameters=[*AT_SLUG, IF_MATCH_REQUIRED, PREFER],
        body=request_body("ArticlePatch", ("application/merge-patch+json", "application/json")),
        responses={"200": DRAFT, **write_errors(if_match="required", conflict=True, merges=True)},
        returns_draft=True,
        merges=True,
    ),
    Operation(
        "DELETE",
        "/api/v1/articles/{slug}",
        delete_article,
        "deleteArticle",
        "Editing",
        "Delete the article, its drafts and revisions",
        scopes=("write",),
        parameters=[*AT_SLUG, IF_MATCH],
        responses={"204": NO_CONTENT, **write_errors(body=False, if_match="optional")},
    ),
    Operation(
        "POST",
        "/api/v1/articles/{slug}/sections",
        add_section,
        "addSection",
        "Editing",
        "Add a section to the draft",
        scopes=("write",),
        parameters=[*AT_SLUG, IF_MATCH_REQUIRED, PREFER],
        body=request_body("NewSection"),
        responses={
            "201": json_body("Section", "The new section; `ETag` is the draft's new one."),
            **write_errors(if_match="required", merges=True),
        },
        returns_draft=True,
        merges=True,
    ),
    Operation(
        "PUT",
        "/api/v1/articles/{slug}/sections/{anchor}",
        replace_section,
        "replaceSection",
        "Editing",
        "Replace one section of the draft",
        scopes=("write",),
        parameters=AT_SECTION,
        body=request_body("SectionInput"),
        responses={
            "200": json_body("Section", "The section; `ETag` is the draft's new one."),
            **write_errors(if_match="required", merges=True),
            "404": NO_SECTION,
        },
        returns_draft=True,
        merges=True,
    ),
    Operation(
        "DELETE",
        "/api/v1/articles/{slug}/sections/{anchor}",
        delete_section,
        "deleteSection",
        "Editing",
        "Remove one section of the draft",
        scopes=("write",),
        parameters=AT_SECTION,
        responses={
            "204": NO_CONTENT,
            **write_errors(body=False, if_match="required", merges=True),
            "404": NO_SECTION,
        },
        merges=True,
    ),
    Operation(
        "POST",
        "/api/v1/articles/{slug}/publish",
        publish,
        "publishArticle",
        "Editing",
        "Publish the current draft now, or schedule it at `at`",
        scopes=("write",),
        parameters=[*AT_SLUG, IF_MATCH],
        body=request_body("PublishRequest") | {"required": False},
        responses={"200": PUBLICATION, **write_errors(if_match="optional")},
    ),
    Operation(
        "POST",
        "/api/v1/articles/{slug}/unpublish",
        unpublish,
        "unpublishArticle",
        "Editing",
        "Take the article off delivery (or cancel its schedule); the draft stays",
        scopes=("write",),
        parameters=[*AT_SLUG, IF_MATCH],
        responses={"200": PUBLICATION, **write_errors(body=False, if_match="optional")},
    ),
]
