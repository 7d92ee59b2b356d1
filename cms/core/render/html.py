"""A semantic HTML fragment: `<article>` with an `<h1>`, one `<section id="anchor">` per section.

Every text and attribute goes through `html.escape(…, quote=True)`; only the `html` block is written as stored,
because it was cleaned by the allow-list sanitiser when it was saved. An uploaded image gets a `srcset` of its
variants at `image_widths` (the allowed widths, CMS_IMAGE_WIDTHS) below its own width, and its own.
"""

from html import escape

from cms.core.article import Article, Section
from cms.core.assets import DEFAULT_IMAGE_WIDTHS, srcset
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
from cms.core.spans import Span

TAGS = {"strong": "strong", "em": "em", "underline": "u", "strike": "s", "code": "code"}  # outermost first


def article(article: Article, image_widths: tuple[int, ...] = DEFAULT_IMAGE_WIDTHS) -> bytes:
    sections = "".join(_section(section, image_widths) for section in article.sections)
    return f"<article>\n<h1>{escape(article.title)}</h1>\n{sections}</article>\n".encode()


def section(section: Section, image_widths: tuple[int, ...] = DEFAULT_IMAGE_WIDTHS) -> bytes:
    return _section(section, image_widths).encode()


def _section(section: Section, image_widths: tuple[int, ...]) -> str:
    heading = f"<h2>{escape(section.heading)}</h2>\n" if section.heading else ""
    blocks = "".join(_block(block, image_widths) + "\n" for block in section.blocks)
    return f'<section id="{escape(section.anchor)}">\n{heading}{blocks}</section>\n'


def _block(block: Block, image_widths: tuple[int, ...]) -> str:
    match block:
        case Paragraph():
            return f"<p>{spans(block.spans)}</p>"
        case Heading():
            return f"<h{block.level}>{spans(block.spans)}</h{block.level}>"
        case List():
            return _list(block.style, block.items)
        case Quote():
            quote = f"<blockquote><p>{spans(block.spans)}</p></blockquote>"
            # The HTML standard puts a quotation's attribution outside the <blockquote>, in the figure's caption.
            return (
                f"<figure>{quote}<figcaption><cite>{escape(block.cite)}</cite></figcaption></figure>"
                if block.cite
                else quote
            )
        case Code():
            language = f' class="language-{escape(block.language)}"' if block.language else ""
            return f"<pre><code{language}>{escape(block.code)}</code></pre>"
        case Image():
            return _image(block, image_widths)
        case Embed():
            # A link, not an <iframe>: framing any https page would run third-party scripts inside the reader's
            # page and let any site be shown as ours. Which providers to frame, and how to sandbox them, is the
            # frontend's decision; it can upgrade `figure.embed > a` with oEmbed, and the link works everywhere.
            return (
                f'<figure class="embed"><a href="{escape(block.url)}">{escape(block.title or block.url)}</a></figure>'
            )
        case Callout():
            return f'<aside class="callout callout-{block.tone}" role="note"><p>{spans(block.spans)}</p></aside>'
        case Divider():
            return "<hr>"
        case Table():
            return _table(block)
        case Html():
            html: str = block.html
            return html


def _list(style: str, items: list[ListItem]) -> str:
    tag = "ol" if style == "number" else "ul"
    lis = "".join(f"<li>{spans(item.spans)}{_list(style, item.items) if item.items else ''}</li>" for item in items)
    return f"<{tag}>{lis}</{tag}>"


def _image(image: Image, image_widths: tuple[int, ...]) -> str:
    caption = f"<figcaption>{escape(image.caption)}</figcaption>" if image.caption else ""
    return f"<figure>{_img(image, image_widths)}{caption}</figure>"


def _img(image: Image, image_widths: tuple[int, ...]) -> str:
    size = "".join(f' {name}="{value}"' for name, value in (("width", image.width), ("height", image.height)) if value)
    if image.src is not None:
        return f'<img src="{escape(image.src)}" alt="{escape(image.alt)}"{size}>'
    src = image.url or asset_url(image.asset_id or "")
    responsive = ""
    if image.url and image.width:
        widths = escape(srcset(image.url, image.width, image_widths))
        responsive = f' srcset="{widths}" sizes="(max-width: {image.width}px) 100vw, {image.width}px"'
    lazy = ' loading="lazy" decoding="async"'
    return f'<img src="{escape(src)}"{responsive} alt="{escape(image.alt)}"{size}{lazy}>'


def _table(table: Table) -> str:
    head, body = (table.rows[:1], table.rows[1:]) if table.header_row else ([], table.rows)
    thead = "".join(f"<thead>{_row(row, 'th')}</thead>" for row in head)
    tbody = f"<tbody>{''.join(_row(row, 'td') for row in body)}</tbody>" if body else ""
    return f"<table>{thead}{tbody}</table>"


def _row(cells: list[list[Span]], tag: str) -> str:
    return "<tr>" + "".join(f"<{tag}>{spans(cell)}</{tag}>" for cell in cells) + "</tr>"


def spans(spans: list[Span]) -> str:
    """`[Span("a", marks=["strong"], href="/x")]` -> `<a href="/x"><strong>a</strong></a>`; a newline is `<br>`."""
    return "".join(_span(span) for span in spans)


def _span(span: Span) -> str:
    html = "<br>".join(escape(line) for line in span.text.split("\n"))
    for mark in reversed(TAGS):
        if mark in span.marks:
            html = f"<{TAGS[mark]}>{html}</{TAGS[mark]}>"
    return f'<a href="{escape(span.href)}">{html}</a>' if span.href else html
