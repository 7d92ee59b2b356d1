from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from cms.core.article import Article
from cms.core.render import text
from tests.core.builders import published


def article(*sections: dict[str, Any]) -> Article:
    return published(list(sections))


def body(*blocks: dict[str, Any]) -> str:
    section = article({"id": "s1", "anchor": "intro", "heading": None, "blocks": list(blocks)}).sections[0]
    return text.section(section).decode()


def test_article_is_title_then_headings_and_blocks_separated_by_blank_lines() -> None:
    rendered = text.article(
        article(
            {"id": "s1", "anchor": "intro", "heading": None, "blocks": [{"type": "paragraph", "spans": "Hello."}]},
            {"id": "s2", "anchor": "why", "heading": "Why", "blocks": [{"type": "paragraph", "spans": "Because."}]},
        )
    )

    assert rendered == b"Ketamine\n\nHello.\n\nWhy\n\nBecause.\n"


def test_section_alone_starts_with_its_heading() -> None:
    section = article({"id": "s2", "anchor": "why", "heading": "Why", "blocks": [{"type": "divider"}]}).sections[0]

    assert text.section(section) == b"Why\n\n* * *\n"


def test_marks_and_links_leave_only_their_text() -> None:
    spans = [{"text": "a ", "marks": ["strong"]}, {"text": "link", "href": "https://e.com"}]

    assert body({"type": "paragraph", "spans": spans}) == "a link\n"


def test_lists_indent_two_spaces_per_level() -> None:
    items = [{"spans": "one", "items": [{"spans": "one.a", "items": [{"spans": "deep"}]}]}, {"spans": "two"}]

    assert body({"type": "list", "style": "number", "items": items}) == "1. one\n  1. one.a\n    1. deep\n2. two\n"


def test_quote_ends_with_its_cite() -> None:
    assert body({"type": "quote", "spans": "Be kind.", "cite": "Ann"}) == "Be kind.\n— Ann\n"


def test_code_is_verbatim() -> None:
    assert body({"type": "code", "code": "  if x:\n    y()", "language": "python"}) == "  if x:\n    y()\n"


def test_image_is_its_alt_and_caption() -> None:
    assert body({"type": "image", "src": "https://i.example/a.png", "alt": "A cat", "caption": "Tom"}) == "A cat\nTom\n"


def test_embed_is_its_title_and_url() -> None:
    assert body({"type": "embed", "url": "https://youtu.be/x", "title": "Talk"}) == "Talk\nhttps://youtu.be/x\n"


def test_table_cells_are_separated_by_bars() -> None:
    assert body({"type": "table", "header_row": True, "rows": [["A", "B"], ["1", ""]]}) == "A | B\n1 | \n"


def test_html_block_is_its_text_content_with_entities_decoded() -> None:
    assert body({"type": "html", "html": "<p>Fish &amp; <b>chips</b></p>"}) == "Fish & chips\n"


span_texts = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), min_size=1)
spans = st.lists(st.fixed_dictionaries({"text": span_texts}), min_size=1, max_size=4)


@settings(max_examples=100, deadline=None)
@given(paragraph=spans, item=spans, cell=spans, quote=spans)
def test_every_span_text_appears_in_the_output(
    paragraph: list[dict[str, str]], item: list[dict[str, str]], cell: list[dict[str, str]], quote: list[dict[str, str]]
) -> None:
    blocks = [
        {"type": "paragraph", "spans": paragraph},
        {"type": "list", "style": "bullet", "items": [{"spans": "x", "items": [{"spans": item}]}]},
        {"type": "table", "rows": [["a", cell]]},
        {"type": "callout", "tone": "info", "spans": quote},
    ]

    rendered = text.article(article({"id": "s1", "anchor": "intro", "heading": None, "blocks": blocks})).decode()

    for span in paragraph + item + cell + quote:
        assert span["text"] in rendered
