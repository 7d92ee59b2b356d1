"""The official Portable Text renderers render our body: the text types with their default components, and every
block type and mark with our components (tests/js/components/), for `@portabletext/to-html` and `@portabletext/react`.

Needs `npm ci --prefix tests/js`; without it the tests are skipped, unless CMS_TEST_REQUIRE_NODE=1 (CI sets it).
"""

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, get_args

import orjson
import pytest

from cms.core.article import Article
from cms.core.blocks import BLOCK_TYPES
from cms.core.render import portable_text, text
from cms.core.spans import Mark
from tests.core.builders import published

JS = Path(__file__).parents[1] / "js"

RENDERERS = ["to-html", "react"]

EVERY_BLOCK_AND_MARK: list[dict[str, Any]] = [
    {
        "id": "s0",
        "anchor": "intro",
        "heading": None,
        "blocks": [
            {
                "id": "p",
                "type": "paragraph",
                "spans": [
                    {"text": "Strong", "marks": ["strong"]},
                    {"text": " em", "marks": ["em"]},
                    {"text": " code", "marks": ["code"]},
                    {"text": " underline", "marks": ["underline"]},
                    {"text": " strike", "marks": ["strike"]},
                    {"text": " all  five\nlines", "marks": ["strong", "em", "code", "underline", "strike"]},
                    {"text": " a link & more", "href": "https://e.com/?a=1&b=2"},
                    {"text": " mail", "marks": ["em"], "href": "mailto:ann@e.com"},
                    {"text": " here", "href": "#why"},
                ],
            },
        ],
    },
    {
        "id": "s1",
        "anchor": "why",
        "heading": "Why <this>?",
        "blocks": [
            {"id": "h3", "type": "heading", "level": 3, "spans": "Three"},
            {"id": "h4", "type": "heading", "level": 4, "spans": [{"text": "Four", "marks": ["em"]}]},
            {"id": "h5", "type": "heading", "level": 5, "spans": "Five"},
            {"id": "h6", "type": "heading", "level": 6, "spans": "Six"},
            {
                "id": "ul",
                "type": "list",
                "style": "bullet",
                "items": [
                    {"spans": [{"text": "one", "marks": ["strong"]}], "items": [{"spans": "one.a"}]},
                    {"spans": "two"},
                ],
            },
            {
                "id": "ol",
                "type": "list",
                "style": "number",
                "items": [{"spans": "first", "items": [{"spans": "inner", "items": [{"spans": "deepest"}]}]}],
            },
            {"id": "q1", "type": "quote", "spans": [{"text": "Be ", "marks": []}, {"text": "kind", "marks": ["em"]}]},
            {"id": "q2", "type": "quote", "spans": "Be brave.", "cite": "Ann <Lee>"},
            {"id": "k1", "type": "code", "code": "if a < b:\n    print('&')", "language": "python"},
            {"id": "k2", "type": "code", "code": "plain"},
            {
                "id": "i1",
                "type": "image",
                "asset_id": "f00dcafef00dcafef00dcafef00dcafe",
                "url": "/api/v1/assets/f00dcafef00dcafef00dcafef00dcafe/cat.jpg",
                "alt": "A cat",
                "caption": "Ours",
                "width": 700,
                "height": 480,
                "placeholder": "LEHV6nWB2yk8pyo0adR*.7kCMdnj",
            },
            {"id": "i2", "type": "image", "src": "https://img.example/x.png", "alt": ""},
            {"id": "e1", "type": "embed", "url": "https://youtu.be/x", "title": "A video"},
            {"id": "e2", "type": "embed", "url": "https://example.com/page"},
            {"id": "c1", "type": "callout", "tone": "info", "spans": "Note"},
            {
                "id": "c2",
                "type": "callout",
                "tone": "tip",
                "spans": [{"text": "Try ", "marks": []}, {"text": "this", "marks": ["strong"], "href": "/x"}],
            },
            {"id": "c3", "type": "callout", "tone": "warning", "spans": [{"text": "Careful", "marks": ["strike"]}]},
            {"id": "d", "type": "divider"},
            {
                "id": "t1",
                "type": "table",
                "header_row": True,
                "rows": [["Name", "Dose"], [[{"text": "Ketamine", "marks": ["em"]}], ""], ["b", "c"]],
            },
            {"id": "t2", "type": "table", "rows": [[[{"text": "x", "href": "/x"}], "y"]]},
            {"id": "html", "type": "html", "html": "<p>Hi <b>there</b> &amp; <i>you</i></p>"},
        ],
    },
]


@pytest.fixture
def node() -> str:
    node = shutil.which("node")
    if (JS / "node_modules").is_dir() and node:
        return node
    reason = "the official renderers are not installed: run `npm ci --prefix tests/js`"
    if os.environ.get("CMS_TEST_REQUIRE_NODE") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def _body(article: Article) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = orjson.loads(portable_text.article(article))["body"]
    return blocks


def _render(node: str, renderer: str, blocks: list[dict[str, Any]]) -> subprocess.CompletedProcess[bytes]:
    script = str(JS / "render-components.mjs")
    return subprocess.run(
        [node, script, renderer, "https://cms.example"], input=orjson.dumps(blocks), capture_output=True, timeout=60
    )


class _TextOf(HTMLParser):
    """The text a reader gets from rendered HTML, as a text browser shows it: an image is its `alt`, a list item
    starts with its marker (`- `, `1. `), table cells are separated by ` | `, `<hr>` is `* * *` — the conventions
    of our `text` format. Block elements separate words; whitespace is normalised by `text_of`."""

    BLOCKS = frozenset({
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "blockquote", "figure", "figcaption", "pre",
        "table", "thead", "tbody", "tr", "aside", "div", "br",
    })  # fmt: skip

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.lists: list[list[int]] = []  # per open list: [numbered, count]
        self.cells = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BLOCKS:
            self.parts.append(" ")
        if tag in ("ul", "ol"):
            self.lists.append([tag == "ol", 0])
        elif tag == "li":
            self.lists[-1][1] += 1
            numbered, count = self.lists[-1]
            self.parts.append(f"{count}. " if numbered else "- ")
        elif tag == "tr":
            self.cells = 0
        elif tag in ("td", "th"):
            self.parts.append(" | " if self.cells else "")
            self.cells += 1
        elif tag == "img":
            self.parts.append(" " + (dict(attrs).get("alt") or "") + " ")
        elif tag == "hr":
            self.parts.append(" * * * ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BLOCKS:
            self.parts.append(" ")
        if tag in ("ul", "ol"):
            self.lists.pop()

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def text_of(html: str) -> str:
    parser = _TextOf()
    parser.feed(html)
    parser.close()
    return " ".join("".join(parser.parts).split())


def test_official_renderer_renders_every_text_type_without_custom_components(node: str) -> None:
    article = published(
        [
            {
                "id": "s1",
                "anchor": "why",
                "heading": "Why",
                "blocks": [
                    {
                        "id": "p",
                        "type": "paragraph",
                        "spans": [
                            {"text": "a", "marks": ["strong"]},
                            {"text": "b", "marks": ["em"]},
                            {"text": "c", "marks": ["code"]},
                            {"text": "d", "marks": ["underline"]},
                            {"text": "e", "marks": ["strike"]},
                            {"text": "f & g", "href": "https://e.com/?a=1"},
                        ],
                    },
                    {"id": "h", "type": "heading", "level": 3, "spans": "Sub"},
                    {"id": "h6", "type": "heading", "level": 6, "spans": "Deep"},
                    {
                        "id": "l",
                        "type": "list",
                        "style": "bullet",
                        "items": [{"spans": "one", "items": [{"spans": "one.a"}]}, {"spans": "two"}],
                    },
                    {"id": "n", "type": "list", "style": "number", "items": [{"spans": "first"}]},
                    {"id": "q", "type": "quote", "spans": "Be kind.", "cite": "Ann"},
                ],
            }
        ]
    )

    result = subprocess.run(
        [node, str(JS / "render.mjs")], input=orjson.dumps(_body(article)), capture_output=True, timeout=60
    )

    assert result.stderr == b""
    assert result.returncode == 0
    assert result.stdout.decode() == (
        "<h2>Why</h2>"
        '<p><strong>a</strong><em>b</em><code>c</code><span style="text-decoration:underline">d</span><del>e</del>'
        '<a href="https://e.com/?a=1">f &amp; g</a></p>'
        "<h3>Sub</h3><h6>Deep</h6>"
        "<ul><li>one<ul><li>one.a</li></ul></li><li>two</li></ul>"
        "<ol><li>first</li></ol>"
        "<blockquote>Be kind.</blockquote>"
    )


def test_the_rich_article_holds_every_block_type_every_mark_and_links() -> None:
    article = published(EVERY_BLOCK_AND_MARK)
    blocks = [block for section in article.sections for block in section.blocks]
    spans = [span for block in blocks for span in getattr(block, "spans", [])]

    assert {block.type for block in blocks} == {get_args(cls.model_fields["type"].annotation)[0] for cls in BLOCK_TYPES}
    assert {mark for span in spans for mark in span.marks} == set(get_args(Mark))
    assert {span.href for span in spans if span.href} == {"https://e.com/?a=1&b=2", "mailto:ann@e.com", "#why", "/x"}
    assert {block.tone for block in blocks if block.type == "callout"} == {"info", "tip", "warning"}


@pytest.mark.parametrize("renderer", RENDERERS)
def test_our_components_render_every_block_type_and_mark_without_a_warning(node: str, renderer: str) -> None:
    blocks = _body(published(EVERY_BLOCK_AND_MARK))

    result = _render(node, renderer, blocks)

    assert result.stderr == b""
    assert result.returncode == 0
    assert {block["_type"] for block in blocks} == {
        "block", "code", "image", "embed", "callout", "divider", "table", "html"
    }  # fmt: skip


@pytest.mark.parametrize("renderer", RENDERERS)
def test_text_rendered_with_our_components_is_the_text_format_but_for_embed_urls(node: str, renderer: str) -> None:
    article = published(EVERY_BLOCK_AND_MARK)
    as_text = text.article(article).decode()

    html = _render(node, renderer, _body(article)).stdout.decode()

    # The body holds no title: a page writes the document's `title` itself, the text format as its first line.
    # The text format writes an embed's URL below its title, since plain text cannot link; HTML links the title.
    expected = as_text.removeprefix(article.title + "\n").replace("A video\nhttps://youtu.be/x", "A video")
    assert text_of(html) == " ".join(expected.split())


@pytest.mark.parametrize("renderer", RENDERERS)
def test_a_quote_with_a_cite_renders_it_in_the_figure_caption(node: str, renderer: str) -> None:
    quote = {"id": "q", "type": "quote", "spans": [{"text": "Be ", "marks": []}, {"text": "kind", "marks": ["em"]}]}
    article = published([{"id": "s", "anchor": "intro", "heading": None, "blocks": [quote | {"cite": "Ann <Lee>"}]}])

    html = _render(node, renderer, _body(article)).stdout.decode()

    assert html == (
        "<figure><blockquote><p>Be <em>kind</em></p></blockquote>"
        "<figcaption>— <cite>Ann &lt;Lee&gt;</cite></figcaption></figure>"
    )


@pytest.mark.parametrize("renderer", RENDERERS)
def test_an_uploaded_image_gets_its_variants_from_the_cms_base_url(node: str, renderer: str) -> None:
    image = {
        "id": "i",
        "type": "image",
        "asset_id": "f00dcafef00dcafef00dcafef00dcafe",
        "url": "/api/v1/assets/f00dcafef00dcafef00dcafef00dcafe/cat.jpg",
        "alt": "A cat",
    }
    article = published(
        [{"id": "s", "anchor": "intro", "heading": None, "blocks": [image | {"width": 700, "height": 480}]}]
    )

    html = _render(node, renderer, _body(article)).stdout.decode()

    src = "https://cms.example/api/v1/assets/f00dcafef00dcafef00dcafef00dcafe/cat.jpg"
    srcset = re.search(r'srcset="([^"]*)"', html, flags=re.IGNORECASE)
    assert srcset is not None
    assert srcset.group(1) == f"{src}?w=320 320w, {src}?w=640 640w, {src} 700w"
    assert f'src="{src}"' in html
