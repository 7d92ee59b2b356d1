"""Work done once per turn of the event loop, however many requests of that turn asked for it."""

import asyncio
from collections.abc import Callable


class OncePerTurn:
    """`soon()` schedules `flush` to run after the callbacks of this turn; more calls in the same turn add nothing.

    Outside a running loop (a script), `flush` runs at once. A loop that ended with the call still pending (tests
    run one loop per test) is noticed, and the next loop gets its own call.
    """

    def __init__(self, flush: Callable[[], None]) -> None:
        self._flush = flush
        self._scheduled_on: asyncio.AbstractEventLoop | None = None

    def soon(self) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self._flush()
            return
        if self._scheduled_on is not loop:
            self._scheduled_on = loop
            loop.call_soon(self._run)

    def _run(self) -> None:
        self._scheduled_on = None
        self._flush()
