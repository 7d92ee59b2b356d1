"""Each worker's caches follow the event log: its own writes at once, other workers' within a second, and after a
time without the database it catches up rather than forgetting everything."""

import asyncio
import contextlib
import inspect
from datetime import UTC, datetime, timedelta

from cms.core.errors import NotFound
from cms.services.assets import Assets
from cms.services.delivery_cache import DeliveryCache
from cms.services.event_log import Follower
from cms.services.media import LocalMediaStore
from cms.storage import events
from tests.conftest import delivery_cache
from tests.web.images import image


async def _cached(client, path):
    first = await client.get(path)
    assert first.status_code == 200
    return first


async def test_a_republish_is_served_at_once_by_the_writing_worker(client, editor, publish):
    await publish(title="Hello")
    await _cached(client, "/api/v1/articles/hello")
    await client.put("/api/v1/articles/hello", json={"title": "Edited"}, headers=editor | {"If-Match": "*"})

    await client.post("/api/v1/articles/hello/publish", headers=editor)

    assert (await client.get("/api/v1/articles/hello")).json()["title"] == "Edited"


async def test_an_unpublish_is_served_at_once_by_the_writing_worker(client, editor, publish):
    await publish(title="Hello")
    await _cached(client, "/api/v1/articles/hello")

    await client.post("/api/v1/articles/hello/unpublish", headers=editor)

    assert (await client.get("/api/v1/articles/hello")).status_code == 404


async def test_a_delete_is_served_at_once_by_the_writing_worker(client, editor, publish):
    await publish(title="Hello")
    await _cached(client, "/api/v1/articles/hello")

    await client.delete("/api/v1/articles/hello", headers=editor)

    assert (await client.get("/api/v1/articles/hello")).status_code == 404


async def test_a_slug_change_is_served_at_once_by_the_writing_worker(client, editor, publish):
    await publish(title="Hello")
    await _cached(client, "/api/v1/articles/hello")

    await client.patch("/api/v1/articles/hello", json={"slug": "bonjour"}, headers=editor | {"If-Match": "*"})

    old = await client.get("/api/v1/articles/hello")
    assert (old.status_code, old.headers["location"]) == (301, "http://test/api/v1/articles/bonjour")
    assert (await client.get("/api/v1/articles/bonjour")).json()["slug"] == "bonjour"


async def test_a_draft_edit_keeps_the_published_article_cached(client, app, editor, publish):
    await publish(title="Hello")
    await _cached(client, "/api/v1/articles/hello")

    await client.put("/api/v1/articles/hello", json={"title": "Edited"}, headers=editor | {"If-Match": "*"})

    assert len(delivery_cache(app)) == 1


@contextlib.asynccontextmanager
async def _other_worker(database_url):
    """A second worker's cache and follower, in this process: it hears of writes by LISTEN or polling only."""
    cache = DeliveryCache(10_000_000)
    follower = Follower(database_url)
    follower.subscribers.add(cache)
    await follower.catch_up()
    stop = asyncio.Event()
    task = asyncio.create_task(follower.run(stop))
    try:
        yield cache
    finally:
        stop.set()
        await task


async def _until(condition, seconds=1.0):
    """`condition()` (a bool, or an awaitable of one) holds within `seconds`."""
    deadline = asyncio.get_running_loop().time() + seconds
    while not await _holds(condition):
        assert asyncio.get_running_loop().time() < deadline, "not within the time allowed"
        await asyncio.sleep(0.02)


async def _holds(condition) -> bool:
    result = condition()
    return bool(await result) if inspect.isawaitable(result) else bool(result)


async def test_another_worker_evicts_a_republished_article_within_one_second(client, editor, publish, database_url):
    await publish(title="Hello")
    async with _other_worker(database_url) as cache:
        await cache.entry("hello", "en")

        await client.post("/api/v1/articles/hello/publish", headers=editor)

        await _until(lambda: len(cache) == 0)


async def test_a_worker_that_could_not_read_the_log_catches_up_without_clearing(client, editor, publish, database_url):
    await publish(title="Kept")
    await publish(title="Changed")
    cache = DeliveryCache(10_000_000)
    follower = Follower(database_url)  # not running: as if its database had been unreachable
    follower.subscribers.add(cache)
    await follower.catch_up()
    await cache.entry("kept", "en")
    await cache.entry("changed", "en")
    await client.post("/api/v1/articles/changed/unpublish", headers=editor)

    await follower.catch_up()  # the database answers again

    assert [key for key in cache._entries] == [("en", "kept")]


async def test_a_worker_whose_missed_events_were_pruned_clears_its_cache(client, editor, publish, database_url):
    await publish(title="Kept")
    cache = DeliveryCache(10_000_000)
    follower = Follower(database_url)
    follower.subscribers.add(cache)
    await follower.catch_up()
    await cache.entry("kept", "en")
    await publish(title="Other")
    await events.prune(before=datetime.now(UTC) + timedelta(seconds=1))

    await follower.catch_up()

    assert len(cache) == 0
    assert follower.position == await events.latest()


async def test_another_worker_forgets_a_deleted_asset_within_one_second(client, app, editor, database_url):
    upload = {"file": ("photo.png", image(40, 30), "image/png")}
    asset = (await client.post("/api/v1/assets", files=upload, headers=editor)).json()
    other = Assets(LocalMediaStore(app.starlette.state.settings.media_dir), 10**6, 10**6, 1, (320,), (80,))
    follower = Follower(database_url)
    follower.subscribers.add(other)
    await follower.catch_up()
    stop = asyncio.Event()
    task = asyncio.create_task(follower.run(stop))
    try:
        assert (await other.get(asset["id"])).id == asset["id"]  # read once: remembered from now on

        await client.delete(f"/api/v1/assets/{asset['id']}", headers=editor)

        await _until(lambda: _forgotten(other, asset["id"]))
    finally:
        stop.set()
        await task


async def _forgotten(assets: Assets, uid: str) -> bool:
    try:
        await assets.get(uid)
    except NotFound:
        return True
    return False
