"""Where uploaded files and their variants live: a small asynchronous interface, and a local directory implementing it.

Keys are relative paths such as '3f/3fa2…/original' and '3f/3fa2…/w640-h427-contain-q80.webp': an asset's variants
sit beside its original, so deleting an asset deletes its prefix. Keys are content-addressed: a key always names the
same bytes, so a store never has to choose between two versions of a file. cms/storage/s3.py implements the same
methods for an S3-compatible object store.

A store that cannot be reached raises `Busy` (a 503 with Retry-After), from any method but `spool`.
"""

import asyncio
import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import BinaryIO, Protocol, cast

KEY = re.compile(r"[0-9a-f]{2}/[0-9a-f]{64}(?:/[A-Za-z0-9][A-Za-z0-9._-]{0,120})?")
CHUNK = 1024 * 1024
"""Reads stream in chunks of this size: memory per reader stays at one chunk, whatever the file's size."""


class MediaStore(Protocol):
    checks_are_cheap: bool
    """True when `exists` costs a system call, not a request over the network: files a worker keeps in memory are
    then checked on every hit (a deleted asset is 404 at once); otherwise the event log tells of deletions."""

    def spool(self) -> BinaryIO:
        """A new temporary file on local disk (named, so `put` can take it) for an upload or a variant being written."""

    async def put(self, key: str, source: Path) -> None:
        """Store the file at `source` under `key`, taking it over (the source path is gone afterwards)."""

    async def size(self, key: str) -> int:
        """The stored file's size in bytes; FileNotFoundError when there is none."""

    def read(self, key: str, start: int, length: int) -> AsyncIterator[bytes]:
        """`length` bytes from `start`, in chunks of at most CHUNK bytes; FileNotFoundError when there are none."""

    def local(self, key: str) -> contextlib.AbstractAsyncContextManager[Path]:
        """The stored file as a path on local disk for the duration (a copy for a remote store); FileNotFoundError."""

    async def delete(self, prefix: str) -> None:
        """Remove `prefix` and every key under it; nothing happens when there is none."""

    async def exists(self, key: str) -> bool: ...

    async def check(self) -> None:
        """Busy when the store cannot be reached; StoreRefused when it answers but refuses its settings."""

    async def close(self) -> None: ...


class StoreRefused(Exception):
    """The store answers but refuses us: no such bucket, wrong credentials. A setting to fix, not an outage."""


def checked_key(key: str) -> str:
    if not KEY.fullmatch(key):
        raise ValueError(f"media key {key!r} is not one this store makes ('<aa>/<sha256>[/<name>]')")
    return key


class LocalMediaStore:
    """A directory; temporary files go to its `.tmp` folder, on the same filesystem, so `put` is a rename."""

    checks_are_cheap = True

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory).resolve()
        self.temporary = self.directory / ".tmp"
        self._root = str(self.directory)

    def _path(self, key: str) -> str:
        # A pattern, not Path.resolve(): serving a file costs two system calls, not one per path component.
        return f"{self._root}/{checked_key(key)}"

    def spool(self) -> BinaryIO:
        self.temporary.mkdir(parents=True, exist_ok=True)
        return cast(BinaryIO, tempfile.NamedTemporaryFile(dir=self.temporary, delete=False))  # closed by the caller

    async def put(self, key: str, source: Path) -> None:
        path = self._path(key)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        os.replace(source, path)

    async def size(self, key: str) -> int:
        return os.stat(self._path(key)).st_size

    async def read(self, key: str, start: int, length: int) -> AsyncIterator[bytes]:
        with open(self._path(key), "rb") as file:
            file.seek(start)
            while length > 0:
                chunk = file.read(min(CHUNK, length))
                if not chunk:
                    return
                length -= len(chunk)
                yield chunk

    @contextlib.asynccontextmanager
    async def local(self, key: str) -> AsyncIterator[Path]:
        path = Path(self._path(key))
        if not path.is_file():
            raise FileNotFoundError(path)
        yield path

    async def delete(self, prefix: str) -> None:
        path = self._path(prefix)
        if os.path.isdir(path):
            await asyncio.to_thread(shutil.rmtree, path, ignore_errors=True)
        else:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)

    async def exists(self, key: str) -> bool:
        return os.path.isfile(self._path(key))

    async def check(self) -> None:
        return None

    async def close(self) -> None:
        return None
