"""GET /api/v1/events in process: streams here last STREAM_SECONDS (CMS_EVENT_STREAM_MAX_SECONDS), because
httpx.ASGITransport hands over a response only once it is complete. tests/server/ follows a real one live."""

import asyncio
from datetime import UTC, datetime, timedelta

import orjson
import pytest

from cms.config import Settings
from cms.core.events import event_id
from cms.storage import events

STREAM_SECONDS = 0.6


@pytest.fixture
def settings(database_url):
    return Settings(database_url=database_url, event_stream_max_seconds=STREAM_SECONDS, event_keepalive_seconds=60)


def parse(body: str) -> list[dict[str, str]]:
    """The stream's messages (comments left out) as {field: value}."""
    messages = []
    for block in body.replace("\r\n", "\n").split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if line and not line.startswith(":"))
        if fields:
            messages.append(fields)
    return messages


async def _stream_while(client, action, headers=None, params=None):
    """Open a stream, run `action` while it is open, return the whole response."""

    async def act():
        await asyncio.sleep(0.15)
        await action()

    response, _ = await asyncio.gather(client.get("/api/v1/events", headers=headers, params=params), act())
    return response


async def _nothing():
    pass


async def test_a_live_event_arrives_with_its_id_type_and_json(client, editor, publish):
    response = await _stream_while(client, lambda: publish(title="Live"))

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.headers["cache-control"] == "no-store"
    (message,) = parse(response.text)
    (published,) = [event for event in await events.after(0, 10) if event.type == "article.published"]
    assert message == {"id": published.id, "event": "article.published", "data": published.json().decode()}


async def test_without_a_cursor_the_stream_starts_with_live_events(client, publish):
    await publish(title="Before")

    response = await _stream_while(client, lambda: publish(title="During"))

    assert [orjson.loads(m["data"])["data"]["slug"] for m in parse(response.text)] == ["during"]


async def test_last_event_id_replays_what_was_missed_then_live_events_none_twice(client, publish):
    await publish(title="Seen")
    seen = await events.latest()
    await publish(title="Missed One")
    await publish(title="Missed Two")

    response = await _stream_while(client, lambda: publish(title="Live"), headers={"Last-Event-ID": event_id(seen)})

    slugs = [orjson.loads(m["data"])["data"]["slug"] for m in parse(response.text)]
    assert slugs == ["missed-one", "missed-two", "live"]


async def test_since_replays_like_last_event_id(client, publish):
    await publish(title="Seen")
    seen = await events.latest()
    await publish(title="Missed")

    response = await client.get("/api/v1/events", params={"since": event_id(seen)})

    assert [orjson.loads(m["data"])["data"]["slug"] for m in parse(response.text)] == ["missed"]


async def test_since_latest_streams_only_events_after_it_like_the_feed(client, publish):
    await publish(title="Before")

    response = await _stream_while(client, lambda: publish(title="During"), params={"since": "latest"})

    assert response.status_code == 200
    messages = parse(response.text)
    assert [orjson.loads(m["data"])["data"]["slug"] for m in messages] == ["during"]
    assert messages[0]["id"] == event_id(await events.latest())


async def test_last_event_id_wins_over_since_on_reconnection(client, publish):
    await publish(title="First")
    first = await events.latest()
    await publish(title="Second")
    second = await events.latest()
    await publish(title="Third")

    response = await client.get(
        "/api/v1/events", params={"since": event_id(first)}, headers={"Last-Event-ID": event_id(second)}
    )

    assert [orjson.loads(m["data"])["data"]["slug"] for m in parse(response.text)] == ["third"]


async def test_a_last_event_id_no_longer_kept_gets_reset_then_live_events(client, publish):
    await publish(title="Seen")
    seen = await events.latest()
    await publish(title="Pruned")
    await events.prune(before=datetime.now(UTC) + timedelta(seconds=1))

    response = await _stream_while(client, lambda: publish(title="Live"), headers={"Last-Event-ID": event_id(seen)})

    messages = parse(response.text)
    assert [m["event"] for m in messages] == ["reset", "article.published"]
    assert orjson.loads(messages[1]["data"])["data"]["slug"] == "live"


@pytest.mark.parametrize("last_event_id", ["nonsense", event_id(10**9)])
async def test_a_malformed_or_unknown_last_event_id_gets_reset(client, last_event_id):
    response = await client.get("/api/v1/events", headers={"Last-Event-ID": last_event_id})

    assert response.status_code == 200
    assert parse(response.text) == [{"event": "reset", "data": "{}"}]


async def test_a_malformed_since_answers_400(client):
    response = await client.get("/api/v1/events", params={"since": "nonsense"})

    assert response.status_code == 400
    assert response.json()["parameter"] == "since"


async def test_a_since_newer_than_the_latest_event_answers_400(client):
    response = await client.get("/api/v1/events", params={"since": event_id(5)})

    assert response.status_code == 400
    assert response.json()["parameter"] == "since"


async def test_without_a_token_drafts_edits_are_not_streamed(client, editor):
    async def edit():
        await client.post("/api/v1/articles", json={"title": "Draft"}, headers=editor)

    response = await _stream_while(client, edit)

    assert parse(response.text) == []


async def test_a_preview_token_streams_draft_edits(client, editor, token):
    preview = {"Authorization": f"Bearer {await token('preview')}"}

    async def edit():
        await client.post("/api/v1/articles", json={"title": "Draft"}, headers=editor)

    response = await _stream_while(client, edit, headers=preview)

    assert [m["event"] for m in parse(response.text)] == ["article.updated"]


async def test_a_bad_token_answers_401(client):
    response = await client.get("/api/v1/events", headers={"Authorization": "Bearer nope"})

    assert response.status_code == 401


class TestKeepAlive:
    @pytest.fixture
    def settings(self, database_url):
        return Settings(database_url=database_url, event_stream_max_seconds=0.5, event_keepalive_seconds=0.1)

    async def test_comments_keep_an_idle_stream_alive(self, client):
        response = await client.get("/api/v1/events")

        comments = [line for line in response.text.splitlines() if line.startswith(":")]
        assert len(comments) >= 3
        assert parse(response.text) == []
