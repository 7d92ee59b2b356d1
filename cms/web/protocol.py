"""uvicorn's httptools protocol with a bounded request head and problem+json for the errors it answers itself.

Requests that never reach the app (a malformed request line, chunked body or header, an unknown method, both
`Content-Length` and `Transfer-Encoding`) are answered here: uvicorn's own answer is `text/plain`, and nothing
bounds the size of a request's headers, so a client could make a worker buffer a 32 MB header. `cms serve` runs
this class (`--http cms.web.protocol:BoundedHttpToolsProtocol` for a hand-run uvicorn); docs/deployment.md says
what a reverse proxy in front should bound as well.
"""

import orjson
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

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


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    _in_head = False
    _head_bytes = 0
    _head_too_large = False
    _chunk_bytes = 0

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

    def on_headers_complete(self) -> None:
        self._in_head = False
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
