"""GET /api/v1/articles: published summaries, newest first, by keyset cursor."""

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from cms.core.article import ARTICLE_FIELDS, SUMMARY_FIELDS
from cms.storage import listing
from cms.web import params
from cms.web.problems import bad_parameter
from cms.web.responses import json_response


async def list_articles(request: Request) -> Response:
    query = params.query(request, {"locale", "fields", "limit", "cursor"})
    fields = params.fields(query, ARTICLE_FIELDS, SUMMARY_FIELDS)
    try:
        page = await listing.published_summaries(
            locale=params.locale(query, request.app.state.settings.default_locale),
            limit=params.limit(query),
            cursor=query.get("cursor"),
            with_sections="sections" in fields,
        )
    except listing.BadCursor as exc:
        raise bad_parameter("cursor", str(exc)) from None
    items = [article.model_dump(mode="json", include=fields) for article in page.items]
    return json_response({"items": items, "next_cursor": page.next_cursor})


routes = [Route("/api/v1/articles", list_articles, methods=["GET"], name="list_articles")]
