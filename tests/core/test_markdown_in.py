import contextlib
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from cms.core.blocks import error_list
from cms.core.errors import FieldError, InvalidContent
from cms.core.markdown_in import parse_markdown

ASSET = "f00dcafe" * 4
"""An asset id as uploads make them: 32 hexadecimal digits."""


def sections(source: str) -> list[dict[str, Any]]:
    return parse_markdown(source).model_dump(exclude_none=True)["sections"]


def blocks(body: str) -> list[dict[str, Any]]:
    """The blocks of an article whose only section is `body` without a heading."""
    [section] = sections(f"# Title\n\n{body}")
    assert "heading" not in section
    return section["blocks"]


def spans(body: str) -> list[dict[str, Any]]:
    [block] = blocks(body)
    return block["spans"]


def plain(text: str) -> dict[str, Any]:
    return {"text": text, "marks": []}


# Title, front matter and sections


def test_leading_h1_is_the_title_and_not_a_section() -> None:
    article = parse_markdown("# Hello World\n\nText.")

    assert article.title == "Hello World"
    assert sections("# Hello World\n\nText.") == [{"blocks": [{"type": "paragraph", "spans": [plain("Text.")]}]}]


def test_front_matter_sets_every_accepted_field() -> None:
    source = "---\ntitle: Hello\nslug: hi\ntags: [a, b]\nsummary: Short.\nlocale: pt-BR\nauthor: Ana\n---\nText."

    article = parse_markdown(source)

    assert article.model_dump(exclude={"sections"}) == {
        "title": "Hello",
        "slug": "hi",
        "tags": ["a", "b"],
        "summary": "Short.",
        "locale": "pt-BR",
        "author": "Ana",
    }


def test_leading_h1_equal_to_the_front_matter_title_is_not_repeated() -> None:
    assert sections("---\ntitle: Hello\n---\n# Hello\n\nText.") == [
        {"blocks": [{"type": "paragraph", "spans": [plain("Text.")]}]}
    ]


def test_leading_h1_other_than_the_front_matter_title_is_a_section_heading() -> None:
    article = parse_markdown("---\ntitle: Hello\n---\n# Part one\n\nText.")

    assert article.title == "Hello"
    assert article.model_dump(exclude_none=True)["sections"] == [
        {"heading": "Part one", "blocks": [{"type": "paragraph", "spans": [plain("Text.")]}]}
    ]


def test_later_h1_is_a_section_heading() -> None:
    assert sections("# Title\n\n# Again\n\nText.") == [
        {"heading": "Again", "blocks": [{"type": "paragraph", "spans": [plain("Text.")]}]}
    ]


def test_h2_starts_a_new_section_with_that_heading() -> None:
    assert sections("# Title\n\nIntro.\n\n## What **is** it?\n\nAnswer.\n\n## Next\n") == [
        {"blocks": [{"type": "paragraph", "spans": [plain("Intro.")]}]},
        {"heading": "What is it?", "blocks": [{"type": "paragraph", "spans": [plain("Answer.")]}]},
        {"heading": "Next", "blocks": []},
    ]


def test_no_leading_section_when_nothing_comes_before_the_first_h2() -> None:
    assert sections("# Title\n\n## First\n\nText.") == [
        {"heading": "First", "blocks": [{"type": "paragraph", "spans": [plain("Text.")]}]}
    ]


def test_empty_h2_opens_a_section_without_heading() -> None:
    assert sections("# Title\n\nIntro.\n\n##\n\nMore.\n\n##\n") == [
        {"blocks": [{"type": "paragraph", "spans": [plain("Intro.")]}]},
        {"blocks": [{"type": "paragraph", "spans": [plain("More.")]}]},
        {"blocks": []},
    ]


def test_title_only_document_has_no_sections() -> None:
    assert sections("# Title\n") == []


def test_missing_title_is_invalid_content_at_title() -> None:
    with pytest.raises(InvalidContent) as caught:
        parse_markdown("Just a paragraph.\n\n# Late heading\n")

    assert caught.value.errors == [
        FieldError(
            path="title",
            message="the article has no title: start it with a '# Title' line or give 'title:' in the front matter",
        )
    ]


def test_unknown_front_matter_keys_are_each_named() -> None:
    with pytest.raises(InvalidContent) as caught:
        parse_markdown("---\ntitle: Hi\ndate: 2024-01-01\ndraft: true\n---\nText.")

    accepted = "use title, slug, tags, summary, locale, author"
    assert caught.value.errors == [
        FieldError(path="front_matter/date", message=f"unknown key 'date': {accepted}"),
        FieldError(path="front_matter/draft", message=f"unknown key 'draft': {accepted}"),
    ]


def test_front_matter_that_is_not_a_mapping_is_invalid_content() -> None:
    with pytest.raises(InvalidContent) as caught:
        parse_markdown("---\n- title\n- slug\n---\n# Hi\n")

    assert caught.value.errors == [
        FieldError(
            path="front_matter",
            message="the front matter must be 'key: value' lines, not a YAML list: "
            "use title, slug, tags, summary, locale, author",
        )
    ]


def test_front_matter_that_is_not_yaml_is_invalid_content() -> None:
    with pytest.raises(InvalidContent) as caught:
        parse_markdown("---\ntitle: [unclosed\n---\n# Hi\n")

    [error] = caught.value.errors
    assert error.path == "front_matter"
    assert error.message.startswith("the front matter is not valid YAML (")
    assert error.message.endswith("): write one 'key: value' per line")


def test_empty_front_matter_is_no_front_matter() -> None:
    assert parse_markdown("---\n---\n# Hi\n").title == "Hi"


def test_leading_thematic_break_without_a_closing_one_is_not_front_matter() -> None:
    with pytest.raises(InvalidContent) as caught:
        parse_markdown("---\n\ntitle: Hi\n")

    assert [error.path for error in caught.value.errors] == ["title"]


def test_front_matter_value_that_breaks_the_model_raises_validation_error_at_its_field() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_markdown("---\ntitle: Hi\ntags: depression\n---\nText.")

    assert error_list(caught.value) == [{"path": "tags", "message": "Input should be a valid list"}]


def test_block_that_breaks_the_model_raises_validation_error_with_its_path() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_markdown("# Title\n\n## Part\n\n[a link](ftp://example.com/file)\n")

    assert error_list(caught.value) == [
        {
            "path": "sections/0/blocks/0/spans/0/href",
            "message": "link 'ftp://example.com/file' is not allowed: "
            "use http:, https:, mailto:, a path '/…' or a fragment '#…'",
        }
    ]


def test_byte_order_mark_does_not_hide_the_front_matter() -> None:
    assert parse_markdown("\ufeff---\ntitle: Hi\n---\nText.").title == "Hi"


# Inline text


def test_marks_map_to_strong_em_code_strike_and_underline() -> None:
    assert spans("**b** *e* `c` ~~s~~ <u>u</u>") == [
        {"text": "b", "marks": ["strong"]},
        plain(" "),
        {"text": "e", "marks": ["em"]},
        plain(" "),
        {"text": "c", "marks": ["code"]},
        plain(" "),
        {"text": "s", "marks": ["strike"]},
        plain(" "),
        {"text": "u", "marks": ["underline"]},
    ]


def test_nested_marks_combine_in_a_fixed_order() -> None:
    assert spans("*a **b <u>c</u>***") == [
        {"text": "a ", "marks": ["em"]},
        {"text": "b ", "marks": ["strong", "em"]},
        {"text": "c", "marks": ["strong", "em", "underline"]},
    ]


def test_other_inline_html_is_kept_as_literal_text() -> None:
    assert spans('a <span class="x">b</span> <script>x</script>') == [
        plain('a <span class="x">b</span> <script>x</script>')
    ]


def test_unmatched_closing_u_is_literal_text() -> None:
    assert spans("a</u> b") == [plain("a</u> b")]


def test_links_and_autolinks_carry_href() -> None:
    assert spans("[site](https://example.com/a) <me@example.com> [**here**](/local)") == [
        {"text": "site", "marks": [], "href": "https://example.com/a"},
        plain(" "),
        {"text": "me@example.com", "marks": [], "href": "mailto:me@example.com"},
        plain(" "),
        {"text": "here", "marks": ["strong"], "href": "/local"},
    ]


def test_link_destination_is_kept_as_written_not_percent_encoded() -> None:
    assert spans("[a](/x|y) [b](https://bücher.example/é) [c](/100%25) [d](/a\\(b\\)&amp;)") == [
        {"text": "a", "marks": [], "href": "/x|y"},
        plain(" "),
        {"text": "b", "marks": [], "href": "https://bücher.example/é"},
        plain(" "),
        {"text": "c", "marks": [], "href": "/100%25"},
        plain(" "),
        {"text": "d", "marks": [], "href": "/a(b)&"},
    ]


def test_softbreak_is_a_space_and_hardbreak_a_newline() -> None:
    assert spans("one\ntwo  \nthree\\\nfour") == [plain("one two\nthree\nfour")]


def test_adjacent_text_with_the_same_marks_and_link_merges_into_one_span() -> None:
    assert spans("*a*_b_ [x](/p)[y](/p) \\*c&amp;d\\*") == [
        {"text": "ab", "marks": ["em"]},
        plain(" "),
        {"text": "xy", "marks": [], "href": "/p"},
        plain(" *c&d*"),
    ]


def test_image_inside_text_is_kept_as_its_alt_text() -> None:
    assert spans("See ![the *chart*](https://example.com/c.png) here.") == [plain("See the chart here.")]


# Blocks


def test_h3_to_h6_are_heading_blocks_with_their_level() -> None:
    assert blocks("### Three\n\n###### *Six*") == [
        {"type": "heading", "level": 3, "spans": [plain("Three")]},
        {"type": "heading", "level": 6, "spans": [{"text": "Six", "marks": ["em"]}]},
    ]


def test_paragraph_of_only_an_image_is_an_image_block_with_caption_from_title() -> None:
    assert blocks('![A *red* door](https://example.com/door.png "Our door")') == [
        {"type": "image", "src": "https://example.com/door.png", "alt": "A red door", "caption": "Our door"}
    ]


def test_image_at_an_asset_url_is_that_asset() -> None:
    markdown = f"![Door](/api/v1/assets/{ASSET})\n\n![](https://example.com/api/v1/assets/{ASSET})"
    assert blocks(markdown) == [
        {"type": "image", "asset_id": ASSET, "alt": "Door"},
        {"type": "image", "src": f"https://example.com/api/v1/assets/{ASSET}", "alt": ""},
    ]


def test_image_at_an_assets_full_url_is_that_asset() -> None:
    assert blocks(f"![Door](/api/v1/assets/{ASSET}/front-door.jpg)") == [
        {"type": "image", "asset_id": ASSET, "alt": "Door"}
    ]


def test_paragraph_of_only_images_is_one_image_block_each() -> None:
    assert blocks("![](https://example.com/a.png)\n![b](https://example.com/b.png)") == [
        {"type": "image", "src": "https://example.com/a.png", "alt": ""},
        {"type": "image", "src": "https://example.com/b.png", "alt": "b"},
    ]


def test_paragraph_of_only_an_https_autolink_is_an_embed() -> None:
    assert blocks("<https://www.youtube.com/watch?v=abc>") == [
        {"type": "embed", "url": "https://www.youtube.com/watch?v=abc"}
    ]


def test_autolink_scheme_is_read_in_any_case() -> None:
    assert blocks("<HTTPS://Example.com/v>") == [{"type": "embed", "url": "HTTPS://Example.com/v"}]


def test_lone_http_autolink_stays_a_linked_paragraph() -> None:
    assert blocks("<http://example.com>") == [
        {"type": "paragraph", "spans": [{"text": "http://example.com", "marks": [], "href": "http://example.com"}]}
    ]


def test_lists_keep_style_and_nesting() -> None:
    assert blocks("- a\n- *b*\n  1. c\n  2. d\n\n3. x\n") == [
        {
            "type": "list",
            "style": "bullet",
            "items": [
                {"spans": [plain("a")], "items": []},
                {
                    "spans": [{"text": "b", "marks": ["em"]}],
                    "items": [{"spans": [plain("c")], "items": []}, {"spans": [plain("d")], "items": []}],
                },
            ],
        },
        {"type": "list", "style": "number", "items": [{"spans": [plain("x")], "items": []}]},
    ]


def test_list_item_of_several_blocks_joins_them_with_newlines() -> None:
    assert blocks("- first\n\n  second\n\n  ```\n  code\n  ```\n") == [
        {
            "type": "list",
            "style": "bullet",
            "items": [{"spans": [plain("first\nsecond\n"), {"text": "code", "marks": ["code"]}], "items": []}],
        }
    ]


def test_blockquote_is_a_quote() -> None:
    assert blocks("> To be,\n> or **not**.\n>\n> That is it.") == [
        {
            "type": "quote",
            "spans": [plain("To be, or "), {"text": "not", "marks": ["strong"]}, plain(".\nThat is it.")],
        }
    ]


def test_last_quote_paragraph_starting_with_an_em_dash_is_the_cite() -> None:
    assert blocks("> To be.\n>\n> — *Hamlet*, Act 3") == [
        {"type": "quote", "spans": [plain("To be.")], "cite": "Hamlet, Act 3"}
    ]


def test_cite_keeps_whitespace_written_after_the_dash() -> None:
    assert blocks("> To be.\n>\n> — &#32;Hamlet") == [{"type": "quote", "spans": [plain("To be.")], "cite": " Hamlet"}]


def test_quote_of_only_an_em_dash_line_keeps_it_as_text() -> None:
    assert blocks("> — a dash") == [{"type": "quote", "spans": [plain("— a dash")]}]


@pytest.mark.parametrize(
    ("marker", "tone"),
    [
        ("NOTE", "info"),
        ("INFO", "info"),
        ("TIP", "tip"),
        ("WARNING", "warning"),
        ("CAUTION", "warning"),
        ("IMPORTANT", "warning"),
        ("tip", "tip"),
    ],
)
def test_github_alert_is_a_callout_with_its_tone(marker: str, tone: str) -> None:
    assert blocks(f"> [!{marker}]\n> Drink *water*.\n>\n> Often.") == [
        {
            "type": "callout",
            "tone": tone,
            "spans": [plain("Drink "), {"text": "water", "marks": ["em"]}, plain(".\nOften.")],
        }
    ]


def test_alert_marker_followed_by_text_on_its_line_is_a_plain_quote() -> None:
    assert blocks("> [!NOTE] not an alert") == [{"type": "quote", "spans": [plain("[!NOTE] not an alert")]}]


def test_escaped_alert_marker_is_quote_text() -> None:
    assert blocks("> \\[!NOTE\\]\n> Drink water.") == [{"type": "quote", "spans": [plain("[!NOTE] Drink water.")]}]


def test_fenced_code_takes_its_language_from_the_info_string() -> None:
    assert blocks("```python title=x\nprint(1)\n\n```\n") == [
        {"type": "code", "code": "print(1)\n", "language": "python"}
    ]


@pytest.mark.parametrize(("fenced", "code"), [("a", "a"), ("a\n", "a\n"), ("", ""), ("\n", "\n")])
def test_fenced_code_drops_only_the_newline_the_fence_adds(fenced: str, code: str) -> None:
    assert blocks(f"```\n{fenced}\n```") == [{"type": "code", "code": code}]


def test_indented_code_has_no_language() -> None:
    assert blocks("    x = 1\n    y = 2\n") == [{"type": "code", "code": "x = 1\ny = 2"}]


def test_thematic_break_is_a_divider() -> None:
    assert blocks("a\n\n---\n\nb") == [
        {"type": "paragraph", "spans": [plain("a")]},
        {"type": "divider"},
        {"type": "paragraph", "spans": [plain("b")]},
    ]


def test_table_is_a_table_with_a_header_row_and_span_cells() -> None:
    assert blocks("| Dose | Effect |\n|---|---|\n| low | **calm** |\n| | none |\n") == [
        {
            "type": "table",
            "rows": [
                [[plain("Dose")], [plain("Effect")]],
                [[plain("low")], [{"text": "calm", "marks": ["strong"]}]],
                [[], [plain("none")]],
            ],
            "header_row": True,
        }
    ]


def test_table_with_an_empty_header_row_has_no_header_row() -> None:
    assert blocks("| | |\n|---|---|\n| a | |\n") == [
        {"type": "table", "rows": [[[plain("a")], []]], "header_row": False}
    ]


def test_table_of_only_an_empty_header_row_keeps_it() -> None:
    assert blocks("| |\n|---|\n") == [{"type": "table", "rows": [[[]]], "header_row": True}]


def test_html_block_is_an_html_block_sanitised_by_the_model() -> None:
    assert blocks('<div onclick="x()">Hi <script>alert(1)</script></div>\n') == [
        {"type": "html", "html": "<div>Hi </div>"}
    ]


def test_html_comment_block_is_left_out() -> None:
    assert blocks("<!-- note to self -->\n\nText.\n\n> <!-- in a quote -->\n> Quoted.") == [
        {"type": "paragraph", "spans": [plain("Text.")]},
        {"type": "quote", "spans": [plain("Quoted.")]},
    ]


# Properties

_PIECES = st.sampled_from(
    ["# ", "## ", "### ", "- ", "1. ", "> ", "[!NOTE]", "— ", "```", "    ", "---", "| a |", "|---|", "**", "*",
     "~~", "`", "<u>", "</u>", "<div>", "[x](", "https://e.com", "ftp://e", ")", "![a](", "<", ">", "\\", "&amp;",
     "\n", "\n\n", " ", "word", "Word?", "title: x", "tags: [", ":"]
)  # fmt: skip


@settings(deadline=None, max_examples=150)
@given(st.one_of(st.text(max_size=200), st.lists(_PIECES, max_size=40).map("".join)))
@example("---\ntitle: [\n---\n")
@example("# \n")
@example("- \n")
def test_any_text_parses_or_raises_validation_error_or_invalid_content(source: str) -> None:
    with contextlib.suppress(ValidationError, InvalidContent):
        parse_markdown(source)
