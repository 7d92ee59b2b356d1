"""The request id: the client's X-Request-ID (when printable and short) or a new one, on every response and log line."""

import itertools
import os
import secrets
from contextvars import ContextVar

from starlette.types import Scope

REQUEST_ID_HEADER = b"x-request-id"
_MAX_REQUEST_ID = 128
_request_id: ContextVar[str] = ContextVar("request_id", default="-")


class _Ids:
    """32 hex characters: a random prefix per process and a counter. Unique across workers and restarts, and half
    the price of 16 random bytes per request; an id correlates log lines, it guards nothing."""

    def __init__(self) -> None:
        self.restart()
        os.register_at_fork(after_in_child=self.restart)  # a forked worker must not repeat its parent's ids

    def restart(self) -> None:
        self.prefix, self.counter = secrets.token_hex(8), itertools.count()

    def next(self) -> str:
        return f"{self.prefix}{next(self.counter):016x}"


_ids = _Ids()


def current_request_id() -> str:
    """The id of the request this task is answering (what its X-Request-ID header says), for logs."""
    return _request_id.get()


def begin(scope: Scope) -> bytes:
    """The id of the request `scope` starts, made current for this task; encoded for the response header."""
    text = _client_request_id(scope) or _ids.next()
    _request_id.set(text)
    return text.encode("latin-1")


def _client_request_id(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == REQUEST_ID_HEADER:
            text = value.decode("latin-1")
            if 0 < len(text) <= _MAX_REQUEST_ID and text.isascii() and text.isprintable():
                return text
    return None
