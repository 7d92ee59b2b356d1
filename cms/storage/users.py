"""People who sign in to the editor's page, and their sessions (a session is gone with its person)."""

from dataclasses import dataclass
from datetime import datetime

from cms.storage.db import unique
from cms.storage.models import User, UserSession


@dataclass(frozen=True)
class UserRecord:
    id: int
    email: str
    role: str
    disabled: bool
    created_at: datetime
    password_hash: str


@dataclass(frozen=True)
class SessionRecord:
    id: int
    secret_hash: str
    csrf_token: str
    last_seen_at: datetime
    user: UserRecord


def _record(user: User) -> UserRecord:
    return UserRecord(user.id, user.email, user.role, user.disabled, user.created_at, user.password_hash)


async def create(email: str, role: str, password_hash: str) -> UserRecord:
    """Taken when the email is."""
    with unique():
        return _record(await User.create(email=email, role=role, password_hash=password_hash))


async def everyone() -> list[UserRecord]:
    """By email."""
    return [_record(user) for user in await User.all().order_by("email")]


async def enabled(user_id: int) -> UserRecord | None:
    user = await User.get_or_none(id=user_id, disabled=False)
    return None if user is None else _record(user)


async def by_email(email: str) -> UserRecord | None:
    user = await User.get_or_none(email=email)
    return None if user is None else _record(user)


async def set_disabled(email: str, disabled: bool) -> UserRecord | None:
    """The person with this email, disabled or enabled now; None when nobody has it."""
    if await User.filter(email=email).update(disabled=disabled) == 0:
        return None
    return _record(await User.get(email=email))


async def set_password_hash(user_id: int, password_hash: str) -> None:
    await User.filter(id=user_id).update(password_hash=password_hash)


async def start_session(secret_hash: str, user_id: int, csrf_token: str, now: datetime) -> None:
    await UserSession.create(secret_hash=secret_hash, user_id=user_id, csrf_token=csrf_token, last_seen_at=now)


async def session(secret_hash: str) -> SessionRecord | None:
    """The session with this secret's hash, with its person (one query)."""
    row = await UserSession.get_or_none(secret_hash=secret_hash).select_related("user")
    if row is None:
        return None
    return SessionRecord(row.id, row.secret_hash, row.csrf_token, row.last_seen_at, _record(row.user))


async def touch_session(session_id: int, now: datetime) -> None:
    await UserSession.filter(id=session_id).update(last_seen_at=now)


async def end_session(session_id: int) -> None:
    await UserSession.filter(id=session_id).delete()


async def end_sessions_by_hash(secret_hash: str) -> None:
    await UserSession.filter(secret_hash=secret_hash).delete()


async def end_sessions_of(user_id: int) -> None:
    await UserSession.filter(user_id=user_id).delete()


async def end_sessions_idle_since(moment: datetime) -> None:
    """Every session last used at `moment` or before."""
    await UserSession.filter(last_seen_at__lte=moment).delete()
