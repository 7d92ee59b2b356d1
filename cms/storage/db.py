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
from tortoise.backends.asyncpg import AsyncpgDBClient
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import (
    BaseORMException,
    DBConnectionError,
    IntegrityError,
    OperationalError,
    TransactionManagementError,
)
from tortoise.migrations.api import migrate as tortoise_migrate
from tortoise.transactions import in_transaction

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
    # Tortoise hangs instead of failing when the file's directory is missing, so it is made first.
    path = sqlite_path(database_url)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


async def open_database(database_url: str, replica_url: str | None = None) -> None:
    if is_sqlite(database_url):
        _prepare_sqlite(database_url)
    # Tortoise 1.x keeps its state in a ContextVar; the global fallback makes it visible to request tasks, which
    # run in contexts copied before the lifespan opened the database.
    await Tortoise.init(config=tortoise_config(database_url, replica_url), _enable_global_fallback=True)


def delivery_connection() -> BaseDBAsyncClient | None:
    """The read replica for delivery reads when one is configured; None means the primary."""
    return connections.get(REPLICA) if REPLICA in connections.db_config else None


async def close_database() -> None:
    await Tortoise.close_connections()


@contextlib.asynccontextmanager
async def transaction() -> AsyncIterator[BaseDBAsyncClient]:
    """Tortoise's `in_transaction`, also rolled back when a statement failed as TransactionManagementError (a
    read-only database's 25006): Tortoise leaves that one open, and asyncpg then rolls it back itself as the
    connection goes back to the pool, logging an error each time."""
    async with in_transaction("default") as connection:
        try:
            yield connection
        except TransactionManagementError:
            with contextlib.suppress(Exception):  # a session that is gone has nothing to roll back
                await connection.rollback()
            raise


@contextlib.asynccontextmanager
async def snapshot() -> AsyncIterator[None]:
    """A read-only transaction whose reads all see the database as it was at its first read, whatever is written
    meanwhile (a backup must not hold half of a save): REPEATABLE READ on PostgreSQL; on SQLite (WAL) every
    transaction reads one snapshot already. It holds the process's one SQLite connection: for the CLI."""
    async with transaction() as connection:
        if connection.capabilities.dialect == "postgres":
            await connection.execute_script("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


class Taken(Exception):
    """A write would repeat a value that must be unique (a slug in a locale, an email): the caller says which."""


@contextlib.contextmanager
def unique() -> Iterator[None]:
    """The writes inside raise Taken, not the ORM's IntegrityError, when a unique value is taken already."""
    try:
        yield
    except IntegrityError as exc:
        raise Taken(str(exc)) from exc


async def ping() -> None:
    """One trivial query on the primary: raises the driver's error when the database does not answer."""
    await connections.get("default").execute_query("SELECT 1")


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
# PostgreSQL's SQLSTATE classes that say "not now" rather than "not this query": 08 connection exception,
# 53 insufficient resources (too many connections, disk full, out of memory), 57 operator intervention (shutdown,
# restart, a terminated backend, a cancelled statement).
_POSTGRES_UNAVAILABLE_CLASSES = ("08", "53", "57")
_READ_ONLY = "25006"  # a read-only transaction: a standby promoted elsewhere, or a database set read-only
_REFUSED = "55000"  # object not in prerequisite state: FATAL at connect when ALLOW_CONNECTIONS is false
# asyncpg's own errors for a connection that went away under a query: "connection is closed", "pool is closing",
# and "cannot switch to state …" from a connection whose backend was terminated while it sat in the pool.
_DRIVER_CONNECTION_ERRORS = (asyncpg.InterfaceError, asyncpg.InternalClientError)


DRIVER_ERRORS: tuple[type[Exception], ...] = (
    BaseORMException,
    asyncpg.PostgresError,
    *_DRIVER_CONNECTION_ERRORS,
    sqlite3.Error,
    OSError,
)
"""What the database layer may raise besides our own errors: each is a 503 (`is_unavailable`) or a logged 500."""


def is_unavailable(exc: BaseException) -> bool:
    """Whether `exc` (or what caused it) says the database is down, restarting, refusing connections, out of
    them, read-only, busy or full: retry later.

    Drivers raise their own errors for this (asyncpg's, sqlite3's, OSError from the socket), and Tortoise wraps
    only some of them (in DBConnectionError, OperationalError, TransactionManagementError), so the whole chain of
    causes is looked at, and PostgreSQL's errors by their SQLSTATE.
    """
    return any(_says_unavailable(error) for error in _causes(exc))


async def forget_read_only_sessions(exc: BaseException) -> None:
    """After a read-only answer (25006), every pooled session is replaced as it is next used.

    A session keeps the read-only state it began with (`default_transaction_read_only` is read at connect, and a
    primary demoted by a failover stays a standby), so after the database is writable again, or the address leads
    to the new primary, only new sessions can write.
    """
    if any(getattr(error, "sqlstate", None) == _READ_ONLY for error in _causes(exc)):
        client = connections.get("default")
        if isinstance(client, AsyncpgDBClient):
            await client._expire_connections()  # asyncpg's pool replaces each as it is next acquired or released


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """`exc` and what caused it, each once (Tortoise wraps the driver's errors, which wrap the socket's)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _says_unavailable(error: BaseException) -> bool:
    if isinstance(error, DBConnectionError | ConnectionError | TimeoutError | socket.gaierror):
        return True
    if isinstance(error, _DRIVER_CONNECTION_ERRORS):
        return True
    if isinstance(error, asyncpg.PostgresError):
        return _postgres_unavailable(error)
    return isinstance(error, sqlite3.OperationalError | OperationalError) and any(
        words in str(error).lower() for words in _SQLITE_UNAVAILABLE
    )


def _postgres_unavailable(error: asyncpg.PostgresError) -> bool:
    state = error.sqlstate or ""
    if state.startswith(_POSTGRES_UNAVAILABLE_CLASSES) or state == _READ_ONLY:
        return True
    # 55000 is also a query's own mistake (e.g. currval before nextval); FATAL means the server refused the session.
    severity = getattr(error, "severity_en", None) or getattr(error, "severity", None)
    return state == _REFUSED and severity == "FATAL"


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
