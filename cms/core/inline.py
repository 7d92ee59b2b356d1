"""Inline text as the editor's page writes it: spans with marks and links in a small Markdown-like notation.

    **strong**  *emphasis*  `code`  __underline__  ~~strike~~  [link text](https://example.org)

Each marker switches its mark on or off (so marks may overlap freely); a backslash makes the next character
literal (`\\*`, `\\_`, `\\~`, `` \\` ``, `\\[`, `\\]`, `\\|`, `\\\\`); `\\n` is a line break and `\\r` a carriage
return where a line break cannot be typed as one (list items, table cells). `write` gives the one notation of
a list of spans, `read` its spans back: `read(write(spans)) == merged(spans)`, where `merged` joins neighbouring
spans of the same marks and link and puts marks in one order (tests/core/test_inline.py proves it).
"""

from typing import Any

from cms.core.spans import Mark

MARKS: tuple[Mark, ...] = ("strong", "em", "code", "underline", "strike")
_MARKER: dict[str, str] = {"strong": "**", "em": "*", "code": "`", "underline": "__", "strike": "~~"}
_SPECIAL = "\\*_~`[]|"

Json = dict[str, Any]


class NotationError(ValueError):
    """The text is not in the notation: the message says where and what to write instead."""


def merged(spans: list[Json]) -> list[Json]:
    """Spans as `read` gives them back: marks in the order of MARKS, neighbours of the same kind joined."""
    out: list[Json] = []
    for span in spans:
        if not span.get("text"):
            continue
        marks = [mark for mark in MARKS if mark in span.get("marks", [])]
        href = span.get("href")
        if out and out[-1].get("marks", []) == marks and out[-1].get("href") == href:
            out[-1]["text"] += span["text"]
            continue
        out.append({"text": span["text"]} | ({"marks": marks} if marks else {}) | ({"href": href} if href else {}))
    return out


def _escape(text: str, lines: bool) -> str:
    out = []
    for ch in text:
        if ch in _SPECIAL:
            out.append("\\" + ch)
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\n" and lines:
            out.append("\\n")
        else:
            out.append(ch)
    return "".join(out)


def write(spans: list[Json], *, lines: bool = False) -> str:
    """The notation of `spans`; with `lines`, line breaks are written `\\n` so that the text stays on one line."""
    out: list[str] = []
    marks: set[str] = set()
    href: str | None = None
    for span in [*merged(spans), {"text": ""}]:
        wanted, link = set(span.get("marks", [])), span.get("href")
        out += [_MARKER[mark] for mark in MARKS if mark in marks - wanted]  # off first
        if link != href and href is not None:
            out.append("](" + href.replace("\\", "\\\\").replace(")", "\\)") + ")")
        if link != href and link is not None:
            out.append("[")
        out += [_MARKER[mark] for mark in MARKS if mark in wanted - marks]
        out.append(_escape(span["text"], lines))
        marks, href = wanted, link
    return "".join(out)


def read(notation: str) -> list[Json]:
    """The spans of a text in the notation; NotationError when a link or a marker is left open."""
    spans: list[Json] = []
    marks: set[str] = set()
    href_start: int | None = None  # where the open link's text starts in `spans`
    text: list[str] = []

    def flush() -> None:
        if text:
            ordered = [mark for mark in MARKS if mark in marks]
            spans.append({"text": "".join(text)} | ({"marks": ordered} if ordered else {}))
            text.clear()

    i = 0
    while i < len(notation):
        ch, pair = notation[i], notation[i : i + 2]
        if ch == "\\" and i + 1 < len(notation):
            nxt = notation[i + 1]
            text.append({"n": "\n", "r": "\r"}.get(nxt, nxt))
            i += 2
            continue
        marker = next((m for m, sign in _MARKER.items() if pair == sign and len(sign) == 2), None)
        if marker is None and ch in ("*", "`"):
            marker = "em" if ch == "*" else "code"
        if marker is not None:
            flush()
            marks ^= {marker}
            i += len(_MARKER[marker])
            continue
        if ch == "[" and href_start is None:
            flush()
            href_start = len(spans)
            i += 1
            continue
        if pair == "](" and href_start is not None:
            flush()
            end, target = _link_target(notation, i + 2)
            if not target:
                raise NotationError(f"the link at character {i + 1} has no address: write [text](https://…)")
            for span in spans[href_start:]:
                span["href"] = target
            href_start, i = None, end
            continue
        text.append(ch)
        i += 1
    flush()
    if href_start is not None:
        raise NotationError("a link is opened with [ but not closed with ](address): write [text](https://…)")
    if marks:
        open_ = ", ".join(_MARKER[mark] for mark in MARKS if mark in marks)
        raise NotationError(f"{open_} is opened but not closed: close it, or write \\ before a literal one")
    return merged(spans)


def _link_target(notation: str, start: int) -> tuple[int, str]:
    out: list[str] = []
    i = start
    while i < len(notation):
        ch = notation[i]
        if ch == "\\" and i + 1 < len(notation):
            out.append(notation[i + 1])
            i += 2
            continue
        if ch == ")":
            return i + 1, "".join(out)
        out.append(ch)
        i += 1
    raise NotationError("a link's address is not closed with ): write [text](https://…)")
