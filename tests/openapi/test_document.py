"""The document as a whole: valid OpenAPI 3.1, every route of the app in it, names a client generator can use."""

from typing import Any

from openapi_spec_validator import validate
from starlette.routing import Route

from cms.core.blocks import BLOCK_TYPES
from cms.web.app import create_app
from tests.openapi.conformance import DOCUMENT, invalid, pointer
from tests.openapi.live import SEED_TITLE

OPERATIONS = [op for methods in DOCUMENT["paths"].values() for op in methods.values()]
PAGES_FOR_PEOPLE = ("/admin", "/docs", "/favicon.ico")
"""Served to browsers, not API operations: left out of the document."""
SURFACE = {
    ("GET", "/api/v1/articles"): ("listArticles", "200 304 400 503"),
    ("POST", "/api/v1/articles"): ("createArticle", "201 400 401 403 409 413 415 422 503"),
    ("DELETE", "/api/v1/articles/{slug}"): ("deleteArticle", "204 308 400 401 403 404 412 503"),
    ("GET", "/api/v1/articles/{slug}"): ("getArticle", "200 301 304 308 400 401 403 404 503"),
    ("PATCH", "/api/v1/articles/{slug}"): ("patchArticle", "200 308 400 401 403 404 409 412 413 415 422 428 503"),
    ("PUT", "/api/v1/articles/{slug}"): ("replaceArticle", "200 308 400 401 403 404 409 412 413 415 422 428 503"),
    ("POST", "/api/v1/articles/{slug}/publish"): ("publishArticle", "200 308 400 401 403 404 412 413 415 422 503"),
    ("GET", "/api/v1/articles/{slug}/revisions"): ("listRevisions", "200 308 400 401 403 404 503"),
    ("GET", "/api/v1/articles/{slug}/revisions/{n}"): ("getRevision", "200 308 400 401 403 404 503"),
    ("POST", "/api/v1/articles/{slug}/revisions/{n}/restore"): ("restoreRevision", "200 308 400 401 403 404 412 503"),
    ("POST", "/api/v1/articles/{slug}/sections"): ("addSection", "201 308 400 401 403 404 409 412 413 415 422 428 503"),
    ("DELETE", "/api/v1/articles/{slug}/sections/{anchor}"): (
        "deleteSection",
        "204 308 400 401 403 404 409 412 428 503",
    ),
    ("GET", "/api/v1/articles/{slug}/sections/{anchor}"): ("getSection", "200 301 304 308 400 401 403 404 503"),
    ("PUT", "/api/v1/articles/{slug}/sections/{anchor}"): (
        "replaceSection",
        "200 308 400 401 403 404 409 412 413 415 422 428 503",
    ),
    ("POST", "/api/v1/articles/{slug}/unpublish"): ("unpublishArticle", "200 308 400 401 403 404 412 503"),
    ("GET", "/api/v1/assets"): ("listAssets", "200 400 401 403 503"),
    ("POST", "/api/v1/assets"): ("uploadAsset", "200 201 400 401 403 413 415 422 503"),
    ("DELETE", "/api/v1/assets/{id}"): ("deleteAsset", "204 400 401 403 404 409 503"),
    ("GET", "/api/v1/assets/{id}"): ("redirectToAsset", "301 400 404 503"),
    ("GET", "/api/v1/assets/{id}/{filename}"): ("getAssetFile", "200 206 301 304 400 404 416 503"),
    ("GET", "/api/v1/changes"): ("listChanges", "200 400 401 410 503"),
    ("GET", "/api/v1/events"): ("streamEvents", "200 400 401 503"),
    ("GET", "/api/v1/schema"): ("getSchema", "200 304 400 503"),
    ("GET", "/api/v1/site"): ("getSite", "200 304 400 503"),
    ("GET", "/api/v1/tokens"): ("listTokens", "200 400 401 403 503"),
    ("POST", "/api/v1/tokens"): ("createToken", "201 400 401 403 413 415 422 503"),
    ("DELETE", "/api/v1/tokens/{id}"): ("revokeToken", "204 400 401 403 404 503"),
    ("GET", "/api/v1/webhooks"): ("listWebhooks", "200 400 401 403 503"),
    ("POST", "/api/v1/webhooks"): ("createWebhook", "201 400 401 403 413 415 422 503"),
    ("DELETE", "/api/v1/webhooks/{id}"): ("deleteWebhook", "204 400 401 403 404 503"),
    ("PATCH", "/api/v1/webhooks/{id}"): ("updateWebhook", "200 400 401 403 404 413 415 422 503"),
    ("GET", "/api/v1/webhooks/{id}/deliveries"): ("listDeliveries", "200 400 401 403 404 503"),
    ("POST", "/api/v1/webhooks/{id}/deliveries/{delivery}/redeliver"): ("redeliver", "202 400 401 403 404 503"),
    ("GET", "/healthz"): ("getHealth", "200"),
    ("GET", "/metrics"): ("getMetrics", "200"),
    ("GET", "/openapi.json"): ("getOpenApiDocument", "200"),
    ("GET", "/readyz"): ("getReadiness", "200 503"),
}
"""Every operation's id and the statuses it answers, as the hand-written document of commit 93523cd had them
before the document was made from the operations' records (cms/web/operations.py)."""


async def test_openapi_json_serves_a_valid_3_1_document(client):
    response = await client.get("/openapi.json")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    validate(response.json())
    assert response.json()["openapi"] == "3.1.0"


def test_every_route_the_app_serves_is_documented_with_its_methods(settings):
    """The /admin pages (HTML forms for people), the /docs page and the icon are not API; all else must be here."""
    served = {
        (route.path, method.lower())
        for route in create_app(settings).starlette.routes
        if isinstance(route, Route) and not route.path.startswith(PAGES_FOR_PEOPLE)
        for method in route.methods or ()
        if method != "HEAD"
    }

    documented = {(path, method) for path, methods in DOCUMENT["paths"].items() for method in methods}

    assert served == documented


def test_every_operation_keeps_its_id_and_the_statuses_it_answers():
    documented = {
        (method.upper(), path): (operation["operationId"], " ".join(operation["responses"]))
        for path, methods in DOCUMENT["paths"].items()
        for method, operation in methods.items()
    }

    assert documented == SURFACE


def test_every_route_of_the_api_is_named_by_its_operation_id(settings):
    named = {
        (method, route.path): route.name
        for route in create_app(settings).starlette.routes
        if isinstance(route, Route) and not route.path.startswith(PAGES_FOR_PEOPLE)
        for method in route.methods or ()
        if method != "HEAD"
    }

    assert named == {key: operation_id for key, (operation_id, _) in SURFACE.items()}


def test_operation_ids_are_unique_and_every_operation_has_one_tag_and_security():
    ids = [op["operationId"] for op in OPERATIONS]
    tags = {tag["name"] for tag in DOCUMENT["tags"]}

    assert len(ids) == len(set(ids))
    assert all(len(op["tags"]) == 1 and op["tags"][0] in tags for op in OPERATIONS)
    assert all("security" in op for op in OPERATIONS)
    assert DOCUMENT["servers"]


def test_every_schema_title_is_its_name_so_no_two_schemas_share_one():
    schemas = DOCUMENT["components"]["schemas"]

    assert {name: schema["title"] for name, schema in schemas.items()} == {name: name for name in schemas}
    assert not [name for name in schemas if name.endswith(("-Input", "-Output"))]


def test_served_blocks_always_carry_their_id():
    schemas = DOCUMENT["components"]["schemas"]

    for block in BLOCK_TYPES:
        served = schemas[block.__name__]
        assert "id" in served["required"]
        assert served["properties"]["id"]["type"] == "string"


def test_every_4xx_and_5xx_response_is_a_problem():
    def is_problem(response: dict[str, Any]) -> bool:
        return response.get("content") == {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        }

    errors = [
        (op["operationId"], status)
        for op in OPERATIONS
        for status, response in op["responses"].items()
        if status[0] in "45" and status != "416" and not is_problem(response)
    ]

    assert errors == []


def test_every_example_is_valid_against_its_schema_and_the_article_examples_are_the_seed():
    examples = [
        (pointer("paths", path, method, "responses", status, "content", media_type, "schema"), name, example["value"])
        for path, methods in DOCUMENT["paths"].items()
        for method, op in methods.items()
        for status, response in op["responses"].items()
        for media_type, content in response.get("content", {}).items()
        for name, example in content.get("examples", {}).items()
    ]

    errors = {(where, name): invalid(DOCUMENT, where, value) for where, name, value in examples}

    assert {key: reasons for key, reasons in errors.items() if reasons} == {}
    article = DOCUMENT["paths"]["/api/v1/articles/{slug}"]["get"]["responses"]["200"]["content"]
    assert article["application/json"]["examples"]["json"]["value"]["title"] == SEED_TITLE
    assert len(examples) == 13  # the listing's 2, the article's 6, the section's 5 (one per text format)


def test_every_response_names_its_request_id_and_every_database_route_its_503_with_retry_after():
    headers_of = {
        (operation["operationId"], status): set(response["headers"])
        for methods in DOCUMENT["paths"].values()
        for operation in methods.values()
        for status, response in operation["responses"].items()
    }
    without_database = {"getHealth", "getMetrics", "getOpenApiDocument"}
    operations = {operation_id for operation_id, _ in headers_of}

    assert all("X-Request-ID" in names for names in headers_of.values())
    assert {o for o in operations if (o, "503") in headers_of} == operations - without_database
    assert all("Retry-After" in headers_of[o, "503"] for o in operations - without_database)
    assert headers_of["getArticle", "304"] == {"X-Request-ID", "ETag", "Cache-Control", "Vary", "Surrogate-Key"}
    assert headers_of["replaceArticle", "412"] == {"X-Request-ID", "ETag"}
    assert headers_of["createArticle", "201"] == {"X-Request-ID", "ETag", "Location"}
    assert headers_of["replaceArticle", "200"] == {"X-Request-ID", "ETag", "Preference-Applied"}
    assert headers_of["deleteSection", "204"] == {"X-Request-ID", "Preference-Applied"}
