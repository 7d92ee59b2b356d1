"""API tokens: a random secret shown once, stored as its SHA-256, looked up by that hash."""

import hashlib
import hmac
import secrets
import uuid
from datetime import UTC, datetime
from typing import Literal, get_args

from pydantic import BaseModel

from cms.core.errors import InvalidContent, NotFound
from cms.core.text import is_server_id
from cms.storage import tokens as stored
from cms.storage.tokens import TokenRecord

Scope = Literal["preview", "write", "admin"]
SCOPES: tuple[str, ...] = get_args(Scope)
SECRET_PREFIX = "cms_"


class TokenInfo(BaseModel):
    id: str
    name: str
    scopes: list[str]
    created_at: datetime


def hash_secret(secret: str) -> str:
    # The secret has 256 bits of entropy, so a fast hash is enough: nothing to brute-force, unlike a password.
    return hashlib.sha256(secret.encode()).hexdigest()


def _info(token: TokenRecord) -> TokenInfo:
    return TokenInfo(id=token.uid, name=token.name, scopes=token.scopes, created_at=token.created_at)


def _checked(name: str, scopes: list[str]) -> str:
    """The name as stored (trimmed); InvalidContent at `name` or `scopes` otherwise, the same on both databases."""
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        message = f"scopes {unknown or scopes} are not valid: use one or more of {', '.join(SCOPES)}"
        raise InvalidContent.at("scopes", message)
    trimmed = name.strip()
    if not 1 <= len(trimmed) <= 100 or not trimmed.isprintable():
        message = f"name {name!r} is not valid: use 1 to 100 printable characters, e.g. 'website-build'"
        raise InvalidContent.at("name", message)
    return trimmed


async def create(name: str, scopes: list[str]) -> tuple[TokenInfo, str]:
    """A new token and its secret; only the hash is stored, so the secret cannot be shown again."""
    name = _checked(name, scopes)
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = await stored.create(uuid.uuid4().hex, name, sorted(set(scopes)), hash_secret(secret))
    return _info(token), secret


async def authenticate(secret: str) -> TokenInfo | None:
    """The live token with this secret, or None. Revoked tokens fail at once: nothing is cached."""
    digest = hash_secret(secret)
    token = await stored.live(digest)
    # The lookup is by hash, so timing reveals nothing about the secret; the comparison guards the lookup itself.
    if token is None or not hmac.compare_digest(token.secret_hash, digest):
        return None
    return _info(token)


async def active() -> list[TokenInfo]:
    return [_info(token) for token in await stored.active()]


async def revoke(token_id: str) -> None:
    if not is_server_id(token_id) or not await stored.revoke(token_id, datetime.now(UTC)):
        raise NotFound(f"no active token has id {token_id!r}")
