from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from cms.core.article import Article
from cms.core.render import markdown
from tests.core.builders import published

PARSER = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def article(*sections: dict[str, Any]) -> Article:
    return published(list(sections), title="Ketamine: #1 *Story*")


def body(*blocks: dict[str, Any]) -> str:
    section = article({"id": "s1", "anchor": "intro", "heading": None, "blocks": list(blocks)}).sections[0]
    return markdown.section(section).decode()


def paragraph(*spans: dict[str, Any] | str) -> str:
    return body({"type": "paragraph", "spans": [{"text": s} if isinstance(s, str) else s for s in spans]})


def test_article_is_title_then_sections_under_h2() -> None:
    rendered = markdown.article(
        article(
            {"id": "s1", "anchor": "intro", "heading": None, "blocks": [{"type": "paragraph", "spans": "Hi."}]},
            {"id": "s2", "anchor": "why", "heading": "Why?", "blocks": [{"type": "paragraph", "spans": "So."}]},
        )
    )

    assert rendered == b"# Ketamine: \\#1 \\*Story\\*\n\nHi.\n\n## Why?\n\nSo.\n"


def test_section_alone_is_its_heading_then_blocks() -> None:
    section = article({"id": "s2", "anchor": "why", "heading": "Why", "blocks": [{"type": "divider"}]}).sections[0]

    assert markdown.section(section) == b"## Why\n\n---\n"


def test_section_without_heading_after_the_first_opens_with_an_empty_h2() -> None:
    rendered = markdown.article(
        article(
            {"id": "s1", "anchor": "intro", "heading": None, "blocks": [{"id": "b1", "type": "divider"}]},
            {"id": "s2", "anchor": "section-2", "heading": None, "blocks": [{"id": "b2", "type": "divider"}]},
        )
    )

    assert rendered == b"# Ketamine: \\#1 \\*Story\\*\n\n---\n\n##\n\n---\n"


def test_leading_section_without_heading_or_blocks_is_an_empty_h2() -> None:
    rendered = markdown.article(article({"id": "s1", "anchor": "intro", "heading": None, "blocks": []}))

    assert rendered == b"# Ketamine: \\#1 \\*Story\\*\n\n##\n"


def test_marks_use_the_importer_conventions() -> None:
    rendered = paragraph(
        {"text": "s", "marks": ["strong"]},
        " ",
        {"text": "e", "marks": ["em"]},
        " ",
        {"text": "c", "marks": ["code"]},
        " ",
        {"text": "x", "marks": ["strike"]},
        " ",
        {"text": "u", "marks": ["underline"]},
        " ",
        {"text": "l", "href": "https://e.com/a_(b)"},
    )

    assert rendered == "**s** _e_ `c` ~~x~~ <u>u</u> [l](https://e.com/a_\\(b\\))\n"


def test_markdown_characters_in_text_stay_literal() -> None:
    assert paragraph("*a* _b_ `c` [d](e) <f> ~~g~~ a|b \\ &amp; & #") == (
        "\\*a\\* \\_b\\_ \\`c\\` \\[d\\](e) \\<f> \\~\\~g\\~\\~ a\\|b \\\\ \\&amp; & \\#\n"
    )


def test_block_markers_at_the_start_of_a_line_are_escaped() -> None:
    assert (
        paragraph("- a\n+ b\n> c\n1. d\n=\n    e")
        == "\\- a\\\n\\+ b\\\n\\> c\\\n1\\. d\\\n\\=\\\n&#32;&#32;&#32;&#32;e\n"
    )


def test_newline_inside_spans_is_a_backslash_line_break() -> None:
    assert paragraph("one\ntwo") == "one\\\ntwo\n"


def test_carriage_return_is_a_character_reference() -> None:
    assert paragraph("a\rb&c") == "a&#13;b\\&c\n"


def test_whitespace_at_the_edge_of_a_block_is_kept_as_character_references() -> None:
    assert paragraph(" a\n") == "&#32;a&#10;\n"


def test_whitespace_at_the_edge_of_emphasis_moves_outside_the_delimiters() -> None:
    assert paragraph("a", {"text": " b ", "marks": ["strong"]}, "c") == "a **b** c\n"


def test_whitespace_alone_keeps_underline_but_not_emphasis() -> None:
    assert paragraph("a", {"text": " ", "marks": ["underline", "strong"]}, "b") == "a<u> </u>b\n"


def test_emphasis_next_to_punctuation_keeps_working_inside_words() -> None:
    assert paragraph("a", {"text": '"b"', "marks": ["strong"]}, "c", {"text": "d", "marks": ["em"]}) == (
        '&#97;**"b"**&#99;_d_\n'
    )


def test_neighbouring_spans_sharing_a_mark_keep_it_open() -> None:
    rendered = paragraph({"text": "a ", "marks": ["strong"]}, {"text": "b", "marks": ["strong", "em"]})

    assert rendered == "**a _b_**\n"


def test_code_spans_use_more_backticks_than_they_contain() -> None:
    assert paragraph({"text": "a``b", "marks": ["code"]}, " ", {"text": "`", "marks": ["code"]}) == (
        "```a``b``` `` ` ``\n"
    )


def test_line_breaks_in_code_are_written_between_code_spans() -> None:
    assert paragraph("x", {"text": "a\nb\rc", "marks": ["code"]}) == "x`a`\\\n`b`&#13;`c`\n"


def test_exclamation_mark_before_a_link_does_not_make_an_image() -> None:
    assert paragraph("Wow!", {"text": "see", "href": "/x"}) == "Wow\\![see](/x)\n"


def test_headings_are_hashes_on_one_line() -> None:
    assert body({"type": "heading", "level": 4, "spans": "Sub\nline #"}) == "#### Sub&#10;line \\#\n"


def test_lists_nest_under_their_item_and_continue_its_lines() -> None:
    items = [{"spans": "one\nmore", "items": [{"spans": "one.a"}]}, {"spans": "two"}]

    assert body({"type": "list", "style": "number", "items": items}) == "1. one\\\n   more\n   1. one.a\n2. two\n"


def test_second_list_of_the_same_style_uses_the_other_marker() -> None:
    bullets = {"type": "list", "style": "bullet", "items": [{"spans": "a"}]}
    numbers = {"type": "list", "style": "number", "items": [{"spans": "b"}]}

    assert body(bullets, bullets, numbers, numbers) == "- a\n\n* a\n\n1. b\n\n1) b\n"


def test_lists_of_the_same_style_in_a_row_alternate_markers() -> None:
    bullets = {"type": "list", "style": "bullet", "items": [{"spans": "a"}]}

    assert body(bullets, bullets, bullets) == "- a\n\n* a\n\n- a\n"


def test_quote_with_cite_ends_with_a_dash_paragraph() -> None:
    assert body({"type": "quote", "spans": "Be\nkind.", "cite": "Ann"}) == "> Be\\\n> kind.\n>\n> — Ann\n"


def test_callouts_are_github_alerts() -> None:
    rendered = body(
        {"type": "callout", "tone": "info", "spans": "a"},
        {"type": "callout", "tone": "tip", "spans": "b"},
        {"type": "callout", "tone": "warning", "spans": "c"},
    )

    assert rendered == "> [!NOTE]\n> a\n\n> [!TIP]\n> b\n\n> [!WARNING]\n> c\n"


def test_code_block_fence_is_longer_than_any_backtick_run_inside() -> None:
    assert body({"type": "code", "code": "a ```` b", "language": "python"}) == "`````python\na ```` b\n`````\n"


def test_image_is_a_paragraph_with_caption_as_title() -> None:
    image = {"type": "image", "src": "https://i.example/a.png", "alt": "A *cat*", "caption": 'Say "hi"'}

    assert body(image) == '![A \\*cat\\*](https://i.example/a.png "Say \\"hi\\"")\n'


def test_asset_image_points_at_the_asset_url() -> None:
    assert (
        body({"type": "image", "asset_id": "f00dcafef00dcafef00dcafef00dcafe", "alt": ""})
        == "![](/api/v1/assets/f00dcafef00dcafef00dcafef00dcafe)\n"
    )


def test_embed_is_an_autolink_alone_in_its_paragraph() -> None:
    assert body({"type": "embed", "url": "https://youtu.be/x", "title": "Talk"}) == "<https://youtu.be/x>\n"


def test_table_with_header_row_is_a_gfm_table() -> None:
    rows = [["A", "B|C"], [[{"text": "1", "marks": ["em"]}], ""]]

    assert body({"type": "table", "header_row": True, "rows": rows}) == "| A | B\\|C |\n| --- | --- |\n| _1_ |  |\n"


def test_table_without_header_row_gets_an_empty_one_and_short_rows_are_padded() -> None:
    assert body({"type": "table", "rows": [["1", "2"], ["3"]]}) == "|  |  |\n| --- | --- |\n| 1 | 2 |\n| 3 |  |\n"


def test_html_block_is_raw_between_blank_lines() -> None:
    rendered = body({"type": "paragraph", "spans": "a"}, {"type": "html", "html": "<p>Hi</p>"}, {"type": "divider"})

    assert rendered == "a\n\n<p>Hi</p>\n\n---\n"


def _texts(tokens: list[Token]) -> str:
    """The text markdown-it reads back from inline tokens: a hard break is a newline."""
    parts = []
    for token in tokens:
        if token.type == "inline":
            parts.append(_texts(token.children or []))
        elif token.type in ("text", "code_inline"):
            parts.append(token.content)
        elif token.type == "hardbreak":
            parts.append("\n")
    return "".join(parts)


characters = st.characters(exclude_categories=["Cs", "Cc", "Cn"]) | st.sampled_from(list("\n\t *_`[]!#-1.<>&;~|\\"))
spans = st.lists(
    st.fixed_dictionaries(
        {
            "text": st.text(characters, min_size=1, max_size=10),
            "marks": st.lists(st.sampled_from(["strong", "em", "code", "underline", "strike"]), unique=True),
        },
        optional={"href": st.sampled_from(["https://e.com/a_(b)", "/x|y", "#f"])},
    ),
    min_size=1,
    max_size=5,
)


@settings(max_examples=300, deadline=None)
@example([{"text": "a", "marks": []}, {"text": '"b"', "marks": ["strong"]}])
@example([{"text": " ", "marks": ["em"]}, {"text": "\n", "marks": ["code"]}])
@example([{"text": "0", "marks": []}, {"text": "0", "marks": ["strong"]}, {"text": "0", "marks": ["strong", "em"]}])
@given(spans)
def test_markdown_it_reads_back_the_span_texts(spans: list[dict[str, Any]]) -> None:
    text = "".join(span["text"] for span in spans)
    nested = {"type": "list", "style": "bullet", "items": [{"spans": "x", "items": [{"spans": spans}]}]}
    cases: list[tuple[dict[str, Any], str]] = [
        ({"type": "paragraph", "spans": spans}, text),
        ({"type": "heading", "level": 3, "spans": spans}, text),
        ({"type": "quote", "spans": spans}, text),
        (nested, "x" + text),
        ({"type": "table", "rows": [["x", spans]]}, "x" + text),
    ]

    for block, expected in cases:
        assert _texts(PARSER.parse(body(block))) == expected
