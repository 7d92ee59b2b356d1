"""GET of an asset's url: immutable caching, a strong ETag, ranges, and headers that forbid running the file."""

from typing import Any

import httpx
import pytest

from tests.web.images import PDF, image

pytestmark = pytest.mark.media_stores  # each test with a local directory and with S3 (tests/media.py)


@pytest.fixture
async def png(client: httpx.AsyncClient, editor: dict[str, str]) -> dict[str, Any]:
    response = await client.post("/api/v1/assets", files={"file": ("a.png", image(64, 32))}, headers=editor)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_an_asset_is_served_with_its_type_and_an_immutable_cache(client: httpx.AsyncClient, png: dict[str, Any]):
    response = await client.get(png["url"])

    assert response.status_code == 200
    assert response.content == image(64, 32)
    assert {name: response.headers[name] for name in _SERVED} == {
        "content-type": "image/png",
        "content-length": str(png["bytes"]),
        "cache-control": "public, max-age=31536000, immutable",
        "etag": f'"{png["sha256"]}"',
        "accept-ranges": "bytes",
        "x-content-type-options": "nosniff",
        "content-security-policy": "default-src 'none'",
    }
    assert "content-disposition" not in response.headers


_SERVED = (
    "content-type",
    "content-length",
    "cache-control",
    "etag",
    "accept-ranges",
    "x-content-type-options",
    "content-security-policy",
)


async def test_if_none_match_with_the_etag_answers_304_without_body(client: httpx.AsyncClient, png: dict[str, Any]):
    first = await client.get(png["url"])

    again = await client.get(png["url"], headers={"If-None-Match": first.headers["etag"]})

    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == first.headers["etag"]
    assert again.headers["cache-control"] == "public, max-age=31536000, immutable"


async def test_a_range_answers_206_with_those_bytes(client: httpx.AsyncClient, png: dict[str, Any]):
    response = await client.get(png["url"], headers={"Range": "bytes=10-19"})

    assert response.status_code == 206
    assert response.content == image(64, 32)[10:20]
    assert response.headers["content-range"] == f"bytes 10-19/{png['bytes']}"
    assert response.headers["content-length"] == "10"


async def test_a_suffix_range_answers_the_last_bytes(client: httpx.AsyncClient, png: dict[str, Any]):
    response = await client.get(png["url"], headers={"Range": "bytes=-12"})

    assert response.status_code == 206
    assert response.content == image(64, 32)[-12:]


async def test_a_range_beyond_the_end_answers_416(client: httpx.AsyncClient, png: dict[str, Any]):
    response = await client.get(png["url"], headers={"Range": f"bytes={png['bytes']}-"})

    assert response.status_code == 416
    assert response.headers["content-range"] == f"bytes */{png['bytes']}"


async def test_an_if_range_naming_another_version_answers_the_whole_file(
    client: httpx.AsyncClient, png: dict[str, Any]
):
    response = await client.get(png["url"], headers={"Range": "bytes=0-9", "If-Range": '"something-else"'})

    assert response.status_code == 200
    assert response.content == image(64, 32)


async def test_a_file_larger_than_one_read_is_streamed_whole(client: httpx.AsyncClient, editor: dict[str, str]):
    large = image(1200, 1000, "PNG", compress_level=0)  # about 3.6 MB: streamed in 1 MiB chunks
    uploaded = (await client.post("/api/v1/assets", files={"file": ("large.png", large)}, headers=editor)).json()

    response = await client.get(uploaded["url"])

    assert response.status_code == 200
    assert response.headers["content-length"] == str(len(large))
    assert response.content == large


async def test_a_pdf_is_served_as_an_attachment(client: httpx.AsyncClient, editor: dict[str, str]):
    uploaded = await client.post("/api/v1/assets", files={"file": ("Annual report.pdf", PDF)}, headers=editor)

    response = await client.get(uploaded.json()["url"])

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == 'attachment; filename="Annual-report.pdf"'
    assert response.headers["content-security-policy"] == "default-src 'none'"


async def test_another_filename_redirects_to_the_assets_own_url_keeping_the_query(
    client: httpx.AsyncClient, png: dict[str, Any]
):
    response = await client.get(f"/api/v1/assets/{png['id']}/other-name.png?w=320")

    assert response.status_code == 301
    assert response.headers["location"] == f"{png['url']}?w=320"


async def test_an_unknown_asset_answers_404(client: httpx.AsyncClient):
    response = await client.get(f"/api/v1/assets/{'a' * 32}/x.png")

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


async def test_an_id_no_asset_could_have_answers_404(client: httpx.AsyncClient):
    response = await client.get("/api/v1/assets/..%2F..%2Fetc/passwd")

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


async def test_an_unknown_query_parameter_answers_400_naming_it(client: httpx.AsyncClient, png: dict[str, Any]):
    response = await client.get(png["url"], params={"width": "320"})

    assert response.status_code == 400
    assert response.json()["parameter"] == "width"


async def test_a_second_request_gets_the_same_answer_as_the_first(client: httpx.AsyncClient, png: dict[str, Any]):
    first = await client.get(png["url"])

    again = await client.get(png["url"])

    assert again.status_code == 200
    assert again.content == first.content
    assert {name: again.headers[name] for name in _SERVED} == {name: first.headers[name] for name in _SERVED}


async def test_an_asset_served_before_answers_404_once_deleted(
    client: httpx.AsyncClient, editor: dict[str, str], png: dict[str, Any]
):
    await client.get(png["url"])
    await client.delete(f"/api/v1/assets/{png['id']}", headers=editor)

    response = await client.get(png["url"])

    assert response.status_code == 404
