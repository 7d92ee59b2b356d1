"""SIGTERM during a stream of writes: requests in flight are finished, no accepted write is lost.

A request still waiting in the kernel's accept queue when the workers stop listening is reset, never seen by the
app: its client gets a connection error, and nothing of it is stored, so retrying it is safe.
"""

import asyncio
import contextlib
import json
import signal

import httpx

from cms.core.slugs import slugify
from cms.services import tokens
from cms.storage import db
from cms.storage.models import Article
from tests.server.process import serve

WRITERS = 8


async def test_sigterm_during_writes_answers_every_accepted_request_and_loses_no_write(database_url, tmp_path):
    async with db.database(database_url):
        _, secret = await tokens.create("editor", ["write"])
    editor = {"Authorization": f"Bearer {secret}", "Connection": "close"}  # one connection per request
    answered: list[tuple[str, int]] = []
    cut_off: list[str] = []

    with serve(database_url, tmp_path / "server.log", workers=2) as server:

        async def writer(n: int) -> None:
            async with httpx.AsyncClient(base_url=server.url, timeout=15) as http:
                for i in range(10_000):
                    title = f"Writer {n} Article {i}"
                    try:
                        response = await http.post("/api/v1/articles", json={"title": title}, headers=editor)
                    except httpx.TransportError:  # refused, or reset while queued: the server is stopping
                        cut_off.append(title)
                        return
                    answered.append((title, response.status_code))

        writers = [asyncio.create_task(writer(n)) for n in range(WRITERS)]
        while len(answered) < 2 * WRITERS:
            await asyncio.sleep(0.05)
        server.process.send_signal(signal.SIGTERM)
        await asyncio.gather(*writers)
        code = await asyncio.to_thread(server.process.wait, 15)

    async with db.database(database_url):
        stored = set(await Article.all().values_list("slug", flat=True))
    assert code == 0
    assert len(cut_off) == WRITERS  # every writer ran into the shutdown
    assert {status for _, status in answered} == {201}
    assert {slugify(title) for title, _ in answered} == stored
    assert not {slugify(title) for title in cut_off} & stored
    handled = [json.loads(line) for line in server.output().splitlines() if line.startswith('{"')]
    assert len([line for line in handled if line["method"] == "POST"]) == len(answered)


async def test_sigterm_closes_open_event_streams_and_the_server_exits_cleanly(database_url, tmp_path):
    with serve(database_url, tmp_path / "server.log", workers=2) as server:
        opened = 0

        async def follow() -> None:
            nonlocal opened
            async with (
                httpx.AsyncClient(base_url=server.url, timeout=20) as http,
                http.stream("GET", "/api/v1/events") as response,
            ):
                assert response.status_code == 200
                opened += 1
                with contextlib.suppress(httpx.RemoteProtocolError):  # the end of a stream cut at shutdown
                    async for _ in response.aiter_lines():
                        pass

        streams = [asyncio.create_task(follow()) for _ in range(4)]
        while opened < len(streams):
            await asyncio.sleep(0.05)
        server.process.send_signal(signal.SIGTERM)
        started = asyncio.get_running_loop().time()
        await asyncio.wait_for(asyncio.gather(*streams), timeout=12)
        closed_after = asyncio.get_running_loop().time() - started
        code = await asyncio.to_thread(server.process.wait, 15)

    assert code == 0
    assert closed_after < 10  # streams end with the shutdown, not at the 10 s graceful limit
