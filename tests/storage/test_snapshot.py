"""`db.snapshot()`: every read inside it sees the database of one moment, as a backup must (cms export)."""

import asyncio
import sqlite3

import asyncpg

from cms.storage import backup as rows
from cms.storage import db, site
from tests.conftest import PG_URL, _pg_admin_dsn


async def write_elsewhere(database_url: str, sql: str) -> None:
    """A write through a connection of its own, as another process makes it."""
    if PG_URL:
        connection = await asyncpg.connect(_pg_admin_dsn(database_url))
        try:
            await connection.execute(sql)
        finally:
            await connection.close()
        return

    def write() -> None:
        with sqlite3.connect(db.sqlite_path(database_url)) as connection:
            connection.execute(sql)

    await asyncio.to_thread(write)


async def test_reads_in_a_snapshot_see_the_database_as_it_was_at_the_first_read(client, database_url):
    await site.set_name("Before")

    async with db.snapshot():
        first = await rows.site_name()
        await write_elsewhere(database_url, "UPDATE site SET name = 'Meanwhile'")
        second = await rows.site_name()

    assert (first, second, await rows.site_name()) == ("Before", "Before", "Meanwhile")
