"""The only places where a backup touches the media store: read an original out, put one in, take it back out.

Kept together so that a store with another interface (an object store, perhaps async) is adapted here and
nowhere else in `cms.services.backup`.
"""

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, BinaryIO

from cms.services.assets import media_space, original_key
from cms.services.media import LocalMediaStore
from cms.storage.media import MediaStore

CHUNK = 1 << 20


def media_store(media_dir: str) -> MediaStore:
    """The store the app serves from (CMS_MEDIA_DIR)."""
    return LocalMediaStore(media_dir)


@contextmanager
def original(store: MediaStore, sha256: str) -> Iterator[BinaryIO]:
    """The original bytes of an asset, to read in chunks; FileNotFoundError when the store has none."""
    with store.open(original_key(sha256)) as source:
        yield source


def put_original(store: MediaStore, sha256: str, source: IO[bytes]) -> bool:
    """Copy `source` (read in chunks) into the store as this asset's original; False when it is there already."""
    key = original_key(sha256)
    if store.exists(key):
        return False
    with media_space():
        spool = store.spool()
        try:
            with spool:
                shutil.copyfileobj(source, spool, CHUNK)
            store.put(key, Path(spool.name))
        finally:
            Path(spool.name).unlink(missing_ok=True)
    return True


def remove_original(store: MediaStore, sha256: str) -> None:
    """Undo `put_original` (an import that failed leaves no file behind)."""
    store.delete(f"{sha256[:2]}/{sha256}")
