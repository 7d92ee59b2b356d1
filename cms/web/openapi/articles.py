"""The article routes: delivery (every format, `fields=`, preview), editing and revisions, with every status each
answers; tests/openapi/test_conformance.py checks each against real responses."""

from typing import Any

from cms.core.numbers import MAX_VERSION
from cms.web.openapi.examples import article_examples, listing_examples, section_examples, with_examples
from cms.web.openapi.parts import (
    ANCHOR,
    BAD_QUERY,
    CURSOR,
    FIELDS,
    FORMAT,
    IF_MATCH,
    IF_MATCH_REQUIRED,
    LIMIT,
    LOCALE,
    MOVED,
    NO_ARTICLE,
    NO_CONTENT,
    NOT_MODIFIED,
    OPTIONAL_TOKEN,
    POSITION,
    PREVIEW,
    PUBLIC,
    SLUG,
    TOKEN,
    formatted,
    json_body,
    op,
    param,
    problem,
    request_body,
    write_errors,
)
from cms.web.openapi.schemas import REF


def _any_of(*names: str) -> dict[str, Any]:
    return {"anyOf": [{"$ref": REF + name} for name in names]}


PREVIEW_ERRORS = {
    "308": {"description": "With preview=true, the slug was renamed: `Location` is the new URL."},
    "401": problem("preview=true without a token, or with an unknown or revoked one."),
    "403": problem("preview=true with a token that lacks the `preview` scope."),
}


def delivery() -> dict[str, Any]:
    q = param(
        "q",
        "query",
        "Full-text search: plain words, all must match, the last as a prefix; best hits first (docs/search.md).",
        {"type": "string", "maxLength": 500},
    )
    tag = param("tag", "query", "Only articles with this tag (exact).", {"type": "string", "maxLength": 50})
    article = formatted(
        _any_of("Article", "PortableTextArticle", "ArticleFields"),
        "The article: an `Article` (JSON), a `PortableTextArticle` (`format=portable-text`), an `ArticleFields` "
        "(`fields=`), or the text of the `html`, `markdown` or `text` format.",
    )
    section = formatted(
        _any_of("Section", "PortableTextSection"),
        "The section: a `Section` (JSON), a `PortableTextSection` (`format=portable-text`), or text.",
    )
    listing = {
        "description": "A page of summaries (`ArticleSummaryPage`), or with `fields=` of those fields "
        "(`ArticleFieldsPage`).",
        "content": {"application/json": {"schema": _any_of("ArticleSummaryPage", "ArticleFieldsPage")}},
    }
    cached = {"304": NOT_MODIFIED, "400": BAD_QUERY}
    return {
        "/api/v1/articles": {
            "get": op(
                "listArticles",
                "Delivery",
                "Published articles, newest first, or best search hits first (keyset pagination)",
                PUBLIC,
                [LOCALE, FIELDS, LIMIT, CURSOR, tag, q],
                {"200": with_examples(listing, listing_examples()), **cached},
            ),
        },
        "/api/v1/articles/{slug}": {
            "get": op(
                "getArticle",
                "Delivery",
                "One published article; with preview=true, the current draft",
                OPTIONAL_TOKEN,
                [SLUG, LOCALE, FIELDS, FORMAT, PREVIEW],
                {
                    "200": with_examples(article, article_examples()),
                    "301": MOVED,
                    **cached,
                    **PREVIEW_ERRORS,
                    "404": NO_ARTICLE,
                },
            ),
        },
        "/api/v1/articles/{slug}/sections/{anchor}": {
            "get": op(
                "getSection",
                "Delivery",
                "One section of a published article; with preview=true, of the draft",
                OPTIONAL_TOKEN,
                [SLUG, ANCHOR, LOCALE, FORMAT, PREVIEW],
                {
                    "200": with_examples(section, section_examples()),
                    "301": MOVED,
                    **cached,
                    **PREVIEW_ERRORS,
                    "404": problem("No such article, or it has no section with this anchor."),
                },
            ),
        },
        "/api/v1/site": {
            "get": op(
                "getSite",
                "Delivery",
                "The site's name and locales",
                PUBLIC,
                [],
                {
                    "200": json_body("SiteInfo", "The site."),
                    **cached,
                },
            ),
        },
        "/api/v1/schema": {
            "get": op(
                "getSchema",
                "Delivery",
                "JSON Schema (2020-12) of the article input, every block type under $defs by its type name",
                PUBLIC,
                [],
                {
                    "200": {
                        "description": "The schema.",
                        "content": {"application/schema+json": {"schema": {"type": "object"}}},
                    },
                    **cached,
                },
            ),
        },
    }


def editing() -> dict[str, Any]:
    draft = json_body("Article", "The draft, with its new `ETag`.")
    at_slug = [SLUG, LOCALE]
    at_section = [SLUG, ANCHOR, LOCALE, IF_MATCH_REQUIRED]
    publication = json_body("Publication", "Where the article stands.")
    section_errors = write_errors(if_match="required") | {
        "404": problem("No such article, or it has no section with this anchor.")
    }
    return {
        "/api/v1/articles": {
            "post": op(
                "createArticle",
                "Editing",
                "Create a draft from JSON, or from Markdown with front matter",
                TOKEN,
                [LOCALE],
                {
                    "201": json_body("Article", "The new draft; `Location` is its URL, `ETag` its version."),
                    **write_errors(slug=False, conflict=True),
                },
                {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": REF + "ArticleInput"}},
                        "text/markdown": {
                            "schema": {
                                "type": "string",
                                "description": "Markdown with YAML front matter (docs/api.md).",
                            }
                        },
                    },
                },
                scope="write",
            ),
        },
        "/api/v1/articles/{slug}": {
            "put": op(
                "replaceArticle",
                "Editing",
                "Replace the draft",
                TOKEN,
                [*at_slug, IF_MATCH_REQUIRED],
                {"200": draft, **write_errors(if_match="required", conflict=True)},
                request_body("ArticleInput"),
                scope="write",
            ),
            "patch": op(
                "patchArticle",
                "Editing",
                "Change the draft's title, slug, tags, summary, author or sections (JSON Merge Patch)",
                TOKEN,
                [*at_slug, IF_MATCH_REQUIRED],
                {"200": draft, **write_errors(if_match="required", conflict=True)},
                request_body("ArticlePatch", ("application/merge-patch+json", "application/json")),
                scope="write",
            ),
            "delete": op(
                "deleteArticle",
                "Editing",
                "Delete the article, its drafts and revisions",
                TOKEN,
                [*at_slug, IF_MATCH],
                {"204": NO_CONTENT, **write_errors(body=False, if_match="optional")},
                scope="write",
            ),
        },
        "/api/v1/articles/{slug}/sections": {
            "post": op(
                "addSection",
                "Editing",
                "Add a section to the draft",
                TOKEN,
                [*at_slug, IF_MATCH_REQUIRED],
                {
                    "201": json_body("Section", "The new section; `ETag` is the draft's new one."),
                    **write_errors(if_match="required"),
                },
                request_body("NewSection"),
                scope="write",
            ),
        },
        "/api/v1/articles/{slug}/sections/{anchor}": {
            "put": op(
                "replaceSection",
                "Editing",
                "Replace one section of the draft",
                TOKEN,
                at_section,
                {"200": json_body("Section", "The section; `ETag` is the draft's new one."), **section_errors},
                request_body("SectionInput"),
                scope="write",
            ),
            "delete": op(
                "deleteSection",
                "Editing",
                "Remove one section of the draft",
                TOKEN,
                at_section,
                {
                    "204": NO_CONTENT,
                    **write_errors(body=False, if_match="required"),
                    "404": section_errors["404"],
                },
                scope="write",
            ),
        },
        "/api/v1/articles/{slug}/publish": {
            "post": op(
                "publishArticle",
                "Editing",
                "Publish the current draft now, or schedule it at `at`",
                TOKEN,
                [*at_slug, IF_MATCH],
                {"200": publication, **write_errors(if_match="optional")},
                request_body("PublishRequest") | {"required": False},
                scope="write",
            ),
        },
        "/api/v1/articles/{slug}/unpublish": {
            "post": op(
                "unpublishArticle",
                "Editing",
                "Take the article off delivery (or cancel its schedule); the draft stays",
                TOKEN,
                [*at_slug, IF_MATCH],
                {"200": publication, **write_errors(body=False, if_match="optional")},
                scope="write",
            ),
        },
    }


def revisions() -> dict[str, Any]:
    version_number = {"type": "integer", "minimum": 1, "maximum": MAX_VERSION}
    version = param("n", "path", "A revision's version number.", version_number, required=True)
    at_slug = [SLUG, LOCALE]
    # A renamed slug: revisions are management requests, so 308 as for writes (cms.web.http.problems.on_moved).
    read_errors = write_errors(body=False)
    reads = read_errors | {"404": problem("No such article, or it has no such revision.")}
    return {
        "/api/v1/articles/{slug}/revisions": {
            "get": op(
                "listRevisions",
                "Revisions",
                "Every saved draft, newest first",
                TOKEN,
                [*at_slug, LIMIT, POSITION],
                {"200": json_body("RevisionPage", "A page of revisions."), **read_errors},
                scope="preview",
            ),
        },
        "/api/v1/articles/{slug}/revisions/{n}": {
            "get": op(
                "getRevision",
                "Revisions",
                "One saved draft",
                TOKEN,
                [*at_slug, version],
                {"200": json_body("RevisionDetail", "The revision and its content."), **reads},
                scope="preview",
            ),
        },
        "/api/v1/articles/{slug}/revisions/{n}/restore": {
            "post": op(
                "restoreRevision",
                "Revisions",
                "Make a revision the draft again (as a new revision)",
                TOKEN,
                [*at_slug, version, IF_MATCH],
                {
                    "200": json_body("Article", "The draft, with its new `ETag`."),
                    **write_errors(body=False, if_match="optional"),
                    "404": reads["404"],
                },
                scope="write",
            ),
        },
    }
