"""The differences the Revisions page shows: a version against the current draft, by field, section and block
(cms/core/article_diff.py), each long unchanged run of text shortened for the page; and the conflicts the
editor's page shows after a Save that could not be merged."""

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from pydantic import TypeAdapter, ValidationError

from cms.core import article_diff
from cms.core.article import Article, Document
from cms.core.article_diff import Change, Piece
from cms.core.blocks import BLOCK_LABELS, Block
from cms.core.merge import Conflict


def document_of(article: Article) -> Document:
    """The editable content of an article as read, as a revision stores it."""
    return Document.model_validate({name: getattr(article, name) for name in Document.model_fields}, strict=False)


def since(version: Document, current: Document) -> list[Change]:
    """What changed from `version` to `current`, in reading order."""
    return [
        replace(change, pieces=article_diff.trimmed(change.pieces)) for change in article_diff.diff(version, current)
    ]


@dataclass(frozen=True)
class Unit:
    """One conflict as the editor's page shows it: what it is, and their and my values with the differences
    marked (`theirs` holds the pieces only theirs has as `delete`, `mine` those only mine has as `insert`)."""

    path: str
    label: str
    theirs: tuple[Piece, ...]
    mine: tuple[Piece, ...]
    limit: str = ""  # not a unit: the merged article breaks this limit, which no choice settles


_BLOCK = TypeAdapter(Block)
_UNNAMED = "the section without a heading"


def conflict_units(conflicts: list[Conflict], theirs: Document, mine: Document) -> list[Unit]:
    """Each conflict named as people read it ("Title", "Heading of “Why”", "Paragraph in “Why”", "Order of
    sections"), with their value beside mine, word differences marked."""
    names = {section.id: section.heading or _UNNAMED for section in [*mine.sections, *theirs.sections]}
    units = []
    for conflict in conflicts:
        parts = conflict.path.split("/")
        text = _ordered_text(names, mine, theirs) if parts[-1] == "order" else _text
        pieces = article_diff.words(text(conflict.theirs), text(conflict.mine))
        units.append(
            Unit(
                conflict.path,
                _label(parts, conflict, names),
                tuple(p for p in pieces if p.op != "insert"),
                tuple(p for p in pieces if p.op != "delete"),
                conflict.limit,
            )
        )
    return units


def _label(parts: list[str], conflict: Conflict, names: dict[str, str]) -> str:
    if conflict.limit:
        return "The article as merged"
    if parts[0] != "sections" or len(parts) < 2:
        return article_diff.FIELD_NAMES.get(parts[0], parts[0].capitalize())
    if parts[1] == "order":
        return "Order of sections"
    where = f"“{names.get(parts[1], parts[1])}”"
    if len(parts) == 2:
        return f"Section {where}"
    if parts[2] in ("heading", "anchor"):
        return f"{parts[2].capitalize()} of {where}"
    if parts[3] == "order":
        return f"Order of blocks in {where}"
    value = conflict.theirs or conflict.mine or {}
    return f"{BLOCK_LABELS.get(value.get('type', ''), 'Block')} in {where}"


def _text(value: Any) -> str:
    """A unit's value as text: a field as typed, a block as the Revisions page shows it, a section as its heading
    and blocks; '(deleted)' when that side has no such unit."""
    if value is None:
        return "(deleted)"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, dict) and "blocks" in value:
        blocks = [_block_text(block, True) for block in value["blocks"]]
        return "\n".join([value.get("heading") or "", *blocks])
    if isinstance(value, dict):
        return _block_text(value)
    return str(value)


def _block_text(value: dict[str, Any], with_type: bool = False) -> str:
    try:
        return article_diff.block_text(_BLOCK.validate_python(value), with_type)
    except ValidationError:  # not expected of a saved block; shown as its JSON rather than not at all
        return json.dumps(value, ensure_ascii=False)


def _ordered_text(names: dict[str, str], *documents: Document) -> Callable[[Any], str]:
    """An order of sections or blocks as one line per element, named by heading or by type and first words."""
    blocks = {block.id: block for document in documents for section in document.sections for block in section.blocks}

    def name(element: str) -> str:
        if element in blocks:
            return article_diff.block_text(blocks[element], True).replace("\n", ": ", 1)[:60]
        return names.get(element, element)

    return lambda value: "\n".join(f"{n}. {name(e)}" for n, e in enumerate(value or [], 1))
