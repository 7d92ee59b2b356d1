"""The document says what the server accepts: a query value is valid against its parameter's schema exactly when the
server does not refuse it as bad (400), so a generated client or schemathesis' positive cases get no 400."""

import pytest

from tests.openapi.conformance import DOCUMENT, invalid, operation, pointer

A_SERVER_ID = "0123456789abcdef" * 2


def _accepts(operation_id: str, name: str, value: str | int) -> bool:
    path, method, found = operation(operation_id)
    (index,) = [i for i, parameter in enumerate(found["parameters"]) if parameter["name"] == name]
    return not invalid(DOCUMENT, pointer("paths", path, method, "parameters", str(index), "schema"), value)


# (operationId, parameter, value, the URL the server is asked with that value)
CASES = [
    ("listArticles", "locale", "", "/api/v1/articles?locale="),
    ("listArticles", "locale", "pt-BR", "/api/v1/articles?locale=pt-BR"),
    ("listArticles", "locale", "EN", "/api/v1/articles?locale=EN"),
    ("listArticles", "fields", "", "/api/v1/articles?fields="),
    ("listArticles", "fields", "title,summary", "/api/v1/articles?fields=title,summary"),
    ("listArticles", "fields", "title,", "/api/v1/articles?fields=title,"),
    ("listArticles", "cursor", "", "/api/v1/articles?cursor="),
    ("listChanges", "since", "", "/api/v1/changes?since="),
    ("listChanges", "since", "latest", "/api/v1/changes?since=latest"),
    ("listChanges", "since", "0000000000000000", "/api/v1/changes?since=0000000000000000"),
    ("listChanges", "since", "Latest", "/api/v1/changes?since=Latest"),
    ("listChanges", "since", "8000000000000000", "/api/v1/changes?since=8000000000000000"),
    ("listRevisions", "cursor", "", "/api/v1/articles/hello/revisions?cursor="),
    ("listRevisions", "cursor", "0", "/api/v1/articles/hello/revisions?cursor=0"),
    ("listRevisions", "cursor", "007", "/api/v1/articles/hello/revisions?cursor=007"),
    ("listRevisions", "cursor", "-1", "/api/v1/articles/hello/revisions?cursor=-1"),
    ("getRevision", "n", 2**31 - 1, f"/api/v1/articles/hello/revisions/{2**31 - 1}"),
    ("getRevision", "n", 2**31, f"/api/v1/articles/hello/revisions/{2**31}"),
    ("listDeliveries", "cursor", "", f"/api/v1/webhooks/{A_SERVER_ID}/deliveries?cursor="),
    ("listDeliveries", "cursor", "12", f"/api/v1/webhooks/{A_SERVER_ID}/deliveries?cursor=12"),
]


@pytest.mark.parametrize(
    ("operation_id", "name", "value", "url"), CASES, ids=[f"{c[0]}-{c[1]}={c[2]!r}" for c in CASES]
)
async def test_a_value_is_valid_in_the_document_exactly_when_the_server_does_not_refuse_it(
    client, token, operation_id, name, value, url
):
    headers = {"Authorization": f"Bearer {await token('preview', 'write', 'admin')}"}
    await client.post("/api/v1/articles", json={"title": "Hello"}, headers=headers)

    response = await client.get(url, headers=headers)

    assert response.status_code < 500
    assert (value, _accepts(operation_id, name, value)) == (value, response.status_code != 400)


@pytest.mark.parametrize("operation_id", ["revokeToken", "updateWebhook", "deleteWebhook", "listDeliveries"])
def test_ids_in_paths_are_documented_as_32_hexadecimal_digits(operation_id):
    assert (_accepts(operation_id, "id", A_SERVER_ID), _accepts(operation_id, "id", A_SERVER_ID + "0")) == (True, False)


def test_the_streams_messages_include_reset():
    _, _, found = operation("streamEvents")
    names = DOCUMENT["components"]["schemas"]["StreamEvent"]["properties"]["event"]["enum"]

    assert found["responses"]["200"]["content"]["text/event-stream"]["schema"]["contentSchema"] == {
        "$ref": "#/components/schemas/StreamEvent"
    }
    assert names[-1] == "reset"
    assert "article.published" in names


def test_the_streams_since_accepts_latest_and_refuses_empty():
    assert (_accepts("streamEvents", "since", "latest"), _accepts("streamEvents", "since", "")) == (True, False)


def test_a_revision_number_is_documented_up_to_what_the_columns_hold():
    _, _, found = operation("getRevision")
    (schema,) = [parameter["schema"] for parameter in found["parameters"] if parameter["name"] == "n"]

    assert (schema["minimum"], schema["maximum"]) == (1, 2**31 - 1)
