"""The database goes away under a real multi-worker server, and comes back.

Writes answer 503 with Retry-After (never 500), cached articles keep answering 200, nothing is logged as an
unhandled error, and the server recovers by itself within a second of the database's return, catching up with
what another host published meanwhile.
"""

import asyncio
import time
from urllib.parse import urlsplit

import httpx
import pytest

from cms.core.article import ArticleInput
from cms.services import drafts, publishing, tokens
from cms.storage import db
from tests.conftest import PG_URL
from tests.server.process import serve
from tests.server.tcp_proxy import TcpProxy

pytestmark = pytest.mark.skipif(not PG_URL, reason="a database server that can go away: PostgreSQL")

OUTAGE_SECONDS = 2.0


@pytest.fixture
def proxy(database_url):
    target = urlsplit(database_url)
    running = TcpProxy(target.hostname or "127.0.0.1", target.port or 5432)
    running.start()
    yield running
    running.close()


@pytest.fixture
async def editor(database_url):
    async with db.database(database_url):
        _, secret = await tokens.create("editor", ["write", "preview"])
        await drafts.create(ArticleInput(title="Kept"), default_locale="en")
        await publishing.publish("kept", "en", if_match=None)
        await drafts.create(ArticleInput(title="Written"), default_locale="en")
        yield {"Authorization": f"Bearer {secret}"}


def _through(proxy: TcpProxy, database_url: str) -> str:
    parts = urlsplit(database_url)
    return parts._replace(netloc=f"{parts.username}@127.0.0.1:{proxy.port}").geturl()


async def _write(http: httpx.AsyncClient, editor: dict[str, str], title: str) -> httpx.Response:
    """A write to another article than the one read: the reads' cache entries must not be touched by it."""
    return await http.put("/api/v1/articles/written", json={"title": title}, headers=editor | {"If-Match": "*"})


async def test_an_outage_answers_503_to_writes_keeps_serving_the_cache_and_recovers(
    proxy, editor, database_url, tmp_path
):
    with serve(_through(proxy, database_url), tmp_path / "server.log", workers=2) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
            for _ in range(8):  # both workers keep the article
                assert (await http.get("/api/v1/articles/kept")).status_code == 200

            proxy.stop()
            # Another host still reaches the database and publishes: this server's workers cannot hear of it.
            await drafts.replace("kept", "en", ArticleInput(title="Changed Elsewhere"), None, "other host")
            await publishing.publish("kept", "en", if_match=None)
            reads, writes = [], []
            deadline = time.monotonic() + OUTAGE_SECONDS
            while time.monotonic() < deadline:
                reads.append(await http.get("/api/v1/articles/kept"))
                writes.append(await _write(http, editor, "During The Outage"))
            proxy.start()
            back = time.monotonic()
            while (await _write(http, editor, "After The Outage")).status_code != 200:
                assert time.monotonic() - back < 1.0, "writes did not recover within 1 s of the database's return"
                await asyncio.sleep(0.05)

            assert {r.status_code for r in reads} == {200}
            assert {r.json()["title"] for r in reads} == {"Kept"}
            assert {(w.status_code, w.headers.get("retry-after")) for w in writes} == {(503, "1")}
            assert {w.headers["content-type"] for w in writes} == {"application/problem+json"}
            await asyncio.sleep(1.0)  # the listeners are back and have read what they missed from the change log
            titles = {(await http.get("/api/v1/articles/kept")).json()["title"] for _ in range(8)}
            assert titles == {"Changed Elsewhere"}

    log = server.output()
    assert "Traceback" not in log
    assert "ERROR" not in log
