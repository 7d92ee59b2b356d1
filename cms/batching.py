"""Work of many requests done together: the access log's writes and the metrics' file updates."""

import asyncio
from collections.abc import Callable

FLUSH_AFTER = 0.05
"""Seconds between the first request that asks for a flush and the flush.

Per turn of the event loop was too often: under load uvloop answers one or two requests per turn, so a write per
turn was a system call per request or two, a fifth of a cached hit's cost. 50 ms holds hundreds of lines at most
and is far below what a person reading a log or Prometheus scraping every 15 s can notice.
"""


class Batch:
    """`soon()` schedules `flush` to run `delay` seconds later; more calls before it runs add nothing.

    Outside a running loop (a script), `flush` runs at once. A loop that ended with the call still pending (tests
    run one loop per test) is noticed, and the next loop gets its own call. Whoever owns a batch flushes it at
    shutdown: a pending call dies with its loop.
    """

    def __init__(self, flush: Callable[[], None], delay: float = FLUSH_AFTER) -> None:
        self._flush = flush
        self._delay = delay
        self._scheduled_on: asyncio.AbstractEventLoop | None = None

    def soon(self) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self._flush()
            return
        if self._scheduled_on is not loop:
            self._scheduled_on = loop
            loop.call_later(self._delay, self._run)

    def _run(self) -> None:
        self._scheduled_on = None
        self._flush()
