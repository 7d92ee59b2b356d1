from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cms.core.errors import FieldError, InvalidContent
from cms.core.seed_text import HEADING_MAX_WORDS, is_heading, parse_seed_text


def sections(source: str) -> list[dict[str, Any]]:
    return parse_seed_text(source).article.model_dump(exclude_none=True)["sections"]


def paragraph(text: str) -> dict[str, Any]:
    return {"type": "paragraph", "spans": [{"text": text, "marks": []}]}


@pytest.mark.parametrize(
    "line",
    [
        "What Exactly Is Ketamine?",
        "What Is The Difference In Ketamine Versus Anti-Depressants?",
        "The Magic of Massage Therapy",
        "Why It Works",
        "FREQUENTLY ASKED QUESTIONS",
        "Step 2: Book a Session?",
        "Ketamine's History in the 1960s",
    ],
)
def test_short_title_case_line_is_a_heading(line: str) -> None:
    assert is_heading(line)


@pytest.mark.parametrize(
    "block",
    [
        "Why does it work?",
        "it helps.",
        "Talk with your doctor today",
        "It Works.",
        "Call Now!",
        "Questions:",
        "First, Second,",
        "",
        "2024",
        "What Exactly\nIs Ketamine?",
        "What " + "Is " * 14 + "It?",
        "Ketamine " * 13 + "Therapy",
    ],
)
def test_sentence_lowercase_multiline_or_long_block_is_not_a_heading(block: str) -> None:
    assert not is_heading(block)


def test_first_line_is_the_site_and_next_non_blank_line_the_title() -> None:
    seed = parse_seed_text("  My Site  \n\n\n  My Title  \nIntro.")

    assert (seed.site_name, seed.article.title) == ("My Site", "My Title")
    assert seed.article.model_dump(exclude_none=True)["sections"] == [{"blocks": [paragraph("Intro.")]}]


def test_heading_line_starts_a_new_section() -> None:
    assert sections("Site\n\nTitle\n\nIntro.\n\nWhat Is It?\n\nA thing.\n\nMore.\n\nWhy It Matters\n\nIt does.") == [
        {"blocks": [paragraph("Intro.")]},
        {"heading": "What Is It?", "blocks": [paragraph("A thing."), paragraph("More.")]},
        {"heading": "Why It Matters", "blocks": [paragraph("It does.")]},
    ]


def test_no_leading_section_when_a_heading_comes_first() -> None:
    assert sections("Site\n\nTitle\n\nWhat Is It?\n\nA thing.") == [
        {"heading": "What Is It?", "blocks": [paragraph("A thing.")]}
    ]


def test_short_lowercase_question_stays_a_paragraph() -> None:
    assert sections("Site\n\nTitle\n\nIntro.\n\nwhy does it work?\n\nNobody knows.") == [
        {"blocks": [paragraph("Intro."), paragraph("why does it work?"), paragraph("Nobody knows.")]}
    ]


def test_lines_of_a_paragraph_are_joined_with_one_space_and_kept_word_for_word() -> None:
    assert sections('Site\nTitle\n  It\'s  "so"\n-- quick --  \r\n\n\t...and   done') == [
        {"blocks": [paragraph('It\'s  "so" -- quick --'), paragraph("...and   done")]}
    ]


def test_title_only_text_has_no_sections() -> None:
    assert sections("Site\n\nTitle\n\n\n") == []


def test_empty_text_is_invalid_content_at_site_name() -> None:
    with pytest.raises(InvalidContent) as caught:
        parse_seed_text("")

    assert caught.value.errors == [
        FieldError(
            path="site_name",
            message="line 1 is empty: line 1 is the site name, the next non-blank line the article title, "
            "then paragraphs separated by blank lines",
        )
    ]


def test_one_line_text_is_invalid_content_at_title() -> None:
    with pytest.raises(InvalidContent) as caught:
        parse_seed_text("Only The Site\n\n  \n")

    assert caught.value.errors == [
        FieldError(
            path="title",
            message="there is no article title after the site name: line 1 is the site name, the next non-blank "
            "line the article title, then paragraphs separated by blank lines",
        )
    ]


_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz'-.,?", min_size=1, max_size=12).filter(lambda w: w[0].isalpha())
_LINE = st.lists(_WORD, min_size=1, max_size=12).map(" ".join)
_PARAGRAPH = st.lists(_LINE, min_size=1, max_size=4)


@settings(deadline=None, max_examples=50)
@given(st.lists(_PARAGRAPH, min_size=1, max_size=6))
def test_lowercase_paragraphs_round_trip_as_one_intro_section(paragraphs: list[list[str]]) -> None:
    source = "Site\n\nTitle\n\n" + "\n\n".join("\n".join(lines) for lines in paragraphs)

    assert sections(source) == [{"blocks": [paragraph(" ".join(lines)) for lines in paragraphs]}]


_CAPITALISED = st.from_regex(r"[A-Z][a-z]{0,6}", fullmatch=True)


@settings(deadline=None, max_examples=50)
@given(
    _CAPITALISED,
    st.lists(_CAPITALISED | st.sampled_from(["of", "an", "in", "the"]), max_size=HEADING_MAX_WORDS - 1),
    st.sampled_from(["", "?"]),
)
def test_short_title_case_lines_are_headings(first: str, words: list[str], end: str) -> None:
    heading = " ".join([first, *words]) + end

    assert sections(f"Site\n\nTitle\n\n{heading}\n\nText.") == [{"heading": heading, "blocks": [paragraph("Text.")]}]
