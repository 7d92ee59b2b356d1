"""Responses shared by delivery and preview: JSON bytes from orjson, and an article or section in a format."""

from typing import Any

import orjson
from starlette.responses import Response

from cms.core.article import ARTICLE_FIELDS, Article, Section
from cms.core.render import FORMATS, Format
from cms.web.http import params


def json_response(content: Any, status_code: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(content), status_code=status_code, headers=headers, media_type="application/json")


def render_article(article: Article, query: dict[str, str], formats: dict[str, Format] = FORMATS) -> tuple[bytes, str]:
    """The article in `?format=` (JSON by default, where `?fields=` picks the top-level fields).

    `formats` are the app's (`app.state.formats`): its `html` writes srcsets over CMS_IMAGE_WIDTHS.
    """
    fmt = formats[params.output_format(query).name]
    if fmt.name == "json":
        fields = params.fields(query, ARTICLE_FIELDS, ARTICLE_FIELDS)
        return orjson.dumps(article.model_dump(mode="json", include=fields)), fmt.media_type
    return fmt.article(article), fmt.media_type


def render_section(section: Section, query: dict[str, str], formats: dict[str, Format] = FORMATS) -> tuple[bytes, str]:
    fmt = formats[params.output_format(query).name]
    return fmt.section(section), fmt.media_type


def rendered(body_and_type: tuple[bytes, str], headers: dict[str, str] | None = None) -> Response:
    body, media_type = body_and_type
    return Response(body, media_type=media_type, headers=headers)
