"""Whether the database is there: readiness, and telling "the database is away" failures from bugs."""

from cms.storage.db import DRIVER_ERRORS, forget_read_only_sessions, is_unavailable, ping

__all__ = ["DRIVER_ERRORS", "database_answers", "forget_read_only_sessions", "is_unavailable"]


async def database_answers() -> str | None:
    """None when the database answers a query; else the name of the error it gave."""
    try:
        await ping()
    except Exception as exc:  # any driver error means "not ready", which is the answer, not a failure
        return type(exc).__name__
    return None
