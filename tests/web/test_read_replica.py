"""CMS_DATABASE_REPLICA_URL: delivery reads go to the replica; management reads and every write to the primary."""

import sqlite3
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager

from cms.config import Settings
from cms.services import tokens
from cms.storage.db import sqlite_path
from cms.web.app import create_app
from tests.conftest import PG_URL

pytestmark = pytest.mark.skipif(bool(PG_URL), reason="a lagging replica is simulated with a copy of a SQLite file")


async def test_delivery_reads_the_replica_and_management_the_primary(database_url, tmp_path):
    replica = tmp_path / "replica.sqlite3"
    app = create_app(Settings(database_url=database_url, database_replica_url=f"sqlite://{replica}"))
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url="http://test") as client,
    ):
        _, secret = await tokens.create("editor", ["write", "preview"])
        editor = {"Authorization": f"Bearer {secret}"}
        for title in ("Replicated", "Not Yet Replicated"):
            await client.post("/api/v1/articles", json={"title": title}, headers=editor)
            await client.post(f"/api/v1/articles/{title.lower().replace(' ', '-')}/publish", headers=editor)
            if title == "Replicated":
                _copy(sqlite_path(database_url), replica)  # the replica as of this moment

        replicated = await client.get("/api/v1/articles/replicated")
        lagging = await client.get("/api/v1/articles/not-yet-replicated")
        preview = await client.get("/api/v1/articles/not-yet-replicated?preview=true", headers=editor)
        listing = await client.get("/api/v1/articles?fields=slug")

    assert replicated.status_code == 200
    assert lagging.status_code == 404
    assert preview.status_code == 200
    assert listing.json() == {"items": [{"slug": "replicated"}], "next_cursor": None}


def _copy(source: Path, target: Path) -> None:
    """A consistent copy, WAL included, through SQLite's backup API."""
    with sqlite3.connect(source) as origin, sqlite3.connect(target) as copy:
        origin.backup(copy)
    origin.close()
    copy.close()
