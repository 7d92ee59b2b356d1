"""Where uploaded files and their variants live: a small interface, and a local directory implementing it.

Keys are relative paths such as '3f/3fa2…/original' and '3f/3fa2…/w640-h427-contain-q80.webp': an asset's variants
sit beside its original, so deleting an asset deletes its directory. An S3-compatible store implements the same
methods (see docs/deployment.md).
"""

import contextlib
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO, Protocol, cast

_KEY = re.compile(r"[0-9a-f]{2}/[0-9a-f]{64}(?:/[A-Za-z0-9][A-Za-z0-9._-]{0,120})?")


class MediaStore(Protocol):
    def put(self, key: str, source: Path) -> None:
        """Store the file at `source` under `key`, taking it over (the source path is gone afterwards)."""

    def open(self, key: str) -> BinaryIO:
        """The stored bytes, to read and seek; FileNotFoundError when there are none."""

    def delete(self, prefix: str) -> None:
        """Remove `prefix` and every key under it; nothing happens when there is none."""

    def exists(self, key: str) -> bool: ...

    def spool(self) -> BinaryIO:
        """A new temporary file (named, so `put` can take it) for an upload or a variant being written."""


class LocalMediaStore:
    """A directory; temporary files go to its `.tmp` folder, on the same filesystem, so `put` is a rename."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory).resolve()
        self.temporary = self.directory / ".tmp"
        self._root = str(self.directory)

    def _path(self, key: str) -> str:
        # A pattern, not Path.resolve(): serving a file costs two system calls, not one per path component.
        if not _KEY.fullmatch(key):
            raise ValueError(f"media key {key!r} is not one this store makes ('<aa>/<sha256>[/<name>]')")
        return f"{self._root}/{key}"

    def put(self, key: str, source: Path) -> None:
        path = self._path(key)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        os.replace(source, path)

    def open(self, key: str) -> BinaryIO:
        return open(self._path(key), "rb")

    def delete(self, prefix: str) -> None:
        path = self._path(prefix)
        if os.path.isdir(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)

    def exists(self, key: str) -> bool:
        return os.path.isfile(self._path(key))

    def spool(self) -> BinaryIO:
        self.temporary.mkdir(parents=True, exist_ok=True)
        return cast(BinaryIO, tempfile.NamedTemporaryFile(dir=self.temporary, delete=False))  # closed by the caller
