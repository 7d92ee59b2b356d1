"""The editor's inline notation: every list of spans is written one way and read back exactly."""

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cms.core.inline import NotationError, merged, read, write
from cms.core.spans import Span

Json = dict[str, Any]

characters = st.characters(exclude_characters="\x00", exclude_categories=["Cs"])
pieces = st.text(characters, min_size=1, max_size=5) | st.sampled_from(
    ["*", "**", "***", "_", "__", "~", "~~", "`", "[", "]", "](", ")", "\\", "\\n", "|", "\n", "\r", " "]
)
words = st.lists(pieces, min_size=1, max_size=4).map("".join)
marks = st.lists(st.sampled_from(["strong", "em", "code", "underline", "strike"]), unique=True, max_size=5)
hrefs = st.none() | st.sampled_from(["https://example.org/a_(b)*", "/path", "#top", "mailto:a@example.org"])
spans = st.lists(
    st.builds(lambda text, m, href: {"text": text, "marks": m, "href": href}, words, marks, hrefs), max_size=6
)


@given(spans, st.booleans())
def test_spans_written_in_the_notation_read_back_exactly(given_spans, lines):
    assert read(write(given_spans, lines=lines)) == merged(given_spans)


@given(spans)
def test_spans_written_for_a_line_have_no_line_break(given_spans):
    assert not {"\n", "\r"} & set(write(given_spans, lines=True))


@given(spans)
def test_what_is_read_back_is_valid_spans(given_spans):
    for span in read(write(given_spans)):
        Span.model_validate(span)


def test_each_mark_has_its_notation():
    spans = [
        {"text": "b", "marks": ["strong"]}, {"text": "i", "marks": ["em"]}, {"text": "c", "marks": ["code"]},
        {"text": "u", "marks": ["underline"]}, {"text": "s", "marks": ["strike"]},
        {"text": "link", "href": "https://example.org"},
    ]  # fmt: skip

    assert write(spans) == "**b***i*`c`__u__~~s~~[link](https://example.org)"


def test_markers_in_the_text_are_escaped():
    assert write([{"text": "2*3_[x]"}]) == "2\\*3\\_\\[x\\]"


@pytest.mark.parametrize("notation", ["**open", "[no end", "[text](https://x"])
def test_an_open_marker_or_link_is_an_error(notation):
    with pytest.raises(NotationError):
        read(notation)
