"""People who sign in to the editor's page: Argon2id password hashes, roles that map onto token scopes,
and the sign-in rate limit (more than 5 failures for one email in 15 minutes refuse the next attempts for
15 minutes).
"""

import asyncio
import math
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Literal, get_args

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from cms.core.errors import Conflict, InvalidContent, NotFound
from cms.services.tokens import SCOPES
from cms.storage import sign_ins, users
from cms.storage.db import Taken
from cms.storage.users import UserRecord

Role = Literal["editor", "admin"]
ROLES: tuple[str, ...] = get_args(Role)
SCOPES_OF_ROLE: dict[str, tuple[str, ...]] = {"editor": ("write", "preview"), "admin": SCOPES}

MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 12
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_HASHER = PasswordHasher()  # Argon2id with the library's current recommended parameters
# Verified against when the email is unknown, so that the answer takes as long as for a known one.
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))


@dataclass(frozen=True)
class UserInfo:
    id: int
    email: str
    role: str
    disabled: bool
    created_at: datetime

    @property
    def scopes(self) -> tuple[str, ...]:
        return SCOPES_OF_ROLE[self.role]


class TooManyFailures(Exception):
    """More than MAX_FAILURES wrong sign-ins for this email within FAILURE_WINDOW: wait `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed sign-ins: retry in {retry_after} s")
        self.retry_after = retry_after


def info(user: UserRecord) -> UserInfo:
    return UserInfo(id=user.id, email=user.email, role=user.role, disabled=user.disabled, created_at=user.created_at)


def normal_email(email: str) -> str:
    """Trimmed and lower-cased; a NUL or other control character (which PostgreSQL refuses in text) dropped."""
    return "".join(ch for ch in email.strip().lower() if ch.isprintable())[:254]


def _checked(email: str, role: str, password: str) -> str:
    address = normal_email(email)
    if not _EMAIL.fullmatch(address) or address != email.strip().lower():
        raise InvalidContent.at("email", f"email {email!r} is not valid: use an address such as 'ada@example.org'")
    if role not in ROLES:
        raise InvalidContent.at("role", f"role {role!r} is not valid: use one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD_LENGTH:
        message = f"the password is too short ({len(password)} characters): use at least {MIN_PASSWORD_LENGTH}"
        raise InvalidContent.at("password", message)
    return address


def new_password() -> str:
    return secrets.token_urlsafe(18)


async def create(email: str, role: str, password: str | None = None) -> tuple[UserInfo, str]:
    """A new person and their password (generated when not given); Conflict when the email is taken."""
    password = new_password() if password is None else password
    address = _checked(email, role, password)
    password_hash = await asyncio.to_thread(_HASHER.hash, password)
    try:
        user = await users.create(address, role, password_hash)
    except Taken:
        raise Conflict(f"a user with email {address!r} exists already: choose another email") from None
    return info(user), password


async def set_password(email: str, password: str | None = None) -> tuple[UserInfo, str]:
    """A new password for a person (generated when not given), as after a restore without secrets or a forgotten
    one; every session they have ends. NotFound when nobody has the email."""
    password = new_password() if password is None else password
    address = normal_email(email)
    user = await users.by_email(address)
    if user is None:
        raise NotFound(f"no user has email {address!r}: see 'cms user list'")
    _checked(address, user.role, password)
    await users.set_password_hash(user.id, await asyncio.to_thread(_HASHER.hash, password))
    await users.end_sessions_of(user.id)
    return info(user), password


async def everyone() -> list[UserInfo]:
    return [info(user) for user in await users.everyone()]


async def get(user_id: int) -> UserInfo | None:
    user = await users.enabled(user_id)
    return None if user is None else info(user)


async def disable(email: str) -> UserInfo:
    """The person can no longer sign in, and every session they have ends now."""
    address = normal_email(email)
    user = await users.set_disabled(address, True)
    if user is None:
        raise NotFound(f"no user has email {address!r}: see 'cms user list'")
    await users.end_sessions_of(user.id)
    return info(user)


async def enable(email: str) -> UserInfo:
    """A disabled person can sign in again, with the password they had."""
    address = normal_email(email)
    user = await users.set_disabled(address, False)
    if user is None:
        raise NotFound(f"no user has email {address!r}: see 'cms user list'")
    return info(user)


async def authenticate(email: str, password: str, now: datetime | None = None) -> UserInfo | None:
    """The enabled person with this email and password, or None; TooManyFailures while the email is locked.

    The attempt is counted before its password is verified (and forgotten if it was right), so that parallel
    guesses for one email get at most MAX_FAILURES verifications between them.
    """
    now = now or datetime.now(UTC)
    address = normal_email(email)
    # A lock that began at a failure up to FAILURE_WINDOW ago was set off by failures up to FAILURE_WINDOW before it.
    attempt = await sign_ins.record_attempt(address, now, now - 2 * FAILURE_WINDOW, partial(_refuse_if_locked, now))
    user = await users.by_email(address)
    matches = await asyncio.to_thread(_verify, user.password_hash if user else _DUMMY_HASH, password)
    if matches and user is not None and not user.disabled:
        await sign_ins.forget(attempt)
        if _HASHER.check_needs_rehash(user.password_hash):  # stored with older parameters than today's
            password_hash = await asyncio.to_thread(_HASHER.hash, password)
            await users.set_password_hash(user.id, password_hash)
        return info(user)
    await sign_ins.prune(now - 2 * FAILURE_WINDOW)
    return None


def _refuse_if_locked(now: datetime, earlier: list[datetime]) -> None:
    """TooManyFailures when the email is locked at `now`, given the times of its other attempts (oldest first;
    failures, and those whose password is being verified): a lock begins at the MAX_FAILURES-th failure within
    FAILURE_WINDOW and lasts FAILURE_WINDOW from then (attempts while locked are not failures)."""
    ends = [
        earlier[last] + FAILURE_WINDOW
        for last in range(MAX_FAILURES - 1, len(earlier))
        if earlier[last] - earlier[last - MAX_FAILURES + 1] < FAILURE_WINDOW
    ]
    if ends and now < ends[-1]:
        raise TooManyFailures(max(1, math.ceil((ends[-1] - now).total_seconds())))


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
