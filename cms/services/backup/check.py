"""The first pass of an import: read the whole archive, write nothing, name the first problem."""

import tarfile
import zlib
from pathlib import Path
from typing import IO

import orjson
from pydantic import ValidationError

from cms.core.assets import asset_url
from cms.services.backup.archive import (
    ASSETS,
    CHUNK,
    FORMAT,
    LINE_LIMIT,
    MANIFEST,
    MANIFEST_LIMIT,
    MEDIA,
    MODELS,
    QUIET,
    RECORDS,
    VERSION,
    ArchiveError,
    AssetRecord,
    Hashing,
    Manifest,
    Member,
    Progress,
    reading,
    reason,
)


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
        with reading(path, progress) as tar:
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


class _Check:
    """What the first pass learns, member by member: sizes and checksums, and the first invalid record."""

    def __init__(self) -> None:
        self.seen: list[Member] = []
        self.problem: str | None = None
        self.media: set[str] = set()
        self.assets: set[str] = set()

    def member(self, name: str, content: IO[bytes]) -> None:
        reader = Hashing(content)
        if name.startswith(MEDIA):
            self.media.add(name.removeprefix(MEDIA))
            while reader.read(CHUNK):
                pass
            if self.problem is None and reader.hexdigest() != name.removeprefix(MEDIA):
                self.problem = f"{name}: its bytes do not have the SHA-256 its name says"
        elif name in MODELS:
            self._records(name, reader)
        elif self.problem is None:
            self.problem = f"{name} is not a member a cms backup has"
            while reader.read(CHUNK):
                pass
        self.seen.append(Member(name=name, size=reader.size, sha256=reader.hexdigest()))

    def _records(self, name: str, reader: "Hashing") -> None:
        model = MODELS[name]
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
                self.problem = f"{name}:{number}: {reason(exc)}"
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


def _line(reader: "Hashing") -> bytes:
    """The next line (at most LINE_LIMIT bytes), hashed on the way."""
    line = reader.source.readline(LINE_LIMIT)
    reader._hash.update(line)
    reader.size += len(line)
    return line


def _asset_problem(asset: AssetRecord, where: str) -> str | None:
    if asset.id != asset.sha256[:32] or asset.url != asset_url(asset.id, asset.filename):
        return f"{where}: the asset's id and url do not follow from its SHA-256 and filename"
    return None


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
        raise ArchiveError(f"{path}: the manifest is damaged: {reason(exc)}") from None


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
    names = [member.name for member in seen]
    if names[len(names) - len(RECORDS) :] != list(RECORDS):
        raise ArchiveError(f"{path}: the records are not {', '.join(RECORDS)}, in this order, after the media")
