"""Writing the archive: records spooled to temporary files, then the media, the records and the manifest."""

import io
import tarfile
import tempfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TypeVar

import orjson
from pydantic import BaseModel

from cms.services import transfer
from cms.services.backup import media as backup_media
from cms.services.backup.archive import (
    ARTICLES,
    ASSETS,
    CHUNK,
    FORMAT,
    MANIFEST,
    MEDIA,
    PEOPLE,
    QUIET,
    RECORDS,
    SITE,
    TOKENS,
    VERSION,
    WEBHOOKS,
    ArchiveError,
    AssetRecord,
    Hashing,
    Manifest,
    Member,
    PersonRecord,
    Progress,
    SiteRecord,
    TokenRecord,
    WebhookRecord,
)
from cms.storage import backup as rows
from cms.storage import db
from cms.storage import events as log
from cms.storage.media import MediaStore


async def export_archive(
    out: Path,
    store: MediaStore,
    default_locale: str,
    include_secrets: bool,
    progress: Progress = QUIET,
) -> Manifest:
    """Write the archive to `out` (gzip when its name ends in .tar.gz or .tgz): written beside it, then renamed,
    so a failed export leaves no half archive under that name."""
    partial = out.with_name(out.name + ".partial")
    try:
        with tempfile.TemporaryDirectory(prefix="cms-export-") as spool:
            async with db.snapshot():  # the records and the event log's position of one moment
                records = await _spool_records(Path(spool), default_locale, include_secrets)
                events_through = await log.latest()
            media_total = sum(asset.bytes for asset in _read_lines(records[ASSETS].path, AssetRecord))
            progress.start(f"exporting to {out}", media_total + sum(r.size for r in records.values()))
            manifest = await _write_tar(partial, store, records, include_secrets, events_through, progress)
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    return manifest


@dataclass
class _Spooled:
    path: Path
    count: int = 0
    size: int = 0


async def _spool_records(folder: Path, default_locale: str, include_secrets: bool) -> dict[str, _Spooled]:
    """Each record member written to its own temporary file, a line at a time."""
    site = SiteRecord(name=await rows.site_name(), default_locale=default_locale)
    sources: dict[str, AsyncIterator[bytes]] = {
        SITE: _lines(_one(site)),
        ASSETS: _lines(_assets()),
        ARTICLES: transfer.export_lines(),  # today's articles export, byte for byte
        PEOPLE: _lines(_people(include_secrets)),
        TOKENS: _lines(_tokens(include_secrets)),
        WEBHOOKS: _lines(_webhooks(include_secrets)),
    }
    spooled = {}
    for name, source in sources.items():
        written = spooled[name] = _Spooled(folder / name)
        with written.path.open("wb") as file:
            async for line in source:
                file.write(line)
                written.count += 1
                written.size += len(line)
    return spooled


async def _lines(records: AsyncIterator[BaseModel]) -> AsyncIterator[bytes]:
    """One JSON line per record; the secrets a record leaves out (None) are absent, not null."""
    async for record in records:
        secret_only = isinstance(record, PersonRecord | TokenRecord | WebhookRecord)  # their only optional field
        yield orjson.dumps(record.model_dump(mode="json", exclude_none=secret_only)) + b"\n"


async def _one(record: BaseModel) -> AsyncIterator[BaseModel]:
    yield record


async def _assets() -> AsyncIterator[BaseModel]:
    async for asset in rows.assets():
        yield AssetRecord.model_validate(asset.model_dump())


async def _people(include_secrets: bool) -> AsyncIterator[BaseModel]:
    async for person in rows.people():
        yield PersonRecord(
            email=person.email, role=person.role, disabled=person.disabled, created_at=person.created_at,
            password_hash=person.password_hash if include_secrets else None,
        )  # fmt: skip


async def _tokens(include_secrets: bool) -> AsyncIterator[BaseModel]:
    async for token in rows.tokens():
        yield TokenRecord(
            id=token.uid, name=token.name, scopes=token.scopes, created_at=token.created_at,
            secret_hash=token.secret_hash if include_secrets else None,
        )  # fmt: skip


async def _webhooks(include_secrets: bool) -> AsyncIterator[BaseModel]:
    async for webhook in rows.webhooks():
        yield WebhookRecord(
            id=webhook.uid, url=webhook.url, events=webhook.events, enabled=webhook.enabled,
            created_at=webhook.created_at, secret=webhook.secret if include_secrets else None,
        )  # fmt: skip


async def _write_tar(
    out: Path,
    store: MediaStore,
    records: dict[str, _Spooled],
    include_secrets: bool,
    events_through: int,
    progress: Progress,
) -> Manifest:
    now = datetime.now(UTC)
    members: list[Member] = []
    mode = "w|gz" if out.name.removesuffix(".partial").endswith((".tar.gz", ".tgz")) else "w|"
    with (
        out.open("wb") as raw,
        tarfile.open(fileobj=raw, mode=mode, copybufsize=CHUNK, format=tarfile.PAX_FORMAT) as tar,  # type: ignore[call-overload]
    ):
        for asset in _read_lines(records[ASSETS].path, AssetRecord):
            name = f"{MEDIA}{asset.sha256}"
            try:
                async with backup_media.original(store, asset.sha256) as source:
                    members.append(_add(tar, name, asset.bytes, source, now, progress))
            except FileNotFoundError:
                raise ArchiveError(f"asset {asset.id}: its original is missing from the media store") from None
            if members[-1].sha256 != asset.sha256 or members[-1].size != asset.bytes:
                raise ArchiveError(f"asset {asset.id}: the stored original does not match its SHA-256 and size")
        for name in RECORDS:
            with records[name].path.open("rb") as source:
                members.append(_add(tar, name, records[name].size, source, now, progress))
        manifest = Manifest(
            format=FORMAT,
            version=VERSION,
            created_at=now,
            events_through=events_through,
            secrets=include_secrets,
            counts={name.split(".")[0]: records[name].count for name in RECORDS if name != SITE},
            members=members,
        )
        body = orjson.dumps(manifest.model_dump(mode="json"), option=orjson.OPT_INDENT_2)
        _add(tar, MANIFEST, len(body), io.BytesIO(body), now, progress)
    return manifest


def _add(tar: tarfile.TarFile, name: str, size: int, source: IO[bytes], now: datetime, progress: Progress) -> Member:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, int(now.timestamp()), 0o644
    reader = Hashing(source, progress)
    tar.addfile(info, reader)  # reads exactly `size` bytes, or raises
    return Member(name=name, size=reader.size, sha256=reader.hexdigest())


M = TypeVar("M", bound=BaseModel)


def _read_lines(path: Path, model: type[M]) -> Iterator[M]:
    with path.open("rb") as file:
        for line in file:
            yield model.model_validate_json(line)
