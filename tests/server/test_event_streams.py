"""Event streams against a real two-worker `cms serve`, followed live with httpx streaming."""

import asyncio
import contextlib
import time

import httpx
import orjson
import pytest

from cms.core.article import ArticleInput
from cms.services import drafts, tokens
from cms.storage import db
from tests.server.process import serve


@pytest.fixture
async def editor(database_url):
    async with db.database(database_url):
        _, secret = await tokens.create("editor", ["write", "preview"])
        for n in range(4):
            await drafts.create(ArticleInput(title=f"Article {n}"), default_locale="en")
        yield {"Authorization": f"Bearer {secret}"}


class Stream:
    """An open GET /api/v1/events whose messages are read in the background."""

    def __init__(self) -> None:
        self.messages: list[dict[str, str]] = []
        self.opened = asyncio.Event()
        self.arrived = asyncio.Condition()

    async def follow(self, base_url: str, headers: dict[str, str] | None = None) -> None:
        async with (
            httpx.AsyncClient(base_url=base_url, timeout=10) as http,
            http.stream("GET", "/api/v1/events", headers=headers) as response,
        ):
            assert response.status_code == 200
            self.opened.set()
            fields: dict[str, str] = {}
            async for line in response.aiter_lines():
                if not line:
                    if fields:
                        fields["at"] = str(time.monotonic())
                        async with self.arrived:
                            self.messages.append(fields)
                            self.arrived.notify_all()
                    fields = {}
                elif not line.startswith(":"):
                    name, _, value = line.partition(": ")
                    fields[name] = value

    async def wait_for(self, count: int, seconds: float) -> list[dict[str, str]]:
        async with self.arrived:
            await asyncio.wait_for(self.arrived.wait_for(lambda: len(self.messages) >= count), seconds)
        return self.messages


@contextlib.asynccontextmanager
async def open_streams(base_url: str, count: int, headers: dict[str, str] | None = None):
    streams = [Stream() for _ in range(count)]
    tasks = [asyncio.create_task(stream.follow(base_url, headers)) for stream in streams]
    try:
        await asyncio.wait_for(asyncio.gather(*(stream.opened.wait() for stream in streams)), 10)
        await asyncio.sleep(0.3)  # every worker's stream has subscribed
        yield streams
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def _fresh(base_url):
    return httpx.AsyncClient(base_url=base_url, timeout=10, limits=httpx.Limits(max_keepalive_connections=0))


async def test_streams_on_every_worker_see_a_publish_made_through_another_within_one_second(
    editor, database_url, tmp_path
):
    with serve(database_url, tmp_path / "server.log", workers=2) as server:
        async with open_streams(server.url, 6) as streams, _fresh(server.url) as http:
            published = await http.post("/api/v1/articles/article-0/publish", headers=editor)
            committed = time.monotonic()
            assert published.status_code == 200

            arrivals = [await stream.wait_for(1, seconds=1.0) for stream in streams]

    for (message,) in arrivals:
        assert message["event"] == "article.published"
        assert orjson.loads(message["data"])["data"]["slug"] == "article-0"
        assert float(message["at"]) - committed < 1.0


async def test_a_client_reconnecting_with_last_event_id_gets_exactly_what_it_missed(editor, database_url, tmp_path):
    with serve(database_url, tmp_path / "server.log", workers=2) as server:
        async with _fresh(server.url) as http:
            async with open_streams(server.url, 1) as (stream,):
                await http.post("/api/v1/articles/article-0/publish", headers=editor)
                (first,) = await stream.wait_for(1, seconds=2)
            await http.post("/api/v1/articles/article-1/publish", headers=editor)
            await http.post("/api/v1/articles/article-2/publish", headers=editor)

            async with open_streams(server.url, 1, headers={"Last-Event-ID": first["id"]}) as (again,):
                await http.post("/api/v1/articles/article-3/publish", headers=editor)
                messages = await again.wait_for(3, seconds=2)
                await asyncio.sleep(0.3)  # nothing more comes

    slugs = [orjson.loads(message["data"])["data"]["slug"] for message in again.messages]
    assert slugs == ["article-1", "article-2", "article-3"]
    assert [message["id"] for message in messages] == sorted(message["id"] for message in messages)
