"""Examples for the document, made from the seed article (content_seed/) the way the API would serve it.

Ids and times are fixed, so every worker serves the same document. An installation without content_seed/ (a bare
wheel) gets a document without examples rather than an error.
"""

import functools
from datetime import UTC, datetime
from typing import Any

import orjson

from cms.core.article import SUMMARY_FIELDS, Article, Section, slug_for, to_document
from cms.core.markdown_in import parse_markdown
from cms.core.render import FORMATS
from cms.services.seeding import DEFAULT_SEED_DIR

PUBLISHED = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
EXAMPLE_SECTION = 1  # "What Exactly Is Ketamine?": short, with a heading


@functools.cache
def seed_article() -> Article | None:
    paths = sorted((DEFAULT_SEED_DIR / "articles").glob("*.md"))
    if not paths:
        return None
    new = parse_markdown(paths[0].read_text(encoding="utf-8"))
    document = to_document(new)
    sections = [
        section.model_copy(
            update={
                "id": f"s{n}",
                "blocks": [block.model_copy(update={"id": f"s{n}b{m}"}) for m, block in enumerate(section.blocks)],
            }
        )
        for n, section in enumerate(document.sections)
    ]
    return Article(
        id="5e3b2f92862a479783485be9b556932d",
        slug=slug_for(new),
        locale=new.locale or "en",
        title=document.title,
        summary=document.summary,
        tags=document.tags,
        author=document.author,
        status="published",
        version=1,
        published_at=PUBLISHED,
        updated_at=PUBLISHED,
        sections=sections,
    )


def with_examples(response: dict[str, Any], examples: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """`response` with `examples` (per media type) added to its content."""
    content = {
        media_type: schema | ({"examples": examples[media_type]} if media_type in examples else {})
        for media_type, schema in response["content"].items()
    }
    return response | {"content": content}


def _example(summary: str, value: Any) -> dict[str, Any]:
    return {"summary": summary, "value": value}


def _rendered(render: Any, model: Article | Section) -> Any:
    body: bytes = render(model)
    return orjson.loads(body) if body[:1] == b"{" else body.decode()


def article_examples() -> dict[str, dict[str, Any]]:
    """Per media type of getArticle's 200: the examples (JSON: the article, its Portable Text, a `fields=`)."""
    article = seed_article()
    if article is None:
        return {}
    served = article.model_dump(mode="json")
    examples = {
        "application/json": {
            "json": _example("The seed article (format=json)", served),
            "portable-text": _example("format=portable-text", _rendered(FORMATS["portable-text"].article, article)),
            "fields": _example("fields=title,summary", {name: served[name] for name in ("title", "summary")}),
        }
    }
    return examples | {
        fmt.media_type: {fmt.name: _example(f"format={fmt.name}", _rendered(fmt.article, article))}
        for fmt in FORMATS.values()
        if fmt.media_type != "application/json"
    }


def section_examples() -> dict[str, dict[str, Any]]:
    article = seed_article()
    if article is None:
        return {}
    section = article.sections[EXAMPLE_SECTION]
    return {
        "application/json": {
            "json": _example("A section of the seed article", section.model_dump(mode="json")),
            "portable-text": _example("format=portable-text", _rendered(FORMATS["portable-text"].section, section)),
        }
    } | {
        fmt.media_type: {fmt.name: _example(f"format={fmt.name}", _rendered(fmt.section, section))}
        for fmt in FORMATS.values()
        if fmt.media_type != "application/json"
    }


def listing_examples() -> dict[str, dict[str, Any]]:
    article = seed_article()
    if article is None:
        return {}
    served = article.model_dump(mode="json")
    summary = {name: served[name] for name in SUMMARY_FIELDS}
    chosen = {name: served[name] for name in ("slug", "title")}
    return {
        "application/json": {
            "summaries": _example("The listing", {"items": [summary], "next_cursor": None}),
            "fields": _example("fields=slug,title", {"items": [chosen], "next_cursor": None}),
        }
    }
