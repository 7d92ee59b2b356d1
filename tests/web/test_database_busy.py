"""A database that cannot answer is a 503 to retry, never a 500."""

import sqlite3

import httpx
import pytest
from asgi_lifespan import LifespanManager

from cms.config import Settings
from cms.services import tokens
from cms.storage.db import sqlite_path
from cms.web.app import create_app
from tests.conftest import PG_URL


@pytest.mark.skipif(bool(PG_URL), reason="SQLite's write lock")
async def test_a_write_blocked_by_another_writer_answers_503_with_retry_after(database_url):
    app = create_app(Settings(database_url=f"{database_url}?busy_timeout=50"))
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url="http://test") as client,
    ):
        _, secret = await tokens.create("editor", ["write"])
        editor = {"Authorization": f"Bearer {secret}"}
        other_writer = sqlite3.connect(sqlite_path(database_url), isolation_level=None)
        other_writer.execute("BEGIN IMMEDIATE")
        try:
            response = await client.post("/api/v1/articles", json={"title": "Blocked"}, headers=editor)
        finally:
            other_writer.execute("ROLLBACK")
            other_writer.close()

    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
    assert response.json()["detail"] == "the database is busy or unreachable: retry in a moment"


@pytest.mark.skipif(bool(PG_URL), reason="SQLite's page limit stands in for a full disk")
async def test_a_write_to_a_full_database_answers_503_and_changes_nothing(database_url):
    pages = sqlite3.connect(sqlite_path(database_url)).execute("PRAGMA page_count").fetchone()[0]
    full = create_app(Settings(database_url=f"{database_url}?max_page_count={pages}"))
    async with (
        LifespanManager(full) as manager,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url="http://test") as client,
    ):
        _, secret = await tokens.create("editor", ["write", "preview"])
        editor = {"Authorization": f"Bearer {secret}"}
        body = {"title": "Too Much", "sections": [{"blocks": [{"type": "code", "code": "x" * 60_000}]}]}

        response = await client.post("/api/v1/articles", json=body, headers=editor)
        listed = await client.get("/api/v1/articles/too-much", params={"preview": "true"}, headers=editor)

    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
    assert response.json()["detail"] == "the database is busy or unreachable: retry in a moment"
    assert listed.status_code == 404
