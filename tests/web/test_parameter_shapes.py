"""Every number and id a route reads from its path or query is checked by shape and size at the edge
(cms/web/http/params.py): a huge, negative or non-digit value answers 400 or 404 problem+json naming it, never a 500;
leading zeros are the number they pad."""

from typing import Any

import httpx
import pytest

ZEROS = "0" * 10_000 + "1"
HUGE = "9" * 5_000
BAD = {"huge": HUGE, "negative": "-1", "not a number": "1x", "empty": ""}
A_SERVER_ID = "0123456789abcdef" * 2


# (what, method, url with {} for the value, the `parameter` a bad value is named by); sent with every scope
NUMBERS = [
    ("articles limit", "GET", "/api/v1/articles?limit={}", "limit"),
    ("changes limit", "GET", "/api/v1/changes?limit={}", "limit"),
    ("revisions limit", "GET", "/api/v1/articles/hello/revisions?limit={}", "limit"),
    ("revisions cursor", "GET", "/api/v1/articles/hello/revisions?cursor={}", "cursor"),
    ("revision number", "GET", "/api/v1/articles/hello/revisions/{}", "n"),
    ("restore number", "POST", "/api/v1/articles/hello/revisions/{}/restore", "n"),
    ("deliveries limit", "GET", f"/api/v1/webhooks/{A_SERVER_ID}/deliveries?limit={{}}", "limit"),
    ("deliveries cursor", "GET", f"/api/v1/webhooks/{A_SERVER_ID}/deliveries?cursor={{}}", "cursor"),
]
IDS = [
    ("token id", "DELETE", "/api/v1/tokens/{}", "active token"),
    ("webhook id (update)", "PATCH", "/api/v1/webhooks/{}", "webhook"),
    ("webhook id (delete)", "DELETE", "/api/v1/webhooks/{}", "webhook"),
    ("webhook id (deliveries)", "GET", "/api/v1/webhooks/{}/deliveries", "webhook"),
    ("webhook id (redeliver)", "POST", "/api/v1/webhooks/{}/deliveries/" + A_SERVER_ID + "/redeliver", "webhook"),
    ("delivery id", "POST", "/api/v1/webhooks/" + A_SERVER_ID + "/deliveries/{}/redeliver", "delivery"),
]


@pytest.fixture
async def hello(client: httpx.AsyncClient, editor: dict[str, str]) -> None:
    created = await client.post("/api/v1/articles", json={"title": "Hello"}, headers=editor)
    assert created.status_code == 201


@pytest.fixture
async def every_scope(token: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {await token('preview', 'write', 'admin')}"}


async def _send(client: httpx.AsyncClient, method: str, url: str, headers: dict[str, str]) -> httpx.Response:
    body = b"{}" if method in ("PATCH", "POST") else None
    return await client.request(method, url, content=body, headers=headers | {"Content-Type": "application/json"})


def _shown(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:40] + "…")


def _detail(parameter: str, value: str) -> str:
    if parameter == "limit":
        return f"limit {_shown(value)} is out of range: use a whole number from 1 to "
    if parameter == "cursor":
        return f"cursor {_shown(value)} is not one this API returned: pass next_cursor unchanged"
    return f"revision {_shown(value)} is not a version number: use 1, 2, …"


@pytest.mark.usefixtures("hello")
@pytest.mark.parametrize("kind", BAD)
@pytest.mark.parametrize(("what", "method", "url", "parameter"), NUMBERS, ids=[n[0] for n in NUMBERS])
async def test_a_bad_number_answers_400_naming_it(
    client, every_scope, kind, what, method, url, parameter
):  # fmt: skip
    value = BAD[kind]
    if kind == "empty" and parameter == "n":
        pytest.skip("an empty path segment matches no route")

    response = await _send(client, method, url.format(value), every_scope)

    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert (body["title"], body["parameter"]) == ("Bad Request", parameter)
    assert body["detail"].startswith(_detail(parameter, value))


@pytest.mark.usefixtures("hello")
@pytest.mark.parametrize(("what", "method", "url", "parameter"), NUMBERS, ids=[n[0] for n in NUMBERS])
async def test_leading_zeros_are_the_number_they_pad(client, every_scope, what, method, url, parameter):
    plain = await _send(client, method, url.format("1"), every_scope)

    padded = await _send(client, method, url.format(ZEROS), every_scope)

    assert plain.status_code < 500
    assert padded.status_code == plain.status_code
    if method == "GET":
        assert padded.json() == plain.json()


@pytest.mark.parametrize("value", [ZEROS, HUGE, "-1", "x" * 31, A_SERVER_ID.upper(), A_SERVER_ID + "0"])
@pytest.mark.parametrize(("what", "method", "url", "thing"), IDS, ids=[i[0] for i in IDS])
async def test_an_id_not_shaped_like_one_answers_404_naming_it(client, every_scope, value, what, method, url, thing):
    response = await _send(client, method, url.format(value), every_scope)

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == (
        f"no {thing} has id {_shown(value)}: ids are 32 hexadecimal digits, as this API gave them"
    )


@pytest.mark.parametrize("value", [ZEROS, HUGE, "-1", "x"])
@pytest.mark.parametrize("url", ["/api/v1/changes?since={}", "/api/v1/events?since={}", "/api/v1/articles?cursor={}"])
async def test_a_cursor_this_api_did_not_give_answers_400(client, value, url):
    response = await client.get(url.format(value))

    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["parameter"] in ("since", "cursor")
