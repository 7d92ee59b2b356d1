"""The event log: every write path writes its event once, in its own transaction; a failed write writes none."""

import asyncio
from datetime import UTC, datetime, timedelta

import orjson
from tortoise.transactions import in_transaction

from cms.core.events import NewEvent, parse_event_id
from cms.services import event_log
from cms.services.publishing import publish_due
from cms.services.transfer import export_lines, restore
from cms.storage import events
from tests.web.images import image


async def _log() -> list[tuple[str, dict]]:
    return [(event.type, event.subject()) for event in await events.after(0, 1000)]


async def _create(client, editor, title="Hello", **fields):
    response = await client.post("/api/v1/articles", json={"title": title, **fields}, headers=editor)
    assert response.status_code == 201, response.text
    return response.json()


def _data(article, version, **extra):
    return {"id": article["id"], "slug": article["slug"], "locale": "en", "version": version, **extra}


async def test_create_writes_one_article_updated(client, editor):
    article = await _create(client, editor)

    assert await _log() == [("article.updated", _data(article, 1))]


async def test_put_writes_one_article_updated(client, editor):
    article = await _create(client, editor)

    await client.put("/api/v1/articles/hello", json={"title": "Hello"}, headers=editor | {"If-Match": "*"})

    assert (await _log())[1:] == [("article.updated", _data(article, 2))]


async def test_patch_writes_one_article_updated(client, editor):
    article = await _create(client, editor)

    await client.patch("/api/v1/articles/hello", json={"summary": "S"}, headers=editor | {"If-Match": "*"})

    assert (await _log())[1:] == [("article.updated", _data(article, 2))]


async def test_each_section_write_writes_one_article_updated(client, editor):
    article = await _create(client, editor)
    section = {"heading": "Why", "blocks": [{"type": "divider"}]}
    headers = editor | {"If-Match": "*"}

    await client.post("/api/v1/articles/hello/sections", json=section, headers=headers)
    await client.put("/api/v1/articles/hello/sections/why", json=section | {"heading": "Why"}, headers=headers)
    await client.delete("/api/v1/articles/hello/sections/why", headers=headers)

    assert (await _log())[1:] == [("article.updated", _data(article, version)) for version in (2, 3, 4)]


async def test_restore_writes_one_article_updated(client, editor):
    article = await _create(client, editor)
    await client.put("/api/v1/articles/hello", json={"title": "Hello"}, headers=editor | {"If-Match": "*"})

    await client.post("/api/v1/articles/hello/revisions/1/restore", headers=editor | {"If-Match": "*"})

    assert (await _log())[2:] == [("article.updated", _data(article, 3))]


async def test_publish_writes_one_article_published(client, editor):
    article = await _create(client, editor)

    await client.post("/api/v1/articles/hello/publish", headers=editor)

    assert (await _log())[1:] == [("article.published", _data(article, 1))]


async def test_scheduling_writes_nothing_and_the_scheduled_publish_writes_article_published(client, editor):
    article = await _create(client, editor)
    at = datetime.now(UTC) + timedelta(hours=1)
    await client.post("/api/v1/articles/hello/publish", json={"at": at.isoformat()}, headers=editor)
    assert len(await _log()) == 1

    await publish_due(at)

    assert (await _log())[1:] == [("article.published", _data(article, 1))]


async def test_unpublish_writes_one_article_unpublished(client, editor):
    article = await _create(client, editor)
    await client.post("/api/v1/articles/hello/publish", headers=editor)

    await client.post("/api/v1/articles/hello/unpublish", headers=editor)

    assert (await _log())[2:] == [("article.unpublished", _data(article, 1))]


async def test_unpublishing_an_article_never_published_writes_nothing(client, editor):
    await _create(client, editor)

    response = await client.post("/api/v1/articles/hello/unpublish", headers=editor)

    assert response.status_code == 200
    assert [kind for kind, _ in await _log()] == ["article.updated"]


async def test_delete_writes_one_article_deleted(client, editor):
    article = await _create(client, editor)

    await client.delete("/api/v1/articles/hello", headers=editor)

    assert (await _log())[1:] == [("article.deleted", _data(article, 1))]


async def test_a_slug_change_of_a_published_article_also_writes_article_published_with_the_previous_slug(
    client, editor
):
    article = await _create(client, editor)
    await client.post("/api/v1/articles/hello/publish", headers=editor)

    await client.patch("/api/v1/articles/hello", json={"slug": "bonjour"}, headers=editor | {"If-Match": "*"})

    moved = article | {"slug": "bonjour"}
    assert (await _log())[2:] == [
        ("article.updated", _data(moved, 2)),
        ("article.published", _data(moved, 1, previous_slug="hello")),
    ]


async def test_a_slug_change_of_a_draft_writes_only_article_updated(client, editor):
    article = await _create(client, editor)

    await client.patch("/api/v1/articles/hello", json={"slug": "bonjour"}, headers=editor | {"If-Match": "*"})

    assert (await _log())[1:] == [("article.updated", _data(article | {"slug": "bonjour"}, 2))]


async def test_importing_an_export_writes_article_updated_and_article_published(client, editor):
    article = await _create(client, editor)
    await client.post("/api/v1/articles/hello/publish", headers=editor)
    (line,) = [line async for line in export_lines()]

    await restore(line)

    assert (await _log())[2:] == [("article.updated", _data(article, 1)), ("article.published", _data(article, 1))]


async def test_importing_an_unpublished_export_over_a_published_article_writes_article_unpublished(client, editor):
    article = await _create(client, editor)
    (line,) = [line async for line in export_lines()]
    await client.post("/api/v1/articles/hello/publish", headers=editor)

    await restore(line)

    assert (await _log())[2:] == [("article.updated", _data(article, 1)), ("article.unpublished", _data(article, 1))]


async def test_a_stale_write_writes_no_event(client, editor):
    await _create(client, editor)

    response = await client.put("/api/v1/articles/hello", json={"title": "X"}, headers=editor | {"If-Match": '"x.9"'})

    assert response.status_code == 412
    assert len(await _log()) == 1


async def test_a_write_failing_inside_its_transaction_writes_no_event_and_changes_nothing(client, editor):
    await _create(client, editor)
    await _create(client, editor, title="Taken")

    response = await client.patch("/api/v1/articles/hello", json={"slug": "taken"}, headers=editor | {"If-Match": "*"})

    assert response.status_code == 409
    assert len(await _log()) == 2
    draft = await client.get("/api/v1/articles/hello?preview=true", headers=editor)
    assert draft.json()["version"] == 1


async def test_a_create_on_a_taken_slug_writes_no_event(client, editor):
    await _create(client, editor)

    response = await client.post("/api/v1/articles", json={"title": "Hello"}, headers=editor)

    assert response.status_code == 409
    assert len(await _log()) == 1


async def test_event_ids_sort_as_the_log_does(client, editor):
    for n in range(12):
        await _create(client, editor, title=f"Article {n}")

    ids = [event.id for event in await events.after(0, 100)]

    assert ids == sorted(ids)
    assert len(set(ids)) == 12
    assert all(parse_event_id(i) is not None for i in ids)


async def test_an_event_is_json_with_id_type_timestamp_and_data(client, editor):
    article = await _create(client, editor)
    (event,) = await events.after(0, 10)

    body = orjson.loads(event.json())

    assert list(body) == ["id", "type", "timestamp", "data"]
    assert (body["id"], body["type"], body["data"]) == (event.id, "article.updated", _data(article, 1))
    assert body["timestamp"].endswith("Z")
    assert abs(datetime.fromisoformat(body["timestamp"]) - datetime.now(UTC)) < timedelta(seconds=10)


async def test_pruning_drops_old_events_and_raises_the_horizon(client, editor):
    await _create(client, editor, title="Old")
    (old,) = await events.after(0, 10)
    cutoff = datetime.now(UTC) + timedelta(milliseconds=1)
    await _create(client, editor, title="New")

    horizon = await events.prune(before=cutoff)

    assert horizon == old.position
    assert [event.subject()["slug"] for event in await events.after(0, 10)] == ["new"]
    assert await events.latest() == old.position + 1


async def test_an_empty_log_after_pruning_keeps_its_latest_position(client, editor):
    await _create(client, editor)
    (only,) = await events.after(0, 10)

    await events.prune(before=datetime.now(UTC) + timedelta(seconds=1))

    assert await events.after(0, 10) == []
    assert await events.latest() == only.position


async def test_a_reader_never_sees_a_later_position_before_an_earlier_one(client):
    """PostgreSQL hands out sequence values at insert, not at commit: the event lock makes the two orders agree."""
    first_written = asyncio.Event()

    async def first():
        async with in_transaction("default"):
            await events.record([NewEvent("article.updated", {"n": 1})])
            first_written.set()
            await asyncio.sleep(0.3)  # committed after `second` tried to write

    async def second():
        await first_written.wait()
        async with in_transaction("default"):
            await events.record([NewEvent("article.updated", {"n": 2})])

    async def read_meanwhile():
        await first_written.wait()
        await asyncio.sleep(0.1)
        return [event.subject()["n"] for event in await events.after(0, 10)]

    _, _, seen = await asyncio.gather(first(), second(), read_meanwhile())

    assert seen in ([], [1], [1, 2])
    assert [event.subject()["n"] for event in await events.after(0, 10)] == [1, 2]


async def _upload(client, editor, data):
    response = await client.post("/api/v1/assets", files={"file": ("photo.png", data, "image/png")}, headers=editor)
    assert response.status_code in (200, 201), response.text
    return response.json()


async def test_an_upload_writes_one_asset_created(client, editor):
    asset = await _upload(client, editor, image(40, 30))

    assert await _log() == [
        ("asset.created", {"id": asset["id"], "url": asset["url"], "mime": "image/png", "bytes": asset["bytes"]})
    ]


async def test_uploading_the_same_bytes_again_writes_nothing(client, editor):
    data = image(40, 30)
    await _upload(client, editor, data)

    await _upload(client, editor, data)

    assert len(await _log()) == 1


async def test_deleting_an_asset_writes_one_asset_deleted(client, editor):
    asset = await _upload(client, editor, image(40, 30))

    response = await client.delete(f"/api/v1/assets/{asset['id']}", headers=editor)

    assert response.status_code == 204
    data = {"id": asset["id"], "url": asset["url"], "mime": "image/png", "bytes": asset["bytes"]}
    assert (await _log())[1:] == [("asset.deleted", data)]


async def test_deleting_an_asset_in_use_answers_409_and_writes_no_event(client, editor):
    asset = await _upload(client, editor, image(40, 30))
    block = {"type": "image", "asset_id": asset["id"], "alt": "A photo"}
    await client.post("/api/v1/articles", json={"title": "Shows It", "sections": [{"blocks": [block]}]}, headers=editor)

    response = await client.delete(f"/api/v1/assets/{asset['id']}", headers=editor)

    assert response.status_code == 409
    assert [kind for kind, _ in await _log()] == ["asset.created", "article.updated"]


async def test_wait_returns_when_an_event_is_set_and_leaves_no_waiter_behind():
    stop, woken = asyncio.Event(), asyncio.Event()
    asyncio.get_running_loop().call_later(0.05, woken.set)
    before = asyncio.all_tasks()
    started = asyncio.get_running_loop().time()

    await event_log.wait(stop, 5.0, woken)

    assert asyncio.get_running_loop().time() - started < 1.0
    assert asyncio.all_tasks() == before
