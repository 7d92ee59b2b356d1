"""The archive's format: its members, the records they hold, the manifest; reading and hashing members."""

import contextlib
import hashlib
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, BinaryIO, Literal, Protocol

from pydantic import BaseModel, ConfigDict, ValidationError

from cms.core.assets import Asset
from cms.core.blocks import error_list
from cms.core.errors import CMSError
from cms.core.timestamps import UtcDatetime
from cms.services import transfer

FORMAT = "cms-backup"
VERSION = 1
MANIFEST = "manifest.json"
MEDIA = "media/"
SITE, ASSETS, ARTICLES, PEOPLE, TOKENS, WEBHOOKS = (
    "site.json", "assets.jsonl", "articles.jsonl", "people.jsonl", "tokens.jsonl", "webhooks.jsonl",
)  # fmt: skip
RECORDS = (SITE, ASSETS, ARTICLES, PEOPLE, TOKENS, WEBHOOKS)
"""In the order they are written and restored: assets before the articles that show them."""
CHUNK = 1 << 20
LINE_LIMIT = 64 << 20
"""The longest record line an import reads (an article with every revision): a longer one is refused."""
MANIFEST_LIMIT = 64 << 20
UNUSABLE = "!"
"""Starts a password or token hash restored without secrets: it matches no password and no token."""


class ArchiveError(CMSError):
    """The archive cannot be restored: one line that names the problem. Nothing was changed."""


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SiteRecord(Record):
    name: str | None
    default_locale: str


class AssetRecord(Asset):
    model_config = ConfigDict(extra="forbid")
    created_at: UtcDatetime


class PersonRecord(Record):
    email: str
    role: Literal["editor", "admin"]
    disabled: bool
    created_at: UtcDatetime
    password_hash: str | None = None


class TokenRecord(Record):
    id: str
    name: str
    scopes: list[str]
    created_at: UtcDatetime
    secret_hash: str | None = None


class WebhookRecord(Record):
    id: str
    url: str
    events: list[str]
    enabled: bool
    created_at: UtcDatetime
    secret: str | None = None


MODELS: dict[str, type[BaseModel]] = {
    SITE: SiteRecord, ASSETS: AssetRecord, ARTICLES: transfer.ExportLine, PEOPLE: PersonRecord,
    TOKENS: TokenRecord, WEBHOOKS: WebhookRecord,
}  # fmt: skip


class Member(Record):
    name: str
    size: int
    sha256: str


class Manifest(Record):
    format: Literal["cms-backup"]
    version: int
    created_at: UtcDatetime
    events_through: int
    """The position of the newest event when exported: the restored log continues after it."""
    secrets: bool
    counts: dict[str, int]
    members: list[Member]


class Progress(Protocol):
    def start(self, label: str, total: int) -> None:
        """A new phase of `total` bytes."""

    def advance(self, done: int) -> None: ...


class _Quiet:
    def start(self, label: str, total: int) -> None:
        pass

    def advance(self, done: int) -> None:
        pass


QUIET: Progress = _Quiet()


class Hashing:
    """A file to read from, hashing, counting and reporting the bytes as they pass."""

    def __init__(self, source: IO[bytes], progress: Progress = QUIET) -> None:
        self.source, self.progress = source, progress
        self.size = 0
        self._hash = hashlib.sha256()

    def read(self, n: int = -1) -> bytes:
        chunk = self.source.read(n)
        self._hash.update(chunk)
        self.size += len(chunk)
        self.progress.advance(len(chunk))
        return chunk

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


@contextlib.contextmanager
def reading(path: Path, progress: Progress) -> Iterator[tarfile.TarFile]:
    """The archive in tarfile's streaming mode (compression detected), reporting how far into the file it is."""
    with path.open("rb") as raw, tarfile.open(fileobj=Counting(raw, progress), mode="r|*") as tar:  # type: ignore[call-overload]
        yield tar


class Counting:
    def __init__(self, source: BinaryIO, progress: Progress) -> None:
        self.source, self.progress = source, progress

    def read(self, n: int = -1) -> bytes:
        chunk = self.source.read(n)
        self.progress.advance(len(chunk))
        return chunk


def reason(exc: ValidationError) -> str:
    return "; ".join(f"{e['path'] or '(line)'}: {e['message']}" for e in error_list(exc))
