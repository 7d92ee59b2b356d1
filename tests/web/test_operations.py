"""One record per operation (cms/web/operations.py): an operation added to the app's list is routed, documented
in /openapi.json and, when its answer is kept, served by the fast path, with nothing else to change."""

import orjson
import pytest
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from cms.config import Settings
from cms.web.api.index import OPERATIONS
from cms.web.app import Application, create_app
from cms.web.http.caching import cached_response
from cms.web.openapi.parts import NO_ARTICLE, problem
from cms.web.operations import PUBLIC, Kept, Operation, PathParameters

teaser_requests: list[str] = []
"""The slugs of the teaser requests that reached its handler (the fast path answers the others)."""


async def hello(request: Request) -> Response:
    return PlainTextResponse("hello")


def teaser_variant(path: PathParameters) -> tuple[str, ...]:
    return ("teaser", "json")


async def teaser(request: Request) -> Response:
    """The published article's title, kept in the delivery cache like its other renditions."""
    teaser_requests.append(request.path_params["slug"])
    cache = request.app.state.delivery_cache
    entry = await cache.entry(request.path_params["slug"], request.app.state.settings.default_locale)
    render = lambda: (orjson.dumps({"title": entry.article().title}), "application/json")  # noqa: E731
    rendition = cache.rendition(entry, teaser_variant(request.path_params), render)
    return cached_response(request, rendition, entry.surrogate_key, entry.published, entry.last_modified)


HELLO = Operation(
    "GET",
    "/api/v1/hello",
    hello,
    "getHello",
    "Operations",
    "Say hello",
    security=PUBLIC,
    responses={"200": {"description": "Hello.", "content": {"text/plain": {"schema": {"type": "string"}}}}},
    asks_database=False,
)
TEASER = Operation(
    "GET",
    "/api/v1/articles/{slug}/teaser",
    teaser,
    "getTeaser",
    "Delivery",
    "The published article's title",
    security=PUBLIC,
    responses={"200": {"description": "The title."}, "404": NO_ARTICLE, "410": problem("Gone.")},
    kept=Kept(teaser_variant),
)


@pytest.fixture
def app(settings: Settings) -> Application:
    teaser_requests.clear()
    return create_app(settings, operations=[*OPERATIONS, HELLO, TEASER])


async def test_an_added_operation_is_routed(client):
    response = await client.get("/api/v1/hello")

    assert response.status_code == 200
    assert response.text == "hello"


async def test_an_added_operation_is_in_the_served_document_with_every_status_it_answers(client):
    document = (await client.get("/openapi.json")).json()

    hello, teaser = (
        document["paths"]["/api/v1/hello"]["get"],
        document["paths"]["/api/v1/articles/{slug}/teaser"]["get"],
    )
    assert (hello["operationId"], list(hello["responses"])) == ("getHello", ["200"])
    assert (teaser["operationId"], list(teaser["responses"])) == ("getTeaser", ["200", "404", "410", "503"])
    assert teaser["responses"]["503"]["headers"]["Retry-After"] == {"$ref": "#/components/headers/Retry-After"}


async def test_an_added_kept_operation_is_answered_by_the_fast_path_once_rendered(client, publish):
    await publish(title="Teased")
    first = await client.get("/api/v1/articles/teased/teaser")

    again = await client.get("/api/v1/articles/teased/teaser")
    routed = await client.get("/api/v1/articles/teased/teaser", params={"locale": "en"})  # a query: always routed

    assert again.status_code == 200
    assert again.json() == {"title": "Teased"}
    assert again.headers["etag"] == first.headers["etag"]
    assert teaser_requests == ["teased", "teased"]  # the first and the routed one; not the one in between
    assert routed.content == again.content
