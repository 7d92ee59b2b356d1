"""The three-way merge of two edits of one article (cms.core.merge): one test per rule, then properties."""

from typing import Any

import pytest

from cms.core.article import ArticleInput, to_document
from cms.core.merge import Conflict, Draft, merge, merge_order


def section(section_id: str, *blocks: tuple[str, str], anchor: str | None = None, heading: str | None = None) -> dict:
    """A section of paragraphs: `blocks` are (id, text)."""
    return {
        "id": section_id,
        "anchor": anchor or section_id,
        "heading": heading,
        "blocks": [{"id": block_id, "type": "paragraph", "spans": text} for block_id, text in blocks],
    }


def draft(*sections: dict, slug: str = "ketamine", **fields: Any) -> Draft:
    body = {"title": "Ketamine", "slug": slug, "sections": list(sections)} | fields
    return Draft(slug, to_document(ArticleInput.model_validate(body)))


def plain(result: Draft | list[Conflict]) -> Any:
    """A merged draft as (slug, title, tags, summary, author, [(section id, anchor, heading, [(block id, text)])])."""
    if isinstance(result, list):
        return result
    document = result.document
    return (
        result.slug, document.title, document.tags, document.summary, document.author,
        [
            (s.id, s.anchor, s.heading, [(b.id, b.spans[0].text if b.spans else "") for b in s.blocks])  # type: ignore[union-attr]
            for s in document.sections
        ],
    )  # fmt: skip


def paragraph(block_id: str, text: str) -> dict[str, Any]:
    return {"id": block_id, "type": "paragraph", "spans": [{"text": text, "marks": [], "href": None}]}


BASE = draft(section("intro", ("p1", "One."), ("p2", "Two.")), section("why", ("p3", "Three."), heading="Why?"))


# --- fields ---


def test_a_field_changed_on_one_side_takes_that_sides_value():
    theirs = draft(*BASE.as_input().model_dump()["sections"], title="Theirs")
    mine = draft(*BASE.as_input().model_dump()["sections"], tags=["mine"])

    merged = merge(BASE, theirs, mine)

    assert isinstance(merged, Draft)
    assert (merged.document.title, merged.document.tags) == ("Theirs", ["mine"])


def test_a_field_changed_on_both_sides_alike_takes_that_value():
    sections = BASE.as_input().model_dump()["sections"]

    merged = merge(BASE, draft(*sections, summary="Same."), draft(*sections, summary="Same."))

    assert isinstance(merged, Draft)
    assert merged.document.summary == "Same."


def test_a_field_changed_on_both_sides_differently_is_a_conflict():
    sections = BASE.as_input().model_dump()["sections"]

    merged = merge(BASE, draft(*sections, title="Theirs"), draft(*sections, title="Mine"))

    assert merged == [Conflict("title", "Ketamine", "Theirs", "Mine")]


def test_the_slug_is_a_field_like_the_others():
    sections = BASE.as_input().model_dump()["sections"]

    merged = merge(BASE, draft(*sections, slug="theirs"), draft(*sections, slug="mine"))

    assert merged == [Conflict("slug", "ketamine", "theirs", "mine")]


# --- section headings and anchors ---


def test_a_heading_changed_on_one_side_and_an_anchor_on_the_other_both_land():
    theirs = draft(section("intro", ("p1", "One."), ("p2", "Two.")), section("why", ("p3", "Three."), heading="So?"))
    mine = draft(section("intro", ("p1", "One."), ("p2", "Two.")), section("why", ("p3", "Three."), heading="Why?",
                                                                          anchor="reasons"))  # fmt: skip

    merged = merge(BASE, theirs, mine)

    assert plain(merged)[5][1] == ("why", "reasons", "So?", [("p3", "Three.")])


def test_a_heading_changed_on_both_sides_differently_is_a_conflict_at_the_section():
    theirs = draft(section("intro", ("p1", "One."), ("p2", "Two.")), section("why", ("p3", "Three."), heading="So?"))
    mine = draft(section("intro", ("p1", "One."), ("p2", "Two.")), section("why", ("p3", "Three."), heading="How?"))

    merged = merge(BASE, theirs, mine)

    assert merged == [Conflict("sections/why/heading", "Why?", "So?", "How?")]


def test_an_anchor_changed_on_both_sides_differently_is_a_conflict_at_the_section():
    theirs = draft(section("intro", ("p1", "One."), ("p2", "Two.")), section("why", ("p3", "3."), anchor="a"))
    mine = draft(section("intro", ("p1", "One."), ("p2", "Two.")), section("why", ("p3", "3."), anchor="b"))

    base = draft(section("intro", ("p1", "One."), ("p2", "Two.")), section("why", ("p3", "3.")))

    merged = merge(base, theirs, mine)

    assert merged == [Conflict("sections/why/anchor", "why", "a", "b")]


# --- blocks, as a whole, by id ---


def test_different_blocks_changed_on_each_side_both_land():
    theirs = draft(section("intro", ("p1", "One!"), ("p2", "Two.")), section("why", ("p3", "Three."), heading="Why?"))
    mine = draft(section("intro", ("p1", "One."), ("p2", "Two.")), section("why", ("p3", "Three!"), heading="Why?"))

    merged = merge(BASE, theirs, mine)

    assert plain(merged)[5] == [
        ("intro", "intro", None, [("p1", "One!"), ("p2", "Two.")]),
        ("why", "why", "Why?", [("p3", "Three!")]),
    ]


def test_one_block_changed_on_both_sides_differently_is_a_conflict_with_the_three_values():
    theirs = draft(section("intro", ("p1", "Theirs."), ("p2", "Two.")), section("why", ("p3", "3."), heading="Why?"))
    mine = draft(section("intro", ("p1", "Mine."), ("p2", "Two.")), section("why", ("p3", "3."), heading="Why?"))
    base = draft(section("intro", ("p1", "One."), ("p2", "Two.")), section("why", ("p3", "3."), heading="Why?"))

    merged = merge(base, theirs, mine)

    assert merged == [
        Conflict(
            "sections/intro/blocks/p1", paragraph("p1", "One."), paragraph("p1", "Theirs."), paragraph("p1", "Mine.")
        )
    ]


def test_a_block_deleted_on_one_side_and_unchanged_on_the_other_is_deleted():
    theirs = draft(section("intro", ("p2", "Two.")), section("why", ("p3", "Three."), heading="Why?"))

    merged = merge(BASE, theirs, BASE)

    assert plain(merged)[5][0] == ("intro", "intro", None, [("p2", "Two.")])


def test_a_block_deleted_on_one_side_and_changed_on_the_other_is_a_conflict():
    theirs = draft(section("intro", ("p2", "Two.")), section("why", ("p3", "Three."), heading="Why?"))
    mine = draft(section("intro", ("p1", "Mine."), ("p2", "Two.")), section("why", ("p3", "Three."), heading="Why?"))

    merged = merge(BASE, theirs, mine)

    assert merged == [Conflict("sections/intro/blocks/p1", paragraph("p1", "One."), None, paragraph("p1", "Mine."))]


def test_a_block_moved_to_another_section_on_one_side_and_changed_on_the_other_lands_moved_and_changed():
    theirs = draft(section("intro", ("p2", "Two.")), section("why", ("p3", "Three."), ("p1", "One."), heading="Why?"))
    mine = draft(section("intro", ("p1", "Mine."), ("p2", "Two.")), section("why", ("p3", "Three."), heading="Why?"))

    merged = merge(BASE, theirs, mine)

    assert plain(merged)[5] == [
        ("intro", "intro", None, [("p2", "Two.")]),
        ("why", "why", "Why?", [("p3", "Three."), ("p1", "Mine.")]),
    ]


def test_a_block_moved_to_different_sections_on_each_side_is_a_conflict():
    theirs = draft(section("intro", ("p2", "Two.")), section("why", ("p3", "Three."), ("p1", "One."), heading="Why?"))
    mine = draft(section("intro", ("p2", "Two."), ("p1", "One.")), section("why", ("p3", "Three."), heading="Why?"))
    base = draft(section("intro", ("p1", "One."), ("p2", "Two.")), section("why", ("p3", "Three."), heading="Why?"))
    moved = draft(section("intro", ("p2", "Two.")), section("why", ("p3", "Three."), heading="Why?"),
                  section("more", ("p1", "One."), heading="More"))  # fmt: skip

    merged = merge(base, moved, theirs)

    assert merged == [
        Conflict("sections/intro/blocks/p1", paragraph("p1", "One."), paragraph("p1", "One."), paragraph("p1", "One."))
    ]
    assert isinstance(merge(base, theirs, mine), Draft)  # within one section, a move is only a reordering


# --- additions ---


def test_blocks_added_on_both_sides_are_kept_after_the_block_they_follow_there():
    theirs = draft(section("intro", ("p1", "One."), ("t", "T."), ("p2", "Two.")), section("why", ("p3", "3.")))
    mine = draft(section("intro", ("p1", "One."), ("p2", "Two."), ("m", "M.")), section("why", ("p3", "3.")))
    base = draft(section("intro", ("p1", "One."), ("p2", "Two.")), section("why", ("p3", "3.")))

    merged = merge(base, theirs, mine)

    assert [block_id for block_id, _ in plain(merged)[5][0][3]] == ["p1", "t", "p2", "m"]


def test_blocks_added_after_one_block_on_both_sides_put_theirs_first_then_mine():
    theirs = draft(section("intro", ("p1", "One."), ("t1", "T."), ("t2", "T."), ("p2", "Two.")))
    mine = draft(section("intro", ("p1", "One."), ("m1", "M."), ("p2", "Two.")))
    base = draft(section("intro", ("p1", "One."), ("p2", "Two.")))

    merged = merge(base, theirs, mine)

    assert [block_id for block_id, _ in plain(merged)[5][0][3]] == ["p1", "t1", "t2", "m1", "p2"]


def test_a_block_added_at_the_start_stays_at_the_start():
    mine = draft(section("intro", ("m", "M."), ("p1", "One."), ("p2", "Two.")))
    base = draft(section("intro", ("p1", "One."), ("p2", "Two.")))
    theirs = draft(section("intro", ("p2", "Two.")))

    merged = merge(base, theirs, mine)

    assert [block_id for block_id, _ in plain(merged)[5][0][3]] == ["m", "p2"]


def test_a_block_added_after_a_block_the_other_side_deleted_follows_the_block_before_it():
    base = draft(section("intro", ("p1", "One."), ("p2", "Two."), ("p3", "Three.")))
    theirs = draft(section("intro", ("p1", "One."), ("p3", "Three.")))
    mine = draft(section("intro", ("p1", "One."), ("p2", "Two."), ("m", "M."), ("p3", "Three.")))

    merged = merge(base, theirs, mine)

    assert [block_id for block_id, _ in plain(merged)[5][0][3]] == ["p1", "m", "p3"]


def test_sections_added_on_both_sides_are_kept_theirs_first():
    theirs = draft(section("intro", ("p1", "One.")), section("t", ("t1", "T."), heading="Theirs"))
    mine = draft(section("intro", ("p1", "One.")), section("m", ("m1", "M."), heading="Mine"))
    base = draft(section("intro", ("p1", "One.")))

    merged = merge(base, theirs, mine)

    assert [s[0] for s in plain(merged)[5]] == ["intro", "t", "m"]


# --- deleted sections ---


def test_a_section_deleted_on_one_side_and_unchanged_on_the_other_is_deleted():
    theirs = draft(section("intro", ("p1", "One."), ("p2", "Two.")))

    merged = merge(BASE, theirs, BASE)

    assert [s[0] for s in plain(merged)[5]] == ["intro"]


def test_a_section_deleted_on_one_side_and_changed_on_the_other_is_a_conflict_at_the_section():
    theirs = draft(section("intro", ("p1", "One."), ("p2", "Two.")))
    mine = draft(section("intro", ("p1", "One."), ("p2", "Two.")), section("why", ("p3", "3."), ("m", "M."),
                                                                          heading="Why?"))  # fmt: skip

    merged = merge(BASE, theirs, mine)

    assert merged == [
        Conflict(
            "sections/why",
            section("why", ("p3", "Three."), heading="Why?") | {"blocks": [paragraph("p3", "Three.")]},
            None,
            section("why", heading="Why?") | {"blocks": [paragraph("p3", "3."), paragraph("m", "M.")]},
        ),
        Conflict("sections/why/blocks/p3", paragraph("p3", "Three."), None, paragraph("p3", "3.")),
    ]


# --- order ---


def test_sections_reordered_on_one_side_take_that_order_with_the_other_sides_edits():
    theirs = draft(section("why", ("p3", "Three."), heading="Why?"), section("intro", ("p1", "One."), ("p2", "Two.")))
    mine = draft(section("intro", ("p1", "One."), ("p2", "2!")), section("why", ("p3", "Three."), heading="Why?"))

    merged = merge(BASE, theirs, mine)

    assert plain(merged)[5] == [
        ("why", "why", "Why?", [("p3", "Three.")]),
        ("intro", "intro", None, [("p1", "One."), ("p2", "2!")]),
    ]


def test_sections_reordered_differently_on_both_sides_are_a_conflict_at_sections_order():
    base = draft(section("a", ("p1", "1.")), section("b", ("p2", "2.")), section("c", ("p3", "3.")))
    theirs = draft(section("b", ("p2", "2.")), section("a", ("p1", "1.")), section("c", ("p3", "3.")))
    mine = draft(section("a", ("p1", "1.")), section("c", ("p3", "3.")), section("b", ("p2", "2.")))

    merged = merge(base, theirs, mine)

    assert merged == [Conflict("sections/order", ["a", "b", "c"], ["b", "a", "c"], ["a", "c", "b"])]


def test_blocks_reordered_differently_on_both_sides_are_a_conflict_at_the_sections_block_order():
    base = draft(section("a", ("p1", "1."), ("p2", "2."), ("p3", "3.")))
    theirs = draft(section("a", ("p2", "2."), ("p1", "1."), ("p3", "3.")))
    mine = draft(section("a", ("p1", "1."), ("p3", "3."), ("p2", "2.")))

    merged = merge(base, theirs, mine)

    assert merged == [Conflict("sections/a/blocks/order", ["p1", "p2", "p3"], ["p2", "p1", "p3"], ["p1", "p3", "p2"])]


def test_additions_and_deletions_alone_are_no_reordering():
    base = draft(section("a", ("p1", "1."), ("p2", "2."), ("p3", "3.")))
    theirs = draft(section("a", ("t", "T."), ("p1", "1."), ("p3", "3.")))
    mine = draft(section("a", ("p1", "1."), ("p2", "2."), ("m", "M.")))

    merged = merge(base, theirs, mine)

    assert [block_id for block_id, _ in plain(merged)[5][0][3]] == ["t", "p1", "m"]


def test_merge_order_keeps_a_reordering_and_places_the_other_sides_additions():
    assert merge_order(["a", "b", "c"], ["a", "x", "b", "c"], ["c", "a", "b", "y"]) == ["c", "a", "x", "b", "y"]


# --- the result is validated ---


def test_two_sections_given_one_anchor_by_the_two_sides_are_a_conflict_at_the_later_one():
    base = draft(section("a", ("p1", "1.")), section("b", ("p2", "2.")))
    theirs = draft(section("a", ("p1", "1."), anchor="same"), section("b", ("p2", "2.")))
    mine = draft(section("a", ("p1", "1.")), section("b", ("p2", "2."), anchor="same"))

    merged = merge(base, theirs, mine)

    assert merged == [Conflict("sections/b/anchor", "b", "b", "same")]


def test_a_merge_that_breaks_a_limit_of_the_model_is_a_conflict_naming_where():
    base = draft(section("a", ("p1", "1.")))
    theirs = draft(section("a", ("p1", "1.")), *(section(f"t{n}") for n in range(100)))
    mine = draft(section("a", ("p1", "1.")), *(section(f"m{n}") for n in range(100)))

    merged = merge(base, theirs, mine)

    assert merged == [
        Conflict("sections", None, None, None, "List should have at most 200 items after validation, not 201")
    ]


# --- choices: the editor's page resolving conflicts unit by unit ---


def test_a_conflict_chosen_mine_takes_my_value_and_the_rest_still_merges():
    theirs = draft(section("intro", ("p1", "Theirs."), ("p2", "Two!")), section("why", ("p3", "3."), heading="Why?"))
    mine = draft(section("intro", ("p1", "Mine."), ("p2", "Two.")), section("why", ("p3", "3!"), heading="Why?"))
    base = draft(section("intro", ("p1", "One."), ("p2", "Two.")), section("why", ("p3", "3."), heading="Why?"))

    merged = merge(base, theirs, mine, {"sections/intro/blocks/p1": "mine"})

    assert plain(merged)[5] == [
        ("intro", "intro", None, [("p1", "Mine."), ("p2", "Two!")]),
        ("why", "why", "Why?", [("p3", "3!")]),
    ]


def test_a_conflict_chosen_theirs_takes_their_value():
    theirs = draft(*BASE.as_input().model_dump()["sections"], title="Theirs")
    mine = draft(*BASE.as_input().model_dump()["sections"], title="Mine")

    assert plain(merge(BASE, theirs, mine, {"title": "theirs"}))[1] == "Theirs"


def test_an_order_chosen_mine_takes_my_order():
    base = draft(section("a", ("p1", "1.")), section("b", ("p2", "2.")), section("c", ("p3", "3.")))
    theirs = draft(section("b", ("p2", "2.")), section("a", ("p1", "1.")), section("c", ("p3", "3.")))
    mine = draft(section("a", ("p1", "1.")), section("c", ("p3", "3.")), section("b", ("p2", "2.")))

    merged = merge(base, theirs, mine, {"sections/order": "mine"})

    assert [s[0] for s in plain(merged)[5]] == ["a", "c", "b"]


THREE = draft(section("intro", ("p1", "1.")), section("why", ("p2", "2."), ("p3", "3.")), section("end", ("p4", "4.")))
WHY_DELETED = draft(section("intro", ("p1", "One.")), section("end", ("p4", "4.")))
WHY_CHANGED = draft(
    section("intro", ("p1", "1.")),
    section("why", ("p2", "Two."), ("n", "New."), ("p3", "3."), heading="Why?"),
    section("end", ("p4", "4.")),
)
WHY_KEPT = [
    ("intro", "intro", None, [("p1", "One.")]),
    ("why", "why", "Why?", [("p2", "Two."), ("n", "New."), ("p3", "3.")]),
    ("end", "end", None, [("p4", "4.")]),
]
WHY_GONE = [("intro", "intro", None, [("p1", "One.")]), ("end", "end", None, [("p4", "4.")])]


@pytest.mark.parametrize(
    ("theirs", "mine", "chosen", "sections"),
    [
        (WHY_DELETED, WHY_CHANGED, "mine", WHY_KEPT),
        (WHY_DELETED, WHY_CHANGED, "theirs", WHY_GONE),
        (WHY_CHANGED, WHY_DELETED, "theirs", WHY_KEPT),
        (WHY_CHANGED, WHY_DELETED, "mine", WHY_GONE),
    ],
    ids=["deleted-by-theirs-kept", "deleted-by-theirs-deleted", "deleted-by-mine-kept", "deleted-by-mine-deleted"],
)
def test_a_section_deleted_on_one_side_and_changed_on_the_other_takes_the_chosen_side_in_place(
    theirs: Draft, mine: Draft, chosen: str, sections: list
):
    assert plain(merge(THREE, theirs, mine, {"sections/why": chosen}))[5] == sections


P2_DELETED = draft(section("intro", ("p1", "1.")), section("why", ("p3", "3.")), section("end", ("p4", "Four.")))
P2_CHANGED = draft(section("intro", ("p1", "1.")), section("why", ("p2", "Two."), ("p3", "3.")),
                   section("end", ("p4", "4.")))  # fmt: skip
P2_KEPT = [("why", "why", None, [("p2", "Two."), ("p3", "3.")]), ("end", "end", None, [("p4", "Four.")])]
P2_GONE = [("why", "why", None, [("p3", "3.")]), ("end", "end", None, [("p4", "Four.")])]


@pytest.mark.parametrize(
    ("theirs", "mine", "chosen", "sections"),
    [
        (P2_DELETED, P2_CHANGED, "mine", P2_KEPT),
        (P2_DELETED, P2_CHANGED, "theirs", P2_GONE),
        (P2_CHANGED, P2_DELETED, "theirs", P2_KEPT),
        (P2_CHANGED, P2_DELETED, "mine", P2_GONE),
    ],
    ids=["deleted-by-theirs-kept", "deleted-by-theirs-deleted", "deleted-by-mine-kept", "deleted-by-mine-deleted"],
)
def test_a_block_deleted_on_one_side_and_changed_on_the_other_takes_the_chosen_side_in_place(
    theirs: Draft, mine: Draft, chosen: str, sections: list
):
    assert plain(merge(THREE, theirs, mine, {"sections/why/blocks/p2": chosen}))[5][1:] == sections


def test_a_section_kept_by_choice_leaves_a_block_the_deleting_side_moved_out_where_it_was_moved():
    theirs = draft(section("intro", ("p1", "1."), ("p2", "2.")), section("end", ("p4", "4.")))

    merged = merge(THREE, theirs, WHY_CHANGED, {"sections/why": "mine"})

    assert plain(merged)[5] == [
        ("intro", "intro", None, [("p1", "1."), ("p2", "Two.")]),
        ("why", "why", "Why?", [("n", "New."), ("p3", "3.")]),
        ("end", "end", None, [("p4", "4.")]),
    ]


@pytest.mark.parametrize("deleter", ["theirs", "mine"])
def test_a_section_deleted_by_choice_leaves_a_block_the_other_side_moved_into_it_where_it_was(deleter: str):
    deleted = draft(section("intro", ("p1", "1.")), section("end", ("p4", "4.")))  # "why" gone, p2 and p3 with it
    moved_in = draft(
        section("intro"), section("why", ("p2", "2."), ("p3", "3."), ("p1", "One.")), section("end", ("p4", "4."))
    )
    theirs, mine = (deleted, moved_in) if deleter == "theirs" else (moved_in, deleted)

    merged = merge(THREE, theirs, mine, {"sections/why": deleter})

    assert plain(merged)[5] == [("intro", "intro", None, [("p1", "One.")]), ("end", "end", None, [("p4", "4.")])]


@pytest.mark.parametrize(
    ("chosen", "intro", "end"),
    [("theirs", [("p1", "1."), ("p2", "2.")], [("p4", "4.")]), ("mine", [("p1", "1.")], [("p4", "4."), ("p2", "2.")])],
)
def test_a_block_moved_to_different_sections_on_each_side_goes_where_the_chosen_side_put_it(chosen, intro, end):
    theirs = draft(
        section("intro", ("p1", "1."), ("p2", "2.")), section("why", ("p3", "3.")), section("end", ("p4", "4."))
    )
    mine = draft(
        section("intro", ("p1", "1.")), section("why", ("p3", "3.")), section("end", ("p4", "4."), ("p2", "2."))
    )
    assert [c.path for c in merge(THREE, theirs, mine)] == ["sections/why/blocks/p2"]  # type: ignore[union-attr]

    merged = merge(THREE, theirs, mine, {"sections/why/blocks/p2": chosen})

    assert plain(merged)[5] == [
        ("intro", "intro", None, intro), ("why", "why", None, [("p3", "3.")]), ("end", "end", None, end),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("chosen", "anchors"), [("theirs", ["intro", "a", "end"]), ("mine", ["intro", "why", "a"])], ids=["theirs", "mine"]
)
def test_an_anchor_clash_chosen_gives_the_anchor_to_the_section_the_chosen_side_gave_it(chosen, anchors):
    theirs = draft(
        section("intro", ("p1", "1.")),
        section("why", ("p2", "2."), ("p3", "3."), anchor="a"),
        section("end", ("p4", "4.")),
    )
    mine = draft(
        section("intro", ("p1", "1.")),
        section("why", ("p2", "2."), ("p3", "3.")),
        section("end", ("p4", "4."), anchor="a"),
    )
    assert [c.path for c in merge(THREE, theirs, mine)] == ["sections/end/anchor"]  # type: ignore[union-attr]

    merged = merge(THREE, theirs, mine, {"sections/end/anchor": chosen})

    assert [s[1] for s in plain(merged)[5]] == anchors


def test_an_anchor_clash_chosen_from_the_side_without_the_other_section_gives_that_one_an_anchor_of_its_heading():
    theirs = draft(section("added", anchor="a", heading="Added"), *THREE.as_input().model_dump()["sections"])
    mine = draft(section("intro", ("p1", "1."), anchor="a"), *THREE.as_input().model_dump()["sections"][1:])
    assert [c.path for c in merge(THREE, theirs, mine)] == ["sections/intro/anchor"]  # type: ignore[union-attr]

    merged = merge(THREE, theirs, mine, {"sections/intro/anchor": "mine"})

    assert [s[1] for s in plain(merged)[5]] == ["added", "a", "why", "end"]


def test_a_chosen_block_whose_sections_are_all_gone_is_kept_at_the_end_of_the_article():
    theirs = draft(section("intro", ("p2", "2."), ("p1", "1.")), section("end", ("p4", "4.")))  # p2 moved, why gone
    mine = draft(section("why", ("p2", "2."), ("p3", "3.")), section("end", ("p4", "4.")))  # intro gone
    first = merge(THREE, theirs, mine, {"sections/intro": "mine"})
    assert [c.path for c in first] == ["sections/why/blocks/p2"]  # type: ignore[union-attr]

    merged = merge(THREE, theirs, mine, {"sections/intro": "mine", "sections/why/blocks/p2": "mine"})

    assert plain(merged)[5] == [("end", "end", None, [("p4", "4."), ("p2", "2.")])]
