"""A store that answers but refuses us while the app runs (its bucket deleted, its credentials revoked) is for the
operator to fix: uploads answer 503 problem+json with Retry-After, never a 500, and one log line says what the store
answered. (`cms serve` refuses such a store at start: tests/server/test_media_store.py.)"""

import logging
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.media import media_fields
from tests.web.images import image


@pytest.fixture
def gone() -> str:
    """A bucket the server does not have, as after the bucket was deleted."""
    return f"gone-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def media(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gone: str) -> dict[str, Any]:
    return {**media_fields("s3", tmp_path, monkeypatch), "media_url": f"s3://{gone}/media"}


async def test_an_upload_to_a_bucket_that_is_gone_answers_503_with_retry_after_and_logs_one_line(
    client: httpx.AsyncClient, editor: dict[str, str], gone: str, caplog: pytest.LogCaptureFixture
):
    with caplog.at_level(logging.ERROR):
        response = await client.post("/api/v1/assets", files={"file": ("a.png", image(10, 10))}, headers=editor)

    assert (response.status_code, response.headers["retry-after"]) == (503, "1")
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == (
        "the media store refused the request (its bucket or credentials): retry in a moment"
    )
    assert [(record.name, record.getMessage()) for record in caplog.records] == [
        ("cms.storage.s3", f"the media store refused a request for bucket {gone!r}: 404 NoSuchBucket")
    ]
    assert not any(record.exc_info for record in caplog.records)
