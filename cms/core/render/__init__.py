"""The delivery formats: `FORMATS[name]` gives the media type and the renderers of an article and of a section."""

from collections.abc import Callable
from dataclasses import dataclass

import orjson

from cms.core.article import Article, Section
from cms.core.render import html, markdown, portable_text, text


@dataclass(frozen=True)
class Format:
    name: str
    media_type: str
    article: Callable[[Article], bytes]
    section: Callable[[Section], bytes]


def _json(model: Article | Section) -> bytes:
    return orjson.dumps(model.model_dump(mode="json"))


FORMATS: dict[str, Format] = {
    fmt.name: fmt
    for fmt in (
        Format("json", "application/json", _json, _json),
        Format("html", "text/html; charset=utf-8", html.article, html.section),
        Format("markdown", "text/markdown; charset=utf-8", markdown.article, markdown.section),
        Format("text", "text/plain; charset=utf-8", text.article, text.section),
        Format("portable-text", "application/json", portable_text.article, portable_text.section),
    )
}


def formats(image_widths: tuple[int, ...]) -> dict[str, Format]:
    """The formats, with `html` writing `srcset`s over these widths (CMS_IMAGE_WIDTHS) instead of the defaults."""
    return FORMATS | {
        "html": Format(
            "html",
            FORMATS["html"].media_type,
            lambda article: html.article(article, image_widths),
            lambda section: html.section(section, image_widths),
        )
    }
