"""Request metrics (pure ASGI: no task group per request on the hot path) and the /metrics route."""

import functools
import time

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cms.metrics import LATENCY, REQUESTS, exposition


class RequestMetrics:
    """Counts requests by method, route template and status, and times them, by route template."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_and_note_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note_status)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")  # the template, so labels stay few
            counter, histogram = _children(scope["method"], route, status)
            counter.inc()
            histogram.observe(time.perf_counter() - started)


@functools.lru_cache(maxsize=4096)
def _children(method: str, route: str, status: int) -> tuple[Counter, Histogram]:
    """The labelled series, looked up once: `labels()` costs more than the increment itself."""
    return REQUESTS.labels(method, route, str(status)), LATENCY.labels(method, route)


async def metrics(request: Request) -> Response:
    return Response(exposition(), media_type=CONTENT_TYPE_LATEST)


routes = [Route("/metrics", metrics, methods=["GET"])]
