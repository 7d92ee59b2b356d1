"""What every request carries and leaves behind: an X-Request-ID, its Prometheus samples and, unless turned off, one
JSON access log line.

Pure ASGI, and one wrapper for all three, because this runs on the hot path (every wrapper costs a closure and a
call per message): the route template, status, size and duration are noted once and reported twice. Lines are
written in batches (cms/batching.py) by writes to stdout of at most 4 KiB, which a pipe never interleaves with
another worker's. A line holds no header, query string, cookie or body, so no token, password or secret can reach
it.
"""

import functools
import os
import time

import orjson
from prometheus_client import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cms.batching import Batch
from cms.metrics import LATENCY, REQUESTS, TALLY
from cms.web.http.request_id import REQUEST_ID_HEADER, begin, current_request_id

STDOUT = 1
PIPE_BUF = 4096
"""What POSIX lets one write to a pipe hold without being interleaved with another process's (Linux: 4 KiB)."""


class ObserveRequests:
    """Tags each response with the request id; counts and times requests by method, route template and status; logs
    each as a JSON line.

    Installed outside Starlette's ServerErrorMiddleware, which answers a 500 outside every middleware of the app, so
    that even a 500 carries its id and is counted.
    """

    def __init__(self, app: ASGIApp, access_log: bool = True, fd: int = STDOUT) -> None:
        self.app = app
        self.access_log = access_log
        self.lines = Lines(fd)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, self._flushing_at_shutdown(send) if scope["type"] == "lifespan" else send)
            return
        started = time.perf_counter()
        request_id = begin(scope)
        status = 500
        sent = 0

        async def observe(message: Message) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = message["status"]
                # A new list: the response's own may be shared by every response of a cached article.
                message["headers"] = [*message.get("headers", ()), (REQUEST_ID_HEADER, request_id)]
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, observe)
        finally:
            duration = time.perf_counter() - started
            route = getattr(scope.get("route"), "path", "unmatched")  # the template, so labels stay few
            counter, histogram = _children(scope["method"], route, status)
            TALLY.count(counter)
            TALLY.observe(histogram, duration)
            if self.access_log:
                self.lines.add(access_line(scope["method"], route, status, duration, sent))

    def _flushing_at_shutdown(self, send: Send) -> Send:
        """`send` for the lifespan: what is still batched is written before the worker says it has stopped."""

        async def send_after_flushing(message: Message) -> None:
            if message["type"] == "lifespan.shutdown.complete":
                self.lines.flush()
                TALLY.flush()
            await send(message)

        return send_after_flushing


class Lines:
    """Lines written to `fd` in batches (cms/batching.py), in writes of at most PIPE_BUF bytes.

    One `os.write` per request costs a system call per request, as much as the rest of the log line. A write of
    up to PIPE_BUF bytes to a pipe is atomic, so workers sharing stdout never cut into each other's lines.
    """

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self._pending: list[bytes] = []
        self._size = 0
        self._batch = Batch(self.flush)

    def add(self, line: bytes) -> None:
        if self._size + len(line) > PIPE_BUF:
            self.flush()
        self._pending.append(line)
        self._size += len(line)
        self._batch.soon()

    def flush(self) -> None:
        if self._pending:
            data, self._pending, self._size = b"".join(self._pending), [], 0
            os.write(self.fd, data)


@functools.lru_cache(maxsize=4096)
def _children(method: str, route: str, status: int) -> tuple[Counter, Histogram]:
    """The labelled series, looked up once: `labels()` costs more than the increment itself."""
    return REQUESTS.labels(method, route, str(status)), LATENCY.labels(method, route)


def access_line(method: str, route: str, status: int, duration: float, sent: int) -> bytes:
    """{"time":"2026-11-30T07:20:01.123Z","request_id":"…","method":"GET","route":"/api/v1/articles/{slug}",
    "status":200,"duration_ms":0.412,"bytes":5123} and a newline.

    Put together from pieces made once (the second, the method, route and status) and the few values of this
    request; only the request id, which a client may choose, goes through a JSON encoder each time.
    """
    now = time.time()
    return b"".join(
        (
            _second(int(now)),
            b'%03dZ","request_id":' % int(now % 1 * 1000),
            orjson.dumps(current_request_id()),
            _route_and_status(method, route, status),
            b"%.3f" % (duration * 1000),
            b',"bytes":%d}\n' % sent,
        )
    )


@functools.lru_cache(maxsize=4)
def _second(epoch: int) -> bytes:
    """'{"time":"2026-11-30T07:20:01.': the line's start for a whole second, made once per second."""
    return b'{"time":"' + time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(epoch)).encode() + b"."


@functools.lru_cache(maxsize=4096)
def _route_and_status(method: str, route: str, status: int) -> bytes:
    """',"method":"GET","route":"/api/v1/articles/{slug}","status":200,"duration_ms":': what follows the id."""
    return b"".join(
        (
            b',"method":',
            orjson.dumps(method),
            b',"route":',
            orjson.dumps(route),
            b',"status":%d' % status,
            b',"duration_ms":',
        )
    )
