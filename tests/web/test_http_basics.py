"""What every response carries: X-Request-ID, problem+json errors, CORS; liveness and readiness."""

import httpx
from asgi_lifespan import LifespanManager

from cms.config import Settings
from cms.web.app import create_app


async def test_request_id_is_echoed(client):
    response = await client.get("/healthz", headers={"X-Request-ID": "abc-123"})

    assert response.headers["x-request-id"] == "abc-123"


async def test_request_id_is_made_when_absent(client):
    response = await client.get("/healthz")

    assert len(response.headers["x-request-id"]) == 32


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


async def test_no_cors_headers_without_configured_origins(client):
    response = await client.get("/api/v1/site", headers={"Origin": "https://site.example"})

    assert "access-control-allow-origin" not in response.headers


async def test_cached_responses_carry_only_their_own_request_id(client, publish):
    await publish(title="Hello")

    responses = [await client.get("/api/v1/articles/hello", headers={"X-Request-ID": f"req-{n}"}) for n in range(3)]

    assert [r.headers.get_list("x-request-id") for r in responses] == [["req-0"], ["req-1"], ["req-2"]]
