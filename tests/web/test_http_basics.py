"""What every response carries: X-Request-ID, problem+json errors, CORS; liveness and readiness."""

import contextlib
import logging
import os
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from tortoise import connections

from cms.config import DEFAULT_CORS_ALLOW_HEADERS, ConfigError, Settings
from cms.web.app import create_app
from cms.web.http import request_id


async def test_request_id_is_echoed(client):
    response = await client.get("/healthz", headers={"X-Request-ID": "abc-123"})

    assert response.headers["x-request-id"] == "abc-123"


async def test_request_id_is_made_when_absent(client):
    response = await client.get("/healthz")

    assert len(response.headers["x-request-id"]) == 32


async def test_request_ids_made_here_are_hex_and_never_repeat(client):
    ids = [(await client.get("/healthz")).headers["x-request-id"] for _ in range(3)]

    assert all(re.fullmatch("[0-9a-f]{32}", made) for made in ids), ids
    assert len(set(ids)) == 3


def test_a_forked_worker_makes_ids_of_its_own():
    reader, writer = os.pipe()
    parent_id = request_id.begin({"headers": []}).decode()
    child = os.fork()
    if child == 0:  # the worker: its first id, to the parent
        os.write(writer, request_id.begin({"headers": []}))
        os._exit(0)
    os.close(writer)
    child_id = os.read(reader, 64).decode()
    os.waitpid(child, 0)

    assert child_id[:16] != parent_id[:16]


async def test_request_id_is_on_errors_too(client):
    response = await client.get("/no/such/route", headers={"X-Request-ID": "req-404"})

    assert response.status_code == 404
    assert response.headers["x-request-id"] == "req-404"


async def test_unknown_route_answers_404_problem(client):
    response = await client.get("/no/such/route")

    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": "no route matches this path: see /docs for the API",
    }


async def test_wrong_method_answers_405_problem_with_allow(client):
    response = await client.delete("/api/v1/site")

    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) == {"GET", "HEAD"}
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 405


async def test_healthz_answers_ok(client):
    response = await client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_answers_ok_when_the_database_answers(client):
    response = await client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


async def test_cors_preflight_from_an_allowed_origin_is_answered(settings):
    app = create_app(Settings(database_url=settings.database_url, cors_origins=("https://site.example",)))
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url="http://test") as http,
    ):
        response = await http.options(
            "/api/v1/site",
            headers={"Origin": "https://site.example", "Access-Control-Request-Method": "GET"},
        )
        simple = await http.get("/api/v1/site", headers={"Origin": "https://site.example"})

    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "https://site.example"
    assert simple.headers["access-control-allow-origin"] == "https://site.example"
    assert "ETag" in simple.headers["access-control-expose-headers"]


@contextlib.asynccontextmanager
async def _cors_client(settings: Settings, **cors: Any) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(database_url=settings.database_url, cors_origins=("https://site.example",), **cors))
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url="http://test") as http,
    ):
        yield http


def _preflight(headers: str, origin: str = "https://site.example") -> dict[str, str]:
    return {"Origin": origin, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": headers}


async def test_cors_preflight_from_another_origin_answers_400_problem(settings):
    async with _cors_client(settings) as http:
        response = await http.options(
            "/api/v1/site", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"}
        )

    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "about:blank",
        "title": "Bad Request",
        "status": 400,
        "detail": "this cross-origin request is not allowed (origin): origin 'https://evil.example', method 'GET'; "
        "allowed origins are set by CMS_CORS_ORIGINS, methods are GET, HEAD, POST, PUT, PATCH, DELETE",
    }
    assert "access-control-allow-origin" not in response.headers


async def test_cors_preflight_allows_the_headers_browsers_commonly_send(settings):
    async with _cors_client(settings) as http:
        response = await http.options(
            "/api/v1/articles/x",
            headers=_preflight(
                "cache-control, authorization, if-none-match, content-type, last-event-id, pragma, prefer"
            ),
        )

    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "https://site.example"
    assert response.headers["access-control-allow-headers"] == (
        "Accept, Accept-Language, Authorization, Cache-Control, Content-Language, Content-Type, If-Match, "
        "If-Modified-Since, If-None-Match, If-Range, Last-Event-ID, Pragma, Prefer, Range, X-Request-ID"
    )


async def test_cors_preflight_with_a_header_not_allowed_answers_400_problem_naming_it(settings):
    async with _cors_client(settings) as http:
        response = await http.options("/api/v1/articles/x", headers=_preflight("Cache-Control, X-Tenant"))

    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "about:blank",
        "title": "Bad Request",
        "status": 400,
        "detail": "this cross-origin request is not allowed (headers): origin 'https://site.example', method 'GET', "
        "headers 'X-Tenant'; allowed request headers are set by CMS_CORS_ALLOW_HEADERS (Accept, Accept-Language, "
        "Authorization, Cache-Control, Content-Language, Content-Type, If-Match, If-Modified-Since, If-None-Match, "
        "If-Range, Last-Event-ID, Pragma, Prefer, Range, X-Request-ID); allowed origins are set by CMS_CORS_ORIGINS, "
        "methods are GET, HEAD, POST, PUT, PATCH, DELETE",
    }


async def test_cors_allow_headers_replace_the_default_list(settings):
    async with _cors_client(settings, cors_allow_headers=("Authorization", "X-Tenant")) as http:
        allowed = await http.options("/api/v1/articles/x", headers=_preflight("x-tenant, authorization"))
        refused = await http.options("/api/v1/articles/x", headers=_preflight("cache-control"))

    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-headers"] == (
        "Accept, Accept-Language, Authorization, Content-Language, Content-Type, X-Tenant"
    )
    assert refused.status_code == 400
    assert refused.headers["content-type"] == "application/problem+json"
    assert "headers 'cache-control'" in refused.json()["detail"]


async def test_cors_allow_headers_star_allows_any_request_header(settings):
    async with _cors_client(settings, cors_allow_headers=("*",)) as http:
        response = await http.options("/api/v1/articles/x", headers=_preflight("x-tenant, cache-control"))

    assert response.status_code == 200
    assert response.headers["access-control-allow-headers"] == "x-tenant, cache-control"


def test_cors_allow_headers_come_from_a_comma_separated_setting():
    settings = Settings.from_env({"CMS_CORS_ALLOW_HEADERS": " Authorization, X-Tenant ,"})

    assert settings.cors_allow_headers == ("Authorization", "X-Tenant")
    assert Settings.from_env({}).cors_allow_headers == DEFAULT_CORS_ALLOW_HEADERS


def test_cors_allow_headers_that_are_not_header_names_are_refused_naming_the_setting():
    with pytest.raises(ConfigError) as raised:
        Settings.from_env({"CMS_CORS_ALLOW_HEADERS": "Authorization, X Tenant"})

    assert str(raised.value) == (
        "CMS_CORS_ALLOW_HEADERS has value 'Authorization, X Tenant': use comma-separated header names, or `*` for any"
        " (e.g. CMS_CORS_ALLOW_HEADERS=Authorization,Content-Type,Cache-Control)"
    )


async def test_no_cors_headers_without_configured_origins(client):
    response = await client.get("/api/v1/site", headers={"Origin": "https://site.example"})

    assert "access-control-allow-origin" not in response.headers


async def test_cached_responses_carry_only_their_own_request_id(client, publish):
    await publish(title="Hello")

    responses = [await client.get("/api/v1/articles/hello", headers={"X-Request-ID": f"req-{n}"}) for n in range(3)]

    assert [r.headers.get_list("x-request-id") for r in responses] == [["req-0"], ["req-1"], ["req-2"]]


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("OPTIONS", "/api/v1/tokens", "GET, HEAD, POST"),
        ("PUT", "/api/v1/articles", "GET, HEAD, POST"),
        ("POST", "/api/v1/articles/hello", "DELETE, GET, HEAD, PATCH, PUT"),
        ("POST", "/api/v1/articles/hello/sections/intro", "DELETE, GET, HEAD, PUT"),
    ],
)
async def test_a_405_lists_every_method_the_path_takes(client, method, path, allowed):
    response = await client.request(method, path)

    assert response.status_code == 405
    assert response.headers["allow"] == allowed
    assert response.headers["content-type"] == "application/problem+json"


async def test_a_500_is_logged_once_with_the_request_id_the_client_got(client, editor, caplog):
    async with _revision_table_missing():
        response = await client.post(
            "/api/v1/articles", json={"title": "Hello"}, headers=editor | {"X-Request-ID": "r-1"}
        )

    assert response.status_code == 500
    assert response.headers["x-request-id"] == "r-1"
    assert response.json() == {
        "type": "about:blank",
        "title": "Internal Server Error",
        "status": 500,
        "detail": "the server failed to answer this request; it has been logged",
    }
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.getMessage() for r in errors] == ["unhandled error answering POST /api/v1/articles (request id r-1)"]
    assert errors[0].exc_info is not None


@contextlib.asynccontextmanager
async def _revision_table_missing() -> AsyncIterator[None]:
    """A fault no input can cause: the table every write needs is away for a moment."""
    connection = connections.get("default")
    await connection.execute_script("ALTER TABLE revision RENAME TO revision_away")
    try:
        yield
    finally:
        await connection.execute_script("ALTER TABLE revision_away RENAME TO revision")
