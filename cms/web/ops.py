"""Operational routes: liveness and readiness."""

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from tortoise import connections

from cms.web.problems import ProblemResponse


async def healthz(request: Request) -> Response:
    """The process answers; says nothing about the database, so orchestrators don't restart on a DB blip."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    """Ready when the database answers a query."""
    try:
        await connections.get("default").execute_query("SELECT 1")
    except Exception as exc:  # any driver error means "not ready", which is the answer, not a failure
        return ProblemResponse(503, f"the database does not answer: {type(exc).__name__}")
    return JSONResponse({"status": "ok", "database": "ok"})


routes = [
    Route("/healthz", healthz, methods=["GET"]),
    Route("/readyz", readyz, methods=["GET"]),
]
