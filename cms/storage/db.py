"""Opening and closing the database, and applying migrations once however many processes start together."""

import asyncio
import contextlib
import fcntl
import os
import socket
import sqlite3
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import asyncpg
from tortoise import Tortoise, connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import BaseORMException, DBConnectionError, OperationalError
from tortoise.migrations.api import migrate as tortoise_migrate

from cms.config import DEFAULT_DATABASE_URL, is_sqlite, sqlite_path

MIGRATION_LOCK_ID = 0x636D73  # 'cms': the PostgreSQL advisory lock that serialises migrations


REPLICA = "replica"


def tortoise_config(database_url: str, replica_url: str | None = None) -> dict[str, Any]:
    """Tortoise's config; the replica, when given, is a second connection that only delivery reads use."""
    connections = {"default": database_url} | ({REPLICA: replica_url} if replica_url else {})
    return {
        "connections": connections,
        "apps": {
            "models": {
                "models": ["cms.storage.models"],
                "default_connection": "default",
                "migrations": "cms.storage.migrations",
            }
        },
    }


# For Tortoise's own CLI: `tortoise -c cms.storage.db.TORTOISE_ORM makemigrations`.
TORTOISE_ORM = tortoise_config(os.environ.get("CMS_DATABASE_URL") or DEFAULT_DATABASE_URL)


def _prepare_sqlite(database_url: str) -> Path:
    # Tortoise hangs instead of failing when the file's directory is missing (STACK.md §1).
    path = sqlite_path(database_url)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


async def open_database(database_url: str, replica_url: str | None = None) -> None:
    if is_sqlite(database_url):
        _prepare_sqlite(database_url)
    # Tortoise 1.x keeps its state in a ContextVar; the fallback makes it visible to request tasks (STACK.md §2).
    await Tortoise.init(config=tortoise_config(database_url, replica_url), _enable_global_fallback=True)


def delivery_connection() -> BaseDBAsyncClient | None:
    """The read replica for delivery reads when one is configured; None means the primary."""
    return connections.get(REPLICA) if REPLICA in connections.db_config else None


async def close_database() -> None:
    await Tortoise.close_connections()


@contextlib.asynccontextmanager
async def database(database_url: str, replica_url: str | None = None) -> AsyncIterator[None]:
    await open_database(database_url, replica_url)
    try:
        yield
    finally:
        await close_database()


async def migrate(database_url: str) -> None:
    """Apply every pending migration, holding a lock so that workers starting together migrate once."""
    if is_sqlite(database_url):
        with _file_lock(_prepare_sqlite(database_url).with_suffix(".migrate-lock")):
            await _migrate(database_url)
        return
    lock = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        await lock.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK_ID)
        await _migrate(database_url)
    finally:
        await lock.close()  # closing the session releases the advisory lock


async def _migrate(database_url: str) -> None:
    try:
        await tortoise_migrate(config=tortoise_config(database_url))
    finally:
        await Tortoise.close_connections()


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# SQLite's words for "busy or out of room": conditions that pass, unlike a bug in a query.
_SQLITE_UNAVAILABLE = ("database is locked", "database or disk is full", "disk i/o error", "unable to open database")
# PostgreSQL classes 08 (connection), 53 (insufficient resources), 57 (shutdown, recovery, cancelled).
_POSTGRES_UNAVAILABLE = (
    asyncpg.PostgresConnectionError,
    asyncpg.InsufficientResourcesError,
    asyncpg.OperatorInterventionError,
    asyncpg.InterfaceError,  # "connection is closed", "pool is closing": the server went away under us
)


DRIVER_ERRORS: tuple[type[Exception], ...] = (
    BaseORMException,
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    sqlite3.Error,
    OSError,
)
"""What the database layer may raise besides our own errors: each is a 503 (`is_unavailable`) or a logged 500."""


def is_unavailable(exc: BaseException) -> bool:
    """Whether `exc` (or what caused it) says the database is down, restarting, busy or full: retry later.

    Drivers raise their own errors for this (asyncpg's, sqlite3's, OSError from the socket), and Tortoise wraps
    only some of them, so the whole chain of causes is looked at.
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, DBConnectionError | ConnectionError | TimeoutError | socket.gaierror):
            return True
        if isinstance(current, _POSTGRES_UNAVAILABLE):
            return True
        if isinstance(current, sqlite3.OperationalError | OperationalError) and any(
            words in str(current).lower() for words in _SQLITE_UNAVAILABLE
        ):
            return True
        current = current.__cause__ or current.__context__
    return False


def asyncpg_dsn(database_url: str) -> str:
    """Tortoise's 'postgres://u@h:5432/db?maxsize=10' -> asyncpg's 'postgresql://u@h:5432/db' (pool options dropped)."""
    return "postgresql://" + database_url.split("://", 1)[1].split("?", 1)[0]


def run_migrations(database_url: str) -> None:
    """Synchronous entry point for the CLI and for `cms serve` before the workers start."""
    asyncio.run(migrate(database_url))


def is_refused(exc: BaseException) -> bool:
    """Whether PostgreSQL was reached but refused what the URL says: the wrong password or user, a database that does
    not exist (classes 28 and 3D). The setting is wrong, not the database away."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, asyncpg.InvalidAuthorizationSpecificationError | asyncpg.InvalidCatalogNameError):
            return True
        current = current.__cause__ or current.__context__
    return False
