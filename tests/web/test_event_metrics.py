"""/metrics: events written, webhook deliveries by outcome, the webhook queue, open event streams."""

import asyncio
import re

import pytest

from cms.config import Settings


@pytest.fixture
def settings(database_url):
    return Settings(database_url=database_url, event_stream_max_seconds=0.6)


async def _sample(client, line_start):
    text = (await client.get("/metrics")).text
    match = re.search(rf"^{re.escape(line_start)} (\S+)$", text, flags=re.MULTILINE)
    return float(match.group(1)) if match else 0.0


async def test_events_written_are_counted_by_type(client, publish):
    name = 'cms_events_written_total{type="article.published"}'
    before = await _sample(client, name)

    await publish(title="Counted")

    assert await _sample(client, name) == before + 1


async def test_open_event_streams_are_counted_while_open(client):
    async def sample_meanwhile():
        await asyncio.sleep(0.3)
        return await _sample(client, "cms_event_streams_open")

    _, during = await asyncio.gather(client.get("/api/v1/events"), sample_meanwhile())

    assert during == 1
    assert await _sample(client, "cms_event_streams_open") == 0


async def test_the_webhook_queue_is_exposed(client):
    await asyncio.sleep(0.1)  # the dispatcher's first round

    assert await _sample(client, "cms_webhook_queue") == 0
