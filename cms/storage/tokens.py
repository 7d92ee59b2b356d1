"""API tokens: only the SHA-256 of each secret is stored, looked up by that hash."""

from dataclasses import dataclass
from datetime import datetime

from cms.storage.models import Token


@dataclass(frozen=True)
class TokenRecord:
    uid: str
    name: str
    scopes: list[str]
    secret_hash: str
    created_at: datetime


def _record(token: Token) -> TokenRecord:
    return TokenRecord(token.uid, token.name, list(token.scopes), token.secret_hash, token.created_at)


async def create(uid: str, name: str, scopes: list[str], secret_hash: str) -> TokenRecord:
    return _record(await Token.create(uid=uid, name=name, scopes=scopes, secret_hash=secret_hash))


async def live(secret_hash: str) -> TokenRecord | None:
    """The token with this hash, unless it was revoked."""
    token = await Token.get_or_none(secret_hash=secret_hash, revoked_at=None)
    return None if token is None else _record(token)


async def active() -> list[TokenRecord]:
    """The tokens not revoked, oldest first."""
    return [_record(token) for token in await Token.filter(revoked_at=None).order_by("created_at", "id")]


async def revoke(uid: str, now: datetime) -> bool:
    """False when no live token has this id."""
    return await Token.filter(uid=uid, revoked_at=None).update(revoked_at=now) != 0
