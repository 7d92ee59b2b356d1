"""The event log: written at the end of every write transaction, read by the feed, the streams and each worker.

Positions follow commit order (docs/decisions/0006-event-ids-in-commit-order.md):
- PostgreSQL: `record` first takes a transaction-level advisory lock, held until COMMIT, then takes its positions
  from the sequence; so a transaction that gets a later position commits after every earlier one. It also
  NOTIFYs each event (delivered on commit, in commit order; never on rollback).
- SQLite: one writer at a time holds the database's write lock until COMMIT, which serialises the same way.
"""

from collections.abc import Collection, Sequence
from datetime import UTC, datetime

import orjson
from tortoise import connections

from cms.core.events import Event, NewEvent
from cms.storage.db import transaction
from cms.storage.models import Event as EventRow
from cms.storage.models import EventHorizon

EVENT_CHANNEL = "cms_events"
EVENT_LOCK_ID = 0x636D7365  # 'cmse': the advisory lock that orders event positions on PostgreSQL


async def record(events: Sequence[NewEvent]) -> list[Event]:
    """Append `events` to the log inside the caller's transaction (`cms.services.event_log.transaction`)."""
    if not events:
        return []
    connection = connections.get("default")  # inside the transaction: the transaction's own connection
    postgres = connection.capabilities.dialect == "postgres"
    if postgres:
        await connection.execute_query("SELECT pg_advisory_xact_lock($1)", [EVENT_LOCK_ID])
    now = datetime.now(UTC)  # taken under the lock: times follow positions on one host
    written = []
    for new in events:
        data = orjson.dumps(new.data).decode()
        row = await EventRow.create(type=new.type, created_at=now, data=data)
        event = Event(int(row.id), new.type, now, data)
        if postgres:
            await connection.execute_query("SELECT pg_notify($1, $2)", [EVENT_CHANNEL, event.json().decode()])
        written.append(event)
    return written


async def after(position: int, limit: int, types: Collection[str] | None = None) -> list[Event]:
    """Up to `limit` events after `position`, oldest first; only those of `types` when given."""
    query = EventRow.filter(id__gt=position)
    if types is not None:
        query = query.filter(type__in=list(types))
    rows = await query.order_by("id").limit(limit).values_list("id", "type", "created_at", "data")
    return [Event(int(i), str(t), created_at, str(data)) for i, t, created_at, data in rows]


async def horizon() -> int:
    """The position up to which events were pruned (0 when none ever was): a cursor before it has missed some."""
    value = await EventHorizon.filter(id=1).values_list("pruned_through", flat=True)
    return int(value[0]) if value else 0


async def latest() -> int:
    """The position of the newest event, or the horizon when the log is empty."""
    newest = await EventRow.all().order_by("-id").limit(1).values_list("id", flat=True)
    return int(newest[0]) if newest else await horizon()


async def prune(before: datetime) -> int:
    """Delete the events written before `before`; returns the horizon. Its transaction starts with a write."""
    through = await EventRow.filter(created_at__lt=before).order_by("-id").limit(1).values_list("id", flat=True)
    if not through:
        return await horizon()
    connection = connections.get("default")
    postgres = connection.capabilities.dialect == "postgres"
    raise_horizon = (
        "INSERT INTO event_horizon (id, pruned_through) VALUES (1, {p}) ON CONFLICT (id) DO UPDATE"
        " SET pruned_through = {greatest}(event_horizon.pruned_through, excluded.pruned_through)"
    ).format(p="$1" if postgres else "?", greatest="GREATEST" if postgres else "max")
    async with transaction() as pruning:
        await pruning.execute_query(raise_horizon, [int(through[0])])
        await pruning.execute_query("DELETE FROM event WHERE id <= (SELECT pruned_through FROM event_horizon)")
    return await horizon()
