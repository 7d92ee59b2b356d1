"""Events: what changed, in log order. Ids are opaque strings that sort as the log does.

An event id is the log's integer position as 16 lowercase hex digits: `42 -> '000000000000002a'`, so string order
is log order. See docs/decisions/0006-event-ids-in-commit-order.md for why positions follow commit order.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

ARTICLE_UPDATED = "article.updated"
ARTICLE_PUBLISHED = "article.published"
ARTICLE_UNPUBLISHED = "article.unpublished"
ARTICLE_DELETED = "article.deleted"
ASSET_CREATED = "asset.created"
ASSET_DELETED = "asset.deleted"

TYPES = (ARTICLE_UPDATED, ARTICLE_PUBLISHED, ARTICLE_UNPUBLISHED, ARTICLE_DELETED, ASSET_CREATED, ASSET_DELETED)
PUBLIC_TYPES = frozenset(TYPES) - {ARTICLE_UPDATED}
"""What a client without the preview scope may see: what delivery shows."""
DELIVERY_TYPES = frozenset({ARTICLE_PUBLISHED, ARTICLE_UNPUBLISHED, ARTICLE_DELETED})
"""The article events that change what delivery serves."""

_ID = re.compile(r"[0-9a-f]{16}")
MAX_POSITION = 2**63 - 1


def event_id(position: int) -> str:
    """42 -> '000000000000002a'."""
    return f"{position:016x}"


def parse_event_id(value: str) -> int | None:
    """'000000000000002a' -> 42; None for anything this service could not have made."""
    if not _ID.fullmatch(value):
        return None
    position = int(value, 16)
    return position if position <= MAX_POSITION else None


def rfc3339(moment: datetime) -> str:
    """datetime(2026, 11, 24, 10, 0, 0, 120000, UTC) -> '2026-11-24T10:00:00.120000Z'."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class NewEvent:
    """An event about to be written: its id and time are given by the log."""

    type: str
    data: dict[str, Any]


@dataclass(frozen=True)
class Event:
    position: int
    type: str
    timestamp: datetime
    data: str
    """The `data` object as JSON text, kept as written so that the event's bytes never change."""

    @property
    def id(self) -> str:
        return event_id(self.position)

    @property
    def public(self) -> bool:
        return self.type in PUBLIC_TYPES

    def json(self) -> bytes:
        """The event as clients get it, byte-identical every time it is made."""
        head = orjson.dumps({"id": self.id, "type": self.type, "timestamp": rfc3339(self.timestamp)})
        return head[:-1] + b',"data":' + self.data.encode() + b"}"

    def subject(self) -> dict[str, Any]:
        value: dict[str, Any] = orjson.loads(self.data)
        return value

    @classmethod
    def from_json(cls, body: bytes | str) -> "Event":
        """The inverse of `json()` (NOTIFY payloads carry the event)."""
        value = orjson.loads(body)
        position = parse_event_id(value["id"])
        if position is None:
            raise ValueError(f"not an event id: {value['id']!r}")
        timestamp = datetime.fromisoformat(value["timestamp"])
        return cls(position, value["type"], timestamp, orjson.dumps(value["data"]).decode())


def article_event(
    type: str, uid: str, slug: str, locale: str, version: int, previous_slug: str | None = None
) -> NewEvent:
    data: dict[str, Any] = {"id": uid, "slug": slug, "locale": locale, "version": version}
    if previous_slug is not None:
        data["previous_slug"] = previous_slug
    return NewEvent(type, data)
