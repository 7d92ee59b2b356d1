"""Fixtures: a real database per test (SQLite file, or PostgreSQL with CMS_TEST_DATABASE_URL), the app over ASGI.

Migrations run once per session into a template; each SQLite test copies the template file, each PostgreSQL test
truncates the tables afterwards (cheaper than a database per test).
"""

import asyncio
import logging
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import hypothesis
import pytest
from asgi_lifespan import LifespanManager
from tortoise import connections

from cms.config import Settings
from cms.services import tokens
from cms.services.delivery_cache import DeliveryCache
from cms.storage import db
from cms.web.app import Application, create_app
from tests.media import media_fields

PG_URL = os.environ.get("CMS_TEST_DATABASE_URL", "")

# CI runs the property tests on the same examples every time (`.ci/run` sets CMS_TEST_HYPOTHESIS_PROFILE=ci), so that
# a gate never fails on an example no one has seen; runs by hand explore new ones.
hypothesis.settings.register_profile("ci", derandomize=True, print_blob=True)
hypothesis.settings.load_profile(os.environ.get("CMS_TEST_HYPOTHESIS_PROFILE", "default"))
TABLES = (
    "site",
    "article",
    "edition",
    "section",
    "revision",
    "slug_redirect",
    "token",
    "asset",
    "asset_use",
    "event",
    "event_horizon",
    "webhook",
    "webhook_delivery",
    "webhook_attempt",
    "cms_user",
    "user_session",
    "sign_in_failure",
)


def _pg_admin_dsn(url: str) -> str:
    return "postgresql://" + url.split("://", 1)[1].split("?", 1)[0]


@pytest.fixture(scope="session")
def database_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database: a SQLite file to copy, or a fresh PostgreSQL database (dropped at the end)."""
    if not PG_URL:
        url = f"sqlite://{tmp_path_factory.mktemp('template') / 'template.sqlite3'}"
        db.run_migrations(url)
        yield url
        return
    name = f"cms_test_{uuid.uuid4().hex[:12]}"
    base, _, query = PG_URL.partition("?")
    server = base.rsplit("/", 1)[0]

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(_pg_admin_dsn(PG_URL))
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    url = f"{server}/{name}" + (f"?{query}" if query else "")
    db.run_migrations(url)
    yield url
    asyncio.run(admin(f'DROP DATABASE "{name}" WITH (FORCE)'))


@pytest.fixture
def database_url(database_template: str, tmp_path: Path) -> Iterator[str]:
    if not PG_URL:
        copy = tmp_path / "cms.sqlite3"
        shutil.copyfile(db.sqlite_path(database_template), copy)
        yield f"sqlite://{copy}"
        return
    yield database_template

    async def truncate() -> None:
        conn = await asyncpg.connect(_pg_admin_dsn(database_template))
        try:
            await conn.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
        finally:
            await conn.close()

    asyncio.run(truncate())


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests of a module marked `media_stores` run with each media store: `[file]` and `[s3]` (tests/media.py)."""
    if "media" in metafunc.fixturenames and metafunc.definition.get_closest_marker("media_stores"):
        metafunc.parametrize("media", ["file", "s3"], indirect=True)


@pytest.fixture
def media(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The Settings fields of the media store: a local directory, or (`[s3]`) a prefix of its own in a bucket."""
    return media_fields(getattr(request, "param", "file"), tmp_path, monkeypatch)


@pytest.fixture
def settings(database_url: str, media: dict[str, Any]) -> Settings:
    return Settings(database_url=database_url, **media)


@pytest.fixture
def app(settings: Settings) -> Application:
    return create_app(settings)


@pytest.fixture
async def client(app: Application) -> AsyncIterator[httpx.AsyncClient]:
    """The app over ASGI, lifespan run (so the database is open for the test body too)."""
    async with LifespanManager(app) as manager:  # type: ignore[arg-type]
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            yield http


@pytest.fixture
def token(client: httpx.AsyncClient) -> Callable[..., Awaitable[str]]:
    """`await token("write", "preview")` -> the secret of a new token with those scopes."""

    async def make(*scopes: str, name: str = "test") -> str:
        _, secret = await tokens.create(name, list(scopes))
        return secret

    return make


@pytest.fixture
async def editor(token: Callable[..., Awaitable[str]]) -> dict[str, str]:
    """Headers of an editor: a token with the write and preview scopes."""
    return {"Authorization": f"Bearer {await token('write', 'preview', name='editor')}"}


@pytest.fixture
def publish(client: httpx.AsyncClient, editor: dict[str, str]) -> Callable[..., Awaitable[dict[str, Any]]]:
    """Create and publish an article through the API; returns it as delivery serves it."""

    async def publish(**fields: Any) -> dict[str, Any]:
        fields.setdefault("title", "An Article")
        created = await client.post("/api/v1/articles", json=fields, headers=editor)
        assert created.status_code == 201, created.text
        article = created.json()
        query = {"locale": article["locale"]}
        published = await client.post(f"/api/v1/articles/{article['slug']}/publish", params=query, headers=editor)
        assert published.status_code == 200, published.text
        response = await client.get(f"/api/v1/articles/{article['slug']}", params=query)
        assert response.status_code == 200, response.text
        return dict(response.json())

    return publish


class QueryLog(logging.Handler):
    """The queries Tortoise logs from the test's own task (ASGITransport runs the request in it).

    Queries of other tasks, such as each worker's publishing schedule, are not the request's cost.
    """

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.queries: list[str] = []
        self.task: asyncio.Task[object] | None = None

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if asyncio.current_task() is self.task and message.lstrip().upper().startswith(
            ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")
        ):
            self.queries.append(message)

    async def count(self, client: httpx.AsyncClient, path: str, params: dict[str, Any] | None = None) -> int:
        """How many queries a successful GET of `path` costs."""
        self.queries.clear()
        self.task = asyncio.current_task()
        response = await client.get(path, params=params)
        assert response.status_code == 200, response.text
        return len(self.queries)


@pytest.fixture
def query_log() -> Iterator[QueryLog]:
    logger = logging.getLogger("tortoise.db_client")
    handler, level = QueryLog(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(level)


def delivery_cache(app: Application) -> DeliveryCache:
    cache: DeliveryCache = app.starlette.state.delivery_cache
    return cache


def is_postgres() -> bool:
    return connections.get("default").capabilities.dialect == "postgres"
