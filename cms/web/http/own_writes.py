"""After a request that wrote, the worker that answered it reads the event log before its answer leaves.

Every write commits its events with it (cms/services/event_log.py), and each worker's follower hands them to what
follows the log: the delivery cache, the asset caches, the event streams, the webhook dispatcher. Other workers hear
of a write by LISTEN or polling, a moment later; the writing worker catches up here, before its client has the
answer, so that the client's next request to it already sees the change, and the webhooks go out at once.

A request that was refused (4xx, 5xx) changed nothing, and one that only reads cannot have written: neither costs a
read of the log.
"""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cms.services.event_log import Follower

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class CatchUpAfterWrites:
    def __init__(self, app: ASGIApp, follower: Follower) -> None:
        self.app = app
        self.follower = follower

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in WRITES:
            await self.app(scope, receive, send)
            return

        async def send_caught_up(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] < 400:
                await self.follower.catch_up_quietly()
            await send(message)

        await self.app(scope, receive, send_caught_up)
