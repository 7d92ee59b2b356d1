"""Pure ASGI middleware (no BaseHTTPMiddleware: it costs a task group per request on the hot path)."""

import secrets
from contextvars import ContextVar

from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = b"x-request-id"
_MAX_REQUEST_ID = 128
_request_id: ContextVar[str] = ContextVar("request_id", default="-")


def current_request_id() -> str:
    """The id of the request this task is answering (what its X-Request-ID header says), for logs."""
    return _request_id.get()


class RequestId:
    """Echo the client's X-Request-ID (when printable and short) or make one, on every response.

    Installed outside Starlette's ServerErrorMiddleware, so that even a 500 carries it (STACK.md §9).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        text = _client_request_id(scope) or secrets.token_hex(16)
        _request_id.set(text)
        request_id = text.encode("latin-1")

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                # A new list: the response's own may be shared by every response of a cached article.
                message["headers"] = [*message.get("headers", ()), (REQUEST_ID_HEADER, request_id)]
            await send(message)

        await self.app(scope, receive, send_with_id)


def _client_request_id(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            text = value.decode("latin-1")
            if 0 < len(text) <= _MAX_REQUEST_ID and text.isascii() and text.isprintable():
                return text
    return None
