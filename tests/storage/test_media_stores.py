"""The MediaStore interface, the same on a local directory and on a real S3-compatible server (tests/media.py)."""

import hashlib
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from cms.config import Settings
from cms.services.media import MediaStore, open_store
from cms.storage import s3
from tests.media import S3_BUCKET, objects

pytestmark = pytest.mark.media_stores

SHA = hashlib.sha256(b"an asset").hexdigest()
ORIGINAL = f"{SHA[:2]}/{SHA}/original"
VARIANT = f"{SHA[:2]}/{SHA}/w320-h200-contain-q75.webp"


@pytest.fixture
async def store(media: dict[str, Any]) -> AsyncIterator[MediaStore]:
    settings = Settings(**media)
    opened = open_store(settings.media, settings.s3_endpoint_url or None, temporary=Path(settings.media_dir) / ".tmp")
    yield opened
    await opened.close()


async def _put(store: MediaStore, key: str, data: bytes) -> None:
    with store.spool() as file:
        file.write(data)
    await store.put(key, Path(file.name))


async def _read(store: MediaStore, key: str, start: int, length: int) -> bytes:
    return b"".join([chunk async for chunk in store.read(key, start, length)])


async def test_a_stored_file_is_read_back_whole_and_by_range_and_its_spool_file_is_taken(store: MediaStore):
    data = os.urandom(300_000)
    with store.spool() as file:
        file.write(data)

    await store.put(ORIGINAL, Path(file.name))

    assert not Path(file.name).exists()
    assert await store.size(ORIGINAL) == len(data)
    assert await _read(store, ORIGINAL, 0, len(data)) == data
    assert await _read(store, ORIGINAL, 1000, 10) == data[1000:1010]


async def test_a_missing_key_is_file_not_found_and_does_not_exist(store: MediaStore):
    assert not await store.exists(ORIGINAL)
    with pytest.raises(FileNotFoundError):
        await store.size(ORIGINAL)
    with pytest.raises(FileNotFoundError):
        await _read(store, ORIGINAL, 0, 10)
    with pytest.raises(FileNotFoundError):
        async with store.local(ORIGINAL):
            pass


async def test_a_stored_file_is_on_local_disk_for_the_duration_of_local(store: MediaStore):
    await _put(store, ORIGINAL, b"pixels")

    async with store.local(ORIGINAL) as path:
        assert path.read_bytes() == b"pixels"


async def test_deleting_an_assets_prefix_removes_its_original_and_variants_only(store: MediaStore):
    other = hashlib.sha256(b"another asset").hexdigest()
    await _put(store, ORIGINAL, b"original")
    await _put(store, VARIANT, b"variant")
    await _put(store, f"{other[:2]}/{other}/original", b"kept")

    await store.delete(f"{SHA[:2]}/{SHA}")

    assert (await store.exists(ORIGINAL), await store.exists(VARIANT)) == (False, False)
    assert await store.exists(f"{other[:2]}/{other}/original")


async def test_a_key_this_store_does_not_make_is_refused(store: MediaStore):
    with pytest.raises(ValueError, match="is not one this store makes"):
        await store.exists("../etc/passwd")


async def test_a_file_above_the_multipart_threshold_is_stored_in_parts_and_read_back(
    store: MediaStore, media: dict[str, Any], monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(s3, "MULTIPART_THRESHOLD", 6 * 1024 * 1024)
    monkeypatch.setattr(s3, "PART_SIZE", 5 * 1024 * 1024)
    data = os.urandom(11 * 1024 * 1024)

    await _put(store, ORIGINAL, data)

    assert await _read(store, ORIGINAL, 0, len(data)) == data
    if "media_url" in media:  # S3: a multipart object's ETag ends with its number of parts
        prefix = media["media_url"].removeprefix(f"s3://{S3_BUCKET}/")
        assert (await objects(S3_BUCKET, prefix))[ORIGINAL]["etag"].endswith('-3"')
