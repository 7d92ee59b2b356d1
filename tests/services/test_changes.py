"""cms.services.changes.stream against a follower that lags behind the log, as another worker's often does."""

import asyncio

import orjson

from cms.core.events import Event
from cms.services import changes
from cms.services.event_log import Follower
from cms.storage import events


async def _slugs(stream) -> list[str]:
    return [orjson.loads(event.data)["slug"] async for event in stream if isinstance(event, Event)]


async def test_a_reconnection_that_missed_nothing_gets_no_old_event_from_a_follower_behind(app, client, publish):
    before = await events.latest()
    lagging = Follower(app.starlette.state.settings.database_url)
    lagging.position = before  # has not read "Seen" yet: written through another worker
    await publish(title="Seen")
    seen = await events.latest()  # what the reconnecting client already has

    async def follow_late() -> None:
        await asyncio.sleep(0.1)
        await lagging.catch_up()  # hands on "Seen", which the client had
        await publish(title="Live")
        await lagging.catch_up()

    slugs, _ = await asyncio.gather(
        _slugs(changes.stream(lagging, since=seen, preview=False, seconds=0.5)), follow_late()
    )

    assert slugs == ["live"]
