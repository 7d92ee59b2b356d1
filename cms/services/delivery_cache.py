"""The delivery cache: each worker keeps published articles ready to serve, bounded in bytes, least recently used
out first.

Listing and search pages are kept too, until the next change of anything published.

An entry is the published snapshot (the JSON stored at publish time) plus, made on demand, every rendition asked
for (format, fields, section) with its strong ETag and, for large bodies, its gzip form (cms/core/representation.py).
A request that hits the cache touches neither the database nor a renderer.

Coherence: the cache follows the event log (cms/services/event_log.py). A publish, unpublish, delete or slug
change writes its event in the same transaction; each worker's follower hands it to `on_events`, which evicts the
article (on PostgreSQL within a NOTIFY's delay, on SQLite within a 250 ms poll; the writing worker at once, before
it answers). When the log could not be read for a while, the cache keeps serving and the follower catches up;
only events pruned unread make it `on_reset`, which clears everything (docs/deployment.md, "When the
database goes away").
"""

import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from cms.core.article import Article
from cms.core.events import DELIVERY_TYPES, Event
from cms.core.representation import Rendition, http_date
from cms.metrics import CACHE_BYTES, CACHE_LOOKUPS, TALLY
from cms.storage import queries
from cms.storage.queries import Redirect

CACHE_HITS, CACHE_MISSES = CACHE_LOOKUPS.labels("hit"), CACHE_LOOKUPS.labels("miss")

REPLICA_LAG_GRACE = 5.0


@dataclass
class Entry:
    key: tuple[str, str]
    """(locale, slug)"""
    article_uid: str
    snapshot: bytes
    published: datetime
    renditions: dict[tuple[str, ...], Rendition] = field(default_factory=dict)
    _article: Article | None = None
    last_modified: str = ""
    """`published` as an HTTP date, made once."""
    surrogate_key: str = ""
    """The CDN purge key of this article."""

    def __post_init__(self) -> None:
        self.last_modified = http_date(self.published)
        self.surrogate_key = f"article-{self.article_uid}"

    def article(self) -> Article:
        if self._article is None:
            self._article = Article.model_validate_json(self.snapshot, strict=False)
        return self._article

    @property
    def size(self) -> int:
        # The parsed article is counted as three times its JSON: a rough bound, enough to keep memory flat.
        parsed = 3 * len(self.snapshot) if self._article is not None else 0
        return len(self.snapshot) + parsed + sum(r.size for r in self.renditions.values()) + 500


class DeliveryCache:
    def __init__(self, max_bytes: int, uncached_after_change: float = 0.0) -> None:
        """`uncached_after_change`: seconds during which a changed article is read but not kept (replica lag)."""
        self.max_bytes = max_bytes
        self.uncached_after_change = uncached_after_change
        self._changed_until: dict[str, float] = {}
        self._size = 0
        self._entries: OrderedDict[tuple[str, str], Entry] = OrderedDict()
        self._keys_of: dict[str, set[tuple[str, str]]] = {}
        self._pages: OrderedDict[str, tuple[Rendition, str]] = OrderedDict()
        self._generation = 0

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size(self) -> int:
        """Bytes held, as estimated by the entries: what `max_bytes` bounds."""
        return self._size

    @size.setter
    def size(self, value: int) -> None:
        self._size = value
        CACHE_BYTES.set(value)

    def cached(self, slug: str, locale: str) -> Entry | None:
        """The published article at this slug if this worker holds it; None without asking the database."""
        key = (locale, slug)
        if (entry := self._entries.get(key)) is not None:
            self._entries.move_to_end(key)
            TALLY.count(CACHE_HITS)
        return entry

    async def entry(self, slug: str, locale: str) -> Entry | Redirect | None:
        """The published article at this slug, from memory or from one query (then kept, if it fits)."""
        if (entry := self.cached(slug, locale)) is not None:
            return entry
        key = (locale, slug)
        TALLY.count(CACHE_MISSES)
        generation = self._generation
        found = await queries.published_snapshot(slug, locale)
        if not isinstance(found, queries.Snapshot):
            return found
        entry = Entry(key, found.article_uid, found.json, found.published)
        if generation == self._generation and not self._just_changed(entry.article_uid):
            # (an eviction while we read may concern this article, and a replica may lag: then don't keep it)
            self._entries[key] = entry
            self._keys_of.setdefault(entry.article_uid, set()).add(key)
            self.size += entry.size
            self._shrink()
        return entry

    def rendition(self, entry: Entry, variant: tuple[str, ...], render: Callable[[], tuple[bytes, str]]) -> Rendition:
        """The entry rendered as `variant` (format, fields, section…): made once, then served from memory."""
        if (rendition := entry.renditions.get(variant)) is not None:
            return rendition
        before = entry.size
        rendition = Rendition.of(*render())
        entry.renditions[variant] = rendition
        if self._entries.get(entry.key) is entry:
            self.size += entry.size - before
            self._shrink()
        return rendition

    def cached_page(self, key: str) -> tuple[Rendition, str] | None:
        """A kept listing or search page (its key is the query string that made it), or None."""
        if (page := self._pages.get(key)) is not None:
            self._pages.move_to_end(key)
            TALLY.count(CACHE_HITS)
        return page

    async def page(self, key: str, load: Callable[[], Awaitable[tuple[Rendition, str]]]) -> tuple[Rendition, str]:
        """A listing or search page and its surrogate keys, kept until the next change of anything published:
        any publication can move any page, so every change drops them all."""
        if (page := self.cached_page(key)) is not None:
            return page
        TALLY.count(CACHE_MISSES)
        generation = self._generation
        page = await load()
        if generation == self._generation and not self._any_just_changed():
            self._pages[key] = page
            self.size += _page_size(page)
            self._shrink()
        return page

    def evict(self, article_uid: str) -> None:
        self._generation += 1
        self._drop_pages()
        if self.uncached_after_change:
            now = time.monotonic()
            self._changed_until = {uid: t for uid, t in self._changed_until.items() if t > now}
            self._changed_until[article_uid] = now + self.uncached_after_change
        for key in self._keys_of.pop(article_uid, set()):
            if (entry := self._entries.pop(key, None)) is not None:
                self.size -= entry.size

    def on_events(self, events: list[Event]) -> None:
        for event in events:
            if event.type in DELIVERY_TYPES:
                self.evict(str(event.subject()["id"]))

    def on_reset(self) -> None:
        self.clear()

    def clear(self) -> None:
        self._generation += 1
        self._entries.clear()
        self._keys_of.clear()
        self._pages.clear()
        self.size = 0

    def _drop_pages(self) -> None:
        self.size -= sum(_page_size(page) for page in self._pages.values())
        self._pages.clear()

    def _any_just_changed(self) -> bool:
        now = time.monotonic()
        return any(until > now for until in self._changed_until.values())

    def _just_changed(self, article_uid: str) -> bool:
        until = self._changed_until.get(article_uid)
        return until is not None and until > time.monotonic()

    def _shrink(self) -> None:
        """Pages go first (any change drops them anyway), then the least recently used articles."""
        while self.size > self.max_bytes and self._pages:
            _, page = self._pages.popitem(last=False)
            self.size -= _page_size(page)
        while self.size > self.max_bytes and self._entries:
            key, entry = self._entries.popitem(last=False)
            self.size -= entry.size
            keys = self._keys_of.get(entry.article_uid)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._keys_of[entry.article_uid]


def _page_size(page: tuple[Rendition, str]) -> int:
    rendition, surrogate_keys = page
    return rendition.size + len(surrogate_keys)
