"""Slugs for articles and anchors for sections."""

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cms.core.slugs import ANCHOR_MAX_LENGTH, SLUG_MAX_LENGTH, is_slug, slugify, unique_anchors

PROPERTIES = settings(max_examples=300, deadline=None)


def test_slugify_makes_a_title_a_slug():
    assert slugify("Ketamine And Depression: How It May Help You") == "ketamine-and-depression-how-it-may-help-you"


def test_slugify_folds_accents():
    assert slugify("Café Crème Brûlée") == "cafe-creme-brulee"


def test_slugify_drops_what_has_no_ascii_form():
    assert slugify("日本語") == ""


def test_slugify_collapses_and_trims_separators():
    assert slugify("  --Hello,   World!--  ") == "hello-world"


def test_slugify_cuts_a_long_title_at_a_word_boundary():
    title = "massage " * 30

    slug = slugify(title)

    assert slug == "-".join(["massage"] * 15)
    assert len(slug) <= SLUG_MAX_LENGTH


def test_slugify_cuts_a_single_long_word_to_the_maximum():
    assert slugify("a" * 200) == "a" * SLUG_MAX_LENGTH


def test_slugify_respects_a_smaller_maximum():
    assert slugify("what exactly is ketamine", max_length=10) == "what"


@pytest.mark.parametrize("value", ["a", "hello-world", "2026-review", "a" * SLUG_MAX_LENGTH])
def test_is_slug_accepts_valid_slugs(value):
    assert is_slug(value)


@pytest.mark.parametrize("value", ["", "Hello", "a--b", "-a", "a-", "a_b", "a b", "é", "a" * (SLUG_MAX_LENGTH + 1)])
def test_is_slug_refuses_invalid_slugs(value):
    assert not is_slug(value)


@PROPERTIES
@given(st.text())
@example("")
@example("-")
@example("ﬁ①")
@example("İstanbul")
@example("a-" + "b" * 200)
@example("x " * 100)
def test_slugify_gives_an_empty_or_valid_slug_and_is_idempotent(title):
    slug = slugify(title)

    assert slug == "" or is_slug(slug)
    assert slugify(slug) == slug


@PROPERTIES
@given(st.text(), st.integers(min_value=1, max_value=SLUG_MAX_LENGTH))
def test_slugify_never_exceeds_its_maximum(title, max_length):
    slug = slugify(title, max_length=max_length)

    assert len(slug) <= max_length
    assert slug == "" or is_slug(slug)


def test_a_leading_section_without_heading_is_intro():
    assert unique_anchors([None, "What Exactly Is Ketamine?"], [None, None]) == ["intro", "what-exactly-is-ketamine"]


def test_a_later_section_without_heading_is_named_by_its_position():
    assert unique_anchors(["Dosage", None], [None, None]) == ["dosage", "section-2"]


def test_a_heading_with_no_ascii_form_is_named_by_its_position():
    assert unique_anchors(["Dosage", "日本語"], [None, None]) == ["dosage", "section-2"]


def test_repeated_headings_get_numbered_suffixes():
    assert unique_anchors(["Dosage", "Dosage", "Dosage"], [None, None, None]) == ["dosage", "dosage-2", "dosage-3"]


def test_given_anchors_are_kept_and_derived_ones_avoid_them():
    assert unique_anchors(["Dosage", "Other"], [None, "dosage"]) == ["dosage-2", "dosage"]


def test_a_derived_anchor_avoids_a_later_given_intro():
    assert unique_anchors([None, "x"], [None, "intro"]) == ["intro-2", "intro"]


def test_a_suffixed_anchor_still_fits_the_maximum_length():
    heading = " ".join(["word"] * 40)

    anchors = unique_anchors([heading, heading], [None, None])

    assert anchors == ["-".join(["word"] * 16), "-".join(["word"] * 15) + "-wor-2"]
    assert all(len(anchor) <= ANCHOR_MAX_LENGTH for anchor in anchors)


given_anchor = st.from_regex(r"\A[a-z0-9]{1,6}(-[a-z0-9]{1,6}){0,2}\Z")


@PROPERTIES
@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.text(min_size=1), st.sampled_from(["Dosage", "Intro", "Section 2", "a" * 90])),
            st.one_of(st.none(), given_anchor, st.sampled_from(["intro", "dosage", "section-2"])),
        ),
        max_size=12,
        unique_by=lambda pair: pair[1] or object(),
    )
)
@example([(" ".join(["word"] * 40), None), (" ".join(["word"] * 40), None)])
@example([(None, None), ("Intro", None), (None, "intro")])
@example([("a" * 90, None)] * 11)
def test_anchors_are_unique_valid_and_within_length(pairs):
    headings = [heading for heading, _ in pairs]
    given_anchors = [anchor for _, anchor in pairs]

    anchors = unique_anchors(headings, given_anchors)

    assert len(anchors) == len(pairs)
    assert len(set(anchors)) == len(anchors)
    assert all(is_slug(anchor) and len(anchor) <= ANCHOR_MAX_LENGTH for anchor in anchors)
    assert [a for a, g in zip(anchors, given_anchors, strict=True) if g] == [g for g in given_anchors if g]
