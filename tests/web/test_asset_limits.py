"""CMS_MAX_ASSET_BYTES: counted while the upload streams in; over it 413, and nothing is kept anywhere."""

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from cms.config import Settings
from tests.media import stored
from tests.web.images import image
from tests.web.test_asset_uploads import problem

pytestmark = pytest.mark.media_stores  # each test with a local directory and with S3 (tests/media.py)


@pytest.fixture
def settings(database_url: str, media: dict[str, Any]) -> Settings:
    return Settings(database_url=database_url, **media, max_asset_bytes=64 * 1024)


async def test_an_upload_one_byte_over_the_limit_answers_413_and_leaves_no_file(
    client: httpx.AsyncClient, editor: dict[str, str], settings: Settings
):
    big = image(600, 600, "PNG", compress_level=0)[: 64 * 1024 + 1]

    response = await client.post("/api/v1/assets", files={"file": ("big.png", big)}, headers=editor)

    assert response.status_code == 413
    assert response.json() == problem(413, "the upload is larger than the limit of 65536 bytes (CMS_MAX_ASSET_BYTES)")
    assert await stored(settings) == []


async def test_a_chunked_upload_over_the_limit_answers_413_and_leaves_no_file(
    client: httpx.AsyncClient, editor: dict[str, str], settings: Settings
):
    big = image(600, 600, "PNG", compress_level=0)

    async def body() -> AsyncIterator[bytes]:
        yield b'--b0undary\r\nContent-Disposition: form-data; name="file"; filename="big.png"\r\n\r\n'
        for start in range(0, len(big), 16 * 1024):
            yield big[start : start + 16 * 1024]
        yield b"\r\n--b0undary--\r\n"

    headers = editor | {"Content-Type": "multipart/form-data; boundary=b0undary"}
    response = await client.post("/api/v1/assets", content=body(), headers=headers)

    assert response.status_code == 413
    assert "content-length" not in response.request.headers
    assert await stored(settings) == []


async def test_a_declared_length_over_the_limit_answers_413_before_the_body_is_read(
    client: httpx.AsyncClient, editor: dict[str, str]
):
    headers = editor | {"Content-Type": "multipart/form-data; boundary=x", "Content-Length": str(10 * 1024 * 1024)}

    response = await client.post("/api/v1/assets", content=b"--x--", headers=headers)

    assert response.status_code == 413
