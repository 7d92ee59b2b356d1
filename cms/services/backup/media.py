"""The only places where a backup touches the media store: read an original out, put one in, take it back out.

Kept together so that the store's interface (asynchronous: a local directory or an S3-compatible object store,
cms/storage/media.py) is adapted here and nowhere else in `cms.services.backup`.
"""

import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import IO, BinaryIO

from cms.config import Settings
from cms.services.assets import media_space, original_key
from cms.services.media import settings_store
from cms.storage.media import MediaStore

CHUNK = 1 << 20


def media_store(settings: Settings) -> MediaStore:
    """The store the app serves from (CMS_MEDIA_URL, or CMS_MEDIA_DIR); `close()` it when done."""
    return settings_store(settings)


@asynccontextmanager
async def original(store: MediaStore, sha256: str) -> AsyncIterator[BinaryIO]:
    """The original bytes of an asset, to read in chunks (from a local copy when the store is remote);
    FileNotFoundError when the store has none."""
    async with store.local(original_key(sha256)) as path:
        with path.open("rb") as source:
            yield source


async def put_original(store: MediaStore, sha256: str, source: IO[bytes]) -> bool:
    """Copy `source` (read in chunks) into the store as this asset's original; False when it is there already."""
    key = original_key(sha256)
    if await store.exists(key):
        return False
    with media_space():
        spool = store.spool()
        try:
            with spool:
                shutil.copyfileobj(source, spool, CHUNK)
            await store.put(key, Path(spool.name))
        finally:
            Path(spool.name).unlink(missing_ok=True)
    return True


async def remove_original(store: MediaStore, sha256: str) -> None:
    """Undo `put_original` (an import that failed leaves no file behind)."""
    await store.delete(f"{sha256[:2]}/{sha256}")
