"""Three-way merge of two edits of one article, by unit (docs/api.md, "Merging concurrent edits"; why:
docs/decisions/0012-three-way-merge-by-unit.md).

`merge(base, theirs, mine)` gives the merged `Draft`, or the list of conflicts when both sides changed one unit
differently. The units: each field (title, slug, tags, summary, author); each section's heading and anchor; each
block as a whole, by id; the order of the sections; the order of each section's blocks.

- A unit changed on one side takes that side's value; changed on both sides alike, that value; else a conflict.
- A section or block added on one side is kept after the neighbour it follows there (both sides adding after
  one neighbour: theirs first, then mine). Deleted on one side and unchanged on the other: deleted. Deleted on
  one side and changed on the other: a conflict (`sections/<id>`, `sections/<id>/blocks/<id>`).
- The order of a list is compared on the elements both sides kept, so additions and deletions never count as a
  reordering; both sides reordering them differently is a conflict (`sections/order`, `sections/<id>/blocks/order`).
- A block is one unit wherever it is: moved to another section on one side and edited on the other, it lands
  where it was moved, with the edit.
- The result is validated like any input (unique anchors and ids, the limits); what fails is a conflict too.
- `choices` resolves conflicts: a unit's path (as a conflict names it) chosen "mine" or "theirs" takes that side's
  value instead of being a conflict (a field, a heading or anchor, a block, an order). A section or block deleted
  on one side and changed on the other, chosen from the side that kept it, comes back after the one it follows
  there, as that side has it (a section with the other side's changes to its blocks where they do not conflict);
  chosen from the side that deleted it, it is gone (a section with its blocks; a block the other side had moved
  into it goes back where it was). A block moved to different places goes where the chosen side put it (at the end
  of the article when that section is gone too); an anchor clash takes the chosen side's anchors (a section that
  side has not got takes one made from its heading). Choosing one side for every conflict always settles a
  merge, unless a limit is broken (tests/core/test_merge_properties.py).
"""

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, TypeVar

from pydantic import BaseModel, ValidationError

from cms.core.article import ArticleInput, Document, Section, to_document
from cms.core.blocks import error_list

FIELDS: Final = ("title", "slug", "tags", "summary", "author")


class _Absent:
    """A unit that a version does not have (a section or block added or deleted since)."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Final = _Absent()


@dataclass(frozen=True)
class Draft:
    """One version of an article's editable content: its slug and its document (every id and anchor set)."""

    slug: str
    document: Document

    def as_input(self) -> ArticleInput:
        """The draft as a write's body (its blocks, valid already, are not validated again)."""
        document = self.document
        sections = [
            {"id": section.id, "anchor": section.anchor, "heading": section.heading, "blocks": section.blocks}
            for section in document.sections
        ]
        fields = {
            "title": document.title,
            "summary": document.summary,
            "tags": document.tags,
            "author": document.author,
        }
        return ArticleInput.model_validate({"slug": self.slug, **fields, "sections": sections})


@dataclass(frozen=True)
class Conflict:
    """A unit both sides changed differently: `path` names it, the others are its values (None when absent). Or
    the merged article breaks a limit although neither side does: `limit` says which, the values are None."""

    path: str
    base: Any
    theirs: Any
    mine: Any
    limit: str = ""

    def as_json(self) -> dict[str, Any]:
        unit = {"path": self.path, "base": self.base, "theirs": self.theirs, "mine": self.mine}
        return unit | ({"limit": self.limit} if self.limit else {})


def merge(base: Draft, theirs: Draft, mine: Draft, choices: Mapping[str, str] | None = None) -> Draft | list[Conflict]:
    """The merged draft, or every conflict (in document order: fields, section order, then section by section)."""
    sides = (_Side(base), _Side(theirs), _Side(mine))
    choices = choices or {}
    kept_sections, kept_blocks = _resolve_deletions(*sides, choices)
    merger = _Merger(*sides, choices, kept_blocks)
    fields = {name: merger.unit(name, *(getattr(side, name) for side in sides)) for name in FIELDS}
    order = merger.order("sections", *(side.section_ids for side in sides))
    for section_id, keeper in kept_sections.items():
        order = _put_back(section_id, keeper.section_ids, order)
    for section_id in sides[0].section_ids:
        merger.deleted_section(section_id)
    blocks = merger.blocks()
    sections = [merger.section(section_id, blocks) for section_id in order]
    if not merger.conflicts:  # a section in conflict leaves its blocks unplaced: no second report of those
        merger.placed(sections, blocks)
    if merger.conflicts:
        return merger.conflicts
    merged = {**fields, "sections": sections}
    _settle_anchor_clashes(sections, sides, choices)
    if clashes := _anchor_clashes(sections, sides):
        return clashes
    try:
        article = ArticleInput.model_validate(merged)
    except ValidationError as exc:
        return [Conflict(error["path"], None, None, None, error["message"]) for error in error_list(exc)]
    return Draft(merged["slug"], to_document(article))


class _Side:
    """One version, indexed by id."""

    def __init__(self, draft: Draft) -> None:
        document = draft.document
        self.slug, self.title, self.tags = draft.slug, document.title, document.tags
        self.summary, self.author = document.summary, document.author
        self.sections = {section.id: section for section in document.sections}
        self.section_ids = [section.id for section in document.sections]
        # Blocks stay models: comparing them is cheap, and the merged article is validated without validating again
        # the blocks it took from a side (they were, as that side was saved). Only conflicts are dumped.
        self.block_ids = {section.id: [_id(block.id) for block in section.blocks] for section in document.sections}
        self.blocks: dict[str, BaseModel] = {
            _id(block.id): block for section in document.sections for block in section.blocks
        }
        self.homes = {block_id: section_id for section_id, ids in self.block_ids.items() for block_id in ids}

    def restore(self, section_id: str, base: "_Side") -> None:
        """The deleted section back as the base has it, less the blocks this side keeps elsewhere."""
        self.sections[section_id] = base.sections[section_id]
        self.block_ids[section_id] = [block_id for block_id in base.block_ids[section_id] if block_id not in self.homes]
        for block_id in self.block_ids[section_id]:
            self.blocks[block_id], self.homes[block_id] = base.blocks[block_id], section_id

    def drop(self, section_id: str, other: "_Side", base: "_Side") -> None:
        """The section gone with the blocks in it that the other side does not keep elsewhere. A block that this
        side moved into it from a section it still has goes back there, as the base places it (with this side's
        edit): the move's destination is gone, and the block must not be left nowhere."""
        del self.sections[section_id]
        self.section_ids.remove(section_id)
        for block_id in self.block_ids.pop(section_id):
            if block_id not in other.blocks:
                del self.blocks[block_id], self.homes[block_id]
                continue
            home = base.homes.get(block_id)
            if home is not None and home in self.block_ids:
                self.block_ids[home] = _put_back(block_id, base.block_ids[home], self.block_ids[home])
                self.homes[block_id] = home

    def section_fields(self, section_id: str) -> dict[str, Any] | _Absent:
        section = self.sections.get(section_id)
        return ABSENT if section is None else {"heading": section.heading, "anchor": section.anchor}

    def section_value(self, section_id: str) -> dict[str, Any] | None:
        section = self.sections.get(section_id)
        return None if section is None else section.model_dump(mode="json")


class _Merger:
    def __init__(
        self, base: _Side, theirs: _Side, mine: _Side, choices: Mapping[str, str], kept_blocks: Mapping[str, _Side]
    ) -> None:
        self.base, self.theirs, self.mine = base, theirs, mine
        self.choices, self.kept_blocks = choices, kept_blocks
        self.conflicts: list[Conflict] = []

    def unit(self, path: str, base: Any, theirs: Any, mine: Any) -> Any:
        """One side's change wins; both sides' different changes are a conflict (the base value stands meanwhile)."""
        if theirs == mine:
            return theirs
        if theirs == base:
            return mine
        if mine == base:
            return theirs
        if path in self.choices:
            return mine if self.choices[path] == "mine" else theirs
        self.conflicts.append(Conflict(path, _value(base), _value(theirs), _value(mine)))
        return base

    def order(self, path: str, base: list[str], theirs: list[str], mine: list[str]) -> list[str]:
        merged, clean = _merge_order(base, theirs, mine)
        if not clean and f"{path}/order" in self.choices:  # the chosen side's order of what the merge keeps
            chosen = mine if self.choices[f"{path}/order"] == "mine" else theirs
            return [x for x in chosen if x in merged] + [x for x in merged if x not in chosen]
        if not clean:  # theirs' order stands meanwhile, so that the other units are still compared
            self.conflicts.append(Conflict(f"{path}/order", base, theirs, mine))
        return merged

    def section(self, section_id: str, blocks: dict[str, BaseModel]) -> dict[str, Any]:
        """A section of the merged order: one all three have, or one a side added."""
        base, theirs, mine = self.base, self.theirs, self.mine
        path = f"sections/{section_id}"
        heading = self.unit(f"{path}/heading", *(_field(side, section_id, "heading") for side in (base, theirs, mine)))
        anchor = self.unit(f"{path}/anchor", *(_field(side, section_id, "anchor") for side in (base, theirs, mine)))
        ids = self.order(f"{path}/blocks", *(side.block_ids.get(section_id, []) for side in (base, theirs, mine)))
        for block_id, keeper in self.kept_blocks.items():
            if keeper.homes[block_id] == section_id:
                ids = _put_back(block_id, keeper.block_ids[section_id], ids)
        return {
            "id": section_id,
            "anchor": anchor,
            "heading": heading,
            "blocks": [blocks[block_id] for block_id in ids if block_id in blocks],
        }

    def deleted_section(self, section_id: str) -> None:
        """A section of the base deleted on one side: a conflict when the other side changed it (its heading,
        anchor, blocks or their order), else it is gone."""
        base, theirs, mine = self.base, self.theirs, self.mine
        kept_by = [side for side in (theirs, mine) if section_id in side.sections]
        if len(kept_by) == 2:
            return
        before = _section_content(base, section_id)
        if any(_section_content(side, section_id) != before for side in kept_by):
            self.conflicts.append(
                Conflict(
                    f"sections/{section_id}",
                    base.section_value(section_id),
                    theirs.section_value(section_id),
                    mine.section_value(section_id),
                )
            )

    def placed(self, sections: list[dict[str, Any]], blocks: dict[str, BaseModel]) -> None:
        """Every kept block sits in exactly one place. A block both sides moved to different places, or one left
        with no place, is a conflict; a choice on it puts it where the chosen side has it."""
        places: dict[str, int] = dict.fromkeys(blocks, 0)
        for section in sections:
            for block in section["blocks"]:
                places[block.id] += 1
        for block_id, count in places.items():
            if count == 1:
                continue
            path = f"sections/{_home(block_id, self.base, self.theirs, self.mine)}/blocks/{block_id}"
            if path in self.choices:
                self._place(block_id, self.choices[path], sections, blocks[block_id])
                continue
            values = (_value(side.blocks.get(block_id, ABSENT)) for side in (self.base, self.theirs, self.mine))
            self.conflicts.append(Conflict(path, *values))

    def _place(self, block_id: str, choice: str, sections: list[dict[str, Any]], block: BaseModel) -> None:
        """The block only where the chosen side has it (else where the other side has it, when the chosen side's
        section is gone), after the block it follows there; when neither section is in the merged article, at the
        end of the article's last section (kept: the person chose a side's block, not its deletion)."""
        merged = {section["id"]: section for section in sections}
        places = [(side.homes.get(block_id, ""), side) for side in _sides(choice, self.theirs, self.mine)]
        found = [(home, side) for home, side in places if home in merged and block_id in side.block_ids.get(home, [])]
        for section in sections:
            section["blocks"] = [other for other in section["blocks"] if other.id != block_id]
        if found:
            home, side = found[0]
            target, follows = merged[home], side.block_ids[home]
        elif sections:
            target = sections[-1]
            follows = [*(other.id for other in target["blocks"]), block_id]
        else:
            return  # no section is left to hold it: both sides deleted every one it was in
        ids = _put_back(block_id, follows, [other.id for other in target["blocks"]])
        by_id = {other.id: other for other in target["blocks"]} | {block_id: block}
        target["blocks"] = [by_id[other] for other in ids]

    def blocks(self) -> dict[str, BaseModel]:
        """Every block's merged value by id, wherever it sits (deleted ones and those in conflict left out)."""
        base, theirs, mine = self.base, self.theirs, self.mine
        ids = dict.fromkeys([*base.blocks, *theirs.blocks, *mine.blocks])
        merged: dict[str, BaseModel] = {}
        for block_id in ids:
            values = [side.blocks.get(block_id, ABSENT) for side in (base, theirs, mine)]
            path = f"sections/{_home(block_id, base, theirs, mine)}/blocks/{block_id}"
            conflicts = len(self.conflicts)
            value = self.unit(path, *values)
            if value is not ABSENT and len(self.conflicts) == conflicts:
                merged[block_id] = value
        return merged


def _resolve_deletions(
    base: _Side, theirs: _Side, mine: _Side, choices: Mapping[str, str]
) -> tuple[dict[str, _Side], dict[str, _Side]]:
    """Apply the choices made on a section or block deleted on one side and changed on the other. Chosen from the
    side that deleted it, it is dropped on the other side too; chosen from the side that kept it, the deleting
    side gets it back as the base has it, so that the keeping side's changes win. Gives the sections and the
    blocks kept this way, each with the side that kept it (where it is put back)."""
    sections: dict[str, _Side] = {}
    blocks: dict[str, _Side] = {}
    for section_id in base.section_ids:
        chosen, other = _sides(choices.get(f"sections/{section_id}"), theirs, mine)
        if (section_id in chosen.sections) == (section_id in other.sections):
            continue  # no choice, or no such conflict
        if section_id in chosen.sections:
            other.restore(section_id, base)
            sections[section_id] = chosen
        else:
            other.drop(section_id, chosen, base)
    for block_id, home in base.homes.items():
        chosen, other = _sides(choices.get(f"sections/{home}/blocks/{block_id}"), theirs, mine)
        if block_id in chosen.blocks and block_id not in other.blocks:  # (chosen deleted: the unit's choice does)
            other.blocks[block_id] = base.blocks[block_id]
            blocks[block_id] = chosen
    return sections, blocks


def _sides(choice: str | None, theirs: _Side, mine: _Side) -> tuple[_Side, _Side]:
    """The chosen side, then the other (both mine when no choice was made, so that nothing differs)."""
    if choice == "theirs":
        return theirs, mine
    return (mine, theirs) if choice == "mine" else (mine, mine)


def _put_back(kept: str, keeper: list[str], order: list[str]) -> list[str]:
    """The merged order with a section or block kept by choice after the one it follows on the side that kept it."""
    if kept in order:
        return order
    before = keeper[: keeper.index(kept)]
    after = next((other for other in reversed(before) if other in order), None)
    at = 0 if after is None else order.index(after) + 1
    return [*order[:at], kept, *order[at:]]


def _id(block_id: str | None) -> str:
    if block_id is None:
        raise ValueError("a document's blocks all have ids (cms.core.article.to_document gives them)")
    return block_id


def _value(value: Any) -> Any:
    """A unit's value as a conflict shows it: JSON, None when absent."""
    if value is ABSENT:
        return None
    return value.model_dump(mode="json") if isinstance(value, BaseModel) else value


def _field(side: _Side, section_id: str, name: str) -> Any:
    fields = side.section_fields(section_id)
    return ABSENT if isinstance(fields, _Absent) else fields[name]


def _home(block_id: str, *sides: _Side) -> str:
    """The section a block is known by: where the base has it, else where a side added it."""
    for side in sides:
        if block_id in side.homes:
            return side.homes[block_id]
    raise ValueError(f"block {block_id!r} is in no section")  # unreachable: ids come from the sections


def _section_content(side: _Side, section_id: str) -> tuple[Any, ...]:
    section: Section = side.sections[section_id]
    block_ids = side.block_ids[section_id]
    return section.heading, section.anchor, block_ids, [side.blocks[block_id] for block_id in block_ids]


def _settle_anchor_clashes(
    sections: list[dict[str, Any]], sides: tuple[_Side, _Side, _Side], choices: Mapping[str, str]
) -> None:
    """A choice on an anchor clash (named at the later section): that section takes the chosen side's anchor; when
    the chosen side gives it the clashing anchor, the earlier section takes the chosen side's anchor instead, or,
    when the chosen side has not got that section, one made from its heading."""
    _, theirs, mine = sides
    taken = {section["anchor"] for section in sections}
    holders: dict[str, dict[str, Any]] = {}
    for section in sections:
        anchor = section["anchor"]
        earlier = holders.setdefault(anchor, section)
        choice = choices.get(f"sections/{section['id']}/anchor")
        if earlier is section or choice is None:
            continue
        chosen = mine if choice == "mine" else theirs
        for giving_up, keeping in ((section, earlier), (earlier, section)):
            value = _field(chosen, giving_up["id"], "anchor")
            if value is not ABSENT and value not in taken:
                giving_up["anchor"], holders[value], holders[anchor] = value, giving_up, keeping
                taken.add(value)
                break
        else:  # the chosen side has not got one of the two (the other side added it): its anchor is made anew
            giving_up, keeping = (section, earlier) if section["id"] not in chosen.sections else (earlier, section)
            if giving_up["id"] not in chosen.sections:
                giving_up["anchor"], holders[anchor] = None, keeping  # from its heading, as for a new section


def _anchor_clashes(sections: list[dict[str, Any]], sides: tuple[_Side, _Side, _Side]) -> list[Conflict]:
    """Two sections holding one anchor after the merge (each side gave one of them that anchor): a conflict at
    the section that took it later in the article."""
    base, theirs, mine = sides
    seen: set[str] = set()
    clashes = []
    for section in sections:
        if section["anchor"] is not None and section["anchor"] in seen:
            sid = section["id"]
            values = (_field(side, sid, "anchor") for side in (base, theirs, mine))
            clashes.append(Conflict(f"sections/{sid}/anchor", *map(_value, values)))
        seen.add(section["anchor"])
    return clashes


H = TypeVar("H", bound=Hashable)


def merge_order(base: Sequence[H], theirs: Sequence[H], mine: Sequence[H]) -> list[H] | None:
    """Three-way merge of a list of unique ids; None when both sides reordered it differently.

    What both sides kept is ordered as the side that reordered it has it. An element deleted on either side is
    gone. An element added on one side follows the kept element it follows there (the start when none does);
    after one element, theirs' additions come first, then mine. An element both sides added (a block moved
    into this section on both sides) is kept once, where theirs put it, if mine put it after the same element;
    elsewhere it is a conflict.

    >>> merge_order(["a", "b", "c"], ["a", "x", "b", "c"], ["c", "a", "b", "y"])
    ['c', 'a', 'x', 'b', 'y']
    """
    merged, clean = _merge_order(base, theirs, mine)
    return merged if clean else None


def _merge_order(base: Sequence[H], theirs: Sequence[H], mine: Sequence[H]) -> tuple[list[H], bool]:
    """The merged list and whether it merged cleanly; where it did not, theirs' order is taken."""
    in_theirs, in_mine = set(theirs), set(mine)
    kept_set = {element for element in base if element in in_theirs and element in in_mine}
    kept = {
        side: [element for element in elements if element in kept_set]
        for side, elements in (("base", base), ("theirs", theirs), ("mine", mine))
    }
    clean = kept["theirs"] == kept["base"] or kept["mine"] == kept["base"] or kept["mine"] == kept["theirs"]
    order = kept["mine"] if kept["theirs"] == kept["base"] else kept["theirs"]
    in_base = set(base)
    theirs_added = _additions(theirs, in_base, kept_set)
    mine_added = _additions(mine, in_base, kept_set)
    both = {element for run in theirs_added.values() for element in run} & {
        element for run in mine_added.values() for element in run
    }
    clean = clean and all(_after(theirs_added, element) == _after(mine_added, element) for element in both)
    merged: list[H] = []
    for after in [None, *order]:
        if after is not None:
            merged.append(after)
        merged += theirs_added.get(after, [])
        merged += [element for element in mine_added.get(after, []) if element not in both]
    return merged, clean


def _additions(elements: Sequence[H], in_base: set[H], kept: set[H]) -> dict[H | None, list[H]]:
    """The elements a side added, by the kept element they follow on that side (None: the start)."""
    runs: dict[H | None, list[H]] = {}
    after: H | None = None
    for element in elements:
        if element in kept:
            after = element
        elif element not in in_base:
            runs.setdefault(after, []).append(element)
    return runs


def _after(runs: dict[H | None, list[H]], element: H) -> H | None:
    return next(after for after, run in runs.items() if element in run)
