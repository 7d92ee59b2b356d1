"""Webhook subscriptions, their deliveries (an outbox written with the events) and every attempt.

Deliveries are created in the write transaction, right after their events (`queue`, a step of
`cms.services.event_log.transaction`), so none is lost or invented.
A worker claims due deliveries with a lease (`claim`): one UPDATE … RETURNING that only matches unleased rows,
with `FOR UPDATE SKIP LOCKED` on PostgreSQL so that claimers on several hosts pass each other by instead of
waiting; the lease (not a held lock) covers the send, which happens outside any transaction.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise import connections

from cms.core.events import Event
from cms.storage.db import transaction
from cms.storage.models import Webhook, WebhookAttempt, WebhookDelivery

PENDING, SUCCEEDED, FAILED = "pending", "succeeded", "failed"


@dataclass(frozen=True)
class Claimed:
    """A delivery this worker may send now: until `lease_until`, no other worker will."""

    id: int
    uid: str
    webhook_id: int
    url: str
    secret: str
    event_id: str
    body: str
    attempts: int
    next_attempt_at: datetime | None
    """When it was due: a redelivery asked while it is in flight changes this, and the attempt then leaves it be."""
    failing_since: datetime | None


@dataclass(frozen=True)
class Subscription:
    """A webhook subscription as the service shows it (never its secret)."""

    id: int
    uid: str
    url: str
    events: list[str]
    enabled: bool
    created_at: datetime


def _subscription(row: Webhook) -> Subscription:
    return Subscription(row.id, row.uid, row.url, list(row.events), row.enabled, row.created_at)


async def create_subscription(url: str, events: list[str], secret: str) -> Subscription:
    row = await Webhook.create(uid=uuid.uuid4().hex, url=url, events=events, secret=secret, enabled=True)
    return _subscription(row)


async def subscriptions() -> list[Subscription]:
    """Every subscription, oldest first."""
    return [_subscription(row) for row in await Webhook.all().order_by("created_at", "id")]


async def subscription(uid: str) -> Subscription | None:
    row = await Webhook.get_or_none(uid=uid)
    return _subscription(row) if row is not None else None


async def update_subscription(
    webhook_id: int, url: str | None = None, events: list[str] | None = None, enabled: bool | None = None
) -> Subscription:
    """Change what is given. Turning a subscription on starts its failures afresh (5 more days before it is
    disabled again)."""
    changes: dict[str, object] = {}
    if url is not None:
        changes["url"] = url
    if events is not None:
        changes["events"] = events
    if enabled is not None:
        changes["enabled"] = enabled
        if enabled:
            changes["failing_since"] = None
    if changes:
        await Webhook.filter(id=webhook_id).update(**changes)
    return _subscription(await Webhook.get(id=webhook_id))


async def delete_subscription(webhook_id: int) -> None:
    """The subscription, with its deliveries and their attempts."""
    await Webhook.filter(id=webhook_id).delete()


async def queue(events: Sequence[Event]) -> None:
    """Inside the write transaction: a pending delivery of each event to each enabled subscription to its type,
    due at once."""
    if not events:
        return
    subscriptions = await Webhook.filter(enabled=True).values_list("id", "events")
    rows = [
        WebhookDelivery(
            uid=uuid.uuid4().hex,
            webhook_id=webhook_id,
            event_id=event.id,
            type=event.type,
            body=event.json().decode(),
            status=PENDING,
            attempts=0,
            next_attempt_at=event.timestamp,
            created_at=event.timestamp,
        )
        for event in events
        for webhook_id, types in subscriptions
        if event.type in types
    ]
    if rows:
        await WebhookDelivery.bulk_create(rows)


async def claim(now: datetime, lease: timedelta, limit: int) -> list[Claimed]:
    """Take up to `limit` due deliveries of enabled subscriptions, for `lease`."""
    connection = connections.get("default")
    postgres = connection.capabilities.dialect == "postgres"
    p = ["$1", "$2", "$3", "$4"] if postgres else ["?", "?", "?", "?"]
    skip_locked = " FOR UPDATE OF d SKIP LOCKED" if postgres else ""
    sql = (
        f"UPDATE webhook_delivery SET lease_until = {p[0]} WHERE id IN ("
        " SELECT d.id FROM webhook_delivery d JOIN webhook w ON w.id = d.webhook_id"
        f" WHERE d.status = 'pending' AND w.enabled AND d.next_attempt_at <= {p[1]}"
        f" AND (d.lease_until IS NULL OR d.lease_until < {p[2]})"
        f" ORDER BY d.next_attempt_at, d.id LIMIT {p[3]}{skip_locked})"
        " RETURNING id"
    )
    # (execute_query drops the rows of an UPDATE … RETURNING on PostgreSQL; execute_query_dict fetches them)
    rows = await connection.execute_query_dict(sql, [now + lease, now, now, limit])
    ids = [int(row["id"]) for row in rows]
    if not ids:
        return []
    deliveries = await WebhookDelivery.filter(id__in=ids).select_related("webhook").order_by("next_attempt_at", "id")
    return [
        Claimed(
            id=d.id,
            uid=d.uid,
            webhook_id=d.webhook.id,
            url=d.webhook.url,
            secret=d.webhook.secret,
            event_id=d.event_id,
            body=d.body,
            attempts=d.attempts,
            next_attempt_at=d.next_attempt_at,
            failing_since=d.webhook.failing_since,
        )
        for d in deliveries
    ]


@dataclass(frozen=True)
class Attempt:
    """One send of `delivery` and its outcome: the delivery is pending again at `next_attempt_at` (when set),
    else succeeded or failed; `disable` turns its subscription off."""

    delivery: Claimed
    at: datetime
    status_code: int | None
    error: str | None
    duration_ms: int
    next_attempt_at: datetime | None
    succeeded: bool
    disable: bool


async def record_attempts(attempts: Sequence[Attempt]) -> None:
    """A batch of attempts and their outcomes, in one transaction (one commit for the batch, not one each)."""
    if not attempts:
        return
    async with transaction():
        for attempt in attempts:
            status = SUCCEEDED if attempt.succeeded else (PENDING if attempt.next_attempt_at is not None else FAILED)
            delivery = WebhookDelivery.filter(id=attempt.delivery.id)
            recorded = await delivery.filter(next_attempt_at=attempt.delivery.next_attempt_at).update(
                status=status,
                attempts=attempt.delivery.attempts + 1,
                next_attempt_at=attempt.next_attempt_at,
                lease_until=None,
            )
            if not recorded:  # redelivered while in flight: that new series stands, and is sent now the lease is free
                await delivery.update(lease_until=None)
        await WebhookAttempt.bulk_create(
            [
                WebhookAttempt(
                    delivery_id=a.delivery.id,
                    at=a.at,
                    status_code=a.status_code,
                    error=a.error,
                    duration_ms=a.duration_ms,
                )
                for a in attempts
            ]
        )
        for webhook_id in dict.fromkeys(attempt.delivery.webhook_id for attempt in attempts):
            await _failure_streak(
                webhook_id, [attempt for attempt in attempts if attempt.delivery.webhook_id == webhook_id]
            )
        disabled = {attempt.delivery.webhook_id for attempt in attempts if attempt.disable}
        if disabled:
            await Webhook.filter(id__in=list(disabled)).update(enabled=False)


async def _failure_streak(webhook_id: int, attempts: Sequence[Attempt]) -> None:
    """`failing_since`: cleared by a success, set by the first failure after it (or after the last success)."""
    webhook = Webhook.filter(id=webhook_id)
    last_success = max((n for n, attempt in enumerate(attempts) if attempt.succeeded), default=None)
    after = attempts if last_success is None else attempts[last_success + 1 :]
    failures = [attempt.at for attempt in after if not attempt.succeeded]
    if not failures:
        await webhook.filter(failing_since__not_isnull=True).update(failing_since=None)
    elif last_success is not None:
        await webhook.update(failing_since=min(failures))
    else:
        await webhook.filter(failing_since__isnull=True).update(failing_since=min(failures))


async def release(delivery_ids: Sequence[int]) -> None:
    """Give back leases not used (the worker is stopping)."""
    if delivery_ids:
        await WebhookDelivery.filter(id__in=list(delivery_ids)).update(lease_until=None)


async def pending_count() -> int:
    return await WebhookDelivery.filter(status=PENDING, webhook__enabled=True).count()


async def delivery_of(webhook_id: int, uid: str) -> int | None:
    """The internal id of the subscription's delivery `uid`, or None."""
    found = await WebhookDelivery.filter(uid=uid, webhook_id=webhook_id).values_list("id", flat=True)
    return int(found[0]) if found else None


async def restart(delivery_id: int, at: datetime) -> None:
    """A new series of attempts of the delivery, the first due `at`. A lease is left alone: while an attempt is in
    flight the restarted delivery waits for it to be recorded, and is claimed once the lease is free."""
    await WebhookDelivery.filter(id=delivery_id).update(status=PENDING, attempts=0, next_attempt_at=at)


async def deliveries_with_attempts(webhook_id: int, limit: int, before: int | None) -> list[dict[str, Any]]:
    """A page of deliveries (newest first) with their attempts, read by one statement: one consistent snapshot,
    so a delivery's status always agrees with its attempts."""
    query = WebhookDelivery.filter(webhook_id=webhook_id)
    if before is not None:
        query = query.filter(id__lt=before)
    ids = await query.order_by("-id").limit(limit).values_list("id", flat=True)
    if not ids:
        return []
    connection = connections.get("default")
    marks = ", ".join(f"${n}" if connection.capabilities.dialect == "postgres" else "?" for n in range(1, len(ids) + 1))
    sql = (
        "SELECT d.id, d.uid, d.event_id, d.type, d.status, d.next_attempt_at,"
        " a.at AS attempt_at, a.status_code, a.error, a.duration_ms"
        " FROM webhook_delivery d LEFT JOIN webhook_attempt a ON a.delivery_id = d.id"
        f" WHERE d.id IN ({marks}) ORDER BY d.id DESC, a.id"
    )
    rows = await connection.execute_query_dict(sql, list(ids))
    page: dict[int, dict[str, Any]] = {}
    for row in rows:
        delivery = page.setdefault(
            int(row["id"]),
            {
                "id": row["uid"],
                "event_id": row["event_id"],
                "type": row["type"],
                "status": row["status"],
                "next_attempt_at": _moment(row["next_attempt_at"]),
                "attempts": [],
            },
        )
        if row["attempt_at"] is not None:
            delivery["attempts"].append(
                {
                    "at": _moment(row["attempt_at"]),
                    "status_code": row["status_code"],
                    "error": row["error"],
                    "duration_ms": row["duration_ms"],
                }
            )
    return list(page.values())


def _moment(value: Any) -> datetime | None:
    """A timestamp from a raw row: SQLite gives text, PostgreSQL a datetime."""
    if value is None or isinstance(value, datetime):
        return value
    moment = datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def delivery_position(uid: str) -> int:
    """The internal id of a delivery: the cursor of the page after it."""
    return int((await WebhookDelivery.filter(uid=uid).values_list("id", flat=True))[0])
