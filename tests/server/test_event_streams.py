"""Event streams against a real two-worker `cms serve`, followed live with httpx streaming."""

import asyncio
import contextlib
import os
import time
from pathlib import Path

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


def streams_per_worker(server) -> dict[int, int]:
    """Established connections to the server's port, per process holding any (uvicorn's workers; from /proc)."""
    port = int(server.url.rsplit(":", 1)[1])
    rows = [row.split() for row in Path("/proc/net/tcp").read_text().splitlines()[1:]]
    inodes = {row[9] for row in rows if int(row[1].split(":")[1], 16) == port and row[3] == "01"}
    held = {}
    for pid in Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children").read_text().split():
        links = []
        for fd in os.listdir(f"/proc/{pid}/fd"):
            with contextlib.suppress(OSError):  # closed meanwhile
                links.append(os.readlink(f"/proc/{pid}/fd/{fd}"))
        if count := sum(link.startswith("socket:[") and link[8:-1] in inodes for link in links):
            held[int(pid)] = count
    return held


def _fresh(base_url):
    return httpx.AsyncClient(base_url=base_url, timeout=10, limits=httpx.Limits(max_keepalive_connections=0))


@contextlib.asynccontextmanager
async def streams_on_both_workers(server, at_least: int = 6, at_most: int = 40):
    """Open streams one at a time until both workers hold some (streams opened at once may all land on the
    worker that happens to accept first)."""
    async with contextlib.AsyncExitStack() as stack:
        streams = []
        while len(streams) < at_most:
            (stream,) = await stack.enter_async_context(open_streams(server.url, 1))
            streams.append(stream)
            if len(streams) >= at_least and len(streams_per_worker(server)) == 2:
                break
        yield streams


async def test_streams_on_every_worker_see_a_publish_made_through_another_within_one_second(
    editor, database_url, tmp_path
):
    with serve(database_url, tmp_path / "server.log", workers=2) as server:
        async with streams_on_both_workers(server) as streams, _fresh(server.url) as http:
            per_worker = streams_per_worker(server)
            published = await http.post("/api/v1/articles/article-0/publish", headers=editor)
            committed = time.monotonic()
            assert published.status_code == 200

            arrivals = [await stream.wait_for(1, seconds=1.0) for stream in streams]

    assert len(per_worker) == 2, per_worker  # whichever worker takes the publish, the other holds streams too
    assert sum(per_worker.values()) == len(streams)
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
