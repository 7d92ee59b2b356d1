"""Operational routes: liveness and readiness."""

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from cms.services import health
from cms.web.http.problems import ProblemResponse
from cms.web.openapi.parts import problem
from cms.web.operations import PUBLIC, Operation


async def healthz(request: Request) -> Response:
    """The process answers; says nothing about the database, so orchestrators don't restart on a DB blip."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    """Ready when the database answers a query."""
    if (error := await health.database_answers()) is not None:
        return ProblemResponse(503, f"the database does not answer: {error}", headers={"Retry-After": "1"})
    return JSONResponse({"status": "ok", "database": "ok"})


STATUS = {
    "description": "OK",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {"status": {"const": "ok"}, "database": {"const": "ok"}},
                "required": ["status"],
            }
        }
    },
}

operations = [
    Operation(
        "GET",
        "/healthz",
        healthz,
        "getHealth",
        "Operations",
        "Liveness: the process answers",
        security=PUBLIC,
        responses={"200": STATUS},
        asks_database=False,
    ),
    Operation(
        "GET",
        "/readyz",
        readyz,
        "getReadiness",
        "Operations",
        "Readiness: the database answers",
        security=PUBLIC,
        responses={"200": STATUS, "503": problem("The database does not answer; retry after `Retry-After`.")},
    ),
]
