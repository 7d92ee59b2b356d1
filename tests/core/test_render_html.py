from html.parser import HTMLParser
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from cms.core.article import Article
from cms.core.render import html
from tests.core.builders import published

VOID = {"br", "hr", "img"}


def article(*blocks: dict[str, Any], heading: str | None = "Why") -> Article:
    return published([{"id": "s1", "anchor": "why", "heading": heading, "blocks": list(blocks)}])


def body(*blocks: dict[str, Any]) -> str:
    """The HTML of the blocks alone, without the section around them."""
    rendered = html.section(article(*blocks, heading=None).sections[0]).decode()
    return rendered.removeprefix('<section id="why">\n').removesuffix("</section>\n")


def test_article_is_an_article_with_h1_title_and_a_section_per_anchor() -> None:
    rendered = html.article(article({"id": "b1", "type": "paragraph", "spans": "Hello"}))

    assert rendered == (
        b'<article>\n<h1>Ketamine</h1>\n<section id="why">\n<h2>Why</h2>\n<p>Hello</p>\n</section>\n</article>\n'
    )


def test_section_alone_carries_its_heading_but_no_h1_nor_article() -> None:
    section = article({"type": "paragraph", "spans": "Hello"}).sections[0]

    assert html.section(section) == b'<section id="why">\n<h2>Why</h2>\n<p>Hello</p>\n</section>\n'


def test_section_without_heading_has_no_h2() -> None:
    assert body({"type": "paragraph", "spans": "Hello"}) == "<p>Hello</p>\n"


def test_marks_nest_inside_the_link_with_code_innermost() -> None:
    spans = [{"text": "x", "marks": ["code", "strike", "underline", "em", "strong"], "href": "/a"}]

    assert body({"type": "paragraph", "spans": spans}) == (
        '<p><a href="/a"><strong><em><u><s><code>x</code></s></u></em></strong></a></p>\n'
    )


def test_newline_inside_a_span_is_a_line_break() -> None:
    assert body({"type": "paragraph", "spans": "one\ntwo"}) == "<p>one<br>two</p>\n"


def test_text_and_attributes_are_escaped() -> None:
    spans = [{"text": '<script>alert("x")</script>', "href": 'https://e.com/?a=1&b="2"'}]

    assert body({"type": "paragraph", "spans": spans}) == (
        '<p><a href="https://e.com/?a=1&amp;b=&quot;2&quot;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</a></p>\n'
    )


def test_headings_keep_their_level() -> None:
    assert body({"type": "heading", "level": 5, "spans": "Deep"}) == "<h5>Deep</h5>\n"


def test_lists_nest_inside_their_item() -> None:
    items = [{"spans": "one", "items": [{"spans": "one.a"}]}, {"spans": "two"}]

    assert body({"type": "list", "style": "number", "items": items}) == (
        "<ol><li>one<ol><li>one.a</li></ol></li><li>two</li></ol>\n"
    )


def test_quote_without_cite_is_a_blockquote() -> None:
    assert body({"type": "quote", "spans": "Be kind."}) == "<blockquote><p>Be kind.</p></blockquote>\n"


def test_quote_with_cite_is_a_figure_whose_caption_cites() -> None:
    assert body({"type": "quote", "spans": "Be kind.", "cite": "Ann"}) == (
        "<figure><blockquote><p>Be kind.</p></blockquote><figcaption><cite>Ann</cite></figcaption></figure>\n"
    )


def test_code_is_escaped_in_pre_code_with_a_language_class() -> None:
    assert body({"type": "code", "code": "a < b\n", "language": "python"}) == (
        '<pre><code class="language-python">a &lt; b\n</code></pre>\n'
    )


def test_code_without_language_has_no_class() -> None:
    assert body({"type": "code", "code": "x"}) == "<pre><code>x</code></pre>\n"


def test_an_asset_image_the_server_has_not_measured_points_at_the_assets_short_url() -> None:
    image = {
        "type": "image",
        "asset_id": "f00dcafef00dcafef00dcafef00dcafe",
        "alt": "A cat",
        "caption": "Cat & co",
        "width": 640,
        "height": 480,
    }

    assert body(image) == (
        '<figure><img src="/api/v1/assets/f00dcafef00dcafef00dcafef00dcafe" alt="A cat" width="640" height="480" '
        'loading="lazy" decoding="async">'
        "<figcaption>Cat &amp; co</figcaption></figure>\n"
    )


def test_an_asset_image_has_a_srcset_of_the_allowed_widths_below_its_own_and_its_own() -> None:
    url = "/api/v1/assets/f00dcafef00dcafef00dcafef00dcafe/cat.jpg"
    image = {
        "type": "image",
        "asset_id": "f00dcafef00dcafef00dcafef00dcafe",
        "alt": "A cat",
        "width": 1000,
        "height": 750,
        "url": url,
    }

    assert body(image) == (
        f'<figure><img src="{url}" srcset="{url}?w=320 320w, {url}?w=640 640w, {url}?w=960 960w, {url} 1000w"'
        ' sizes="(max-width: 1000px) 100vw, 1000px" alt="A cat" width="1000" height="750"'
        ' loading="lazy" decoding="async"></figure>\n'
    )


def test_the_srcset_follows_the_configured_widths() -> None:
    url = "/api/v1/assets/f00dcafef00dcafef00dcafef00dcafe/cat.jpg"
    image = {
        "type": "image",
        "asset_id": "f00dcafef00dcafef00dcafef00dcafe",
        "alt": "",
        "width": 1000,
        "height": 750,
        "url": url,
    }
    section = article(image, heading=None).sections[0]

    rendered = html.section(section, image_widths=(500, 2000)).decode()

    assert f'srcset="{url}?w=500 500w, {url} 1000w"' in rendered


def test_external_image_without_caption_has_no_figcaption() -> None:
    assert body({"type": "image", "src": "https://i.example/a.png", "alt": ""}) == (
        '<figure><img src="https://i.example/a.png" alt=""></figure>\n'
    )


def test_embed_is_a_link_in_a_figure_not_an_iframe() -> None:
    assert body({"type": "embed", "url": "https://youtu.be/x", "title": "Talk"}) == (
        '<figure class="embed"><a href="https://youtu.be/x">Talk</a></figure>\n'
    )


def test_embed_without_title_shows_its_url() -> None:
    assert body({"type": "embed", "url": "https://youtu.be/x"}) == (
        '<figure class="embed"><a href="https://youtu.be/x">https://youtu.be/x</a></figure>\n'
    )


def test_callout_is_an_aside_note_with_its_tone() -> None:
    assert body({"type": "callout", "tone": "warning", "spans": "Careful"}) == (
        '<aside class="callout callout-warning" role="note"><p>Careful</p></aside>\n'
    )


def test_divider_is_hr() -> None:
    assert body({"type": "divider"}) == "<hr>\n"


def test_table_with_header_row_has_thead() -> None:
    table = {"type": "table", "header_row": True, "rows": [["A", "B"], ["1", ""]]}

    assert body(table) == (
        "<table><thead><tr><th>A</th><th>B</th></tr></thead><tbody><tr><td>1</td><td></td></tr></tbody></table>\n"
    )


def test_table_without_header_row_has_only_tbody() -> None:
    assert body({"type": "table", "rows": [["1"]]}) == "<table><tbody><tr><td>1</td></tr></tbody></table>\n"


def test_html_block_is_emitted_as_stored() -> None:
    assert body({"type": "html", "html": "<p>Raw <b>bold</b></p>"}) == "<p>Raw <b>bold</b></p>\n"


class _Nesting(HTMLParser):
    """Records every tag and fails on one that closes out of order."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open.pop() == tag


spans = st.lists(
    st.fixed_dictionaries(
        {
            "text": st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), min_size=1)
            | st.sampled_from(["<script>", "</p>", '"><script>x', "&lt;script&gt;"]),
            "marks": st.lists(st.sampled_from(["strong", "em", "code", "underline", "strike"]), unique=True),
        }
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=200, deadline=None)
@given(spans)
def test_span_text_never_becomes_markup(spans: list[dict[str, Any]]) -> None:
    rendered = html.article(article({"type": "paragraph", "spans": spans})).decode()
    parser = _Nesting()

    parser.feed(rendered)
    parser.close()

    assert "<script" not in rendered
    assert parser.open == []
    assert set(parser.tags) <= {"article", "h1", "section", "h2", "p", "strong", "em", "code", "u", "s", "br"}
