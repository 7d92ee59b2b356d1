"""Cached delivery hits are answered before the router (cms/web/http/fast_path.py), exactly as the routed request is."""

import httpx
import pytest
from asgi_lifespan import LifespanManager

from cms.config import Settings
from cms.services import tokens
from cms.web.app import create_app

SECTIONED = {"title": "Fast", "sections": [{"heading": "Part One", "blocks": [{"type": "paragraph", "spans": "x"}]}]}


def _seen(response: httpx.Response) -> tuple[int, dict[str, str], bytes]:
    headers = {name: value for name, value in response.headers.items() if name != "x-request-id"}
    return response.status_code, headers, response.content


@pytest.mark.parametrize("path", ["/api/v1/articles/fast", "/api/v1/articles/fast/sections/part-one"])
@pytest.mark.parametrize("encoding", ["gzip", "identity"])
async def test_a_cached_hit_answers_what_the_routed_request_answers(client, publish, path, encoding):
    await publish(**SECTIONED)
    headers = {"Accept-Encoding": encoding}
    await client.get(path, headers=headers)  # routed: makes the rendition

    hit = await client.get(path, headers=headers)
    routed = await client.get(path, params={"locale": "en"}, headers=headers)  # a query string is always routed

    assert hit.status_code == 200
    assert _seen(hit) == _seen(routed)


async def test_a_cached_hit_answers_304_as_the_routed_request_does(client, publish):
    await publish(**SECTIONED)
    etag = (await client.get("/api/v1/articles/fast")).headers["etag"]

    hit = await client.get("/api/v1/articles/fast", headers={"If-None-Match": etag})
    routed = await client.get("/api/v1/articles/fast", params={"locale": "en"}, headers={"If-None-Match": etag})

    assert hit.status_code == 304
    assert _seen(hit) == _seen(routed)


async def test_a_kept_listing_page_answers_what_it_answered_when_made(client, publish):
    await publish(**SECTIONED)
    made = await client.get("/api/v1/articles", params={"limit": "5"})

    kept = await client.get("/api/v1/articles", params={"limit": "5"})

    assert kept.status_code == 200
    assert _seen(kept) == _seen(made)


async def test_an_article_not_yet_published_is_a_404_problem_and_never_a_cached_hit(client, publish, editor):
    await publish(**SECTIONED)
    await client.get("/api/v1/articles/fast")
    await client.post("/api/v1/articles/fast/unpublish", headers=editor)

    response = await client.get("/api/v1/articles/fast")

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


async def test_a_cors_request_gets_its_cors_headers_on_a_cached_article(database_url):
    app = create_app(Settings(database_url=database_url, cors_origins=("https://site.example",)))
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url="http://t") as http,
    ):
        editor = {"Authorization": f"Bearer {(await tokens.create('editor', ['write']))[1]}"}
        await http.post("/api/v1/articles", json=SECTIONED, headers=editor)
        await http.post("/api/v1/articles/fast/publish", headers=editor)
        await http.get("/api/v1/articles/fast")
        response = await http.get("/api/v1/articles/fast", headers={"Origin": "https://site.example"})

    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "https://site.example"
