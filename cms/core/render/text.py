"""Plain text: the title line, then each section's heading and blocks, separated by blank lines.

For search snippets, e-mails and screen readers: every span's text appears, markup does not.
"""

from collections.abc import Iterator
from html.parser import HTMLParser

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
)
from cms.core.spans import plain_text


def article(article: Article) -> bytes:
    parts = [article.title, *(_section(section) for section in article.sections)]
    return ("\n\n".join(part for part in parts if part) + "\n").encode()


def section(section: Section) -> bytes:
    return (_section(section) + "\n").encode()


def _section(section: Section) -> str:
    heading = [section.heading] if section.heading else []
    return "\n\n".join(heading + [_block(block) for block in section.blocks])


def _block(block: Block) -> str:
    match block:
        case Paragraph() | Heading() | Callout():
            return plain_text(block.spans)
        case List():
            return "\n".join(_list(block.items, numbered=block.style == "number", depth=0))
        case Quote():
            return plain_text(block.spans) + (f"\n— {block.cite}" if block.cite else "")
        case Code():
            code: str = block.code
            return code
        case Image():
            return "\n".join(text for text in (block.alt, block.caption) if text)
        case Embed():
            return "\n".join(text for text in (block.title, block.url) if text)
        case Divider():
            return "* * *"
        case Table():
            return "\n".join(" | ".join(plain_text(cell) for cell in row) for row in block.rows)
        case Html():
            return _TextOf.text(block.html)


def _list(items: list[ListItem], *, numbered: bool, depth: int) -> Iterator[str]:
    indent = "  " * depth
    for number, item in enumerate(items, start=1):
        marker = f"{number}. " if numbered else "- "
        yield indent + marker + plain_text(item.spans)
        yield from _list(item.items, numbered=numbered, depth=depth + 1)


class _TextOf(HTMLParser):
    """The text content of an html block, through a real parser so entities and odd markup are read right."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    @classmethod
    def text(cls, html: str) -> str:
        parser = cls()
        parser.feed(html)
        parser.close()
        return "".join(parser.parts).strip()
