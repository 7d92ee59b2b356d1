"""The delivery cache: bounded in bytes, least recently used out first, evicted by article."""

import asyncio

from cms.core.representation import Rendition
from cms.services.delivery_cache import DeliveryCache


async def _publish_many(publish, count):
    return [await publish(title=f"Article {n}", sections=[{"blocks": [{"type": "divider"}]}]) for n in range(count)]


async def test_memory_stays_within_the_bound_however_many_articles_are_read(client, publish):
    articles = await _publish_many(publish, 12)
    cache = DeliveryCache(max_bytes=6_000)

    for article in articles:
        await cache.entry(article["slug"], "en")

    assert 0 < len(cache) < 12
    assert cache.size <= 6_000


async def test_the_least_recently_used_article_leaves_first(client, publish):
    first, second, third = await _publish_many(publish, 3)
    cache = DeliveryCache(max_bytes=10_000_000)
    for article in (first, second, third):
        await cache.entry(article["slug"], "en")
    await cache.entry(first["slug"], "en")
    one_entry = cache.size // 3

    cache.max_bytes = cache.size - one_entry // 2
    cache._shrink()

    assert len(cache) == 2
    assert [key[1] for key in cache._entries] == [third["slug"], first["slug"]]


async def test_renditions_count_towards_the_bound(client, publish):
    (article,) = await _publish_many(publish, 1)
    cache = DeliveryCache(max_bytes=10_000_000)
    entry = await cache.entry(article["slug"], "en")
    before = cache.size

    cache.rendition(entry, ("big",), lambda: (b"x" * 50_000, "text/plain"))

    assert cache.size > before + 50_000


async def test_eviction_by_article_forgets_every_copy(client, publish):
    (article,) = await _publish_many(publish, 1)
    cache = DeliveryCache(max_bytes=10_000_000)
    await cache.entry(article["slug"], "en")

    cache.evict(article["id"])

    assert (len(cache), cache.size) == (0, 0)


async def test_an_eviction_during_a_read_keeps_the_read_out_of_the_cache(client, publish):
    (article,) = await _publish_many(publish, 1)
    cache = DeliveryCache(max_bytes=10_000_000)
    asyncio.get_running_loop().call_soon(cache.evict, article["id"])  # runs while entry() awaits its query

    entry = await cache.entry(article["slug"], "en")

    assert entry is not None
    assert len(cache) == 0


def test_a_rendition_has_a_strong_etag_and_gzips_only_large_bodies():
    small = Rendition.of(b"{}", "application/json")
    large = Rendition.of(b"a" * 5_000, "text/plain")

    assert small.etag.startswith('"') and not small.etag.startswith("W/")
    assert small.gzipped is None
    assert large.gzipped is not None and len(large.gzipped) < 100


async def _page(body: bytes = b"[]"):
    return Rendition.of(body, "application/json"), "articles"


async def test_a_kept_page_is_dropped_by_any_change_and_its_bytes_released():
    cache = DeliveryCache(max_bytes=10_000_000)
    await cache.page("limit=5", _page)

    cache.evict("any-article")

    assert cache.size == 0
    assert (await cache.page("limit=5", lambda: _page(b"[1]")))[0].body == b"[1]"


async def test_pages_leave_before_articles_when_memory_is_short(client, publish):
    (article,) = await _publish_many(publish, 1)
    cache = DeliveryCache(max_bytes=10_000_000)
    await cache.entry(article["slug"], "en")
    article_size = cache.size
    cache.max_bytes = article_size + 100

    await cache.page("limit=5", lambda: _page(b"x" * 5_000))

    assert (len(cache), cache.size) == (1, article_size)


async def test_a_change_during_a_page_read_keeps_the_page_out_of_the_cache():
    cache = DeliveryCache(max_bytes=10_000_000)

    async def load_while_an_article_changes():
        cache.evict("changed-meanwhile")
        return await _page()

    await cache.page("limit=5", load_while_an_article_changes)

    assert cache.size == 0
