"""A tiny real webhook receiver: a Starlette app that records what it gets and answers as a test tells it."""

import asyncio
import contextlib
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from tests.server.process import free_port


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    received: list[Received] = field(default_factory=list)
    answers: deque[tuple[int, dict[str, str]]] = field(default_factory=deque)
    """(status, headers) to answer with, in order; 204 once they are used up."""
    answers_to: list[tuple[bytes, int, dict[str, str]]] = field(default_factory=list)
    """(part of the body, status, headers): answers for the requests whose body holds that part, before `answers`."""
    lock: threading.Lock = field(default_factory=threading.Lock)
    delay: float = 0.0
    """Seconds to wait before answering (under a real server: a slow receiver)."""
    drip: float = 0.0
    """Seconds over which the body of each answer is sent, a byte every 0.1 s, after its headers at once."""
    body_size: int = 0
    """Bytes of body in each answer, sent 64 KiB at a time after its headers (a receiver that answers at length)."""
    body_sent: list[int] = field(default_factory=list)
    """For each answer of `body_size` bytes, once it ended: how many of them went out before the client hung up."""
    released: threading.Event = field(default_factory=threading.Event)
    held: bool = False
    """While true, each request is received (and listed) but not answered until `release()`."""

    def release(self) -> None:
        """Answer the requests held, and from now on every request at once."""
        self.released.set()

    def answer(self, *statuses: int, **headers: str) -> None:
        self.answers.extend((status, {k.replace("_", "-"): v for k, v in headers.items()}) for status in statuses)

    def answer_to(self, part: bytes, *statuses: int, **headers: str) -> None:
        """Like `answer`, for the requests whose body holds `part` only (e.g. `b'"slug":"hello"'`)."""
        self.answers_to.extend(
            (part, status, {k.replace("_", "-"): v for k, v in headers.items()}) for status in statuses
        )

    def _answer(self, body: bytes) -> tuple[int, dict[str, str]]:
        for n, (part, status, headers) in enumerate(self.answers_to):
            if part in body:
                del self.answers_to[n]
                return status, headers
        return self.answers.popleft() if self.answers else (204, {})

    def bodies(self) -> list[bytes]:
        with self.lock:
            return [r.body for r in self.received]

    @property
    def app(self) -> Starlette:
        async def hook(request: Request) -> Response:
            body = await request.body()
            with self.lock:
                self.received.append(Received(dict(request.headers), body))
                status, headers = self._answer(body)
            while self.held and not self.released.is_set():
                await asyncio.sleep(0.01)
            await asyncio.sleep(self.delay)
            if self.drip:
                return StreamingResponse(_dripped(self.drip), status_code=status, headers=headers)
            if self.body_size:
                return StreamingResponse(self._long_body(request), status_code=status, headers=headers)
            return Response(status_code=status, headers=headers)

        return Starlette(routes=[Route("/hook", hook, methods=["POST"])])

    async def _long_body(self, request: Request) -> AsyncIterator[bytes]:
        chunk, sent = b"x" * 65_536, 0
        try:
            while sent < self.body_size and not await request.is_disconnected():
                part = chunk[: self.body_size - sent]
                yield part
                sent += len(part)
        finally:
            self.body_sent.append(sent)


async def _dripped(seconds: float) -> AsyncIterator[bytes]:
    for _ in range(round(seconds / 0.1)):
        yield b" "
        await asyncio.sleep(0.1)


@contextlib.contextmanager
def serve_receiver(receiver: Receiver) -> Iterator[str]:
    """The receiver under a real uvicorn on 127.0.0.1, in a thread; yields its hook URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(receiver.app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the receiver did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}/hook"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
