"""The rows a backup holds beside the articles (site, assets, webhooks, people, tokens), read and written whole.

Reads go oldest first, a page at a time, so an export never holds a table in memory. Writes keep every value the
archive gives (public ids, timestamps, hashes), and run inside the caller's transaction
(`cms.services.backup.restore`).
"""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise import connections
from tortoise.models import Model

from cms.core.assets import Asset
from cms.storage.assets import to_asset
from cms.storage.models import Article, Site, Token, User, Webhook
from cms.storage.models import Asset as AssetRow
from cms.storage.models import Event as EventRow

PAGE = 500


@dataclass(frozen=True)
class WebhookRow:
    uid: str
    url: str
    events: list[str]
    enabled: bool
    created_at: datetime
    secret: str


@dataclass(frozen=True)
class PersonRow:
    email: str
    role: str
    disabled: bool
    created_at: datetime
    password_hash: str


@dataclass(frozen=True)
class TokenRow:
    uid: str
    name: str
    scopes: list[str]
    created_at: datetime
    secret_hash: str


async def holds_content() -> bool:
    """Whether any article, asset, webhook, person or token exists (a site name alone is not content)."""
    for model in (Article, AssetRow, Webhook, User, Token):
        if await model.exists():
            return True
    return False


async def _pages(model: type[Model]) -> AsyncIterator[Any]:
    """Every row of `model` in the order they were made, PAGE rows per query."""
    after = 0
    while rows := await model.filter(id__gt=after).order_by("id").limit(PAGE):
        for row in rows:
            yield row
        after = rows[-1].pk


async def site_name() -> str | None:
    site = await Site.first()
    return site.name if site else None


async def assets() -> AsyncIterator[Asset]:
    async for row in _pages(AssetRow):
        yield to_asset(row)


async def webhooks() -> AsyncIterator[WebhookRow]:
    async for row in _pages(Webhook):
        yield WebhookRow(row.uid, row.url, list(row.events), row.enabled, row.created_at, row.secret)


async def people() -> AsyncIterator[PersonRow]:
    async for row in _pages(User):
        yield PersonRow(row.email, row.role, row.disabled, row.created_at, row.password_hash)


async def tokens() -> AsyncIterator[TokenRow]:
    """The tokens not revoked: a revoked token is of no use to a restored site."""
    async for row in _pages(Token):
        if row.revoked_at is None:
            yield TokenRow(row.uid, row.name, list(row.scopes), row.created_at, row.secret_hash)


async def asset_exists(sha256: str) -> bool:
    return await AssetRow.exists(sha256=sha256)


async def insert_asset(asset: Asset) -> None:
    await AssetRow.create(
        uid=asset.id, sha256=asset.sha256, mime=asset.mime, bytes=asset.bytes, filename=asset.filename,
        width=asset.width, height=asset.height, placeholder=asset.placeholder, alt=asset.alt,
        created_at=asset.created_at,
    )  # fmt: skip


async def insert_webhook(webhook: WebhookRow) -> bool:
    """False when a subscription with this id exists already (it is kept)."""
    if await Webhook.exists(uid=webhook.uid):
        return False
    await Webhook.create(**webhook.__dict__)
    return True


async def insert_person(person: PersonRow) -> bool:
    """False when a person with this email exists already (they are kept)."""
    if await User.exists(email=person.email):
        return False
    await User.create(**person.__dict__)
    return True


async def insert_token(token: TokenRow) -> bool:
    """False when a token with this id exists already (it is kept)."""
    if await Token.exists(uid=token.uid):
        return False
    await Token.create(**token.__dict__)
    return True


async def continue_log_after(position: int) -> None:
    """The next event gets a position after `position`, and a cursor at or before it answers 410 (pruned).

    For a restore into an empty database: the log starts afresh after the exported one, so a client that followed
    the old site is told to re-read instead of waiting silently for positions it has already seen.
    """
    if position <= 0:
        return
    connection = connections.get("default")
    postgres = connection.capabilities.dialect == "postgres"
    if postgres:
        await connection.execute_query("SELECT setval(pg_get_serial_sequence('event', 'id'), $1)", [position])
        await connection.execute_query(
            "INSERT INTO event_horizon (id, pruned_through) VALUES (1, $1) ON CONFLICT (id) DO UPDATE"
            " SET pruned_through = excluded.pruned_through",
            [position],
        )
        return
    # SQLite's AUTOINCREMENT never reuses a position it gave: one placeholder row at `position`, removed again.
    await EventRow.create(id=position, type="log.restored", created_at=datetime.now(UTC), data="{}")
    await EventRow.filter(id=position).delete()
    await connection.execute_query(
        "INSERT INTO event_horizon (id, pruned_through) VALUES (1, ?) ON CONFLICT (id) DO UPDATE"
        " SET pruned_through = excluded.pruned_through",
        [position],
    )
