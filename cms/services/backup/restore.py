"""The second pass of an import: originals into the media store, then every row in one transaction."""

import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from cms.core.errors import Conflict
from cms.core.events import ASSET_CREATED, NewEvent
from cms.services import event_log, transfer, webhooks
from cms.services.assets import event_data
from cms.services.backup import media as backup_media
from cms.services.backup.archive import (
    ARTICLES,
    ASSETS,
    LINE_LIMIT,
    MANIFEST,
    MEDIA,
    PEOPLE,
    QUIET,
    SITE,
    TOKENS,
    UNUSABLE,
    ArchiveError,
    AssetRecord,
    Manifest,
    PersonRecord,
    Progress,
    SiteRecord,
    TokenRecord,
    WebhookRecord,
    reading,
)
from cms.services.backup.check import verify
from cms.storage import articles
from cms.storage import backup as rows
from cms.storage import site as site_rows
from cms.storage.media import MediaStore


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
    if not merge and await rows.holds_content():
        raise ArchiveError(
            "the database already holds content: restore into an empty one, or pass --merge to add what is missing"
        )
    manifest = verify(path, progress)
    put: list[str] = []
    try:
        with reading(path, _Reset(progress, f"restoring {path}", path.stat().st_size)) as tar:
            members = iter(tar)
            info = next(members)
            while info.name.startswith(MEDIA):
                sha256 = info.name.removeprefix(MEDIA)
                content = tar.extractfile(info)
                assert content is not None
                if await backup_media.put_original(store, sha256, content):
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
            await backup_media.remove_original(store, sha256)
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
