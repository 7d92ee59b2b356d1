"""RFC 3339 timestamps from clients, normalised to UTC before anything stores or compares them.

SQLite keeps a timestamp as the text it was given and compares text, so `09:00-01:00` sorts before `09:30Z`
although it is later: every time is made UTC at the edge, on both databases alike.
"""

import re
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BeforeValidator

_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})")
_EXAMPLE = "2026-12-01T09:00:00Z"


def _from_rfc3339(value: Any) -> Any:
    """Only RFC 3339 text (or a datetime, from our own code): Pydantic alone would also take `0` or
    `"1893456000"` as Unix times."""
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or _RFC3339.fullmatch(value) is None:
        raise ValueError(f"use an RFC 3339 date and time with an offset, e.g. {_EXAMPLE!r}")
    try:
        return datetime.fromisoformat(value.upper())
    except ValueError:
        raise ValueError(f"{value!r} is not a date and time that exists: e.g. {_EXAMPLE!r}") from None


def to_utc(moment: datetime) -> datetime:
    """datetime(2026, 12, 1, 8, tzinfo=-01:00) -> datetime(2026, 12, 1, 9, tzinfo=UTC); ValueError out of range."""
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise ValueError("this time is out of range: use a year from 0001 to 9999 in UTC") from None


Timestamp = Annotated[AwareDatetime, BeforeValidator(_from_rfc3339), AfterValidator(to_utc)]
"""An RFC 3339 date and time with an offset, given as text, held in UTC."""

UtcDatetime = Annotated[AwareDatetime, AfterValidator(to_utc)]
"""A date and time with an offset (a datetime or RFC 3339 text), held in UTC: what models read back from storage."""
