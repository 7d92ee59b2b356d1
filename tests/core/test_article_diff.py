"""The differences between two versions of an article, by unit: fields, sections by id, blocks by id, order."""

import copy
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cms.core.article import Document
from cms.core.article_diff import WORD_BUDGET, Change, Piece, block_text, diff, trimmed, words
from cms.core.blocks import BLOCK_LABELS, BLOCK_TYPES

Json = dict[str, Any]

PARAGRAPH = {"id": "p1", "type": "paragraph", "spans": "A big dog barks."}
CALLOUT = {"id": "c1", "type": "callout", "tone": "tip", "spans": "Drink water."}
TABLE = {"id": "t1", "type": "table", "rows": [["Dose", "Effect"], ["low", "mild"]], "header_row": True}
QUOTE = {"id": "q1", "type": "quote", "spans": "To be.", "cite": "Hamlet"}


def document(*sections: Json, **fields: Any) -> Document:
    """A stored version: `fields` over the defaults (title 'Ketamine'), then `sections` as given."""
    return Document.model_validate(
        {"title": "Ketamine", "summary": None, "tags": [], "author": None, **fields, "sections": list(sections)}
    )


def section(id: str, heading: str | None, *blocks: Json, anchor: str | None = None) -> Json:
    return {"id": id, "anchor": anchor or (heading or "intro").lower().replace(" ", "-"), "heading": heading,
            "blocks": list(blocks)}  # fmt: skip


def changed(block: Json, **fields: Any) -> Json:
    return {**block, **fields}


BEFORE = document(section("s1", None, PARAGRAPH, CALLOUT), section("s2", "Why", TABLE))

CASES = [
    pytest.param(
        document(section("s1", None, PARAGRAPH, CALLOUT), section("s2", "Why", TABLE), title="Esketamine"),
        [("Title changed", "title", "")],
        id="title",
    ),
    pytest.param(
        document(section("s1", None, PARAGRAPH, CALLOUT), section("s2", "Why", TABLE), tags=["mood"], author="Ada"),
        [("Tags changed", "tags", ""), ("Author changed", "author", "")],
        id="tags-and-author",
    ),
    pytest.param(
        document(
            section("s1", None, changed(PARAGRAPH, spans="A small dog barks."), CALLOUT), section("s2", "Why", TABLE)
        ),
        [("Paragraph changed", "p1", "Introduction")],
        id="paragraph-text",
    ),
    pytest.param(
        document(section("s1", None, PARAGRAPH, changed(CALLOUT, tone="warning")), section("s2", "Why", TABLE)),
        [("Callout changed", "c1", "Introduction")],
        id="callout-tone",
    ),
    pytest.param(
        document(section("s1", None, PARAGRAPH, CALLOUT), section("s2", "Why", TABLE, {**TABLE, "id": "t2"})),
        [("Table added", "t2", "Why")],
        id="table-added",
    ),
    pytest.param(
        document(section("s1", None, PARAGRAPH), section("s2", "Why", TABLE)),
        [("Callout removed", "c1", "Introduction")],
        id="callout-removed",
    ),
    pytest.param(
        document(section("s1", None, CALLOUT, PARAGRAPH), section("s2", "Why", TABLE)),
        [("Callout moved", "c1", "Introduction")],
        id="blocks-swapped",
    ),
    pytest.param(
        document(section("s1", None, PARAGRAPH), section("s2", "Why", CALLOUT, TABLE)),
        [("Callout moved", "c1", "Why")],
        id="block-into-another-section",
    ),
    pytest.param(
        document(section("s1", None, PARAGRAPH), section("s2", "Why", changed(CALLOUT, spans="Drink tea."), TABLE)),
        [("Callout moved and changed", "c1", "Why")],
        id="block-moved-and-changed",
    ),
    pytest.param(
        document(section("s2", "Why", TABLE), section("s1", None, PARAGRAPH, CALLOUT)),
        [("Section moved", "s2", "Why")],
        id="sections-swapped-take-their-blocks-along",
    ),
    pytest.param(
        document(section("s1", None, PARAGRAPH, CALLOUT), section("s2", "Why Not", TABLE, anchor="why")),
        [("Section changed", "s2", "Why Not")],
        id="section-heading",
    ),
    pytest.param(
        document(section("s1", None, PARAGRAPH, CALLOUT)),
        [("Section removed", "s2", "Why"), ("Table removed", "t1", "Why")],
        id="section-removed-with-its-blocks",
    ),
    pytest.param(
        document(section("s1", None, PARAGRAPH, CALLOUT), section("s3", "How", QUOTE), section("s2", "Why", TABLE)),
        [("Section added", "s3", "How"), ("Quote added", "q1", "How")],
        id="section-added-where-it-stands",
    ),
    pytest.param(
        document(
            section("s1", None, changed(PARAGRAPH, type="heading", level=3), CALLOUT), section("s2", "Why", TABLE)
        ),
        [("Heading changed", "p1", "Introduction")],
        id="block-type-changed",
    ),
]


@pytest.mark.parametrize(("after", "expected"), CASES)
def test_each_change_is_named_by_its_unit_with_its_key_and_section(after: Document, expected: list[tuple[str, ...]]):
    changes = diff(BEFORE, after)

    assert [(change.label, change.key, change.where) for change in changes] == expected


def test_a_version_compared_with_itself_has_no_change():
    assert diff(BEFORE, copy.deepcopy(BEFORE)) == []


def test_changed_words_are_marked_and_the_rest_kept():
    after = document(section("s1", None, changed(PARAGRAPH, spans="A small dog barks."), CALLOUT))

    paragraph = next(change for change in diff(BEFORE, after) if change.key == "p1")

    assert paragraph.pieces == (
        Piece("equal", "A "), Piece("delete", "big"), Piece("insert", "small"), Piece("equal", " dog barks."),
    )  # fmt: skip


def test_an_attribute_change_shows_the_attribute_by_name():
    after = document(section("s1", None, PARAGRAPH, changed(CALLOUT, tone="warning")), section("s2", "Why", TABLE))

    callout = diff(BEFORE, after)[0]

    assert callout.pieces == (
        Piece("equal", "Drink water.\nTone: "), Piece("delete", "tip"), Piece("insert", "warning"),
    )  # fmt: skip


def test_an_added_block_is_all_inserted_and_a_removed_one_all_deleted():
    after = document(section("s1", None, PARAGRAPH, CALLOUT), section("s2", "Why", QUOTE))

    removed, added = (change for change in diff(BEFORE, after) if change.unit == "block")

    assert (removed.label, removed.pieces) == (
        "Table removed",
        (Piece("delete", "Dose | Effect\nlow | mild\nHeader row: yes"),),
    )
    assert (added.label, added.pieces) == ("Quote added", (Piece("insert", "To be.\nCite: Hamlet"),))


def test_a_change_of_marks_alone_shows_in_the_text():
    bold = changed(PARAGRAPH, spans=[{"text": "A big dog barks.", "marks": ["strong"], "href": "/dogs"}])

    [change] = diff(BEFORE, document(section("s1", None, bold, CALLOUT), section("s2", "Why", TABLE)))

    assert change.pieces == (
        Piece("insert", "[**"), Piece("equal", "A big dog barks."), Piece("insert", "**](/dogs)"),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("block", "text"),
    [
        ({"type": "paragraph", "spans": [{"text": "a", "marks": ["em", "underline"]}]}, "_<u>a</u>_"),
        ({"type": "heading", "level": 3, "spans": "Dose"}, "Dose\nLevel: 3"),
        ({"type": "list", "style": "number", "items": [{"spans": "one", "items": [{"spans": "sub"}]}, {"spans": "2"}]},
         "1. one\n  1. sub\n2. 2"),
        ({"type": "list", "style": "bullet", "items": [{"spans": "one"}]}, "• one"),
        ({"type": "quote", "spans": "To be."}, "To be."),
        ({"type": "code", "code": "print(1)", "language": "python"}, "print(1)\nLanguage: python"),
        ({"type": "image", "src": "https://e.com/a.png", "alt": "A cat", "caption": "Mine", "width": 16, "height": 9},
         "Alt: A cat\nCaption: Mine\nSource: https://e.com/a.png\nWidth: 16\nHeight: 9"),
        ({"type": "embed", "url": "https://e.com/v", "title": "A talk"}, "URL: https://e.com/v\nTitle: A talk"),
        ({"type": "callout", "tone": "info", "spans": "Note"}, "Note\nTone: info"),
        ({"type": "divider"}, ""),
        ({"type": "table", "rows": [["a", []]]}, "a | \nHeader row: no"),
        ({"type": "html", "html": "<p>Hi</p>"}, "<p>Hi</p>"),
    ],
    ids=lambda value: value["type"] if isinstance(value, dict) else None,
)  # fmt: skip
def test_every_block_type_reads_as_its_text_then_its_attributes(block: Json, text: str):
    parsed = document(section("s1", None, block)).sections[0].blocks[0]

    assert block_text(parsed) == text


def test_every_block_type_has_the_name_the_editor_gives_its_group():
    assert list(BLOCK_LABELS) == [model.model_fields["type"].annotation.__args__[0] for model in BLOCK_TYPES]  # type: ignore[union-attr]
    assert list(BLOCK_LABELS.values()) == [
        "Paragraph", "Heading", "List", "Quote", "Code", "Image", "Embed", "Callout", "Divider", "Table", "HTML",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("before", "after", "pieces"),
    [
        ("same", "same", [("equal", "same")]),
        ("", "new words", [("insert", "new words")]),
        ("old words", "", [("delete", "old words")]),
        ("one two three", "one 2 3", [("equal", "one "), ("delete", "two three"), ("insert", "2 3")]),
        ("end.", "end!", [("equal", "end"), ("delete", "."), ("insert", "!")]),
    ],
)
def test_words_differ_by_whole_words_and_punctuation(before: str, after: str, pieces: list[tuple[str, str]]):
    assert words(before, after) == tuple(Piece(op, text) for op, text in pieces)  # type: ignore[arg-type]


LONG = "\n".join(f"line {n} of the code" for n in range(WORD_BUDGET))


def test_a_long_text_with_one_change_keeps_the_rest_as_it_was():
    after = LONG.replace("line 500 of", "line 500 in")
    at = LONG.index("line 500 of") + len("line 500 ")

    assert words(LONG, after) == (
        Piece("equal", LONG[:at]), Piece("delete", "of"), Piece("insert", "in"), Piece("equal", LONG[at + 2 :]),
    )  # fmt: skip


def test_a_long_text_changed_throughout_is_compared_line_by_line_then_word_by_word():
    after = LONG.replace("line 1 of", "line 1 in").replace("line 998 of", "line 998 in")

    pieces = words(LONG, after)

    assert [piece for piece in pieces if piece.op != "equal"] == [
        Piece("delete", "of"), Piece("insert", "in"), Piece("delete", "of"), Piece("insert", "in"),
    ]  # fmt: skip
    assert "".join(piece.text for piece in pieces if piece.op != "insert") == LONG


def test_a_long_text_rewritten_whole_shows_the_old_then_the_new():
    after = LONG.replace("code", "prose").replace("line", "row")

    assert words(LONG, after) == (Piece("delete", LONG), Piece("insert", after))


@pytest.mark.parametrize(
    ("pieces", "shown"),
    [
        ([("equal", "abcdefgh"), ("insert", "X"), ("equal", "ijklmnop")],
         [("equal", "…gh"), ("insert", "X"), ("equal", "ij…")]),
        ([("delete", "a"), ("equal", "bcdefgh"), ("insert", "X")],
         [("delete", "a"), ("equal", "bc…gh"), ("insert", "X")]),
        ([("delete", "a"), ("equal", "bcdef"), ("insert", "X")],
         [("delete", "a"), ("equal", "bcdef"), ("insert", "X")]),
        ([("equal", "abcdefgh")], [("equal", "abcd…")]),
        ([("equal", "abcde")], [("equal", "abcde")]),
    ],
)  # fmt: skip
def test_trimmed_keeps_context_next_to_each_change_and_leaves_the_middle_out(pieces, shown):
    assert trimmed([Piece(*piece) for piece in pieces], context=2) == tuple(Piece(*piece) for piece in shown)


# The property: any article, any edit of it.

texts = st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1, max_size=12)
spans = st.lists(
    st.fixed_dictionaries({"text": texts, "marks": st.lists(st.sampled_from(["strong", "em", "code"]), unique=True)}),
    min_size=1,
    max_size=3,
)
blocks = st.one_of(
    st.fixed_dictionaries({"type": st.just("paragraph"), "spans": spans}),
    st.fixed_dictionaries({"type": st.just("heading"), "level": st.integers(3, 6), "spans": spans}),
    st.fixed_dictionaries(
        {
            "type": st.just("list"),
            "style": st.sampled_from(["bullet", "number"]),
            "items": st.lists(st.fixed_dictionaries({"spans": spans}), min_size=1, max_size=3),
        }
    ),
    st.fixed_dictionaries({"type": st.just("quote"), "spans": spans, "cite": st.none() | texts}),
    st.fixed_dictionaries({"type": st.just("code"), "code": texts, "language": st.none() | st.just("python")}),
    st.fixed_dictionaries(
        {
            "type": st.just("image"),
            "src": st.just("https://e.com/a.png"),
            "alt": texts,
            "width": st.none() | st.integers(1, 99),
        }
    ),
    st.fixed_dictionaries({"type": st.just("embed"), "url": st.just("https://e.com/v"), "title": st.none() | texts}),
    st.fixed_dictionaries(
        {"type": st.just("callout"), "tone": st.sampled_from(["info", "tip", "warning"]), "spans": spans}
    ),
    st.fixed_dictionaries({"type": st.just("divider")}),
    st.fixed_dictionaries(
        {"type": st.just("table"), "rows": st.lists(st.lists(spans, min_size=1, max_size=2), min_size=1, max_size=2)}
    ),
    st.fixed_dictionaries({"type": st.just("html"), "html": st.sampled_from(["<p>a</p>", "<p>b</p>"])}),
)
headings = st.none() | st.sampled_from(["Why", "How", "When"])


@st.composite
def articles(draw: st.DrawFn, prefix: str = "") -> Json:
    """Sections and blocks with unique ids (`prefix` keeps those of two draws apart)."""
    sections = []
    for s, heading in enumerate(draw(st.lists(headings, max_size=4))):
        content = draw(st.lists(blocks, max_size=4))
        ids = {"id": f"{prefix}s{s}", "anchor": f"{prefix}a{s}"}
        sections.append(
            ids
            | {"heading": heading, "blocks": [block | {"id": f"{prefix}s{s}b{b}"} for b, block in enumerate(content)]}
        )
    return {
        "title": draw(st.sampled_from(["Ketamine", "Esketamine"])),
        "summary": None,
        "tags": [],
        "author": None,
        "sections": sections,
    }


@st.composite
def edits(draw: st.DrawFn) -> tuple[Json, Json]:
    """An article, and the same one edited: blocks changed, removed, added, moved, sections shuffled."""
    before = draw(articles())
    after = copy.deepcopy(before)
    added = draw(articles(prefix="new-"))
    for s, sect in enumerate(after["sections"]):
        kept = [block for block in sect["blocks"] if draw(st.booleans())]
        kept = [draw(blocks) | {"id": block["id"]} if draw(st.booleans()) else block for block in kept]
        kept += [block for new in added["sections"][s : s + 1] for block in new["blocks"]]
        sect["blocks"] = draw(st.permutations(kept))
    moving = [block for sect in after["sections"][:1] for block in sect["blocks"][:1]]
    if moving and len(after["sections"]) > 1:
        after["sections"][0]["blocks"].remove(moving[0])
        after["sections"][-1]["blocks"].append(moving[0])
    after["sections"] = draw(st.permutations(after["sections"]))
    return before, after


def _blocks_by_id(article: Json) -> dict[str, Json]:
    return {block["id"]: block for sect in article["sections"] for block in sect["blocks"]}


@settings(max_examples=150, deadline=None)
@given(articles())
@example({"title": "T", "summary": None, "tags": [], "author": None, "sections": []})
def test_an_article_compared_with_itself_has_no_change(article: Json):
    assert diff(Document.model_validate(article), Document.model_validate(copy.deepcopy(article))) == []


@settings(max_examples=150, deadline=None)
@given(edits())
def test_every_changed_block_is_reported_once_with_its_kind(pair: tuple[Json, Json]):
    before, after = (Document.model_validate(article) for article in pair)
    old, new = _blocks_by_id(pair[0]), _blocks_by_id(pair[1])

    changes = diff(before, after)

    reported: dict[str, Change] = {}
    for change in (change for change in changes if change.unit == "block"):
        assert change.key not in reported, f"{change.key} reported twice"
        reported[change.key] = change
    for key in old.keys() - new.keys():
        assert reported[key].kind == "removed"
    for key in new.keys() - old.keys():
        assert reported[key].kind == "added"
    for key in old.keys() & new.keys():
        if old[key] != new[key]:
            assert reported[key].kind in ("changed", "moved and changed")
        else:
            assert key not in reported or reported[key].kind == "moved"
