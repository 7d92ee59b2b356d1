"""The /metrics route: every worker's samples (what requests leave behind is counted in cms/web/http/observe.py)."""

from prometheus_client import CONTENT_TYPE_LATEST
from starlette.requests import Request
from starlette.responses import Response

from cms.metrics import exposition
from cms.web.operations import PUBLIC, Operation


async def metrics(request: Request) -> Response:
    return Response(exposition(), media_type=CONTENT_TYPE_LATEST)


operations = [
    Operation(
        "GET",
        "/metrics",
        metrics,
        "getMetrics",
        "Operations",
        "Prometheus metrics of every worker: requests by route and status, latency, delivery cache",
        security=PUBLIC,
        responses={
            "200": {
                "description": "Prometheus text format 0.0.4.",
                "content": {"text/plain": {"schema": {"type": "string"}}},
            }
        },
        asks_database=False,
    ),
]
