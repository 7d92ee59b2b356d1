"""GET /api/v1/changes: the event log by cursor, oldest first, none missed or repeated."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from cms.core.events import NewEvent, event_id
from cms.services import event_log
from cms.storage import events
from tests.web.images import image

EVENTS = 1000


async def _create(client, editor, title="Hello"):
    response = await client.post("/api/v1/articles", json={"title": title}, headers=editor)
    assert response.status_code == 201, response.text
    return response.json()


def _kinds(response):
    return [(item["type"], item["data"]["slug"]) for item in response.json()["items"]]


async def test_without_a_token_the_feed_lists_what_delivery_shows_oldest_first(client, editor):
    await _create(client, editor)
    await client.post("/api/v1/articles/hello/publish", headers=editor)
    await client.post("/api/v1/articles/hello/unpublish", headers=editor)
    await client.delete("/api/v1/articles/hello", headers=editor)

    response = await client.get("/api/v1/changes")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert _kinds(response) == [
        ("article.published", "hello"),
        ("article.unpublished", "hello"),
        ("article.deleted", "hello"),
    ]


async def test_a_preview_token_also_sees_article_updated(client, editor, token):
    await _create(client, editor)
    await client.post("/api/v1/articles/hello/publish", headers=editor)
    preview = {"Authorization": f"Bearer {await token('preview')}"}

    response = await client.get("/api/v1/changes", headers=preview)

    assert _kinds(response) == [("article.updated", "hello"), ("article.published", "hello")]


async def test_an_item_is_the_event_as_the_log_holds_it(client, editor):
    article = await _create(client, editor)
    await client.post("/api/v1/articles/hello/publish", headers=editor)
    (published,) = [event for event in await events.after(0, 10) if event.type == "article.published"]

    response = await client.get("/api/v1/changes")

    assert response.json() == {
        "items": [
            {
                "id": published.id,
                "type": "article.published",
                "timestamp": response.json()["items"][0]["timestamp"],
                "data": {"id": article["id"], "slug": "hello", "locale": "en", "version": 1},
            }
        ],
        "next_cursor": published.id,
    }


async def test_polling_with_next_cursor_gives_only_what_is_new(client, editor, publish):
    await publish(title="First")
    cursor = (await client.get("/api/v1/changes")).json()["next_cursor"]
    await publish(title="Second")

    response = await client.get("/api/v1/changes", params={"since": cursor})

    assert _kinds(response) == [("article.published", "second")]


async def test_when_nothing_is_new_next_cursor_is_since(client, publish):
    await publish(title="First")
    cursor = (await client.get("/api/v1/changes")).json()["next_cursor"]

    response = await client.get("/api/v1/changes", params={"since": cursor})

    assert response.json() == {"items": [], "next_cursor": cursor}


async def test_an_empty_log_answers_no_items_and_the_start_cursor(client):
    response = await client.get("/api/v1/changes")

    assert response.json() == {"items": [], "next_cursor": event_id(0)}


async def test_since_latest_gives_no_items_and_a_cursor_that_misses_nothing_after(client, publish):
    await publish(title="Before")
    latest = await client.get("/api/v1/changes", params={"since": "latest"})
    await publish(title="After")

    response = await client.get("/api/v1/changes", params={"since": latest.json()["next_cursor"]})

    assert latest.json()["items"] == []
    assert _kinds(response) == [("article.published", "after")]


async def test_small_pages_give_every_event_once_in_order(client, editor, publish):
    for n in range(7):
        await publish(title=f"Article {n}")
    seen, cursor = [], None

    for _ in range(10):
        response = await client.get("/api/v1/changes", params={"limit": 2} | ({"since": cursor} if cursor else {}))
        seen += [item["data"]["slug"] for item in response.json()["items"]]
        cursor = response.json()["next_cursor"]

    assert seen == [f"article-{n}" for n in range(7)]


async def test_a_cursor_older_than_what_is_kept_answers_410(client, publish):
    await publish(title="Old")
    cursor = (await client.get("/api/v1/changes", params={"since": "latest"})).json()["next_cursor"]
    await publish(title="Pruned")
    await events.prune(before=datetime.now(UTC) + timedelta(seconds=1))

    response = await client.get("/api/v1/changes", params={"since": cursor})

    assert response.status_code == 410
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["title"] == "Gone"


async def test_the_cursor_of_the_last_pruned_event_is_still_good(client, publish):
    await publish(title="Old")
    cursor = (await client.get("/api/v1/changes", params={"since": "latest"})).json()["next_cursor"]
    await events.prune(before=datetime.now(UTC) + timedelta(seconds=1))
    await publish(title="New")

    response = await client.get("/api/v1/changes", params={"since": cursor})

    assert _kinds(response) == [("article.published", "new")]


@pytest.mark.parametrize("since", ["abc", "", "0000000000000000a", "FFFFFFFFFFFFFFFF", "ffffffffffffffff", "-1"])
async def test_a_malformed_cursor_answers_400_naming_since(client, since):
    response = await client.get("/api/v1/changes", params={"since": since})

    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["parameter"] == "since"


async def test_a_cursor_newer_than_the_latest_event_answers_400(client, publish):
    await publish(title="Only")

    response = await client.get("/api/v1/changes", params={"since": event_id(10**6)})

    assert response.status_code == 400
    assert response.json()["parameter"] == "since"


@pytest.mark.parametrize("limit", ["0", "1001", "x"])
async def test_a_limit_out_of_range_answers_400(client, limit):
    response = await client.get("/api/v1/changes", params={"limit": limit})

    assert response.status_code == 400
    assert response.json()["parameter"] == "limit"


async def test_a_bad_token_answers_401(client):
    response = await client.get("/api/v1/changes", headers={"Authorization": "Bearer nope"})

    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_the_feed_pages_through_1000_events_written_meanwhile_each_once_in_order(client):
    """Writers commit concurrently (on PostgreSQL, interleaved transactions) while a reader pages with small limits."""

    async def writer(first: int):
        for n in range(first, EVENTS, 4):
            async with event_log.transaction() as pending:
                pending.append(NewEvent("article.published", {"id": str(n), "slug": f"a-{n}", "locale": "en"}))

    start = (await client.get("/api/v1/changes", params={"since": "latest"})).json()["next_cursor"]

    async def reader():
        seen, cursor = [], start
        while len(seen) < EVENTS:
            page = (await client.get("/api/v1/changes", params={"since": cursor, "limit": 7})).json()
            seen += page["items"]
            cursor = page["next_cursor"]
            if not page["items"]:
                await asyncio.sleep(0.01)
        return seen

    *_, seen = await asyncio.gather(*(writer(k) for k in range(4)), reader())

    ids = [item["id"] for item in seen]
    assert ids == sorted(ids)
    assert sorted(int(item["data"]["id"]) for item in seen) == list(range(EVENTS))


async def test_without_a_token_the_feed_lists_asset_events_with_their_data(client, editor):
    upload = await client.post("/api/v1/assets", files={"file": ("photo.png", image(40, 30))}, headers=editor)
    asset = upload.json()
    await client.delete(f"/api/v1/assets/{asset['id']}", headers=editor)

    response = await client.get("/api/v1/changes")

    assert response.status_code == 200
    data = {"id": asset["id"], "url": asset["url"], "mime": "image/png", "bytes": asset["bytes"]}
    assert [(item["type"], item["data"]) for item in response.json()["items"]] == [
        ("asset.created", data),
        ("asset.deleted", data),
    ]
