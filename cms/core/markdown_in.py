"""Markdown with optional YAML front matter -> `ArticleInput`.

Markdown is how editors already write, so the importer maps it onto our blocks instead of storing it as one
blob: `## h2` opens a section because sections are what delivery addresses by anchor; a leading `# h1` is the
title because that is where a Markdown file keeps it. Conventions other tools already use give the block
types CommonMark lacks: GitHub alerts (`> [!TIP]`) are callouts, a lone `<https://…>` is an embed.
Text is never dropped: constructs a block cannot hold (a code block inside a list item, an image inside
a sentence) are kept as their text. The full rules are in docs/importing.md.

Front matter errors are `InvalidContent` (paths `front_matter/<key>`); content that breaks the model raises
Pydantic's `ValidationError` from `ArticleInput.model_validate`, with the same paths as a JSON body would get.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml  # type: ignore[import-untyped]
from frontmatter.default_handlers import YAMLHandler
from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

from cms.core.article import ArticleInput
from cms.core.blocks import asset_url
from cms.core.errors import FieldError, InvalidContent

FRONT_MATTER_KEYS = ("title", "slug", "tags", "summary", "locale", "author")


class _AsWritten(MarkdownIt):
    """markdown-it with link destinations kept as the author wrote them.

    markdown-it normalises a destination for HTML output: it percent-encodes it (`/x|y` -> `/x%7Cy`) and turns
    an international host into punycode. We are not writing HTML but storing content, whose renderers escape
    on output, so the destination is what the text says once its Markdown escapes and entities are decoded
    (markdown-it does that before it calls `normalizeLink`). Undoing the encoding afterwards would be wrong:
    it cannot tell a `%7C` it wrote from one the author wrote.
    """

    def normalizeLink(self, url: str) -> str:
        return url


_MARKDOWN = _AsWritten("commonmark", {"html": True}).enable(["table", "strikethrough"])
_YAML = YAMLHandler()

_MARK_ORDER = ("strong", "em", "code", "underline", "strike")
_MARK_OF_NODE = {"strong": "strong", "em": "em", "s": "strike"}
_ALERT = re.compile(r"\[!(NOTE|INFO|TIP|WARNING|CAUTION|IMPORTANT)\]", re.IGNORECASE)
_TONE = {
    "note": "info",
    "info": "info",
    "tip": "tip",
    "warning": "warning",
    "caution": "warning",
    "important": "warning",
}
_LISTS = ("bullet_list", "ordered_list")
_CITE_PREFIX = "— "
_ASSET_URL = re.compile(re.escape(asset_url("")) + r"([^/?#]+)(?:/[^/?#]+)?")  # the model checks the id

Json = dict[str, Any]


def parse_markdown(source: str) -> ArticleInput:
    """'---\\ntitle: Hello\\n---\\nIntro\\n\\n## Part\\n\\nText' -> two sections: (None, Intro), ('Part', Text)."""
    meta, body = _front_matter(source.removeprefix("\ufeff"))
    nodes = SyntaxTreeNode(_MARKDOWN.parse(body)).children
    title = meta.get("title")
    if nodes and nodes[0].tag == "h1":
        h1 = _plain_text(nodes[0])
        if title is None or (isinstance(title, str) and title.strip() == h1.strip()):
            title, nodes = h1, nodes[1:]
    if title is None:
        message = "the article has no title: start it with a '# Title' line or give 'title:' in the front matter"
        raise InvalidContent([FieldError(path="title", message=message)])
    return ArticleInput.model_validate({**meta, "title": title, "sections": _sections(nodes)})


def _front_matter(source: str) -> tuple[Json, str]:
    """Split off the YAML between two '---' lines at the very top; without them there is no front matter."""
    if not _YAML.detect(source):
        return {}, source
    try:
        raw, body = _YAML.split(source)
    except ValueError:  # no closing '---': the document starts with a thematic break
        return {}, source
    try:
        meta = _YAML.load(raw)
    except yaml.YAMLError as exc:
        problem = " ".join(str(exc).split())
        message = f"the front matter is not valid YAML ({problem}): write one 'key: value' per line"
        raise InvalidContent([FieldError(path="front_matter", message=message)]) from None
    if meta is None:
        return {}, body
    accepted = ", ".join(FRONT_MATTER_KEYS)
    if not isinstance(meta, dict):
        message = f"the front matter must be 'key: value' lines, not a YAML {type(meta).__name__}: use {accepted}"
        raise InvalidContent([FieldError(path="front_matter", message=message)])
    unknown = [key for key in meta if key not in FRONT_MATTER_KEYS]
    if unknown:
        raise InvalidContent(
            [FieldError(path=f"front_matter/{key}", message=f"unknown key {key!r}: use {accepted}") for key in unknown]
        )
    return meta, body


def _sections(nodes: Sequence[SyntaxTreeNode]) -> list[Json]:
    sections: list[Json] = [{"heading": None, "blocks": []}]
    for node in nodes:
        if node.tag in ("h1", "h2"):
            # An empty '##' opens a section without heading: the only way to write one after the first.
            sections.append({"heading": _plain_text(node) or None, "blocks": []})
        else:
            sections[-1]["blocks"].extend(_blocks(node))
    return sections if sections[0]["blocks"] else sections[1:]


def _blocks(node: SyntaxTreeNode) -> list[Json]:
    match node.type:
        case "paragraph":
            return _paragraph(node)
        case "heading":
            return [{"type": "heading", "level": int(node.tag[1]), "spans": _spans(node)}]
        case "bullet_list" | "ordered_list":
            style = "bullet" if node.type == "bullet_list" else "number"
            return [{"type": "list", "style": style, "items": [_list_item(item) for item in node.children]}]
        case "blockquote":
            return [_quote(node)]
        case "fence" | "code_block":
            language = node.info.split()[0] if node.info.strip() else None
            return [{"type": "code", "code": _code(node), "language": language}]
        case "hr":
            return [{"type": "divider"}]
        case "table":
            return [_table(node)]
        case _:  # html_block: the last of the block types CommonMark and its table extension produce
            return [] if _is_comment(node) else [{"type": "html", "html": node.content.removesuffix("\n")}]


def _paragraph(node: SyntaxTreeNode) -> list[Json]:
    """A paragraph of images alone is image blocks, a lone https autolink an embed; anything else is text."""
    inline = node.children[0].children
    content = [child for child in inline if not _is_blank(child)]
    if content and all(child.type == "image" for child in content):
        return [_image(child) for child in content]
    autolink = content[0] if len(content) == 1 and content[0].markup == "autolink" else None
    if autolink is not None and str(autolink.attrs["href"]).lower().startswith("https:"):
        return [{"type": "embed", "url": autolink.attrs["href"]}]
    return [{"type": "paragraph", "spans": _spans(node)}]


def _image(node: SyntaxTreeNode) -> Json:
    """An image at an asset's URL (`/api/v1/assets/<id>/<filename>`, or `/api/v1/assets/<id>`) is that asset."""
    src = str(node.attrs["src"])
    source = {"asset_id": asset[1]} if (asset := _ASSET_URL.fullmatch(src)) else {"src": src}
    return {"type": "image", **source, "alt": _plain_text(node), "caption": node.attrs.get("title") or None}


def _code(node: SyntaxTreeNode) -> str:
    """The code of a code block: its lines end in a newline, and the last one belongs to the block, not the code."""
    return node.content.removesuffix("\n")


def _table(node: SyntaxTreeNode) -> Json:
    """A GFM table always has a header row; one of only empty cells stands for "no header row"."""
    rows = [[_spans(cell) for cell in row.children] for part in node.children for row in part.children]
    if len(rows) > 1 and not any(rows[0]):
        return {"type": "table", "rows": rows[1:], "header_row": False}
    return {"type": "table", "rows": rows, "header_row": True}


def _list_item(node: SyntaxTreeNode) -> Json:
    nested = [item for child in node.children if child.type in _LISTS for item in child.children]
    spans = _Spans()
    spans.blocks([child for child in node.children if child.type not in _LISTS])
    return {"spans": spans.spans, "items": [_list_item(item) for item in nested]}


def _quote(node: SyntaxTreeNode) -> Json:
    """A GitHub alert is a callout; a last paragraph '— Name' is the quote's cite."""
    children = node.children
    if tone := _alert_tone(children):
        spans = _Spans()
        spans.walk(children[0].children[0].children[2:])  # after the marker and its line break
        spans.blocks(children[1:])
        return {"type": "callout", "tone": tone, "spans": spans.spans}
    cite = None
    if len(children) > 1 and children[-1].type == "paragraph":
        last = _plain_text(children[-1])
        if last.startswith(_CITE_PREFIX):
            cite, children = last.removeprefix(_CITE_PREFIX), children[:-1]
    spans = _Spans()
    spans.blocks(children)
    return {"type": "quote", "spans": spans.spans, "cite": cite}


def _alert_tone(children: Sequence[SyntaxTreeNode]) -> str | None:
    """The tone of a quote whose first line is a GitHub alert marker alone, such as '[!TIP]'.

    The marker is syntax, so it is matched as written: an escaped `\\[!TIP\\]` is text that reads '[!TIP]'.
    """
    if not children or children[0].type != "paragraph":
        return None
    inline = children[0].children[0]
    first = inline.children
    alert = _ALERT.fullmatch(inline.content.split("\n", 1)[0].strip())
    if alert is None or first[0].type != "text" or (len(first) > 1 and first[1].type not in ("softbreak", "hardbreak")):
        return None
    return _TONE[alert[1].lower()]


def _is_comment(node: SyntaxTreeNode) -> bool:
    """An HTML comment is the author's note to themselves; kept, it would be an html block sanitised to nothing."""
    html = node.content.strip()
    return html.startswith("<!--") and html.endswith("-->")


def _is_blank(node: SyntaxTreeNode) -> bool:
    return node.type in ("softbreak", "hardbreak") or (node.type == "text" and not node.content.strip())


def _spans(node: SyntaxTreeNode) -> list[Json]:
    """The spans of a node holding inline content: a paragraph, heading or table cell."""
    spans = _Spans()
    spans.walk(node.children[0].children)
    return spans.spans


def _plain_text(node: SyntaxTreeNode) -> str:
    """The text of a heading, or of an image's alt (whose inline nodes are the image's own children)."""
    spans = _Spans()
    spans.walk(node.children if node.type == "image" else node.children[0].children)
    return "".join(span["text"] for span in spans.spans)


@dataclass
class _Spans:
    """Collects spans from inline nodes, merging neighbours that have the same marks and link.

    `<u>` and `</u>` arrive as separate inline-html nodes around what they underline, so underline is a
    counter that lives across the walk rather than a mark passed down like `**` or `*`.
    """

    spans: list[Json] = field(default_factory=list)
    underline: int = 0
    pending_break: bool = False

    def add(self, text: str, marks: frozenset[str] = frozenset(), href: str | None = None) -> None:
        if not text:
            return
        if self.pending_break:
            self.pending_break = False
            self.add("\n")
        if self.underline:
            marks |= {"underline"}
        ordered = [mark for mark in _MARK_ORDER if mark in marks]
        last = self.spans[-1] if self.spans else None
        if last is not None and last["marks"] == ordered and last["href"] == href:
            last["text"] += text
        else:
            self.spans.append({"text": text, "marks": ordered, "href": href})

    def walk(
        self, nodes: Sequence[SyntaxTreeNode], marks: frozenset[str] = frozenset(), href: str | None = None
    ) -> None:
        for node in nodes:
            match node.type:
                case "text":
                    self.add(node.content, marks, href)
                case "softbreak":
                    self.add(" ", marks, href)
                case "hardbreak":
                    self.add("\n", marks, href)
                case "code_inline":
                    self.add(node.content, marks | {"code"}, href)
                case "strong" | "em" | "s":
                    self.walk(node.children, marks | {_MARK_OF_NODE[node.type]}, href)
                case "link":
                    self.walk(node.children, marks, str(node.attrs["href"]))
                case "image":  # an image inside text keeps its alt text: spans cannot hold images
                    self.add(_plain_text(node), marks, href)
                case _:  # html_inline
                    self._html(node.content, marks, href)

    def _html(self, html: str, marks: frozenset[str], href: str | None) -> None:
        if html.lower() == "<u>":
            self.underline += 1
        elif html.lower() == "</u>" and self.underline:
            self.underline -= 1
        else:
            self.add(html, marks, href)

    def blocks(self, nodes: Sequence[SyntaxTreeNode]) -> None:
        """Flatten blocks into one run of spans, a line break between them, for quotes and list items."""
        for node in nodes:
            if self.spans:
                self.pending_break = True
            if node.children and node.children[0].type == "inline":
                self.walk(node.children[0].children)
            elif node.type in ("fence", "code_block"):
                self.add(_code(node), frozenset({"code"}))
            elif node.type == "html_block" and not _is_comment(node):
                self.add(node.content.removesuffix("\n"))
            else:
                self.blocks(node.children)
