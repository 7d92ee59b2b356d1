"""What changed between two versions of an article, unit by unit, as a person reads it.

The units: the fields (title, summary, tags, author); each section by its id (its heading and anchor); each block
by its id (its type and everything in it); and the order of both. `diff(before, after)` gives the `Change`s in
reading order: the fields, then section by section as `after` orders them (a removed section, or block, where it
stood in `before`), a section's own change before its blocks'.

Every section and block is reported at most once: added, removed, moved (a block into another section; a section,
or a block among its section's blocks, out of the order the others keep), changed, or moved and changed. A change
carries the text differences inside, word by word (difflib), as `Piece`s. `diff(a, a)` is empty. Labels read
"Title changed", "Paragraph changed", "Table added", "Section moved".
"""

import difflib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from cms.core.article import Document, Section
from cms.core.blocks import (
    BLOCK_LABELS,
    Block,
    Callout,
    Code,
    Divider,
    Embed,
    Heading,
    Html,
    Image,
    List,
    ListItem,
    Paragraph,
    Quote,
    Table,
)
from cms.core.spans import Span

Op = Literal["equal", "insert", "delete"]
Unit = Literal["field", "section", "block"]
Kind = Literal["added", "removed", "moved", "changed", "moved and changed"]

FIELD_NAMES = {"title": "Title", "summary": "Summary", "tags": "Tags", "author": "Author"}

# How a mark is shown inside a change's text, outermost first (the Markdown notation people know).
_MARKUP = {
    "strong": ("**", "**"), "em": ("_", "_"), "code": ("`", "`"), "underline": ("<u>", "</u>"), "strike": ("~~", "~~"),
}  # fmt: skip
_WORDS = re.compile(r"\w+|\s+|[^\w\s]")


@dataclass(frozen=True)
class Piece:
    """A run of text in both versions (`equal`), only in `after` (`insert`) or only in `before` (`delete`)."""

    op: Op
    text: str


@dataclass(frozen=True)
class Change:
    unit: Unit
    name: str
    """'Title', 'Section', or the block's type as people read it: 'Paragraph', 'Table', 'HTML' …"""
    kind: Kind
    key: str
    """The field's name, or the section's or block's id."""
    where: str
    """The section a block is in (its heading, 'Introduction' for a leading one without); a section's own name."""
    pieces: tuple[Piece, ...]

    @property
    def label(self) -> str:
        """'Paragraph changed', 'Table added', 'Section moved' …"""
        return f"{self.name} {self.kind}"


def diff(before: Document, after: Document) -> list[Change]:
    """The changes that turn `before` into `after`, in reading order."""
    return [*_fields(before, after), *_body(before, after)]


def words(before: str, after: str) -> tuple[Piece, ...]:
    """'a big dog', 'a small dog' -> equal 'a ', delete 'big', insert 'small', equal ' dog'.

    Words, runs of whitespace and single punctuation marks are the units; whitespace never anchors a match,
    so that two changed phrases are not cut into word-by-word alternations at every space between them. What
    both texts start and end with is set aside first; a long difference is compared line by line, and word by
    word only inside changed lines that are short enough (`WORD_BUDGET`).
    """
    old, new = _WORDS.findall(before), _WORDS.findall(after)
    head = _common_length(old, new)
    tail = _common_length(old[head:][::-1], new[head:][::-1])
    pieces: list[Piece] = []
    _append(pieces, "equal", "".join(old[:head]))
    for op, text in _middle(old[head : len(old) - tail], new[head : len(new) - tail]):
        _append(pieces, op, text)
    _append(pieces, "equal", "".join(old[len(old) - tail :]))
    return tuple(pieces)


WORD_BUDGET = 1_000
"""The most units (of both texts together) compared word by word: difflib's matching time grows faster than the
square of the length, to about a tenth of a second at this size with few distinct words (source code)."""


def _common_length(old: Sequence[str], new: Sequence[str]) -> int:
    length = 0
    for a, b in zip(old, new, strict=False):
        if a != b:
            break
        length += 1
    return length


def _middle(old: list[str], new: list[str]) -> Iterator[tuple[Op, str]]:
    if len(old) + len(new) <= WORD_BUDGET:
        yield from _by_words(old, new)
        return
    old_lines, new_lines = "".join(old).splitlines(keepends=True), "".join(new).splitlines(keepends=True)
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, old_lines, new_lines).get_opcodes():
        then, now = "".join(old_lines[a1:a2]), "".join(new_lines[b1:b2])
        if op == "equal":
            yield "equal", then
            continue
        old_words, new_words = _WORDS.findall(then), _WORDS.findall(now)
        if len(old_words) + len(new_words) <= WORD_BUDGET:
            yield from _by_words(old_words, new_words)
        else:  # rewritten at length: shown as the old text, then the new
            yield "delete", then
            yield "insert", now


def _by_words(old: list[str], new: list[str]) -> Iterator[tuple[Op, str]]:
    matcher = difflib.SequenceMatcher(str.isspace, old, new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            yield "equal", "".join(old[a1:a2])
            continue
        yield "delete", "".join(old[a1:a2])
        yield "insert", "".join(new[b1:b2])


def trimmed(pieces: Iterable[Piece], context: int = 80) -> tuple[Piece, ...]:
    """The pieces with the middle of each long unchanged run left out ('…'): `context` characters are kept next
    to each change, so that a changed word in a long code block does not bring the whole block along. Text
    without any change (a block that only moved) keeps its first `2 * context` characters."""
    pieces = tuple(pieces)
    if len(pieces) == 1 and pieces[0].op == "equal":
        text = pieces[0].text
        return (Piece("equal", text if len(text) <= 2 * context + 1 else text[: 2 * context] + "…"),)
    shown = []
    for index, piece in enumerate(pieces):
        head = context if index > 0 else 0  # kept after the change before it
        tail = context if index < len(pieces) - 1 else 0  # kept before the change after it
        if piece.op != "equal" or len(piece.text) <= head + tail + 1:
            shown.append(piece)
        else:
            start, end = piece.text[:head], piece.text[len(piece.text) - tail :]
            shown.append(Piece("equal", f"{start}…{end}"))
    return tuple(shown)


def _append(pieces: list[Piece], op: Op, text: str) -> None:
    if not text:
        return
    if pieces and pieces[-1].op == op:
        pieces[-1] = Piece(op, pieces[-1].text + text)
    else:
        pieces.append(Piece(op, text))


# The fields


def _field_text(document: Document, name: str) -> str:
    value = getattr(document, name)
    return ", ".join(value) if isinstance(value, list) else value or ""


def _fields(before: Document, after: Document) -> Iterator[Change]:
    for name, label in FIELD_NAMES.items():
        if getattr(before, name) != getattr(after, name):
            pieces = words(_field_text(before, name), _field_text(after, name))
            yield Change("field", label, "changed", name, "", pieces)


# Sections and blocks


@dataclass(frozen=True)
class _Placed:
    """A section or block where it stands: its key, the section it belongs to (a section to itself), and the
    units whose order it keeps a place in (all sections; the blocks of its section)."""

    key: str
    home: str
    among: str
    item: "Item"


def _sections(document: Document) -> list[_Placed]:
    return [_Placed(section.id, section.id, "", section) for section in document.sections]


def _blocks(document: Document) -> list[_Placed]:
    # Stored blocks always have ids; a position stands in for a missing one, so that nothing is ever left out.
    return [
        _Placed(block.id or f"{s}/{b}", section.id, section.id, block)
        for s, section in enumerate(document.sections)
        for b, block in enumerate(section.blocks)
    ]


def _body(before: Document, after: Document) -> Iterator[Change]:
    names = _section_names(before) | _section_names(after)  # after's names win: the section as it reads now
    sections = _changes(_sections(before), _sections(after), names, _section_change)
    blocks = _changes(_blocks(before), _blocks(after), names, _block_change)
    by_section: dict[str, list[Change]] = {}
    for home, change in blocks:
        by_section.setdefault(home, []).append(change)
    for key in _reading_order(_sections(before), _sections(after)):
        yield from (change for home, change in sections if home == key)
        yield from by_section.get(key, [])


def _section_names(document: Document) -> dict[str, str]:
    return {
        section.id: section.heading or ("Introduction" if index == 0 else section.anchor)
        for index, section in enumerate(document.sections)
    }


def _reading_order(before: Sequence[_Placed], after: Sequence[_Placed]) -> list[str]:
    """The keys of `after` in order, each key only `before` has right after the nearest one before it there that
    `after` has too (at the start when there is none)."""
    kept = {placed.key for placed in after}
    following: dict[str | None, list[str]] = {}
    anchor: str | None = None
    for placed in before:
        if placed.key in kept:
            anchor = placed.key
        else:
            following.setdefault(anchor, []).append(placed.key)
    order = list(following.get(None, []))
    for placed in after:
        order += [placed.key, *following.get(placed.key, [])]
    return order


def _moved(before: Sequence[_Placed], after: Sequence[_Placed]) -> set[str]:
    """The keys that moved: into another section, or out of the longest order that the units both versions have
    in the same place keep (a block moves among its section's blocks: a section that moves takes its blocks along).
    """
    old = {placed.key: placed.among for placed in before}
    stayed = {placed.key for placed in after if old.get(placed.key) == placed.among}
    moved = {placed.key for placed in after if placed.key in old} - stayed
    groups: dict[str, tuple[list[str], list[str]]] = {}
    for side, units in enumerate((before, after)):
        for placed in units:
            if placed.key in stayed:
                groups.setdefault(placed.among, ([], []))[side].append(placed.key)
    for old_order, new_order in groups.values():
        matcher = difflib.SequenceMatcher(None, old_order, new_order, autojunk=False)
        in_order = {key for a, _, size in matcher.get_matching_blocks() for key in old_order[a : a + size]}
        moved |= set(old_order) - in_order
    return moved


Item = Section | Block
Describe = Callable[[str, Item | None, Item | None, bool, str], Change | None]
"""(key, the unit in before, in after, whether it moved, where it is) -> its change, None when there is none."""


def _changes(
    before: Sequence[_Placed], after: Sequence[_Placed], names: dict[str, str], change: Describe
) -> list[tuple[str, Change]]:
    """(section key, change) for every unit that differs, in the reading order of the units."""
    old = {placed.key: placed for placed in before}
    new = {placed.key: placed for placed in after}
    moved = _moved(before, after)
    found = []
    for key in _reading_order(before, after):
        then, now = old.get(key), new.get(key)
        home = (now or then).home  # type: ignore[union-attr]  # one of them is there: the key came from them
        described = change(key, then.item if then else None, now.item if now else None, key in moved, names[home])
        if described is not None:
            found.append((home, described))
    return found


def _kind(then: object, now: object, same: bool, moved: bool) -> Kind | None:
    if then is None:
        return "added"
    if now is None:
        return "removed"
    if moved:
        return "moved" if same else "moved and changed"
    return None if same else "changed"


def _section_change(key: str, then: Item | None, now: Item | None, moved: bool, where: str) -> Change | None:
    old = then if isinstance(then, Section) else None
    new = now if isinstance(now, Section) else None
    same = old is not None and new is not None and (old.heading, old.anchor) == (new.heading, new.anchor)
    kind = _kind(old, new, same, moved)
    if kind is None:
        return None
    return Change("section", "Section", kind, key, where, words(_section_text(old), _section_text(new)))


def _section_text(section: Section | None) -> str:
    if section is None:
        return ""
    return f"Heading: {section.heading or '(none)'}\nAnchor: {section.anchor}"


def _block_change(key: str, then: Item | None, now: Item | None, moved: bool, where: str) -> Change | None:
    old, new = _as_block(then), _as_block(now)
    same = old is not None and new is not None and _content(old) == _content(new)
    kind = _kind(old, new, same, moved)
    if kind is None:
        return None
    retyped = old is not None and new is not None and old.type != new.type
    name = BLOCK_LABELS[(new or old).type]  # type: ignore[union-attr]  # one of them is there
    return Change("block", name, kind, key, where, words(block_text(old, retyped), block_text(new, retyped)))


def _as_block(item: Item | None) -> Block | None:
    return None if item is None or isinstance(item, Section) else item


def _content(block: Block) -> object:
    return block.model_dump(exclude={"id"})


def block_text(block: Block | None, with_type: bool = False) -> str:
    """A block as text for comparing: its inline text (marks as in Markdown), then its attributes as 'Name: value'
    lines; with `with_type`, its type's name first (when a block's type changed)."""
    if block is None:
        return ""
    lines = [BLOCK_LABELS[block.type]] if with_type else []
    return "\n".join([*lines, *_block_lines(block)])


def _block_lines(block: Block) -> list[str]:
    match block:
        case Paragraph():
            return [inline(block.spans)]
        case Heading():
            return [inline(block.spans), f"Level: {block.level}"]
        case List():
            return list(_items(block.items, block.style == "number", 0))
        case Quote():
            return [inline(block.spans), *_attributes(("Cite", block.cite))]
        case Code():
            return [block.code, *_attributes(("Language", block.language))]
        case Image():
            source = ("Source", block.src) if block.src is not None else ("Asset", block.asset_id)
            width, height = (str(size) if size else None for size in (block.width, block.height))
            return _attributes(
                ("Alt", block.alt), ("Caption", block.caption), source, ("Width", width), ("Height", height)
            )
        case Embed():
            return _attributes(("URL", block.url), ("Title", block.title))
        case Callout():
            return [inline(block.spans), f"Tone: {block.tone}"]
        case Divider():
            return []
        case Table():
            rows = [" | ".join(inline(cell) for cell in row) for row in block.rows]
            return [*rows, f"Header row: {'yes' if block.header_row else 'no'}"]
        case Html():
            return [block.html]
    raise ValueError(f"a block of unknown type: {block!r}")  # pragma: no cover  (the union is closed)


def _attributes(*pairs: tuple[str, str | None]) -> list[str]:
    return [f"{name}: {value}" for name, value in pairs if value is not None]


def _items(items: Iterable[ListItem], numbered: bool, depth: int) -> Iterator[str]:
    for number, item in enumerate(items, start=1):
        yield "  " * depth + (f"{number}. " if numbered else "• ") + inline(item.spans)
        yield from _items(item.items, numbered, depth + 1)


def inline(spans: Iterable[Span]) -> str:
    """`[Span("big", marks=["strong"], href="/x")]` -> `[**big**](/x)`."""
    return "".join(_span(span) for span in spans)


def _span(span: Span) -> str:
    text = span.text
    for mark in reversed(_MARKUP):
        if mark in span.marks:
            opening, closing = _MARKUP[mark]
            text = f"{opening}{text}{closing}"
    return f"[{text}]({span.href})" if span.href else text
