"""Properties of the three-way merge over random articles and random edits (Hypothesis).

An edit is data: applied to an article (a JSON body with every id and anchor), it gives the edited body, and it
names the units it reads or writes (`keys`), so that two edits are disjoint when their keys are.
"""

import copy
from dataclasses import dataclass
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from cms.core.article import ArticleInput, to_document
from cms.core.merge import Conflict, Draft, merge

Body = dict[str, Any]
Key = tuple[str, ...]
WORDS = st.sampled_from(["one", "two", "three", "four"])
ANCHORS = st.sampled_from(["a", "b", "c", "intro", "why"])


def to_draft(body: Body) -> Draft:
    return Draft(body["slug"], to_document(ArticleInput.model_validate(body)))


def section_of(body: Body, section_id: str) -> Body:
    return next(s for s in body["sections"] if s["id"] == section_id)


def block_home(body: Body, block_id: str) -> tuple[Body, int]:
    for section in body["sections"]:
        for index, block in enumerate(section["blocks"]):
            if block["id"] == block_id:
                return section, index
    raise KeyError(block_id)


@dataclass(frozen=True)
class Edit:
    kind: str
    target: str | None  # a field name, section id or block id
    value: Any = None  # the new value; for additions and moves, the element it goes after (None: the start)
    new_id: str | None = None

    def apply(self, body: Body) -> Body:
        body = copy.deepcopy(body)
        match self.kind:
            case "field":
                body[self.target] = self.value
            case "heading" | "anchor":
                section_of(body, self.target)[self.kind] = self.value
            case "block":
                section, index = block_home(body, self.target)
                section["blocks"][index]["spans"] = self.value
            case "delete-block":
                section, index = block_home(body, self.target)
                del section["blocks"][index]
            case "add-block":
                blocks = section_of(body, self.target)["blocks"]
                at = 0 if self.value is None else 1 + [b["id"] for b in blocks].index(self.value)
                blocks.insert(at, {"id": self.new_id, "type": "paragraph", "spans": "new"})
            case "move-block":
                section, index = block_home(body, self.target)
                block = section["blocks"].pop(index)
                ids = [b["id"] for b in section["blocks"]]
                section["blocks"].insert(0 if self.value is None else 1 + ids.index(self.value), block)
            case "move-across":  # value: (the section it goes to, the block it goes after there)
                section, index = block_home(body, self.target)
                block = section["blocks"].pop(index)
                into, after = self.value
                blocks = section_of(body, into)["blocks"]
                blocks.insert(0 if after is None else 1 + [b["id"] for b in blocks].index(after), block)
            case "delete-section":
                body["sections"] = [s for s in body["sections"] if s["id"] != self.target]
            case "move-section":
                moved = section_of(body, self.target)
                body["sections"].remove(moved)
                ids = [s["id"] for s in body["sections"]]
                body["sections"].insert(0 if self.value is None else 1 + ids.index(self.value), moved)
            case "add-section":
                ids = [s["id"] for s in body["sections"]]
                at = 0 if self.value is None else 1 + ids.index(self.value)
                body["sections"].insert(at, {"id": self.new_id, "anchor": self.new_id, "heading": "New", "blocks": []})
        return body

    def keys(self, base: Body) -> set[Key]:
        """The units this edit reads or writes, named as in the base."""
        match self.kind:
            case "field":
                return {("field", self.target)}
            case "heading" | "anchor":
                return {(self.kind, self.target)}
            case "block" | "delete-block":
                return {("block", self.target)}
            case "add-block" | "move-block":
                section = self.target if self.kind == "add-block" else block_home(base, self.target)[0]["id"]
                keys = {("order", section)} | ({("block", self.value)} if self.value else set())
                return keys | ({("block", self.target)} if self.kind == "move-block" else set())
            case "move-across":
                into, after = self.value
                keys = {("order", block_home(base, self.target)[0]["id"]), ("order", into), ("block", self.target)}
                return keys | ({("block", after)} if after else set())
            case "move-section":
                return {("sections-order",), ("section", self.target)} | (
                    {("section", self.value)} if self.value else set()
                )
            case "delete-section":
                section = section_of(base, self.target)
                inside = {("block", b["id"]) for b in section["blocks"]}
                return inside | {(k, self.target) for k in ("section", "heading", "anchor", "order")}
            case _:  # add-section
                return {("sections-order",)} | ({("section", self.value)} if self.value else set())


@st.composite
def articles(draw: st.DrawFn) -> Body:
    counter = iter(range(1000))
    sections = []
    for _ in range(draw(st.integers(1, 3))):
        sid = f"s{next(counter)}"
        blocks = [
            {"id": f"b{next(counter)}", "type": "paragraph", "spans": draw(WORDS)}
            for _ in range(draw(st.integers(0, 3)))
        ]
        sections.append({"id": sid, "anchor": sid, "heading": draw(st.none() | WORDS), "blocks": blocks})
    return {"title": "Ketamine", "slug": "ketamine", "tags": [], "summary": None, "author": None, "sections": sections}


@st.composite
def edits(draw: st.DrawFn, body: Body, tag: str) -> Edit:
    sections = [s["id"] for s in body["sections"]]
    blocks = [b["id"] for s in body["sections"] for b in s["blocks"]]
    kinds = ["field", "add-section"] + (["heading", "anchor", "add-block", "delete-section"] if sections else [])
    kinds += ["block", "delete-block", "move-block"] if blocks else []
    kinds += ["move-across"] if blocks and len(sections) > 1 else []
    kinds += ["move-section"] if len(sections) > 1 else []
    kind = draw(st.sampled_from(kinds))
    new_id = f"{tag}{draw(st.integers(0, 10**6))}"
    if kind == "field":
        name = draw(st.sampled_from(["title", "slug", "summary", "author", "tags"]))
        value = {"title": WORDS, "slug": WORDS, "summary": st.none() | WORDS, "author": st.none() | WORDS,
                 "tags": st.lists(WORDS, unique=True, max_size=2)}[name]  # fmt: skip
        return Edit(kind, name, draw(value))
    if kind in ("heading", "anchor"):
        return Edit(kind, draw(st.sampled_from(sections)), draw(WORDS if kind == "heading" else ANCHORS))
    if kind in ("block", "delete-block"):
        return Edit(kind, draw(st.sampled_from(blocks)), draw(WORDS))
    if kind == "move-block":
        block = draw(st.sampled_from(blocks))
        home, _ = block_home(body, block)
        others = [b["id"] for b in home["blocks"] if b["id"] != block]
        return Edit(kind, block, draw(st.none() | st.sampled_from(others)) if others else None)
    if kind == "move-across":
        block = draw(st.sampled_from(blocks))
        into = draw(st.sampled_from([s for s in sections if s != block_home(body, block)[0]["id"]]))
        inside = [b["id"] for b in section_of(body, into)["blocks"]]
        return Edit(kind, block, (into, draw(st.none() | st.sampled_from(inside)) if inside else None))
    if kind == "add-block":
        section = draw(st.sampled_from(sections))
        inside = [b["id"] for b in section_of(body, section)["blocks"]]
        return Edit(kind, section, draw(st.none() | st.sampled_from(inside)) if inside else None, new_id)
    if kind == "delete-section":
        return Edit(kind, draw(st.sampled_from(sections)))
    if kind == "move-section":
        moved = draw(st.sampled_from(sections))
        return Edit(kind, moved, draw(st.none() | st.sampled_from([s for s in sections if s != moved])))
    return Edit(kind, None, draw(st.none() | st.sampled_from(sections)) if sections else None, new_id)


def valid(body: Body) -> Draft:
    try:
        return to_draft(body)
    except ValidationError:
        assume(False)
        raise


@st.composite
def edited(draw: st.DrawFn, body: Body, tag: str) -> Body:
    """`body` after 0-4 random edits."""
    for _ in range(draw(st.integers(0, 4))):
        body = draw(edits(body, tag)).apply(body)
    return body


def same(result: Draft | list[Conflict], expected: Draft) -> bool:
    return isinstance(result, Draft) and result.as_input() == expected.as_input()


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_merging_into_an_unchanged_theirs_gives_mine(data):
    base = data.draw(articles())
    mine = valid(data.draw(edited(base, "m")))

    assert same(merge(to_draft(base), to_draft(base), mine), mine)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_merging_an_unchanged_mine_gives_theirs(data):
    base = data.draw(articles())
    theirs = valid(data.draw(edited(base, "t")))

    assert same(merge(to_draft(base), theirs, to_draft(base)), theirs)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_merging_the_same_edit_on_both_sides_gives_that_edit(data):
    base = data.draw(articles())
    both = valid(data.draw(edited(base, "x")))

    assert same(merge(to_draft(base), both, both), both)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_two_edits_of_disjoint_units_give_the_same_article_whichever_is_applied_first(data):
    base = data.draw(articles())
    first, second = data.draw(edits(base, "t")), data.draw(edits(base, "m"))
    assume(not first.keys(base) & second.keys(base))
    one_then_two = valid(second.apply(first.apply(base)))
    two_then_one = valid(first.apply(second.apply(base)))

    merged = merge(to_draft(base), valid(first.apply(base)), valid(second.apply(base)))
    swapped = merge(to_draft(base), valid(second.apply(base)), valid(first.apply(base)))

    assert same(merged, one_then_two)
    assert same(swapped, two_then_one)
    assert one_then_two.as_input() == two_then_one.as_input()


def unit(draft: Draft, path: str) -> Any:
    """The value of the unit `path` names in `draft`; None when the draft does not have it."""
    body = draft.as_input().model_dump(mode="json")
    sections = {s["id"]: s for s in body["sections"]}
    parts = path.split("/")
    if len(parts) == 1:
        return body[path]
    if parts == ["sections", "order"]:
        return list(sections)
    section = sections.get(parts[1])
    if len(parts) == 2:
        return section
    if parts[2] in ("heading", "anchor"):
        return None if section is None else section[parts[2]]
    if parts[3] == "order":
        return None if section is None else [b["id"] for b in section["blocks"]]
    homes = [(s["id"], b) for s in body["sections"] for b in s["blocks"] if b["id"] == parts[3]]
    return homes[0] if homes else None


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_every_conflict_names_a_unit_both_sides_changed_differently(data):
    body = data.draw(articles())
    base, theirs, mine = to_draft(body), valid(data.draw(edited(body, "t"))), valid(data.draw(edited(body, "m")))

    merged = merge(base, theirs, mine)

    for conflict in merged if isinstance(merged, list) else []:
        was, t, m = (unit(side, conflict.path) for side in (base, theirs, mine))
        if conflict.path.endswith("/anchor") and was in (t, m):  # two sections given one anchor, one by each side
            value, other = (m, theirs) if t == was else (t, mine)
            section_id = conflict.path.split("/")[1]
            assert value in {s.anchor for s in other.document.sections if s.id != section_id}, conflict
            continue
        assert t != was and m != was and t != m, conflict


@settings(max_examples=300, deadline=None)
@given(st.data(), st.sampled_from(["mine", "theirs"]))
def test_choosing_one_side_for_every_conflict_settles_the_merge(data, side):
    body = data.draw(articles())
    base, theirs, mine = to_draft(body), valid(data.draw(edited(body, "t"))), valid(data.draw(edited(body, "m")))

    merged, choices = merge(base, theirs, mine), {}
    for _ in range(3):  # a choice can bring out a conflict that the first one hid (the blocks of a section)
        if isinstance(merged, Draft):
            break
        choices |= {conflict.path: side for conflict in merged}
        merged = merge(base, theirs, mine, choices)

    assert isinstance(merged, Draft), merged
