"""Listing pages for delivery: summaries newest first, or search hits best first, as the JSON clients get."""

import orjson

from cms.core.article import ARTICLE_FIELDS
from cms.core.listing_query import BadCursor, BadSearch, Search
from cms.core.representation import Rendition
from cms.storage.listing import published_summaries

__all__ = ["BadCursor", "BadSearch", "Search", "page"]


async def page(
    locale: str, limit: int, cursor: str | None, fields: set[str], tag: str | None, search: Search | None
) -> tuple[Rendition, str]:
    """The page as served (`{"items", "next_cursor"}` with the asked fields) and its CDN surrogate keys."""
    found = await published_summaries(locale, limit, cursor, "sections" in fields, tag=tag, search=search)
    items = [{name: item[name] for name in ARTICLE_FIELDS if name in fields} for item in found.items]
    body = orjson.dumps({"items": items, "next_cursor": found.next_cursor}, option=orjson.OPT_UTC_Z)
    keys = " ".join(["articles", *(f"article-{item['id']}" for item in found.items)])
    return Rendition.of(body, "application/json"), keys
