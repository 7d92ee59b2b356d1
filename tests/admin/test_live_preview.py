"""The live Preview: the session reaches the event stream (read-only) and the Preview's fragment route.

Streams here last STREAM_SECONDS (CMS_EVENT_STREAM_MAX_SECONDS): httpx.ASGITransport hands over a response only
once it is complete. tests/browser follows a real one live.
"""

import asyncio
import re

import orjson
import pytest

from cms.config import Settings
from tests.admin.conftest import csrf_of
from tests.admin.test_editor import new_article
from tests.web.test_event_stream import parse

STREAM_SECONDS = 0.6


@pytest.fixture
def settings(database_url, tmp_path):
    return Settings(
        database_url=database_url, media_dir=str(tmp_path / "media"), event_stream_max_seconds=STREAM_SECONDS,
        event_keepalive_seconds=60,
    )  # fmt: skip


async def _types_while_saving(client, editor):
    """The event types a stream opened by `client` gets while the API creates a draft."""

    async def save():
        await asyncio.sleep(0.15)
        created = await client.post("/api/v1/articles", json={"title": "Live", "sections": []}, headers=editor)
        assert created.status_code == 201, created.text

    response, _ = await asyncio.gather(client.get("/api/v1/events"), save())
    assert response.status_code == 200
    return [(m["event"], orjson.loads(m["data"])["data"]["slug"]) for m in parse(response.text)]


async def test_sign_in_sends_the_session_cookie_to_the_event_stream_too(client, person, sign_in):
    answer = await sign_in(await person("editor"))

    cookies = [c for c in answer.headers.get_list("set-cookie") if c.startswith("cms_session=")]
    assert [c.split("; ", 1)[1] for c in cookies] == [
        "HttpOnly; Path=/admin; SameSite=lax",
        "HttpOnly; Path=/api/v1/events; SameSite=lax",
    ]
    assert cookies[0].split(";")[0] == cookies[1].split(";")[0]


async def test_a_signed_in_session_sees_article_updated_on_the_stream(client, signed_in, editor):
    seen = await _types_while_saving(client, editor)

    assert seen == [("article.updated", "live")]


async def test_a_signed_out_stream_does_not_see_article_updated(client, editor):
    seen = await _types_while_saving(client, editor)

    assert seen == []


async def test_after_sign_out_the_stream_no_longer_sees_article_updated(client, signed_in, editor):
    page = await client.get("/admin")
    await client.post("/admin/sign-out", data={"csrf": csrf_of(page)})

    seen = await _types_while_saving(client, editor)

    assert seen == []


async def test_the_preview_fragment_is_the_saved_draft_rendered_as_html(client, signed_in):
    url = await new_article(client)

    fragment = await client.get(url.replace("/edit", "/preview"))

    assert fragment.status_code == 200
    assert fragment.headers["content-type"] == "text/html; charset=utf-8"
    assert fragment.headers["cache-control"] == "no-store"
    assert fragment.text.startswith("<article")
    assert '<section id="why">\n<h2>Why</h2>\n<p>Because it helps.</p>' in fragment.text


async def test_the_preview_fragment_signed_out_redirects_to_sign_in(client):
    fragment = await client.get("/admin/articles/hello/preview")

    assert fragment.status_code == 303
    assert fragment.headers["location"] == "/admin/sign-in?next=%2Fadmin%2Farticles%2Fhello%2Fpreview"


async def test_sign_out_deletes_the_session_cookie_on_both_paths(client, signed_in):
    page = await client.get("/admin")

    out = await client.post("/admin/sign-out", data={"csrf": csrf_of(page)})

    deleted = [c for c in out.headers.get_list("set-cookie") if c.startswith("cms_session=")]
    assert [re.search(r"Path=[^;]+", c)[0] for c in deleted] == ["Path=/admin", "Path=/api/v1/events"]
    assert all("Max-Age=0" in c for c in deleted)
