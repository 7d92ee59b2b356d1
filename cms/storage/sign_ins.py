"""Sign-in attempts per email, for the rate limit: an attempt is recorded before its password is verified, under a
lock per email, so that parallel guesses (in one process or in several) see each other.

- PostgreSQL: a transaction-level advisory lock on the email's hash, held until COMMIT.
- SQLite: the transaction starts with the INSERT, which takes the database's write lock until COMMIT.
"""

from collections.abc import Callable
from datetime import datetime

from tortoise.transactions import in_transaction

from cms.storage.models import SignInFailure

SIGN_IN_LOCK_CLASS = 0x636D7369  # 'cmsi': the first key of the per-email advisory lock on PostgreSQL


async def record_attempt(email: str, now: datetime, since: datetime, check: Callable[[list[datetime]], None]) -> int:
    """Record an attempt for `email` at `now`, unless `check`, given the times of its other attempts after `since`
    (oldest first), raises: then nothing is recorded and the exception goes on. Returns the attempt's id, to
    `forget` it if its password was right.

    Attempts stamped a little after `now` are counted too: a racing attempt may take its time first and the
    lock second."""
    async with in_transaction("default") as connection:
        if connection.capabilities.dialect == "postgres":
            lock = "SELECT pg_advisory_xact_lock($1, hashtext($2))"
            await connection.execute_query(lock, [SIGN_IN_LOCK_CLASS, email])
        attempt = await SignInFailure.create(email=email, created_at=now, using_db=connection)
        earlier = SignInFailure.filter(email=email, created_at__gt=since).exclude(id=attempt.id)
        check(await earlier.using_db(connection).order_by("created_at", "id").values_list("created_at", flat=True))
    return int(attempt.id)


async def forget(attempt_id: int) -> None:
    """The attempt's password was right: it is no failure."""
    await SignInFailure.filter(id=attempt_id).delete()


async def prune(before: datetime) -> None:
    """Nobody needs the attempts made before `before`."""
    await SignInFailure.filter(created_at__lt=before).delete()
