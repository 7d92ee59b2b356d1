"""Numbers in the asset routes, however many digits a client sends: 400 naming the parameter, or what RFC 9110 says
for a Range, never a 500 (Python's int() refuses strings of over 4 300 digits)."""

from typing import Any

import httpx
import pytest

from tests.web.images import image

pytestmark = pytest.mark.media_stores  # each test with a local directory and with S3 (tests/media.py)

HUGE = "9" * 5000
"""A number past every limit, and past the length Python's int() parses."""
HUGE_SHOWN = "'" + "9" * 40 + "…'"
"""How a message quotes HUGE back: its first 40 characters."""
PADDED_ONE = "0" * 10000 + "1"


@pytest.fixture
async def png(client: httpx.AsyncClient, editor: dict[str, str]) -> dict[str, Any]:
    response = await client.post("/api/v1/assets", files={"file": ("a.png", image(64, 32))}, headers=editor)
    assert response.status_code == 201, response.text
    return dict(response.json())


@pytest.mark.parametrize(
    "query, parameter",
    [({"w": HUGE}, "w"), ({"w": "320", "h": HUGE}, "h"), ({"w": "320", "q": HUGE}, "q")],
)
async def test_a_variant_number_of_thousands_of_digits_answers_400_naming_it(
    client: httpx.AsyncClient, png: dict[str, Any], query: dict[str, str], parameter: str
):
    response = await client.get(png["url"], params=query)

    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["parameter"] == parameter
    assert response.json()["detail"].startswith(f"{parameter} {HUGE_SHOWN}")


async def test_a_list_cursor_of_thousands_of_digits_answers_400_naming_it(
    client: httpx.AsyncClient, editor: dict[str, str]
):
    response = await client.get("/api/v1/assets", params={"cursor": HUGE}, headers=editor)

    assert response.status_code == 400
    assert response.json()["parameter"] == "cursor"
    assert response.json()["detail"] == (
        f"cursor {HUGE_SHOWN} is not one this API returned: pass next_cursor unchanged"
    )


async def test_a_list_limit_of_thousands_of_digits_answers_400_naming_it(
    client: httpx.AsyncClient, editor: dict[str, str]
):
    response = await client.get("/api/v1/assets", params={"limit": HUGE}, headers=editor)

    assert response.status_code == 400
    assert response.json()["parameter"] == "limit"


async def test_a_list_limit_with_ten_thousand_leading_zeros_is_that_number(
    client: httpx.AsyncClient, editor: dict[str, str], png: dict[str, Any]
):
    response = await client.get("/api/v1/assets", params={"limit": PADDED_ONE}, headers=editor)

    assert response.status_code == 200
    assert [item["id"] for item in response.json()["items"]] == [png["id"]]


async def test_a_range_starting_thousands_of_digits_in_answers_416(client: httpx.AsyncClient, png: dict[str, Any]):
    response = await client.get(png["url"], headers={"Range": f"bytes={HUGE}-"})

    assert response.status_code == 416
    assert response.headers["content-range"] == f"bytes */{png['bytes']}"


async def test_a_range_ending_thousands_of_digits_in_answers_the_rest_of_the_file(
    client: httpx.AsyncClient, png: dict[str, Any]
):
    response = await client.get(png["url"], headers={"Range": f"bytes=10-{HUGE}"})

    assert response.status_code == 206
    assert response.headers["content-range"] == f"bytes 10-{png['bytes'] - 1}/{png['bytes']}"
    assert response.content == image(64, 32)[10:]


async def test_a_suffix_range_of_thousands_of_digits_answers_the_whole_file(
    client: httpx.AsyncClient, png: dict[str, Any]
):
    response = await client.get(png["url"], headers={"Range": f"bytes=-{HUGE}"})

    assert response.status_code == 206
    assert response.headers["content-range"] == f"bytes 0-{png['bytes'] - 1}/{png['bytes']}"
    assert response.content == image(64, 32)


async def test_a_range_with_ten_thousand_leading_zeros_is_that_position(client: httpx.AsyncClient, png: dict[str, Any]):
    response = await client.get(png["url"], headers={"Range": f"bytes={PADDED_ONE}-{'0' * 10000}9"})

    assert response.status_code == 206
    assert response.content == image(64, 32)[1:10]


async def test_an_upload_declaring_a_length_of_thousands_of_digits_answers_413(
    client: httpx.AsyncClient, editor: dict[str, str]
):
    body = b"--x\r\nContent-Disposition: form-data; name=file; filename=a.png\r\n\r\n" + image(8, 8) + b"\r\n--x--\r\n"
    headers = {**editor, "Content-Type": "multipart/form-data; boundary=x", "Content-Length": HUGE}

    response = await client.post("/api/v1/assets", content=body, headers=headers)

    assert response.status_code == 413
