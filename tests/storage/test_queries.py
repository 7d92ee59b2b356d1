"""The cost of reads, counted from Tortoise's own query log, and the database settings that several workers need."""

import pytest
from tortoise import connections

from tests.conftest import delivery_cache, is_postgres


def _sections(count: int, blocks: int) -> list[dict]:
    return [
        {"heading": f"Part {n}", "blocks": [{"type": "paragraph", "spans": f"Text {n}.{b}"} for b in range(blocks)]}
        for n in range(count)
    ]


async def test_an_uncached_article_costs_one_query_whatever_its_size(app, client, publish, query_log):
    await publish(title="Small", sections=_sections(1, 1))
    await publish(title="Large", sections=_sections(40, 20))
    delivery_cache(app).clear()

    small = await query_log.count(client, "/api/v1/articles/small")
    large = await query_log.count(client, "/api/v1/articles/large")

    assert (small, large) == (1, 1)


async def test_a_cached_article_costs_no_query_in_any_format(client, publish, query_log):
    await publish(title="Large", sections=_sections(40, 20))
    await client.get("/api/v1/articles/large?format=html")

    json_hit = await query_log.count(client, "/api/v1/articles/large")
    html_hit = await query_log.count(client, "/api/v1/articles/large?format=html")
    section_hit = await query_log.count(client, "/api/v1/articles/large/sections/part-3")

    assert (json_hit, html_hit, section_hit) == (0, 0, 0)


async def test_a_listing_page_costs_one_query_or_two_with_sections(client, publish, query_log):
    for n in range(5):
        await publish(title=f"Article {n}", sections=_sections(3, 2))

    summaries = await query_log.count(client, "/api/v1/articles?limit=2")
    more_summaries = await query_log.count(client, "/api/v1/articles?limit=5")
    with_sections = await query_log.count(client, "/api/v1/articles?limit=5&fields=slug,sections")

    assert (summaries, more_summaries, with_sections) == (1, 1, 2)


async def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(client):
    if is_postgres():
        pytest.skip("SQLite pragmas")
    connection = connections.get("default")

    _, journal = await connection.execute_query("PRAGMA journal_mode")
    _, timeout = await connection.execute_query("PRAGMA busy_timeout")

    assert journal[0][0] == "wal"
    assert timeout[0][0] >= 5000


async def test_a_listing_page_read_again_costs_no_query(client, publish, query_log):
    await publish(title="Hello")
    await client.get("/api/v1/articles?limit=5")

    again = await query_log.count(client, "/api/v1/articles?limit=5")

    assert again == 0
