"""PostgreSQL turns a real server away in other ways than a cut connection, and takes it back.

Each condition is made for real on the session's own throw-away database (never `test`, never the postgres role):
it refuses connections, terminates the server's sessions mid-request, turns read-only as after a failover, or has
no connection left for the server's role. Writes and uncached reads answer 503 with Retry-After (never 500), the
cached article keeps answering 200, nothing is logged as an unhandled error, and requests succeed again within a
second of the condition's end.
"""

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import httpx
import pytest

from cms.core.article import ArticleInput
from cms.services import drafts, publishing, tokens
from cms.storage import db
from tests.conftest import PG_URL
from tests.server.process import Server, serve

pytestmark = pytest.mark.skipif(not PG_URL, reason="conditions only a PostgreSQL server can be put in")

UNAVAILABLE = {
    "type": "about:blank",
    "title": "Service Unavailable",
    "status": 503,
    "detail": "the database is busy or unreachable: retry in a moment",
}
KEPT = "/api/v1/articles/kept"
WRITTEN = "/api/v1/articles/written"


@pytest.fixture
async def editor(database_url: str) -> dict[str, str]:
    """A published article 'kept' (to be cached), a draft 'written' (to write and preview), an editor's headers."""
    async with db.database(database_url):
        _, secret = await tokens.create("editor", ["write", "preview"])
        await drafts.create(ArticleInput(title="Kept"), default_locale="en")
        await publishing.publish("kept", "en", if_match=None)
        await drafts.create(ArticleInput(title="Written"), default_locale="en")
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
async def admin(database_url: str) -> AsyncIterator[asyncpg.Connection]:
    """A superuser session on another database of the server (PostgreSQL alters a database only from another)."""
    assert urlsplit(database_url).path != urlsplit(PG_URL).path, "conditions are made on a throw-away database only"
    connection = await asyncpg.connect(db.asyncpg_dsn(PG_URL))
    yield connection
    await connection.close()


def _name(database_url: str) -> str:
    return urlsplit(database_url).path.lstrip("/")


async def _end_server_sessions(admin: asyncpg.Connection, database_url: str, keep: int = 0) -> None:
    """pg_terminate_backend on every session of the database but `keep`: the server's pool and its listener."""
    await admin.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> $2",
        _name(database_url),
        keep,
    )


async def _write(http: httpx.AsyncClient, editor: dict[str, str], title: str) -> httpx.Response:
    return await http.put(WRITTEN, json={"title": title}, headers=editor | {"If-Match": "*"})


async def _uncached_read(http: httpx.AsyncClient, editor: dict[str, str]) -> httpx.Response:
    """A preview is read from the database every time."""
    return await http.get(WRITTEN, params={"preview": "true"}, headers=editor)


async def _warm(http: httpx.AsyncClient) -> None:
    assert (await http.get(KEPT)).status_code == 200


async def _recovers(request: Callable[[], Awaitable[httpx.Response]]) -> None:
    """The request succeeds within 1 s of the condition's end (polled, bounded); until then it answers 503.

    The first requests may meet sessions that the server has not yet seen end: those answer 503 too, never 500,
    and are dropped from the pool, not used again.
    """
    back = time.monotonic()
    while (response := await request()).status_code != 200:
        _assert_unavailable(response)
        assert time.monotonic() - back < 1.0, "requests did not succeed within 1 s of the condition's end"
        await asyncio.sleep(0.05)


def _assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == UNAVAILABLE


def _assert_quiet(server: Server) -> None:
    log = server.output()
    assert "Traceback" not in log
    assert "ERROR" not in log


async def test_a_database_refusing_connections_answers_503_serves_the_cache_and_recovers(
    database_url, editor, admin, tmp_path: Path
):
    name = _name(database_url)
    with serve(database_url, tmp_path / "server.log", workers=2) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
            await _warm(http)
            try:
                await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
                await _end_server_sessions(admin, database_url)  # so that the server must connect again
                write = await _write(http, editor, "Refused")
                read = await _uncached_read(http, editor)
                cached = await http.get(KEPT)
            finally:
                await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
            await _recovers(lambda: _write(http, editor, "Accepted"))

    _assert_unavailable(write)
    _assert_unavailable(read)
    assert (cached.status_code, cached.json()["title"]) == (200, "Kept")
    _assert_quiet(server)


async def test_sessions_terminated_mid_request_answer_503_serve_the_cache_and_recover(
    database_url, editor, admin, tmp_path: Path
):
    with serve(database_url, tmp_path / "server.log", workers=2) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
            await _warm(http)
            locker = await asyncpg.connect(db.asyncpg_dsn(database_url))
            try:
                async with locker.transaction():  # the lock holds the server's queries until their sessions end
                    await locker.execute("LOCK TABLE article IN ACCESS EXCLUSIVE MODE")
                    write = asyncio.create_task(_write(http, editor, "Terminated"))
                    read = asyncio.create_task(_uncached_read(http, editor))
                    waiting = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                    for _ in range(200):
                        if await admin.fetchval(waiting) == 2:
                            break
                        await asyncio.sleep(0.05)
                    assert await admin.fetchval(waiting) == 2, "the server's queries did not reach the lock"
                    await _end_server_sessions(admin, database_url, keep=locker.get_server_pid())
                    terminated = await asyncio.gather(write, read)
                    cached = await http.get(KEPT)
            finally:
                await locker.close()
            await _recovers(lambda: _write(http, editor, "After"))

    _assert_unavailable(terminated[0])
    _assert_unavailable(terminated[1])
    assert (cached.status_code, cached.json()["title"]) == (200, "Kept")
    _assert_quiet(server)


async def test_a_read_only_database_answers_503_to_writes_serves_reads_and_recovers(
    database_url, editor, admin, tmp_path: Path
):
    name = _name(database_url)
    with serve(database_url, tmp_path / "server.log", workers=2) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
            await _warm(http)
            try:  # what a server demoted to a standby by a failover answers: SQLSTATE 25006 to every write
                await admin.execute(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
                await _end_server_sessions(admin, database_url)  # new sessions read the setting
                writes = [await _write(http, editor, "Read Only") for _ in range(3)]
                read = await _uncached_read(http, editor)
                cached = await http.get(KEPT)
            finally:
                await admin.execute(f'ALTER DATABASE "{name}" RESET default_transaction_read_only')
            await _recovers(lambda: _write(http, editor, "Writable"))

    for write in writes:
        _assert_unavailable(write)
    assert (read.status_code, read.json()["title"]) == (200, "Written")
    assert (cached.status_code, cached.json()["title"]) == (200, "Kept")
    _assert_quiet(server)
    assert "Resetting connection with an active transaction" not in server.output()  # rolled back by us


@pytest.fixture
async def limited_role(database_url: str) -> AsyncIterator[str]:
    """A role of its own (the postgres role is exempt from connection limits), allowed the tables; its URL."""
    role = f"cms_test_{uuid.uuid4().hex[:12]}"
    await _as_owner(
        database_url,
        f'CREATE ROLE "{role}" LOGIN',
        f'GRANT USAGE, CREATE ON SCHEMA public TO "{role}"',
        f'GRANT ALL ON ALL TABLES IN SCHEMA public TO "{role}"',
        f'GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO "{role}"',
    )
    parts = urlsplit(database_url)
    try:
        yield parts._replace(netloc=f"{role}@{parts.hostname}:{parts.port or 5432}").geturl()
    finally:  # its grants in this database, then the role itself
        await _as_owner(database_url, f'DROP OWNED BY "{role}"', f'DROP ROLE "{role}"')


async def _as_owner(database_url: str, *statements: str) -> None:
    """A short session on the session's database (one held open would be ended with the server's)."""
    connection = await asyncpg.connect(db.asyncpg_dsn(database_url))
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


async def test_no_connection_left_answers_503_serves_the_cache_and_recovers(
    database_url, limited_role, editor, admin, tmp_path: Path
):
    role = urlsplit(limited_role).username
    with serve(limited_role, tmp_path / "server.log", workers=2) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
            await _warm(http)
            try:  # the pool needs new sessions, and the role may open none: SQLSTATE 53300
                await admin.execute(f'ALTER ROLE "{role}" CONNECTION LIMIT 0')
                await _end_server_sessions(admin, database_url)
                write = await _write(http, editor, "No Room")
                read = await _uncached_read(http, editor)
                cached = await http.get(KEPT)
            finally:
                await admin.execute(f'ALTER ROLE "{role}" CONNECTION LIMIT -1')
            await _recovers(lambda: _write(http, editor, "Room Again"))

    _assert_unavailable(write)
    _assert_unavailable(read)
    assert (cached.status_code, cached.json()["title"]) == (200, "Kept")
    _assert_quiet(server)
