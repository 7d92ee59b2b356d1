"""Markdown export followed by import gives back the same article, ignoring ids.

The strategies generate what Markdown can say. Each thing they steer around is a loss listed in
docs/importing.md ("What a Markdown round trip loses") and named in a comment where it is avoided.

Anchors are compared too, but generated the way the API derives them from the headings: Markdown has no
syntax for an anchor, so the importer leaves them to be derived again, and a derived anchor must come back
the same (a section without heading keeps its `intro` or `section-<n>`). An anchor a client chose is lost.
"""

import re
from datetime import UTC, datetime
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st
from markdown_it.common.utils import isValidEntityCode
from pydantic import ValidationError

from cms.core.article import Article, to_document
from cms.core.blocks import Embed, Html, Image
from cms.core.markdown_in import parse_markdown
from cms.core.render import markdown
from cms.core.render.markdown import WHITESPACE
from cms.core.slugs import unique_anchors
from cms.core.spans import Span

Json = dict[str, Any]

MARK_ORDER = ("strong", "em", "code", "underline", "strike")
FLANKING = {"strong", "em", "strike"}

# Text as the model stores it, but for what no character reference can stand for (markdown-it reads `&#31;`
# as U+FFFD), which is lost next to emphasis: control characters other than tab, line feed, form feed and
# carriage return, and noncharacters. This also leaves out NUL, which the model refuses, and lone surrogates.
characters = st.characters(exclude_categories=["Cs", "Cc"]).filter(lambda char: isValidEntityCode(ord(char)))
# Pieces of Markdown syntax, so that text that looks like markup comes up often.
syntax = st.sampled_from(
    ["\n", "\r", "\t", "\x0c", " ", "\xa0", "*", "_", "`", "[", "]", "!", "#", "-", "1.", "<", ">", "&", ";", "~",
     "|", "\\", "— ", "[!NOTE]", "[!tip]", "- ", "> ", "# ", "---", "```", "    ", "<u>", "</u>", "<div>", "&amp;",
     "&#10;", "<https://e.com>", "![a](/b)", "<!-- c -->", "=", "+", '"', "(", ")"]
)  # fmt: skip
words = st.lists(st.text(characters, min_size=1, max_size=4) | syntax, min_size=1, max_size=5).map("".join)
url_characters = st.characters(exclude_categories=["Cs", "Cc", "Z"], exclude_characters="\\") | st.sampled_from(
    list("()<>[]|&%#?_*`")
)


def valid(model: type[Any], **fields: Any) -> bool:
    try:
        model.model_validate(fields)
    except ValidationError:
        return False
    return True


def as_written(span: Json) -> list[Json]:
    """The span as Markdown can hold it: a code span cannot hold a line break, so breaks stay outside `code`."""
    marks = [mark for mark in MARK_ORDER if mark in span["marks"]]
    parts = re.split(r"([\r\n])", span["text"]) if "code" in marks else [span["text"]]
    return [
        {
            "text": part,
            "marks": [m for m in marks if m != "code"] if part in ("\r", "\n") else marks,
            "href": span["href"],
        }
        for part in parts
    ]


def edges_unmarked(span: Json) -> Json:
    """Whitespace at the edge of a marked span moves outside the mark (`** a**` is not emphasis): leave it out."""
    if FLANKING & set(span["marks"]):
        return {**span, "text": span["text"].strip(WHITESPACE)}
    return span


def canonical(spans: list[Json]) -> list[Json]:
    """Spans as the importer gives them: marks in a fixed order, neighbours that look the same merged."""
    merged: list[Json] = []
    for span in (edges_unmarked(part) for raw in spans for part in as_written(raw)):
        if not span["text"]:
            continue
        if merged and merged[-1]["marks"] == span["marks"] and merged[-1]["href"] == span["href"]:
            merged[-1]["text"] += span["text"]
        else:
            merged.append(span)
    return merged


hrefs = st.builds(
    str.__add__,
    st.sampled_from(["https://e.com/", "HTTP://E.com/", "https://bücher.example/", "/", "#", "mailto:a@e.com?s="]),
    st.text(url_characters, max_size=12),
).filter(lambda href: valid(Span, text="x", href=href))
raw_spans = st.lists(
    st.fixed_dictionaries(
        {
            "text": words,
            "marks": st.lists(st.sampled_from(MARK_ORDER), unique=True, max_size=3),
            "href": st.none() | hrefs,
        }
    ),
    min_size=1,
    max_size=4,
)
cell_spans = raw_spans.map(canonical)
spans = cell_spans.filter(bool)

https_urls = st.builds(
    str.__add__,
    st.sampled_from(["https://e.com/", "HTTPS://E.COM/", "https://bücher.example/"]),
    st.text(url_characters),
)
image_sources = st.fixed_dictionaries(
    {"src": https_urls.filter(lambda src: valid(Image, type="image", alt="", src=src))}
) | st.fixed_dictionaries({"asset_id": st.from_regex(r"[0-9a-f]{32}", fullmatch=True)})


def list_items(depth: int) -> st.SearchStrategy[list[Json]]:
    nested = list_items(depth - 1) if depth > 1 else st.just([])
    return st.lists(st.fixed_dictionaries({"spans": spans, "items": st.just([]) | nested}), min_size=1, max_size=3)


# GFM tables are rectangular: a row shorter than the others comes back padded with empty cells.
table_rows = st.integers(1, 3).flatmap(
    lambda width: st.lists(st.lists(cell_spans, min_size=width, max_size=width), min_size=1, max_size=3)
)


def table(header_row: bool, rows: list[list[list[Json]]]) -> Json | None:
    """None for a header row of only empty cells: it reads back as "no header row"."""
    if header_row and not any(rows[0]):
        return None
    return {"type": "table", "header_row": header_row, "rows": rows}


# An html block is one block only when it starts with a block-level tag (not `<pre>`, which ends at `</pre>`),
# holds no blank line and does not end in a newline.
html = st.builds(
    str.format,
    st.sampled_from(
        ["<p>{}</p>", "<div>{}<br></div>", "<h4>{}</h4>", "<ul><li>{}</li></ul>", "<p>{}</p>\n<pre>{}</pre>"]
    ),
    words,
    words,
).filter(lambda html: valid(Html, type="html", html=html) and is_one_block(Html(type="html", html=html).html))


def is_one_block(html: str) -> bool:
    return re.search(r"\n[ \t]*\n", html) is None and not html.endswith("\n")


blocks = st.one_of(
    st.fixed_dictionaries({"type": st.just("paragraph"), "spans": spans}),
    st.fixed_dictionaries({"type": st.just("heading"), "level": st.integers(3, 6), "spans": spans}),
    st.fixed_dictionaries(
        {"type": st.just("list"), "style": st.sampled_from(["bullet", "number"]), "items": list_items(4)}
    ),
    st.fixed_dictionaries({"type": st.just("quote"), "spans": spans, "cite": st.none() | words}),
    st.fixed_dictionaries(
        {"type": st.just("callout"), "tone": st.sampled_from(["info", "tip", "warning"]), "spans": spans}
    ),
    st.fixed_dictionaries(
        {
            "type": st.just("code"),
            "code": st.just("") | words.filter(lambda code: "\r" not in code),  # a CR there would end the line
            "language": st.none() | st.from_regex(r"[A-Za-z0-9_+#.-]{1,10}", fullmatch=True),
        }
    ),
    st.fixed_dictionaries(
        {"type": st.just("image"), "alt": st.just("") | words, "caption": st.none() | words}  # no width, height
    ).flatmap(lambda image: image_sources.map(lambda source: {**image, **source})),
    # An embed's title has no place in Markdown, and an autolink cannot hold '<' or '>'.
    st.fixed_dictionaries(
        {"type": st.just("embed"), "url": https_urls.filter(lambda url: "<" not in url and ">" not in url)}
    ).filter(lambda embed: valid(Embed, **embed)),
    st.just({"type": "divider"}),
    st.builds(table, st.booleans(), table_rows).filter(bool),
    st.fixed_dictionaries({"type": st.just("html"), "html": html}),
)
sections = st.lists(
    st.fixed_dictionaries(
        {"heading": st.none() | words.map(str.strip).filter(bool), "blocks": st.lists(blocks, max_size=4)}
    ),
    max_size=4,
)


def stored(title: str, sections: list[Json]) -> Article:
    """The article as delivery serves it, with ids, and anchors derived from the headings."""
    anchors = unique_anchors([section["heading"] for section in sections], [None] * len(sections))
    return Article.model_validate(
        {
            "id": "a1",
            "slug": "a",
            "locale": "en",
            "title": title,
            "summary": None,
            "tags": [],
            "author": None,
            "status": "published",
            "version": 1,
            "published_at": None,
            "updated_at": datetime(2026, 11, 24, 10, tzinfo=UTC),
            "sections": [
                {
                    "id": f"s{i}",
                    "anchor": anchor,
                    "heading": section["heading"],
                    "blocks": [{"id": f"b{i}-{j}", **block} for j, block in enumerate(section["blocks"])],
                }
                for i, (section, anchor) in enumerate(zip(sections, anchors, strict=True))
            ],
        },
        strict=False,
    )


def content(title: str, sections: list[Any]) -> Json:
    """Title and sections without ids: the importer gives new ids, as a client sending Markdown would get."""
    return {
        "title": title,
        "sections": [
            {
                **section.model_dump(exclude={"id", "blocks"}),
                "blocks": [b.model_dump(exclude={"id"}) for b in section.blocks],
            }
            for section in sections
        ],
    }


def paragraph(*spans: Json) -> Json:
    return {"type": "paragraph", "spans": list(spans)}


def one_item_list(style: str) -> Json:
    return {"type": "list", "style": style, "items": [{"spans": "a"}]}


@settings(deadline=None, max_examples=60)
@given(words.map(str.strip).filter(bool), sections)
@example("Title", [{"heading": None, "blocks": []}, {"heading": None, "blocks": [{"type": "divider"}]}])
@example("0\r0", [{"heading": None, "blocks": [paragraph({"text": "0"}, {"text": "\r", "marks": ["underline"]})]}])
@example("Title", [{"heading": None, "blocks": [one_item_list("bullet")] * 3 + [one_item_list("number")] * 3}])
@example(
    "Title", [{"heading": "Links", "blocks": [paragraph({"text": "a", "href": "/x|y"}, {"text": "é", "href": "/é"})]}]
)
@example(
    "Title",
    [
        {
            "heading": "Asset",
            "blocks": [{"type": "image", "asset_id": "f00dcafef00dcafef00dcafef00dcafe", "alt": "", "caption": "c"}],
        }
    ],
)
@example("Title", [{"heading": None, "blocks": [{"type": "quote", "spans": "[!NOTE]\nx", "cite": " c"}]}])
@example("Title", [{"heading": None, "blocks": [{"type": "code", "code": "a\n"}, {"type": "code", "code": ""}]}])
@example("Title", [{"heading": None, "blocks": [{"type": "table", "header_row": False, "rows": [["a", ""]]}]}])
@example("Title", [{"heading": None, "blocks": [{"type": "embed", "url": "HTTPS://E.COM/a|b"}]}])
def test_markdown_export_then_import_gives_back_the_article(title: str, sections: list[Json]) -> None:
    article = stored(title, sections)

    document = to_document(parse_markdown(markdown.article(article).decode()))

    assert content(document.title, document.sections) == content(article.title, article.sections)
