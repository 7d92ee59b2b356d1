"""Portable Text (https://portabletext.org): the JSON that the official `@portabletext/*` renderers render.

The text blocks (paragraph, heading, list, quote, and each section heading as `h2`) are standard blocks, so they
render without custom components; the other block types are custom `_type`s carrying their own fields.
A quote is a `blockquote` block with its attribution in a `cite` field, not a custom `quote` type: the official
renderers then draw it, marks and links included, with their default components (dropping only the attribution),
while a `block.blockquote` component gets the whole block as `value` and can write `value.cite`
(tests/js/components/ do). A custom type would render as nothing, with a warning, wherever no component is given.
`_key`s are unique within the body: a block's id (section and block ids are unique within the article), and for
what one block expands into, that id, a dot and an index; ids cannot contain a dot, so derived keys never collide.
"""

from typing import Any

import orjson

from cms.core.article import Article, Section
from cms.core.blocks import Block, Heading, List, ListItem, Paragraph, Quote
from cms.core.spans import Span

DECORATORS = {"strong": "strong", "em": "em", "code": "code", "underline": "underline", "strike": "strike-through"}

Json = dict[str, Any]


def article(article: Article) -> bytes:
    body = [node for section in article.sections for node in _section_body(section)]
    return orjson.dumps(article.model_dump(mode="json", exclude={"sections"}) | {"body": body})


def section(section: Section) -> bytes:
    fields = {"id": section.id, "anchor": section.anchor, "heading": section.heading}
    return orjson.dumps(fields | {"body": _section_body(section)})


def _section_body(section: Section) -> list[Json]:
    heading = [_text_block(section.id, [Span(text=section.heading)], style="h2")] if section.heading else []
    return heading + [
        node for index, block in enumerate(section.blocks) for node in _block(block, f"{section.id}.{index}")
    ]


def _block(block: Block, fallback_key: str) -> list[Json]:
    key = block.id or fallback_key
    match block:
        case Paragraph():
            return [_text_block(key, block.spans, style="normal")]
        case Heading():
            return [_text_block(key, block.spans, style=f"h{block.level}")]
        case Quote():
            cite = {"cite": block.cite} if block.cite else {}
            return [_text_block(key, block.spans, style="blockquote") | cite]
        case List():
            listed = _items(block.items, level=1)
            bullet = "number" if block.style == "number" else "bullet"
            return [
                _text_block(f"{key}.{index}", spans, style="normal") | {"listItem": bullet, "level": level}
                for index, (spans, level) in enumerate(listed)
            ]
        case _:
            fields = block.model_dump(mode="json", exclude={"id", "type"}, exclude_none=True)
            return [{"_type": block.type, "_key": key} | fields]


def _items(items: list[ListItem], level: int) -> list[tuple[list[Span], int]]:
    """Portable Text lists are flat: one block per item, its depth in `level` (1-based)."""
    return [pair for item in items for pair in [(item.spans, level), *_items(item.items, level + 1)]]


def _text_block(key: str, spans: list[Span], *, style: str) -> Json:
    mark_defs: list[Json] = []
    children = []
    for index, span in enumerate(spans):
        marks = [DECORATORS[mark] for mark in span.marks]
        if span.href:
            link_key = f"{key}.link{index}"
            mark_defs.append({"_type": "link", "_key": link_key, "href": span.href})
            marks.append(link_key)
        children.append({"_type": "span", "_key": f"{key}.{index}", "text": span.text, "marks": marks})
    return {"_type": "block", "_key": key, "style": style, "children": children, "markDefs": mark_defs}
