"""Server-side sessions of the editor's page: the cookie holds a random secret, the table its SHA-256.

A session ends when its person signs out, is disabled, or leaves it idle longer than the idle limit; each use
moves `last_seen_at` forward (at most once a minute, so that reading pages does not write on every request).
"""

import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cms.services.tokens import hash_secret
from cms.services.users import UserInfo, info
from cms.storage import users

_TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class Session:
    user: UserInfo
    csrf_token: str


async def start(user: UserInfo, idle: timedelta, now: datetime | None = None) -> tuple[str, Session]:
    """A new session for `user`: the secret for the cookie (shown once), and the session.

    Sessions left idle too long are deleted here, so that the table holds only live ones and a few stragglers.
    """
    now = now or datetime.now(UTC)
    await users.end_sessions_idle_since(now - idle)
    secret = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    await users.start_session(hash_secret(secret), user.id, csrf, now)
    return secret, Session(user, csrf)


async def find(secret: str, idle: timedelta, now: datetime | None = None) -> Session | None:
    """The live session with this secret, or None (unknown, ended, idle too long, or its person disabled)."""
    now = now or datetime.now(UTC)
    digest = hash_secret(secret)
    row = await users.session(digest)
    if row is None or not hmac.compare_digest(row.secret_hash, digest) or row.user.disabled:
        return None
    if row.last_seen_at + idle <= now:
        await users.end_session(row.id)
        return None
    if now - row.last_seen_at >= _TOUCH_EVERY:
        await users.touch_session(row.id, now)
    return Session(info(row.user), row.csrf_token)


async def end(secret: str) -> None:
    await users.end_sessions_by_hash(hash_secret(secret))
