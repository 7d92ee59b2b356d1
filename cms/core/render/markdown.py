"""Markdown: CommonMark with GFM tables and strikethrough, written so that `cms.core.markdown_in` reads it back.

Conventions (shared with the importer): `# title`, `## section heading` (an empty `##` for a section without
heading, unless it is the first and has blocks), `###`-`######` headings; `**strong**`, `_em_`, `` `code` ``,
`~~strike~~`, `<u>underline</u>`, `[text](href)`; a line break inside spans is a backslash before the newline;
lists `-` / `1.`; a quote's cite is a last paragraph `— cite`; callouts are GitHub alerts (`> [!NOTE]`,
`> [!TIP]`, `> [!WARNING]`); an image is a paragraph `![alt](src "caption")`, an uploaded one at its asset URL;
an embed is a paragraph holding only the autolink `<https://…>`; a divider is `---`; a table without header
row gets an empty one; html blocks are written raw.

Emphasis is `_em_` rather than `*em*` so that the delimiters of two different marks never touch as one run
(`***`), which CommonMark would pair in ways that depend on the text around them.

What Markdown cannot say, and so does not come back from an import, is listed in docs/importing.md
("What a Markdown round trip loses"); tests/core/test_markdown_roundtrip.py checks that the rest does.
"""

import re
import string
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from cms.core.article import Article, Section
from cms.core.blocks import (
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
    asset_url,
)
from cms.core.spans import Mark, Span

ALERTS = {"info": "NOTE", "tip": "TIP", "warning": "WARNING"}

# Characters CommonMark counts as whitespace: the parser trims them at the edges of a block or an emphasis.
WHITESPACE = "\t\n\x0b\x0c\r \xa0\u1680\u2028\u2029\u202f\u205f\u3000" + "".join(map(chr, range(0x2000, 0x200B)))
# Always special inside a line: emphasis, code, links, raw HTML, strikethrough, table cells, heading closers.
_ALWAYS = re.compile(r"[\\`*_\[\]<~|#]|&(?=[#A-Za-z0-9])")
# Special only where a line starts: headings, quotes, list markers, setext underlines and thematic breaks.
_LINE_START = re.compile(r"^(?:[>+=-]|\d+(?=[.)]))")


@dataclass(frozen=True)
class _Mark:
    """One open/close pair of markup; `flanking` marks follow CommonMark's rules for `*`, `_` and `~`."""

    key: str
    opening: str
    closing: str
    flanking: bool


_MARKS: dict[Mark, _Mark] = {
    "underline": _Mark("underline", "<u>", "</u>", flanking=False),
    "strike": _Mark("strike", "~~", "~~", flanking=True),
    "strong": _Mark("strong", "**", "**", flanking=True),
    "em": _Mark("em", "_", "_", flanking=True),
}


@dataclass
class _Piece:
    kind: str  # "text" (escaped in place), "code" (a code span), "open" or "close" (a mark's markup)
    markdown: str
    mark: _Mark | None = None


def article(article: Article) -> bytes:
    sections = (
        _section(section, leading=i == 0 and bool(section.blocks)) for i, section in enumerate(article.sections)
    )
    parts = [f"# {_plain(article.title)}", *sections]
    return ("\n\n".join(part for part in parts if part) + "\n").encode()


def section(section: Section) -> bytes:
    return (_section(section, leading=True) + "\n").encode()


def _section(section: Section, *, leading: bool) -> str:
    """A section opens with its `## heading`; one without heading with an empty `##`, unless its blocks lead."""
    parts = [f"## {_plain(section.heading)}"] if section.heading else ([] if leading else ["##"])
    previous: Block | None = None
    alternate = False
    for block in section.blocks:
        # Two lists of the same style in a row would read back as one list, so each uses the other's marker.
        same_style = isinstance(block, List) and isinstance(previous, List) and previous.style == block.style
        alternate = same_style and not alternate
        parts.append(_block(block, alternate=alternate))
        previous = block
    return "\n\n".join(parts)


def _block(block: Block, *, alternate: bool) -> str:
    match block:
        case Paragraph():
            return inline(block.spans)
        case Heading():
            return "#" * block.level + " " + inline(block.spans, breaks=False)
        case List():
            return "\n".join(_list(block.items, block.style == "number", alternate))
        case Quote():
            text = inline(block.spans)
            return _prefix(f"{text}\n\n— {_plain(block.cite)}" if block.cite else text, "> ")
        case Callout():
            return _prefix(f"[!{ALERTS[block.tone]}]\n{inline(block.spans)}", "> ")
        case Code():
            fence = "`" * max(3, _longest_run(block.code, "`") + 1)
            # The fenced content is the code plus one newline; the importer drops exactly that newline.
            return f"{fence}{block.language or ''}\n{block.code}\n{fence}"
        case Image():
            src = block.src or block.url or asset_url(block.asset_id or "")
            title = f' "{_title(block.caption)}"' if block.caption else ""
            return f"![{_plain(block.alt) if block.alt else ''}]({_destination(src)}{title})"
        case Embed():
            return "<" + block.url.replace("<", "%3C").replace(">", "%3E") + ">"
        case Divider():
            return "---"
        case Table():
            return _table(block)
        case Html():
            html: str = block.html  # raw: the importer keeps an HTML block as it is
            return html.strip("\n")


def _list(items: list[ListItem], numbered: bool, alternate: bool) -> Iterator[str]:
    for number, item in enumerate(items, start=1):
        marker = (f"{number})" if alternate else f"{number}.") if numbered else ("*" if alternate else "-")
        indent = " " * (len(marker) + 1)
        first, *rest = inline(item.spans).split("\n")
        yield f"{marker} {first}"
        yield from (indent + line for line in rest)
        yield from (indent + line for line in _list(item.items, numbered, alternate=False))


def _table(table: Table) -> str:
    width = max(len(row) for row in table.rows)
    rows = [
        [inline(cell, breaks=False, in_table=True) for cell in row] + [""] * (width - len(row)) for row in table.rows
    ]
    header, body = (rows[0], rows[1:]) if table.header_row else ([""] * width, rows)
    lines = [header, ["---"] * width, *body]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in lines)


def _prefix(text: str, prefix: str) -> str:
    return "\n".join((prefix + line).rstrip(" ") for line in text.split("\n"))


def _longest_run(text: str, char: str) -> int:
    return max((len(run) for run in re.findall(f"{re.escape(char)}+", text)), default=0)


def _plain(text: str) -> str:
    """A string that is not spans (title, section heading, cite, alt): literal text on one line."""
    return inline([Span(text=text)], breaks=False)


def _title(text: str) -> str:
    return re.sub(r'([\\"&])', r"\\\1", text).replace("\n", "&#10;").replace("\r", "&#13;")


def _destination(href: str) -> str:
    return re.sub(r"([\\()<&|])", r"\\\1", href)


def inline(spans: list[Span], *, breaks: bool = True, in_table: bool = False) -> str:
    """Spans as inline Markdown: `[Span("a "), Span("b", marks=["strong"])]` -> `a **b**`.

    With `breaks=False` (headings, table cells, alt text) a newline is written as `&#10;`: those are one line.
    """
    pieces = _escape(_pieces(_runs(spans), in_table=in_table), breaks=breaks)
    _guard_flanking(pieces)
    return "".join(piece.markdown for piece in pieces)


def _runs(spans: list[Span]) -> list[Span]:
    """Merge neighbours that look the same; drop emphasis from whitespace, which CommonMark cannot emphasise."""
    runs: list[Span] = []
    for span in spans:
        if not span.text.strip(WHITESPACE):
            span = span.model_copy(update={"marks": [mark for mark in span.marks if not _is_emphasis(mark)]})
        if runs and set(runs[-1].marks) == set(span.marks) and runs[-1].href == span.href:
            runs[-1] = runs[-1].model_copy(update={"text": runs[-1].text + span.text})
        else:
            runs.append(span)
    return runs


def _is_emphasis(mark: Mark) -> bool:
    return mark in _MARKS and _MARKS[mark].flanking


def _split_edges(span: Span) -> tuple[str, str, str]:
    """(leading, core, trailing): the edges that must stay outside emphasis delimiters."""
    edge = "\n" if "code" in span.marks else WHITESPACE
    core = span.text.lstrip(edge)
    stripped = core.rstrip(edge)
    return span.text[: len(span.text) - len(core)], stripped, core[len(stripped) :]


def _pieces(runs: list[Span], *, in_table: bool) -> list[_Piece]:
    """Open and close marks as a stack, so that markup nests, keeping edge whitespace out of emphasis."""
    stack: list[_Mark] = []
    pieces: list[_Piece] = []
    for span in runs:
        wanted = _wanted(span)
        keep = next((i for i, mark in enumerate(stack) if mark not in wanted), len(stack))
        _close(pieces, stack[keep:][::-1])
        opens = [mark for mark in wanted if mark not in stack[:keep]]
        del stack[keep:]
        stack += opens
        lead, core, trail = _split_edges(span)
        if not any(mark.flanking for mark in opens):
            lead, core = "", lead + core
        pieces += [_Piece("text", lead)] + [_Piece("open", mark.opening, mark) for mark in opens]
        pieces += _code_spans(core, in_table) if "code" in span.marks else [_Piece("text", core)]
        pieces.append(_Piece("text", trail))
    _close(pieces, stack[::-1])
    return [piece for piece in pieces if piece.markdown]


def _wanted(span: Span) -> list[_Mark]:
    link = [_Mark(f"link {span.href}", "[", f"]({_destination(span.href)})", flanking=False)] if span.href else []
    return link + [mark for name, mark in _MARKS.items() if name in span.marks]


def _close(pieces: list[_Piece], marks: list[_Mark]) -> None:
    """`**bold **` is not emphasis but `**bold** ` is: trailing whitespace moves after the closing delimiters."""
    text = next((piece for piece in reversed(pieces) if piece.markdown), None)
    trailing = ""
    if any(mark.flanking for mark in marks) and text is not None and text.kind == "text":
        kept = text.markdown.rstrip(WHITESPACE)
        text.markdown, trailing = kept, text.markdown[len(kept) :]
    pieces += [_Piece("close", mark.closing, mark) for mark in marks]
    pieces.append(_Piece("text", trailing))


def _code_spans(code: str, in_table: bool) -> list[_Piece]:
    """One code span per line (a code span cannot hold a line break); in a table `|` is escaped even there."""
    pieces: list[_Piece] = []
    for part in re.split(r"([\r\n])", code):
        if part in ("\r", "\n"):
            pieces.append(_Piece("text", part))
        elif part:
            fence = "`" * (_longest_run(part, "`") + 1)
            # CommonMark strips one space from each end when both have one, and a fence must not touch a backtick.
            pad = part[0] == "`" or part[-1] == "`" or (part[0] == part[-1] == " " and bool(part.strip(" ")))
            content = f" {part} " if pad else part
            pieces.append(_Piece("code", fence + (content.replace("|", "\\|") if in_table else content) + fence))
    return pieces


def _escape(pieces: list[_Piece], *, breaks: bool) -> list[_Piece]:
    """Escape the text pieces; a line starts at the beginning and after each line break."""
    at_line_start = True
    for index, piece in enumerate(pieces):
        if piece.kind == "text":
            text = piece.markdown
            start = len(text) - len(text.lstrip(WHITESPACE)) if index == 0 else 0
            end = max(start, len(text.rstrip(WHITESPACE))) if index == len(pieces) - 1 else len(text)
            lead, core, trail = text[:start], text[start:end], text[end:]
            lines = [_escape_line(line, at_line_start or i > 0) for i, line in enumerate(core.split("\n"))]
            piece.markdown = _references(lead) + ("\\\n" if breaks else "&#10;").join(lines) + _references(trail)
            at_line_start = breaks and core.endswith("\n")
        else:
            at_line_start = False
        previous = pieces[index - 1] if index else None
        if piece.markdown == "[" and previous and previous.kind == "text" and previous.markdown.endswith("!"):
            previous.markdown = previous.markdown[:-1] + "\\!"  # `![` would make the link an image
    return pieces


def _escape_line(line: str, at_line_start: bool) -> str:
    # A carriage return would end the line; its reference is written after escaping, or its '&' would be escaped.
    escaped = _ALWAYS.sub(lambda m: "\\" + m.group(), line).replace("\r", "&#13;")
    if not at_line_start:
        return escaped
    indented = escaped.lstrip(" \t")
    indent = escaped[: len(escaped) - len(indented)]
    return _references(indent) + _LINE_START.sub(_escape_line_start, indented)


def _escape_line_start(match: re.Match[str]) -> str:
    marker = match.group()
    return marker + "\\" if marker[0].isdigit() else "\\" + marker


def _references(text: str) -> str:
    """Characters as numeric references (`&#32;`): the parser keeps them where it would trim or interpret."""
    return "".join(f"&#{ord(char)};" for char in text)


def _guard_flanking(pieces: list[_Piece]) -> None:
    """Make every emphasis delimiter open or close as intended, whatever letter stands next to it.

    CommonMark decides from the neighbouring characters: `a**"b"**` is not emphasis because the `**` sits between
    a letter and punctuation, and `_` never opens or closes inside a word. Writing that letter as a character
    reference (`&#97;**"b"**`) keeps the text and puts punctuation (`;`, `&`) next to the delimiter. That can
    upset the delimiter on the letter's other side, so it repeats until nothing changes (each round encodes a
    letter, so it ends).
    """
    while _guard_once(pieces):
        pass


def _guard_once(pieces: list[_Piece]) -> bool:
    changed = False
    for index, piece in enumerate(pieces):
        if piece.mark is None or not piece.mark.flanking:
            continue
        before = pieces[index - 1] if index else _EDGE
        after = pieces[index + 1] if index + 1 < len(pieces) else _EDGE
        em = piece.mark.key == "em"
        if piece.kind == "open" and _is_word(before.markdown[-1:]) and (em or _is_punct(after.markdown[:1])):
            before.markdown = before.markdown[:-1] + _references(before.markdown[-1])
            changed = True
        if piece.kind == "close" and _is_word(after.markdown[:1]) and (em or _is_punct(before.markdown[-1:])):
            after.markdown = _references(after.markdown[0]) + after.markdown[1:]
            changed = True
    return changed


_EDGE = _Piece("edge", "")


def _is_punct(char: str) -> bool:
    return bool(char) and (char in string.punctuation or unicodedata.category(char)[0] in "PS")


def _is_word(char: str) -> bool:
    return bool(char) and char not in WHITESPACE and not _is_punct(char)
