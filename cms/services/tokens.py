"""API tokens: a random secret shown once, stored as its SHA-256, checked in constant time."""

import hashlib
import secrets
import uuid
from typing import Literal, get_args

from cms.storage.models import Token

Scope = Literal["preview", "write", "admin"]
SCOPES: tuple[str, ...] = get_args(Scope)
SECRET_PREFIX = "cms_"


def hash_secret(secret: str) -> str:
    # The secret has 256 bits of entropy, so a fast hash is enough: nothing to brute-force, unlike a password.
    return hashlib.sha256(secret.encode()).hexdigest()


async def create(name: str, scopes: list[str]) -> tuple[Token, str]:
    """A new token and its secret; only the hash is stored, so the secret cannot be shown again."""
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise ValueError(f"scopes {unknown or scopes} are not valid: use one or more of {', '.join(SCOPES)}")
    if not name.strip():
        raise ValueError("a token needs a name, e.g. 'website-build'")
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = await Token.create(
        uid=uuid.uuid4().hex, name=name.strip(), scopes=sorted(set(scopes)), secret_hash=hash_secret(secret)
    )
    return token, secret
