"""Responses shared by delivery and preview: JSON bytes from orjson, and an article or section in a format."""

from typing import Any

import orjson
from starlette.responses import Response

from cms.core.article import ARTICLE_FIELDS, Article, Section
from cms.web import params


def json_response(content: Any, status_code: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(content), status_code=status_code, headers=headers, media_type="application/json")


def article_response(article: Article, query: dict[str, str], headers: dict[str, str] | None = None) -> Response:
    """The article in `?format=` (JSON by default, where `?fields=` picks the top-level fields)."""
    fmt = params.output_format(query)
    fields = params.fields(query, ARTICLE_FIELDS, ARTICLE_FIELDS)
    if fmt.name == "json":
        return json_response(article.model_dump(mode="json", include=fields), headers=headers)
    return Response(fmt.article(article), media_type=fmt.media_type, headers=headers)


def section_response(section: Section, query: dict[str, str], headers: dict[str, str] | None = None) -> Response:
    fmt = params.output_format(query)
    return Response(fmt.section(section), media_type=fmt.media_type, headers=headers)
