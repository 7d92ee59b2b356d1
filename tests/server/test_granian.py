"""`cms serve --server granian`: the same app, the same answers, a clean stop."""

import httpx

from cms.core.article import ArticleInput
from cms.services import drafts, publishing
from cms.storage import db
from tests.server.process import serve

SERVER_HEADERS = {"date", "server", "x-request-id"}


async def _answers(url: str) -> tuple[str, list[tuple[int, dict[str, str], bytes]]]:
    """Who answered, and what: the article twice (the second a cached hit), its 304, an unknown slug's 404."""
    async with httpx.AsyncClient(base_url=url, headers={"Accept-Encoding": "gzip"}) as http:
        first = await http.get("/api/v1/articles/served")
        again = await http.get("/api/v1/articles/served")
        not_modified = await http.get("/api/v1/articles/served", headers={"If-None-Match": first.headers["etag"]})
        missing = await http.get("/api/v1/articles/nowhere")
    return first.headers["server"], [
        (r.status_code, {k: v for k, v in r.headers.items() if k not in SERVER_HEADERS}, r.content)
        for r in (first, again, not_modified, missing)
    ]


async def test_granian_serves_what_uvicorn_serves_and_stops_cleanly(database_url, tmp_path):
    async with db.database(database_url):
        await drafts.create(ArticleInput(title="Served"), default_locale="en")
        await publishing.publish("served", "en", if_match=None)

    with serve(database_url, tmp_path / "uvicorn.log") as server:
        by_uvicorn = await _answers(server.url)
    with serve(database_url, tmp_path / "granian.log", server="granian") as server:
        by_granian = await _answers(server.url)

    assert (by_uvicorn[0], by_granian[0]) == ("uvicorn", "granian")
    assert [status for status, _, _ in by_granian[1]] == [200, 200, 304, 404]
    assert by_granian[1] == by_uvicorn[1]
