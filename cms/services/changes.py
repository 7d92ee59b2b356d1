"""Following the event log from outside: the changes feed (pages by cursor) and live streams (docs/events.md).

Visibility: without the preview scope a client sees what delivery shows (every type but `article.updated`).
"""

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from cms.core.events import PUBLIC_TYPES, Event, event_id
from cms.services.event_log import Follower
from cms.storage import events as log_storage

REPLAY_BATCH = 500
STREAM_BACKLOG = 10_000
"""Events a slow stream may fall behind by; past that it gets `reset` and goes on from live events."""


class CursorExpired(Exception):
    """The cursor is older than what the log keeps: events after it were pruned."""


class CursorAhead(Exception):
    """The cursor is newer than the latest event: no event ever had it."""


@dataclass
class ChangesPage:
    items: list[Event]
    next_cursor: str

    def json(self) -> bytes:
        items = b",".join(event.json() for event in self.items)
        return b'{"items":[' + items + b'],"next_cursor":"' + self.next_cursor.encode() + b'"}'


def _types(preview: bool) -> frozenset[str] | None:
    return None if preview else PUBLIC_TYPES


async def latest_position() -> int:
    """The latest event's position: following from it gets only events that come after this call."""
    return await log_storage.latest()


async def latest_cursor() -> str:
    return event_id(await latest_position())


async def changes(since: int | None, limit: int, preview: bool) -> ChangesPage:
    """The events after `since` (None: from the oldest kept), oldest first; CursorExpired, CursorAhead."""
    position = await log_storage.horizon() if since is None else since
    items = await log_storage.after(position, limit, _types(preview))
    # Checked after reading: a pruning that ran meanwhile is seen here, and then the page may have holes.
    if position < await log_storage.horizon():
        raise CursorExpired
    if not items and position > await log_storage.latest():
        raise CursorAhead
    return ChangesPage(items, items[-1].id if items else event_id(position))


RESET = object()


@dataclass(eq=False)
class StreamQueue:
    """A follower's subscriber for one open stream."""

    queue: "asyncio.Queue[Event | object]" = field(default_factory=asyncio.Queue)
    behind: bool = False

    def on_events(self, events: list[Event]) -> None:
        for event in events:
            if self.queue.qsize() >= STREAM_BACKLOG:
                self.behind = True
                return
            self.queue.put_nowait(event)

    def on_reset(self) -> None:
        self.queue.put_nowait(RESET)


@dataclass(frozen=True)
class Reset:
    """Events were missed (pruned, or the stream fell behind): re-read what you need, then follow live events."""


async def stream(
    follower: Follower, since: int | None, preview: bool, reset_first: bool = False, seconds: float | None = None
) -> AsyncIterator[Event | Reset]:
    """Replay what came after `since` (when given), then live events, none twice; `seconds` bounds the stream."""
    types = _types(preview)
    subscriber = StreamQueue()
    follower.subscribers.add(subscriber)
    loop = asyncio.get_running_loop()
    deadline = None if seconds is None else loop.time() + seconds
    try:
        # The last position this client has: a live event at or before it was replayed or was had already (this
        # worker's follower may lag behind the log that the replay read).
        last = since or 0
        if reset_first:
            yield Reset()
        elif since is not None:
            try:
                async for event in _replay(since, types):
                    last = event.position
                    yield event
            except CursorExpired:
                yield Reset()
        while True:
            timeout = None if deadline is None else deadline - loop.time()
            if timeout is not None and timeout <= 0:
                return
            try:
                item = await asyncio.wait_for(subscriber.queue.get(), timeout)
            except TimeoutError:
                return
            if subscriber.behind:
                subscriber.behind = False
                while not subscriber.queue.empty():
                    subscriber.queue.get_nowait()
                yield Reset()
                continue
            if item is RESET:
                yield Reset()
            elif isinstance(item, Event) and item.position > last and (types is None or item.type in types):
                last = item.position
                yield item
    finally:
        follower.subscribers.discard(subscriber)


async def _replay(since: int, types: frozenset[str] | None) -> AsyncIterator[Event]:
    position = since
    checked = False
    while True:
        batch = await log_storage.after(position, REPLAY_BATCH, types)
        if not checked:
            if since < await log_storage.horizon():
                raise CursorExpired
            checked = True
        for event in batch:
            yield event
        if len(batch) < REPLAY_BATCH:
            return
        position = batch[-1].position


async def check_cursor(since: int) -> None:
    """CursorAhead when `since` is newer than the latest event."""
    if since > await log_storage.latest():
        raise CursorAhead
