"""Operational routes: liveness and readiness."""

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from cms.services import health
from cms.web.http.problems import ProblemResponse


async def healthz(request: Request) -> Response:
    """The process answers; says nothing about the database, so orchestrators don't restart on a DB blip."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    """Ready when the database answers a query."""
    if (error := await health.database_answers()) is not None:
        return ProblemResponse(503, f"the database does not answer: {error}", headers={"Retry-After": "1"})
    return JSONResponse({"status": "ok", "database": "ok"})


routes = [
    Route("/healthz", healthz, methods=["GET"]),
    Route("/readyz", readyz, methods=["GET"]),
]
