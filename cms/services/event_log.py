"""Writing events with the changes they announce, and following the log in each worker.

The event log is the one seam between a write and everything that reacts to it. Every write runs in
`async with event_log.transaction() as events:` and appends the events it raises; the transaction's last two steps
record the events (cms/storage/events.py) and queue their webhook deliveries (cms/storage/webhooks.py), so a change,
its events and their deliveries commit together or not at all.

Each worker runs one `Follower`: it reads the log from where it stands (PostgreSQL: LISTEN, the NOTIFY carrying
the event; SQLite: polling every 250 ms) and hands each event, once and in order, to its subscribers: the delivery
cache, the asset caches, the open event streams, the webhook dispatcher. Nothing else tells them of a change. The
app owns its follower (cms/web/app.py) and, after a request that wrote, catches it up before answering
(cms/web/http/own_writes.py), so that the writing worker's next read already sees its own change.

When the log cannot be read (database restarting), subscribers keep what they have; once it answers again the
follower catches up from the last event it saw. Only when that point was pruned meanwhile do they `reset`.
"""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

import asyncpg

from cms.core.events import Event, NewEvent
from cms.metrics import EVENTS_WRITTEN
from cms.storage import events as log_storage
from cms.storage import webhooks as webhook_storage
from cms.storage.db import asyncpg_dsn, is_sqlite
from cms.storage.db import transaction as database_transaction

log = logging.getLogger(__name__)

POLL_INTERVAL = 0.25
LISTENER_CHECK_INTERVAL = 5.0
RECONNECT_DELAY = 0.25
CATCH_UP_BATCH = 1000
PRUNE_INTERVAL = 3600.0


@contextlib.asynccontextmanager
async def transaction() -> AsyncIterator[list[NewEvent]]:
    """One write transaction; the events appended to the yielded list are written as its last steps."""
    pending: list[NewEvent] = []
    async with database_transaction():
        yield pending
        written = await log_storage.record(pending)
        await webhook_storage.queue(written)
    for event in written:
        EVENTS_WRITTEN.labels(event.type).inc()


class Subscriber(Protocol):
    def on_events(self, events: list[Event]) -> None:
        """New events, in log order, none twice."""

    def on_reset(self) -> None:
        """Events were missed (pruned before they could be read): start afresh."""


class Follower:
    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.position: int | None = None
        """The last event handed to subscribers (None until the log was first read)."""
        self.subscribers: set[Subscriber] = set()
        self._lock = asyncio.Lock()
        self._ready = asyncio.Event()

    async def ready(self) -> int:
        """Wait until the log was read once; the position then."""
        await self._ready.wait()
        assert self.position is not None
        return self.position

    async def run(self, stop: asyncio.Event) -> None:
        """Follow the log until `stop` is set."""
        if is_sqlite(self.database_url):
            await self._poll(stop)
        else:
            await self._listen(asyncpg_dsn(self.database_url), stop)

    async def catch_up(self) -> None:
        """Read every event after the position and hand it on; reset subscribers if some were pruned unread."""
        async with self._lock:
            if self.position is None:
                self.position = await log_storage.latest()
                self._ready.set()
                return
            while True:
                batch = await log_storage.after(self.position, CATCH_UP_BATCH)
                if self.position < await log_storage.horizon():
                    log.warning("events after %s were pruned before this worker read them: reset", self.position)
                    self.position = await log_storage.latest()
                    self._reset()
                    return
                if not batch:
                    return
                self._hand_on(batch)
                if len(batch) < CATCH_UP_BATCH:
                    return

    async def catch_up_quietly(self) -> None:
        """`catch_up`, logging rather than raising a failure: after a write, which is committed whatever happens."""
        try:
            await self.catch_up()
        except Exception as exc:  # the write is committed; the poll or NOTIFY brings its event a moment later
            log.warning("reading the event log after a write failed (%s)", _reason(exc))

    async def _poll(self, stop: asyncio.Event) -> None:
        failing = False
        while not stop.is_set():
            try:
                await self.catch_up()
                if failing:
                    log.info("the event log is readable again; this worker has caught up")
                failing = False
            except Exception as exc:  # the database is busy or gone: keep what we have, try again
                if not failing:
                    log.warning("the event log cannot be read (%s); serving what is cached", _reason(exc))
                failing = True
            await wait(stop, POLL_INTERVAL)

    async def _listen(self, dsn: str, stop: asyncio.Event) -> None:
        """LISTEN on a dedicated connection (a listener pins it); after a loss, reconnect and catch up.

        While the connection is lost, subscribers keep what they have (the delivery cache keeps serving); one
        warning per outage, not one per retry.
        """
        lost = False
        while not stop.is_set():
            try:
                connection = await asyncpg.connect(dsn, timeout=RECONNECT_DELAY * 4)
            except Exception as exc:
                if not lost:
                    log.warning("the event listener lost the database (%s); serving what is cached", _reason(exc))
                lost = True
                await wait(stop, RECONNECT_DELAY)
                continue
            closed = asyncio.Event()
            connection.add_termination_listener(lambda _connection, closed=closed: closed.set())
            notified: asyncio.Queue[str] = asyncio.Queue()
            handler = asyncio.create_task(self._handle_notifications(notified))
            try:
                await connection.add_listener(log_storage.EVENT_CHANNEL, _enqueue(notified))
                await self.catch_up()  # what was committed before LISTEN took effect, or while we were away
                if lost:
                    log.info("the event listener is back; this worker has caught up with the log")
                lost = False
                while not stop.is_set():
                    await wait(stop, LISTENER_CHECK_INTERVAL, closed)
                    await connection.execute("SELECT 1")  # raises at once when the connection was closed
            except Exception as exc:
                if not lost:
                    log.warning("the event listener lost the database (%s); serving what is cached", _reason(exc))
                lost = True
                await wait(stop, RECONNECT_DELAY)
            finally:
                handler.cancel()
                with contextlib.suppress(BaseException):
                    await handler
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(connection.close(), timeout=2)

    async def _handle_notifications(self, notified: "asyncio.Queue[str]") -> None:
        while True:
            payload = await notified.get()
            try:
                event = Event.from_json(payload)
            except (ValueError, KeyError, TypeError):
                log.error("an event notification could not be read: %r", payload[:200])
                await self.catch_up_quietly()
                continue
            async with self._lock:
                if self.position is not None and event.position > self.position:
                    self._hand_on([event])

    def _hand_on(self, events: list[Event]) -> None:
        self.position = events[-1].position
        for subscriber in list(self.subscribers):
            try:
                subscriber.on_events(events)
            except Exception:
                log.exception("an event subscriber failed")

    def _reset(self) -> None:
        for subscriber in list(self.subscribers):
            try:
                subscriber.on_reset()
            except Exception:
                log.exception("an event subscriber failed to reset")


def _enqueue(queue: "asyncio.Queue[str]") -> Callable[..., None]:
    return lambda _connection, _pid, _channel, payload: queue.put_nowait(str(payload))


async def run_pruning(retention_days: int, stop: asyncio.Event, interval: float = PRUNE_INTERVAL) -> None:
    """Every worker, now and then: delete events older than the retention (never inside a write)."""
    while not stop.is_set():
        try:
            await log_storage.prune(datetime.now(UTC) - timedelta(days=retention_days))
        except Exception as exc:
            log.warning("pruning the event log failed (%s); retrying in %s s", _reason(exc), interval)
        await wait(stop, interval)


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


async def wait(stop: asyncio.Event, seconds: float, *events: asyncio.Event) -> None:
    """Until `stop` (or any of `events`) is set, at most `seconds`. The waiters left over are cancelled and awaited,
    so none outlives the call (asyncio would warn of a task destroyed while pending)."""
    waiters = [asyncio.ensure_future(event.wait()) for event in (stop, *events)]
    try:
        await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(*waiters, return_exceptions=True)
