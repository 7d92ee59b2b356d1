"""A whole site in one tar archive: `cms export --out FILE` writes it, `cms import FILE` restores it exactly.

The archive's members, in this order (docs/deployment.md, "Backups"):

    media/<sha256>      the original bytes of each asset (variants are made again on demand)
    site.json           {"name", "default_locale"}
    assets.jsonl        one asset record a line, as the API shows it
    articles.jsonl      the articles export (cms/services/transfer.py): one article, whole, a line
    people.jsonl        email, role, disabled, created_at (+ password_hash with secrets)
    tokens.jsonl        id, name, scopes, created_at (+ secret_hash with secrets)
    webhooks.jsonl      id, url, events, enabled, created_at (+ secret with secrets)
    manifest.json       format, version, time, counts, and the size and SHA-256 of every member above

The manifest comes last: each member's checksum is computed as it is written, in one pass over the database and
the media store, and a tar member's header needs only its size. Record members are spooled to temporary files
first (their size goes in the header); originals stream from the store. So memory stays bounded whatever the
size of the site, and the media come first so that an import writes files before it opens its one transaction.

Import reads the archive twice. `verify` (first pass) checks everything: readable to the end, a manifest of a
known version, every member's size and checksum, every record valid; nothing is written. `restore` (second pass)
then puts the originals into the media store and writes every row in one transaction; if anything fails, the
transaction rolls back and the files it put are removed.
"""

import contextlib
import hashlib
import io
import secrets
import tarfile
import tempfile
import zlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, BinaryIO, Literal, Protocol, TypeVar

import orjson
from pydantic import BaseModel, ConfigDict, ValidationError

from cms.core.assets import Asset, asset_url
from cms.core.blocks import error_list
from cms.core.errors import CMSError, Conflict
from cms.core.events import ASSET_CREATED, NewEvent
from cms.core.timestamps import UtcDatetime
from cms.services import backup_media, event_log, transfer, webhooks
from cms.services.assets import event_data
from cms.storage import articles
from cms.storage import backup as rows
from cms.storage import events as log
from cms.storage import site as site_rows
from cms.storage.media import MediaStore

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


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SiteRecord(_Record):
    name: str | None
    default_locale: str


class AssetRecord(Asset):
    model_config = ConfigDict(extra="forbid")
    created_at: UtcDatetime


class PersonRecord(_Record):
    email: str
    role: Literal["editor", "admin"]
    disabled: bool
    created_at: UtcDatetime
    password_hash: str | None = None


class TokenRecord(_Record):
    id: str
    name: str
    scopes: list[str]
    created_at: UtcDatetime
    secret_hash: str | None = None


class WebhookRecord(_Record):
    id: str
    url: str
    events: list[str]
    enabled: bool
    created_at: UtcDatetime
    secret: str | None = None


_MODELS: dict[str, type[BaseModel]] = {
    SITE: SiteRecord, ASSETS: AssetRecord, ARTICLES: transfer.ExportLine, PEOPLE: PersonRecord,
    TOKENS: TokenRecord, WEBHOOKS: WebhookRecord,
}  # fmt: skip


class Member(_Record):
    name: str
    size: int
    sha256: str


class Manifest(_Record):
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


# ---- export ------------------------------------------------------------------------------------------------------


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
            records = await _spool_records(Path(spool), default_locale, include_secrets)
            media_total = sum(asset.bytes for asset in _read_lines(records[ASSETS].path, AssetRecord))
            progress.start(f"exporting to {out}", media_total + sum(r.size for r in records.values()))
            manifest = _write_tar(partial, store, records, include_secrets, await log.latest(), progress)
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


def _write_tar(
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
                with backup_media.original(store, asset.sha256) as source:
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
    reader = _Hashing(source, progress)
    tar.addfile(info, reader)  # reads exactly `size` bytes, or raises
    return Member(name=name, size=reader.size, sha256=reader.hexdigest())


class _Hashing:
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


M = TypeVar("M", bound=BaseModel)


def _read_lines(path: Path, model: type[M]) -> Iterator[M]:
    with path.open("rb") as file:
        for line in file:
            yield model.model_validate_json(line)


# ---- import: checking -------------------------------------------------------------------------------------------


def is_archive(path: Path) -> bool:
    """Told by the bytes, not the name: gzip's magic number, or a tar header's 'ustar'."""
    with path.open("rb") as file:
        head = file.read(512)
    return head[:2] == b"\x1f\x8b" or head[257:262] == b"ustar"


def verify(path: Path, progress: Progress = QUIET) -> Manifest:
    """Read the whole archive once, writing nothing; ArchiveError (one line) names the first problem found."""
    check = _Check()
    manifest_body: bytes | None = None
    progress.start(f"checking {path}", path.stat().st_size)
    try:
        with _reading(path, progress) as tar:
            for info in tar:
                if manifest_body is not None:
                    raise ArchiveError(f"{path}: {info.name} comes after the manifest, which must be the last member")
                if not info.isfile():
                    raise ArchiveError(f"{path}: {info.name} is not a file: this is not an archive cms export made")
                content = tar.extractfile(info)
                assert content is not None
                if info.name != MANIFEST:
                    check.member(info.name, content)
                elif info.size > MANIFEST_LIMIT:
                    raise ArchiveError(f"{path}: the manifest is {info.size} bytes, too large to be one")
                else:
                    manifest_body = content.read()
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise ArchiveError(f"{path}: the archive is truncated or damaged ({exc or type(exc).__name__})") from None
    if manifest_body is None:
        raise ArchiveError(f"{path}: the archive ends before its manifest: it is truncated (or not made by cms export)")
    manifest = _manifest(path, manifest_body)
    _compare(path, check.seen, manifest)
    if problem := check.problem or check.unmatched_media():
        raise ArchiveError(f"{path}: {problem}")
    return manifest


@contextlib.contextmanager
def _reading(path: Path, progress: Progress) -> Iterator[tarfile.TarFile]:
    """The archive in tarfile's streaming mode (compression detected), reporting how far into the file it is."""
    with path.open("rb") as raw, tarfile.open(fileobj=_Counting(raw, progress), mode="r|*") as tar:  # type: ignore[call-overload]
        yield tar


class _Counting:
    def __init__(self, source: BinaryIO, progress: Progress) -> None:
        self.source, self.progress = source, progress

    def read(self, n: int = -1) -> bytes:
        chunk = self.source.read(n)
        self.progress.advance(len(chunk))
        return chunk


class _Check:
    """What the first pass learns, member by member: sizes and checksums, and the first invalid record."""

    def __init__(self) -> None:
        self.seen: list[Member] = []
        self.problem: str | None = None
        self.media: set[str] = set()
        self.assets: set[str] = set()

    def member(self, name: str, content: IO[bytes]) -> None:
        reader = _Hashing(content)
        if name.startswith(MEDIA):
            self.media.add(name.removeprefix(MEDIA))
            while reader.read(CHUNK):
                pass
            if self.problem is None and reader.hexdigest() != name.removeprefix(MEDIA):
                self.problem = f"{name}: its bytes do not have the SHA-256 its name says"
        elif name in _MODELS:
            self._records(name, reader)
        elif self.problem is None:
            self.problem = f"{name} is not a member a cms backup has"
            while reader.read(CHUNK):
                pass
        self.seen.append(Member(name=name, size=reader.size, sha256=reader.hexdigest()))

    def _records(self, name: str, reader: "_Hashing") -> None:
        model = _MODELS[name]
        number = 0
        while line := _line(reader):
            number += 1
            if self.problem is not None:
                continue
            if not line.endswith(b"\n"):
                self.problem = f"{name}:{number}: the line is longer than {LINE_LIMIT} bytes, or has no end"
                continue
            try:
                record = model.model_validate_json(line)
            except ValidationError as exc:
                self.problem = f"{name}:{number}: {_reason(exc)}"
                continue
            if isinstance(record, AssetRecord):
                self.problem = _asset_problem(record, f"{name}:{number}")
                self.assets.add(record.sha256)

    def unmatched_media(self) -> str | None:
        if missing := sorted(self.assets - self.media):
            return f"{ASSETS}: the original of asset {missing[0][:32]} is not in the archive"
        if extra := sorted(self.media - self.assets):
            return f"{MEDIA}{extra[0]} belongs to no asset record"
        return None


def _line(reader: "_Hashing") -> bytes:
    """The next line (at most LINE_LIMIT bytes), hashed on the way."""
    line = reader.source.readline(LINE_LIMIT)
    reader._hash.update(line)
    reader.size += len(line)
    return line


def _asset_problem(asset: AssetRecord, where: str) -> str | None:
    if asset.id != asset.sha256[:32] or asset.url != asset_url(asset.id, asset.filename):
        return f"{where}: the asset's id and url do not follow from its SHA-256 and filename"
    return None


def _reason(exc: ValidationError) -> str:
    return "; ".join(f"{e['path'] or '(line)'}: {e['message']}" for e in error_list(exc))


def _manifest(path: Path, body: bytes) -> Manifest:
    try:
        head = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise ArchiveError(f"{path}: the manifest is not JSON: the archive is damaged") from None
    if not isinstance(head, dict) or head.get("format") != FORMAT:
        raise ArchiveError(f'{path}: the manifest is not a cms backup\'s (no "format": "{FORMAT}")')
    if head.get("version") != VERSION:
        raise ArchiveError(
            f"{path}: format version {head.get('version')!r} is unknown: this cms reads version {VERSION}"
            " (an archive made by a newer cms needs that cms to restore it)"
        )
    try:
        return Manifest.model_validate(head)
    except ValidationError as exc:
        raise ArchiveError(f"{path}: the manifest is damaged: {_reason(exc)}") from None


def _compare(path: Path, seen: list[Member], manifest: Manifest) -> None:
    """Every member as the manifest lists it, no more, no fewer, each with its size and checksum."""
    listed = {member.name: member for member in manifest.members}
    for member in seen:
        entry = listed.pop(member.name, None)
        if entry is None:
            raise ArchiveError(f"{path}: {member.name} is not listed in the manifest")
        if member.size > entry.size:
            raise ArchiveError(
                f"{path}: {member.name} is {member.size} bytes, larger than the {entry.size} of its manifest entry"
            )
        if member.size < entry.size:
            raise ArchiveError(f"{path}: {member.name} is {member.size} bytes, the manifest says {entry.size}")
        if member.sha256 != entry.sha256:
            raise ArchiveError(f"{path}: {member.name} does not match its SHA-256 in the manifest (damaged)")
    if listed:
        raise ArchiveError(f"{path}: {next(iter(listed))} is listed in the manifest but missing from the archive")
    if [member.name for member in seen if not member.name.startswith(MEDIA)] != list(RECORDS):
        raise ArchiveError(f"{path}: the records are not {', '.join(RECORDS)}, in this order, after the media")


# ---- import: writing --------------------------------------------------------------------------------------------


@dataclass
class Restored:
    """What an import did: counts per record member, and the items it did not import (with --merge)."""

    counts: dict[str, int] = field(default_factory=dict)
    conflicts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


async def holds_content() -> bool:
    return await rows.holds_content()


async def restore(
    path: Path,
    store: MediaStore,
    default_locale: str,
    merge: bool = False,
    progress: Progress = QUIET,
) -> Restored:
    """Check the archive whole, then restore it: everything or (on any error) nothing, rows and files alike.

    Into a database that holds content, only with `merge`: existing articles (by id, or by slug) are conflicts,
    reported, and existing assets, people, tokens and webhooks are kept; the rest is imported.
    """
    manifest = verify(path, progress)
    if not merge and await rows.holds_content():
        raise ArchiveError(
            "the database already holds content: restore into an empty one, or pass --merge to add what is missing"
        )
    put: list[str] = []
    try:
        with _reading(path, _Reset(progress, f"restoring {path}", path.stat().st_size)) as tar:
            members = iter(tar)
            info = next(members)
            while info.name.startswith(MEDIA):
                sha256 = info.name.removeprefix(MEDIA)
                content = tar.extractfile(info)
                assert content is not None
                if backup_media.put_original(store, sha256, content):
                    put.append(sha256)
                info = next(members)
            async with event_log.transaction():
                if not merge:
                    await rows.continue_log_after(manifest.events_through)
                writer = _Writer(manifest, default_locale, merge)
                while info.name != MANIFEST:
                    content = tar.extractfile(info)
                    assert content is not None
                    await writer.member(info.name, content)
                    info = next(members)
    except BaseException:
        for sha256 in put:
            backup_media.remove_original(store, sha256)
        raise
    return writer.restored


class _Reset:
    """The second pass over the file: a new phase of the same progress bar."""

    def __init__(self, progress: Progress, label: str, total: int) -> None:
        self.progress = progress
        progress.start(label, total)

    def start(self, label: str, total: int) -> None:
        self.progress.start(label, total)

    def advance(self, done: int) -> None:
        self.progress.advance(done)


class _Writer:
    def __init__(self, manifest: Manifest, default_locale: str, merge: bool) -> None:
        self.manifest, self.default_locale, self.merge = manifest, default_locale, merge
        self.restored = Restored()

    async def member(self, name: str, content: IO[bytes]) -> None:
        count = 0
        for line in iter(lambda: content.readline(LINE_LIMIT), b""):
            count += await self._line(name, line)
        self.restored.counts[name.split(".")[0]] = count

    async def _line(self, name: str, line: bytes) -> int:
        """Writes one record; 1 when it was imported, 0 when it was kept out (--merge)."""
        if name == SITE:
            site = SiteRecord.model_validate_json(line)
            await self._site(site)
            return 1
        if name == ASSETS:
            return await self._asset(AssetRecord.model_validate_json(line))
        if name == ARTICLES:
            return await self._article(line)
        if name == PEOPLE:
            return await self._person(PersonRecord.model_validate_json(line))
        if name == TOKENS:
            return await self._token(TokenRecord.model_validate_json(line))
        return await self._webhook(WebhookRecord.model_validate_json(line))

    async def _site(self, site: SiteRecord) -> None:
        if site.default_locale != self.default_locale:
            self.restored.notes.append(
                f"the archive's default locale is {site.default_locale!r}, this site's (CMS_DEFAULT_LOCALE) is"
                f" {self.default_locale!r}: set CMS_DEFAULT_LOCALE={site.default_locale} to serve it as before"
            )
        if site.name is not None and not (self.merge and await rows.site_name() is not None):
            await site_rows.set_name(site.name)

    async def _asset(self, asset: AssetRecord) -> int:
        if self.merge and await rows.asset_exists(asset.sha256):
            return 0
        async with event_log.transaction() as events:  # before the webhooks: nobody is sent the restore's events
            await rows.insert_asset(asset)
            events.append(NewEvent(ASSET_CREATED, event_data(asset)))
        return 1

    async def _article(self, line: bytes) -> int:
        record = transfer.ExportLine.model_validate_json(line)
        if self.merge and await articles.by_uid(record.article.id) is not None:
            self.restored.conflicts.append(f"article {record.article.id} ({record.article.slug}): its id exists")
            return 0
        try:
            await transfer.restore(line)
        except Conflict as exc:
            if not self.merge:
                raise
            self.restored.conflicts.append(str(exc))
            return 0
        return 1

    async def _person(self, person: PersonRecord) -> int:
        password_hash = person.password_hash or UNUSABLE + secrets.token_hex(16)
        fields = person.model_dump(exclude={"password_hash"})
        if await rows.insert_person(rows.PersonRow(**fields, password_hash=password_hash)):
            return 1
        self.restored.conflicts.append(f"person {person.email}: exists already, kept as it is")
        return 0

    async def _token(self, token: TokenRecord) -> int:
        secret_hash = token.secret_hash or UNUSABLE + secrets.token_hex(31)  # 64 characters, never a SHA-256
        new = rows.TokenRow(token.id, token.name, token.scopes, token.created_at, secret_hash)
        if await rows.insert_token(new):
            return 1
        self.restored.conflicts.append(f"token {token.id} ({token.name}): exists already, kept as it is")
        return 0

    async def _webhook(self, webhook: WebhookRecord) -> int:
        secret = webhook.secret or webhooks.new_secret()
        new = rows.WebhookRow(webhook.id, webhook.url, webhook.events, webhook.enabled, webhook.created_at, secret)
        if await rows.insert_webhook(new):
            return 1
        self.restored.conflicts.append(f"webhook {webhook.id} ({webhook.url}): exists already, kept as it is")
        return 0
