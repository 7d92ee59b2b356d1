"""The editor's form, structured: the article's fields, every section a group, every block a group of its fields.

`ArticleForm.of(article)` is what the page shows; `ArticleForm.from_pairs(form)` what a browser sent back, field
by field as typed. `to_input(base)` makes the ArticleInput to save, losslessly: each field whose text is what
the page showed for the version the form started from (`base`) keeps that version's value exactly, so ids,
anchors, marks in their order, neighbouring spans, image sizes and every other attribute of an untouched block
stay byte for byte; only a field the person changed is read from its text.

The form names every field `<key>.<attribute>`, where a section's or block's key is `i<id>` for a saved one and
`n<anything>` for a new one; the hidden field `layout` says the order ("s1=b1,b2 s2=b3"), so moving a block is
changing `layout` (the page's script does it in place; without JavaScript the server does it and shows the page
again, not saved).
"""

import json
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from cms.core import inline
from cms.core.article import Article, ArticleInput, Document
from cms.core.blocks import BLOCK_LABELS

Json = dict[str, Any]

TYPES = tuple(BLOCK_LABELS)


@dataclass(frozen=True)
class Field:
    """One attribute's field: its form name's attribute, its label and how it is typed."""

    attr: str
    label: str
    kind: str  # spans, line, text, code, int, choice, check, items, rows
    choices: tuple[str, ...] = ()
    hint: str = ""

    @property
    def multiline(self) -> bool:
        return self.kind in ("spans", "text", "code", "items", "rows")


SPANS_HINT = "**strong**, *emphasis*, `code`, __underline__, ~~strike~~, [text](https://…); \\ before a literal *."
TEXT = Field("spans", "Text", "spans", hint=SPANS_HINT)
FIELDS: dict[str, tuple[Field, ...]] = {
    "paragraph": (TEXT,),
    "heading": (Field("level", "Level", "choice", ("3", "4", "5", "6")), TEXT),
    "list": (
        Field("style", "Style", "choice", ("bullet", "number")),
        Field("items", "Items", "items", hint="One item a line, “- ” first; two more spaces before “- ” nest it."),
    ),
    "quote": (TEXT, Field("cite", "Cite", "line")),
    "code": (Field("code", "Code", "code"), Field("language", "Language", "line")),
    "image": (
        Field("asset_id", "Asset", "line", hint="An uploaded image's id; or leave empty and give a Source URL."),
        Field("src", "Source URL", "line", hint="An https address of an image elsewhere."),
        Field("alt", "Alt text", "line", hint="What the image shows, for people who cannot see it."),
        Field("caption", "Caption", "line"),
        Field("width", "Width", "int", hint="Pixels; set from the upload for an asset."),
        Field("height", "Height", "int", hint="Pixels; set from the upload for an asset."),
    ),
    "embed": (Field("url", "URL", "line"), Field("title", "Title", "line")),
    "callout": (Field("tone", "Tone", "choice", ("info", "tip", "warning")), TEXT),
    "divider": (),
    "table": (
        Field("rows", "Rows", "rows", hint="One row a line, cells separated by “ | ”. " + SPANS_HINT),
        Field("header_row", "Header row", "check"),
    ),
    "html": (Field("html", "HTML", "code", hint="Cleaned to the allowed tags when saved."),),
}  # fmt: skip
SERVER_SET = ("placeholder", "url")
"""Image attributes the page does not show: kept from the saved block (the server fills them for an asset)."""


class FormErrors(Exception):
    """Field name -> messages, for fields whose text could not be read."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


# Field text <-> value -------------------------------------------------------------------------------------------


def _items_text(items: list[Json], depth: int = 0) -> list[str]:
    lines = []
    for item in items:
        lines.append("  " * depth + "- " + inline.write(item["spans"], lines=True))
        lines += _items_text(item.get("items", []), depth + 1)
    return lines


def _read_items(text: str) -> list[Json]:
    root: list[Json] = []
    stack: list[list[Json]] = [root]
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        found = re.fullmatch(r"( *)- ?(.*)", line)
        if not found or len(found.group(1)) % 2:
            raise ValueError(f"line {number}: start each item with “- ”, nested ones with two more spaces each")
        depth = len(found.group(1)) // 2
        if depth > len(stack) - 1:
            raise ValueError(f"line {number} is nested deeper than the item before it: remove two spaces")
        del stack[depth + 1 :]
        try:
            item: Json = {"spans": inline.read(found.group(2))}
        except inline.NotationError as exc:
            raise ValueError(f"line {number}: {exc}") from None
        stack[depth].append(item)
        item["items"] = []
        stack.append(item["items"])
    return _pruned(root)


def _pruned(items: list[Json]) -> list[Json]:
    return [{"spans": i["spans"]} | ({"items": _pruned(i["items"])} if i["items"] else {}) for i in items]


def _split_cells(line: str) -> list[str]:
    cells, current, i = [], [], 0
    while i < len(line):
        if line[i] == "\\" and i + 1 < len(line):
            current.append(line[i : i + 2])
            i += 2
            continue
        if line[i] == "|":
            cells.append("".join(current))
            current = []
        else:
            current.append(line[i])
        i += 1
    cells.append("".join(current))
    last = len(cells) - 1
    return [
        cell[1 if n > 0 and cell.startswith(" ") else 0 :][: -1 if n < last and cell.endswith(" ") else None]
        for n, cell in enumerate(cells)
    ]


def _rows_text(rows: list[list[list[Json]]]) -> str:
    return "\n".join(" | ".join(inline.write(cell, lines=True) for cell in row) for row in rows)


def _read_rows(text: str) -> list[list[list[Json]]]:
    rows = []
    for number, line in enumerate(text.split("\n"), 1):
        try:
            rows.append([inline.read(cell) for cell in _split_cells(line)])
        except inline.NotationError as exc:
            raise ValueError(f"row {number}: {exc}") from None
    return rows


def shown(block: Json, f: Field) -> str:
    """The text of a block attribute's field as the page shows it."""
    value = block.get(f.attr)
    if f.kind == "spans":
        return inline.write(value or [])
    if f.kind == "items":
        return "\n".join(_items_text(value or []))
    if f.kind == "rows":
        return _rows_text(value or [[[]]])
    if f.kind == "check":
        return "on" if value else ""
    return "" if value is None else str(value)


def submitted(text: str, f: Field | None) -> str:
    """What a browser sends back for a field showing `text`: a text box drops line breaks, a text area sends
    each line break as one."""
    if f is not None and not f.multiline:
        return text.replace("\r", "").replace("\n", "")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def value_of(text: str, f: Field) -> Any:
    """A field's value from its text; ValueError with a message for the person when it cannot be read."""
    if f.kind == "spans":
        try:
            return inline.read(text)
        except inline.NotationError as exc:
            raise ValueError(str(exc)) from None
    if f.kind == "items":
        return _read_items(text)
    if f.kind == "rows":
        return _read_rows(text)
    if f.kind == "check":
        return bool(text)
    if f.kind == "int":
        if not text.strip():
            return None
        if not re.fullmatch(r"\s*[0-9]{1,9}\s*", text):
            raise ValueError(f"{text!r} is not a whole number of pixels: write e.g. 640, or leave it empty")
        return int(text)
    if f.kind == "choice":
        if text not in f.choices:
            raise ValueError(f"choose one of {', '.join(f.choices)}")
        return int(text) if f.attr == "level" else text
    if f.kind == "line" and not text.strip():
        return None
    return text


# The form -------------------------------------------------------------------------------------------------------


@dataclass
class BlockForm:
    key: str
    id: str
    type: str
    values: dict[str, str]

    @property
    def label(self) -> str:
        return BLOCK_LABELS.get(self.type, self.type)

    @property
    def fields(self) -> tuple[Field, ...]:
        return FIELDS.get(self.type, ())


@dataclass
class SectionForm:
    key: str
    id: str
    heading: str
    anchor: str
    blocks: list[BlockForm] = field(default_factory=list)


@dataclass
class ArticleForm:
    title: str = ""
    slug: str = ""
    tags: str = ""
    summary: str = ""
    author: str = ""
    etag: str = ""
    sections: list[SectionForm] = field(default_factory=list)
    has_layout: bool = True

    @classmethod
    def of(cls, article: Article | Document, tag: str = "", slug: str = "") -> "ArticleForm":
        sections = [
            SectionForm(
                "i" + s.id, s.id, s.heading or "", s.anchor,
                [_block_form(block.model_dump(mode="json")) for block in s.blocks],
            )
            for s in article.sections
        ]  # fmt: skip
        return cls(
            article.title, getattr(article, "slug", slug), ", ".join(article.tags), article.summary or "",
            article.author or "", tag, sections,
        )  # fmt: skip

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, Any]]) -> "ArticleForm":
        """The form as a browser sent it (each name once; `layout` gives the order of sections and blocks)."""
        values = {name: str(value).replace("\r\n", "\n") for name, value in pairs if isinstance(value, str)}
        top = {name: values.get(name, "") for name in ("title", "slug", "tags", "summary", "author", "etag")}
        sections = []
        for section_key, block_keys in layout_of(values.get("layout", "")):
            kinds = [(key, values.get(f"{key}.type", "")) for key in block_keys]
            blocks = [_typed_block(key, kind, values) for key, kind in kinds if kind in FIELDS]
            sections.append(
                SectionForm(
                    section_key, values.get(f"{section_key}.id", ""), values.get(f"{section_key}.heading", ""),
                    values.get(f"{section_key}.anchor", ""), blocks,
                )
            )  # fmt: skip
        return cls(**top, sections=sections, has_layout="layout" in values)

    @property
    def layout(self) -> str:
        return " ".join(f"{s.key}=" + ",".join(b.key for b in s.blocks) for s in self.sections)

    def pairs(self) -> list[tuple[str, str]]:
        """The form's fields as a browser would send them (a checkbox not checked is not sent)."""
        out = [(name, getattr(self, name)) for name in ("title", "slug", "tags", "summary", "author", "etag")]
        out.append(("layout", self.layout))
        for s in self.sections:
            out += [(f"{s.key}.id", s.id), (f"{s.key}.heading", s.heading), (f"{s.key}.anchor", s.anchor)]
            for b in s.blocks:
                out += [(f"{b.key}.id", b.id), (f"{b.key}.type", b.type)]
                out += [
                    (f"{b.key}.{f.attr}", b.values[f.attr]) for f in b.fields if f.kind != "check" or b.values[f.attr]
                ]
        return out

    def to_input(self, base: Document | None) -> ArticleInput:
        """The article to save. Fields showing what `base` (the version the form started from) had keep its value;
        FormErrors for a field whose text cannot be read; Pydantic's ValidationError for an invalid article."""
        errors: dict[str, list[str]] = {}
        if not self.has_layout and base is not None:  # a form from elsewhere: never read it as "no sections"
            message = "the form did not say which sections and blocks it holds (no 'layout' field): reload the editor"
            raise FormErrors({"sections": [message]})
        was = ArticleForm.of(base) if base is not None else ArticleForm()
        kept_blocks = {b.id: b for s in (base.sections if base else []) for b in s.blocks if b.id}
        kept_sections = {s.id: s for s in (base.sections if base else [])}
        data: Json = {"slug": self.slug.strip() or None}
        for name in ("title", "tags", "summary", "author"):
            typed = getattr(self, name)
            if base is not None and submitted(getattr(was, name), _TEXT if name == "summary" else _LINE) == typed:
                data[name] = getattr(base, name)
            elif name == "tags":
                data[name] = [tag.strip() for tag in typed.split(",") if tag.strip()]
            else:
                data[name] = typed if typed.strip() or name == "title" else None
        sections = []
        for s in self.sections:
            old_section = kept_sections.get(s.id)
            heading: str | None = s.heading if s.heading.strip() else None
            if old_section is not None and submitted(old_section.heading or "", _LINE) == s.heading:
                heading = old_section.heading
            section: Json = {"id": s.id or None, "anchor": s.anchor.strip() or None, "heading": heading, "blocks": []}
            for b in s.blocks:
                old = kept_blocks.get(b.id)
                old_json = old.model_dump(mode="json") if old is not None and old.type == b.type else None
                block: Json = {"type": b.type} | ({"id": b.id} if b.id else {})
                for f in b.fields:
                    typed = b.values.get(f.attr, "")
                    if old_json is not None and submitted(shown(old_json, f), f) == typed:
                        value = old_json.get(f.attr)
                    else:
                        try:
                            value = value_of(typed, f)
                        except ValueError as exc:
                            errors.setdefault(f"{b.key}.{f.attr}", []).append(str(exc))
                            continue
                    if value is not None:
                        block[f.attr] = value
                if old_json is not None and b.type == "image":
                    same_asset = old_json.get("asset_id") == block.get("asset_id")
                    for attr in SERVER_SET:
                        if old_json.get(attr) is not None and (same_asset or attr == "placeholder"):
                            block[attr] = old_json[attr]
                    if block.get("src") is not None:
                        block.pop("url", None)
                section["blocks"].append(block)
            sections.append(section)
        if errors:
            raise FormErrors(errors)
        data["sections"] = sections
        return ArticleInput.model_validate(data)

    # Arranging without JavaScript: the server does what the page's script does in place ------------------------

    def arranged(self, action: str, markdown_blocks: list[Json] | None = None) -> "ArticleForm":
        """The form after one of the arranging buttons: add-section, add:<section key>:<type>, up:<key>,
        down:<key>, delete:<key>. Unknown keys change nothing."""
        verb, _, rest = action.partition(":")
        sections = [replace(s, blocks=list(s.blocks)) for s in self.sections]
        if verb == "add-section":
            sections.append(SectionForm(new_key(), "", "", ""))
        elif verb == "add":
            key, _, kind = rest.partition(":")
            for s in sections:
                if s.key == key and kind in FIELDS:
                    s.blocks.append(new_block(kind))
        elif verb in ("up", "down", "delete"):
            sections = _moved(sections, rest, verb)
        return replace(self, sections=sections)

    def pasted(self, into: str, pasted: list[SectionForm]) -> "ArticleForm":
        """The form with the Markdown's blocks at the end of section `into`; the Markdown's own sections (its “## ”
        headings) follow that section. A section key the form does not have means: at the end."""
        sections = [replace(s, blocks=list(s.blocks)) for s in self.sections]
        at = next((n for n, s in enumerate(sections) if s.key == into), len(sections) - 1)
        if pasted and not pasted[0].heading and at >= 0:
            sections[at].blocks += pasted[0].blocks
            pasted = pasted[1:]
        sections[at + 1 : at + 1] = [s for s in pasted if s.heading or s.blocks]
        return replace(self, sections=sections)

    def lines(self) -> list[str]:
        """The form as lines of text, for the differences between two versions."""
        out = [f"Title: {self.title}", f"Slug: {self.slug}", f"Tags: {self.tags}", f"Summary: {self.summary}"]
        out.append(f"Author: {self.author}")
        for s in self.sections:
            out += ["", f"Section “{s.heading or 'Introduction'}” #{s.anchor}"]
            for b in s.blocks:
                out.append(f"  {b.label}")
                for f in b.fields:
                    out += [f"    {f.label}: {line}" for line in (b.values.get(f.attr, "") or "").split("\n")]
        return out


_LINE, _TEXT = Field("", "", "line"), Field("", "", "text")


def _moved(sections: list[SectionForm], key: str, verb: str) -> list[SectionForm]:
    for n, s in enumerate(sections):
        if s.key == key:
            if verb == "delete":
                return sections[:n] + sections[n + 1 :]
            other = n - 1 if verb == "up" else n + 1
            if 0 <= other < len(sections):
                sections[n], sections[other] = sections[other], sections[n]
            return sections
        for m, b in enumerate(s.blocks):
            if b.key != key:
                continue
            if verb == "delete":
                del s.blocks[m]
            else:
                other = m - 1 if verb == "up" else m + 1
                if 0 <= other < len(s.blocks):
                    s.blocks[m], s.blocks[other] = s.blocks[other], s.blocks[m]
            return sections
    return sections


def layout_of(layout: str) -> list[tuple[str, list[str]]]:
    out = []
    for part in layout.split():
        section, _, blocks = part.partition("=")
        out.append((section, [key for key in blocks.split(",") if key]))
    return out


def new_key() -> str:
    return "n" + secrets.token_hex(4)


def new_block(kind: str, values: Json | None = None) -> BlockForm:
    block = {"type": kind} | (values or {})
    return replace(_block_form(block), key=new_key(), id="")


def _typed_block(key: str, kind: str, values: dict[str, str]) -> BlockForm:
    typed = {f.attr: values.get(f"{key}.{f.attr}", "") for f in FIELDS[kind]}
    return BlockForm(key, values.get(f"{key}.id", ""), kind, typed)


def _block_form(block: Json) -> BlockForm:
    kind = block["type"]
    return BlockForm(
        "i" + str(block.get("id") or ""), block.get("id") or "", kind, {f.attr: shown(block, f) for f in FIELDS[kind]}
    )


def blocks_of(sections: list[Json]) -> list[SectionForm]:
    """Sections and blocks of the Markdown input, as new groups of the form (no ids: they are new)."""
    return [
        SectionForm(new_key(), "", s.get("heading") or "", "", [new_block(b["type"], b) for b in s.get("blocks", [])])
        for s in sections
    ]


def form_json(form: ArticleForm) -> str:
    """The form's fields as JSON pairs, kept across signing in again."""
    return json.dumps(form.pairs(), ensure_ascii=False)
