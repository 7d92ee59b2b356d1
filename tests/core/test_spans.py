"""Inline text: spans, marks, links and the plain-string shorthand, validated where clients send them."""

from typing import Any

import orjson
import pytest
from pydantic import ValidationError

from cms.core.article import ArticleInput
from cms.core.blocks import error_list
from cms.core.spans import check_href


def paragraph(spans: Any) -> dict[str, Any]:
    return {"title": "Spans", "sections": [{"blocks": [{"type": "paragraph", "spans": spans}]}]}


def validate(body: dict[str, Any]) -> ArticleInput:
    return ArticleInput.model_validate_json(orjson.dumps(body))


def errors_of(body: dict[str, Any]) -> list[dict[str, str]]:
    with pytest.raises(ValidationError) as info:
        validate(body)
    return error_list(info.value)


def paragraph_spans(spans: Any) -> list[dict[str, Any]]:
    block = validate(paragraph(spans)).sections[0].blocks[0]
    return block.model_dump()["spans"]


def test_a_plain_string_is_one_unmarked_span():
    spans = paragraph_spans("Mental health treatment")

    assert spans == [{"text": "Mental health treatment", "marks": [], "href": None}]


def test_a_span_object_keeps_its_marks_and_link():
    spans = paragraph_spans([{"text": "ketamine", "marks": ["em", "strong"], "href": "https://example.com/k"}])

    assert spans == [{"text": "ketamine", "marks": ["em", "strong"], "href": "https://example.com/k"}]


@pytest.mark.parametrize("mark", ["strong", "em", "code", "underline", "strike"])
def test_every_mark_is_accepted(mark):
    spans = paragraph_spans([{"text": "x", "marks": [mark]}])

    assert spans == [{"text": "x", "marks": [mark], "href": None}]


def test_all_five_marks_together_are_accepted():
    marks = ["strong", "em", "code", "underline", "strike"]

    spans = paragraph_spans([{"text": "x", "marks": marks}])

    assert spans[0]["marks"] == marks


def test_a_repeated_mark_is_refused():
    errors = errors_of(paragraph([{"text": "x", "marks": ["em", "strong", "em"]}]))

    assert errors == [
        {"path": "sections/0/blocks/0/spans/0/marks", "message": "marks must not repeat: ['em', 'strong', 'em']"}
    ]


def test_an_unknown_mark_is_refused():
    errors = errors_of(paragraph([{"text": "x", "marks": ["bold"]}]))

    assert errors == [
        {
            "path": "sections/0/blocks/0/spans/0/marks/0",
            "message": "Input should be 'strong', 'em', 'code', 'underline' or 'strike'",
        }
    ]


def test_an_unknown_span_field_is_refused():
    errors = errors_of(paragraph([{"text": "x", "colour": "red"}]))

    assert errors == [{"path": "sections/0/blocks/0/spans/0/colour", "message": "Extra inputs are not permitted"}]


def test_a_span_without_text_is_refused():
    errors = errors_of(paragraph([{"marks": []}]))

    assert errors == [{"path": "sections/0/blocks/0/spans/0/text", "message": "Field required"}]


def test_a_span_with_empty_text_is_refused():
    errors = errors_of(paragraph([{"text": ""}]))

    assert errors == [
        {"path": "sections/0/blocks/0/spans/0/text", "message": "String should have at least 1 character"}
    ]


def test_span_text_that_is_not_a_string_is_refused():
    errors = errors_of(paragraph([{"text": 3}]))

    assert errors == [{"path": "sections/0/blocks/0/spans/0/text", "message": "Input should be a valid string"}]


def test_an_over_long_span_is_refused():
    errors = errors_of(paragraph("a" * 20_001))

    assert errors == [
        {"path": "sections/0/blocks/0/spans/0/text", "message": "String should have at most 20000 characters"}
    ]


def test_a_span_of_exactly_the_maximum_length_is_accepted():
    spans = paragraph_spans("a" * 20_000)

    assert len(spans[0]["text"]) == 20_000


def test_too_many_spans_are_refused():
    errors = errors_of(paragraph([{"text": "x"}] * 1_001))

    assert errors == [
        {
            "path": "sections/0/blocks/0/spans",
            "message": "Value should have at most 1000 items after validation, not 1001",
        }
    ]


def test_the_empty_string_is_refused_where_text_is_required():
    errors = errors_of(paragraph(""))

    assert errors == [
        {"path": "sections/0/blocks/0/spans", "message": "Value should have at least 1 item after validation, not 0"}
    ]


def test_an_empty_span_list_is_refused_where_text_is_required():
    errors = errors_of(paragraph([]))

    assert errors == [
        {"path": "sections/0/blocks/0/spans", "message": "Value should have at least 1 item after validation, not 0"}
    ]


def test_spans_that_are_neither_string_nor_list_are_refused():
    errors = errors_of(paragraph(42))

    assert errors == [{"path": "sections/0/blocks/0/spans", "message": "Input should be a valid array"}]


def test_a_list_of_plain_strings_is_not_shorthand():
    errors = errors_of(paragraph(["a"]))

    assert errors == [{"path": "sections/0/blocks/0/spans/0", "message": "Input should be an object"}]


@pytest.mark.parametrize(
    ("block", "where"),
    [
        ({"type": "heading", "level": 3, "spans": "Dosage"}, ("spans",)),
        ({"type": "quote", "spans": "Dosage"}, ("spans",)),
        ({"type": "callout", "tone": "tip", "spans": "Dosage"}, ("spans",)),
        ({"type": "list", "style": "bullet", "items": [{"spans": "Dosage"}]}, ("items", 0, "spans")),
        ({"type": "table", "rows": [["Dosage"]]}, ("rows", 0, 0)),
    ],
    ids=["heading", "quote", "callout", "list-item", "table-cell"],
)
def test_the_plain_string_shorthand_works_wherever_spans_are(block, where):
    article = validate({"title": "T", "sections": [{"blocks": [block]}]})

    value: Any = article.sections[0].blocks[0].model_dump()
    for key in where:
        value = value[key]
    assert value == [{"text": "Dosage", "marks": [], "href": None}]


@pytest.mark.parametrize(
    ("block", "path", "message"),
    [
        ({"type": "heading", "level": 3, "spans": ""}, "spans", "Value should have at least 1 item"),
        ({"type": "quote", "spans": ""}, "spans", "Value should have at least 1 item"),
        ({"type": "callout", "tone": "tip", "spans": ""}, "spans", "Value should have at least 1 item"),
        (
            {"type": "list", "style": "bullet", "items": [{"spans": ""}]},
            "items/0/spans",
            "Value should have at least 1 item",
        ),
    ],
    ids=["heading", "quote", "callout", "list-item"],
)
def test_the_empty_string_is_refused_wherever_spans_are_required(block, path, message):
    errors = errors_of({"title": "T", "sections": [{"blocks": [block]}]})

    assert errors == [{"path": f"sections/0/blocks/0/{path}", "message": f"{message} after validation, not 0"}]


def test_the_empty_string_is_an_empty_table_cell():
    article = validate({"title": "T", "sections": [{"blocks": [{"type": "table", "rows": [["", "x"]]}]}]})

    assert article.sections[0].blocks[0].model_dump()["rows"] == [[[], [{"text": "x", "marks": [], "href": None}]]]


def test_nul_in_span_text_is_refused():
    errors = errors_of(paragraph("a\x00b"))

    assert errors == [
        {"path": "sections/0/blocks/0/spans/0/text", "message": "text must not contain the NUL character (\\u0000)"}
    ]


@pytest.mark.parametrize(
    "href",
    [
        "http://example.com",
        "https://example.com/path?q=1#frag",
        "HTTPS://EXAMPLE.COM/",
        "mailto:editor@example.com",
        "/articles/ketamine",
        "/",
        "#what-exactly-is-ketamine",
        "https://[::1]/local",
    ],
)
def test_safe_links_are_accepted(href):
    spans = paragraph_spans([{"text": "link", "href": href}])

    assert spans == [{"text": "link", "marks": [], "href": href}]


@pytest.mark.parametrize(
    ("href", "message"),
    [
        ("javascript:alert(1)", "link 'javascript:alert(1)' is not allowed"),
        ("JaVaScRiPt:alert(1)", "link 'JaVaScRiPt:alert(1)' is not allowed"),
        ("data:text/html,<script>alert(1)</script>", "link 'data:text/html,<script>alert(1)</script>' is not allowed"),
        ("vbscript:msgbox(1)", "link 'vbscript:msgbox(1)' is not allowed"),
        ("//evil.com", "link '//evil.com' is not allowed"),
        ("ftp://example.com", "link 'ftp://example.com' is not allowed"),
        ("relative/path", "link 'relative/path' is not allowed"),
        ("?query", "link '?query' is not allowed"),
    ],
)
def test_unsafe_links_are_refused_with_what_is_allowed(href, message):
    errors = errors_of(paragraph([{"text": "link", "href": href}]))

    assert errors == [
        {
            "path": "sections/0/blocks/0/spans/0/href",
            "message": f"{message}: use http:, https:, mailto:, a path '/…' or a fragment '#…'",
        }
    ]


@pytest.mark.parametrize("href", ["http:foo", "https:example.com", "https://", "http:///path", "https://[::1/"])
def test_a_web_link_without_host_is_refused(href):
    errors = errors_of(paragraph([{"text": "link", "href": href}]))

    assert errors == [
        {"path": "sections/0/blocks/0/spans/0/href", "message": f"link {href!r} has no host: use 'https://host/…'"}
    ]


@pytest.mark.parametrize(
    "href",
    [" https://example.com", "https://example.com/a b", "java\tscript:alert(1)", "\njavascript:x", "/a\x00", "/a\x7f"],
)
def test_a_link_with_whitespace_or_control_characters_is_refused(href):
    errors = errors_of(paragraph([{"text": "link", "href": href}]))

    assert errors == [
        {
            "path": "sections/0/blocks/0/spans/0/href",
            "message": f"link {href!r} must not contain whitespace or control characters",
        }
    ]


@pytest.mark.parametrize("href", ["/\\evil.com", "https://example.com\\@evil.com"])
def test_a_link_with_a_backslash_is_refused(href):
    errors = errors_of(paragraph([{"text": "link", "href": href}]))

    assert errors == [
        {"path": "sections/0/blocks/0/spans/0/href", "message": f"link {href!r} must not contain a backslash: use '/'"}
    ]


def test_an_empty_link_is_refused():
    errors = errors_of(paragraph([{"text": "link", "href": ""}]))

    assert errors == [
        {"path": "sections/0/blocks/0/spans/0/href", "message": "String should have at least 1 character"}
    ]


def test_an_over_long_link_is_refused():
    errors = errors_of(paragraph([{"text": "link", "href": "/" + "a" * 2048}]))

    assert errors == [
        {"path": "sections/0/blocks/0/spans/0/href", "message": "String should have at most 2048 characters"}
    ]


def test_a_null_link_means_no_link():
    spans = paragraph_spans([{"text": "plain", "href": None}])

    assert spans == [{"text": "plain", "marks": [], "href": None}]


def test_check_href_returns_the_link_unchanged():
    assert check_href("https://Example.com/A?b=C") == "https://Example.com/A?b=C"
