"""uvicorn's httptools protocol with a bounded request head and problem+json for the errors it answers itself.

Requests that never reach the app (a malformed request line, chunked body or header, an unknown method, both
`Content-Length` and `Transfer-Encoding`) are answered here: uvicorn's own answer is `text/plain`, and nothing
bounds the size of a request's headers, so a client could make a worker buffer a 32 MB header. Nor does uvicorn
bound the time a head takes (it has no such option), so a slowloris client could hold connections open forever:
here a head must be complete within CMS_REQUEST_HEAD_TIMEOUT_SECONDS of the connection opening, or of its first
byte on a kept-alive connection. `cms serve` runs this class (`--http cms.web.http.protocol:BoundedHttpToolsProtocol`
for a hand-run uvicorn); docs/deployment.md says what a reverse proxy in front should bound as well.
"""

import functools
from asyncio import TimerHandle, Transport

import orjson
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from cms.config import Settings

MAX_HEAD_BYTES = 64 * 1024
"""Request line and headers together; nginx's default large_client_header_buffers allows 4 x 8 KB per line."""


def _problem(status: int, reason: str, detail: str) -> tuple[bytes, bytes]:
    body = orjson.dumps({"type": "about:blank", "title": reason, "status": status, "detail": detail})
    head = (
        f"HTTP/1.1 {status} {reason}\r\n"
        "content-type: application/problem+json\r\n"
        f"content-length: {len(body)}\r\n"
        "connection: close\r\n"
    )
    return head.encode("ascii"), body


class _HeadTooLarge(Exception):
    pass


@functools.cache
def head_timeout() -> float:
    """Read once per worker: `cms serve` has checked the settings before the workers start."""
    return Settings.from_env().request_head_timeout_seconds


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    _in_head = False
    _head_bytes = 0
    _head_too_large = False
    _chunk_bytes = 0
    _head_deadline: TimerHandle | None = None
    _head_began: float | None = None
    """When the head being read began (the connection's opening, or a kept-alive request's first byte); None between
    heads. One timer per connection reads it: a timer armed and cancelled for every request head cost 2-3 us on uvloop,
    4-6 % of the 50-60 us of worker CPU that a cached GET takes."""

    def connection_made(self, transport: Transport) -> None:
        super().connection_made(transport)
        self._head_began = self.loop.time()
        self._head_deadline = self.loop.call_later(head_timeout(), self._check_head_deadline)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None
        super().connection_lost(exc)

    def _check_head_deadline(self) -> None:
        self._head_deadline = None
        if self.transport.is_closing():
            return
        timeout = head_timeout()
        # Between heads (a request being answered, or an idle kept-alive connection, which uvicorn's keep-alive
        # timeout closes) there is nothing to bound: look again a whole timeout later.
        remaining = timeout if self._head_began is None else self._head_began + timeout - self.loop.time()
        if remaining > 0:
            self._head_deadline = self.loop.call_later(remaining, self._check_head_deadline)
        elif self._in_head:  # part of a head came: say why the connection ends
            self._answer(408, "Request Timeout", f"the request line and headers took longer than {timeout:g} s")
        else:  # nothing came at all
            self.transport.close()

    def data_received(self, data: bytes) -> None:
        self._chunk_bytes = len(data)
        super().data_received(data)
        if self._in_head and not self.transport.is_closing():
            # A head still incomplete after this chunk: the parser holds all of it, so count it as it comes.
            self._head_bytes += len(data)
            if self._head_bytes > MAX_HEAD_BYTES:
                self._answer_head_too_large()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_head, self._head_bytes, self._head_too_large = True, 0, False
        if self._head_began is None:  # a kept-alive connection's next request: from its first byte
            self._head_began = self.loop.time()

    def on_headers_complete(self) -> None:
        self._in_head, self._head_began = False, None
        # The head came in the chunks counted so far and this one: only a head that may be too large is measured.
        if self._head_bytes + self._chunk_bytes > MAX_HEAD_BYTES and self._head_size() > MAX_HEAD_BYTES:
            self._head_too_large = True
            raise _HeadTooLarge  # the parser stops and reports an error: answered in send_400_response
        super().on_headers_complete()

    def _head_size(self) -> int:
        return len(self.url) + sum(len(name) + len(value) + 4 for name, value in self.headers)

    def send_400_response(self, msg: str) -> None:
        if self._head_too_large:
            self._answer_head_too_large()
            return
        detail = "the request is not valid HTTP/1.1 (request line, headers or chunked body): it was not read"
        self._answer(400, "Bad Request", detail)

    def _answer_head_too_large(self) -> None:
        detail = f"the request line and headers are larger than {MAX_HEAD_BYTES} bytes"
        self._answer(431, "Request Header Fields Too Large", detail)

    def _answer(self, status: int, reason: str, detail: str) -> None:
        head, body = _problem(status, reason, detail)
        defaults = b"".join(name + b": " + value + b"\r\n" for name, value in self.server_state.default_headers)
        self.transport.write(head + defaults + b"\r\n" + body)
        self.transport.close()
