"""The application: routes, middleware and lifespan. Read this file first."""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence

import httpx
import orjson
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.types import Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from cms.config import Settings
from cms.core.render import formats
from cms.services import database, event_log, publishing, webhooks
from cms.services.assets import Assets
from cms.services.delivery_cache import REPLICA_LAG_GRACE, DeliveryCache
from cms.services.event_log import Follower
from cms.services.media import settings_store
from cms.web import admin
from cms.web.api import assets
from cms.web.api.index import OPERATIONS
from cms.web.http.cors import Cors
from cms.web.http.fast_path import CachedDeliveryHits
from cms.web.http.observe import ObserveRequests
from cms.web.http.own_writes import CatchUpAfterWrites
from cms.web.http.problems import EXCEPTION_HANDLERS
from cms.web.openapi.document import build_openapi, docs_routes
from cms.web.operations import Operation, routes


class Application:
    """The ASGI entry point: the request id, metrics and access log wrap the Starlette app from outside, so that
    even its 500 answers (made by Starlette's ServerErrorMiddleware, outside the app's own middleware) carry
    X-Request-ID and are counted.

    The client's address and scheme are taken from `X-Forwarded-For` and `X-Forwarded-Proto` when the request
    comes from a trusted proxy (`CMS_FORWARDED_ALLOW_IPS`): here rather than by the server, so that uvicorn and
    Granian behave alike, and a session cookie is `Secure` behind a proxy that terminates TLS.
    """

    def __init__(self, starlette: Starlette, settings: Settings, operations: Sequence[Operation]) -> None:
        self.starlette = starlette
        observed = ObserveRequests(CachedDeliveryHits(starlette, operations), settings.access_log)
        self._asgi = ProxyHeadersMiddleware(observed, trusted_hosts=list(settings.forwarded_allow_ips))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self._asgi(scope, receive, send)
        except Exception:
            if scope["type"] != "http":
                raise
            # Starlette answers 500 and re-raises so that the server may log it; `on_unexpected` has logged it
            # already, with the request id, so the server's second traceback (without one) is left out.


def create_app(
    settings: Settings | None = None,
    webhook_client: httpx.AsyncClient | None = None,
    webhook_resolve: webhooks.Resolve = webhooks.system_resolve,
    operations: Sequence[Operation] = OPERATIONS,
) -> Application:
    """The ASGI app; `uvicorn --factory cms.web.app:create_app` builds it from the CMS_* environment.

    Webhooks are sent with `webhook_client` (one is made, and closed, when none is given) to the addresses that
    `webhook_resolve` gives for their host. The router, /openapi.json and the fast path are made from `operations`.
    """
    settings = settings or Settings.from_env()

    # This worker's reader of the event log: the one way its caches, streams and dispatcher hear of changes.
    follower = Follower(settings.database_url)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await database.migrate(settings.database_url)
        async with database.database(settings.database_url, settings.database_replica_url):
            stop = asyncio.Event()
            client = app.state.webhook_client = webhook_client or httpx.AsyncClient()
            dispatcher = app.state.webhook_dispatcher = webhooks.Dispatcher(
                client, webhook_resolve, settings.webhook_allow_private
            )
            follower.subscribers |= {app.state.delivery_cache, app.state.assets, app.state.prepared_files, dispatcher}
            await follower.catch_up()  # the position to follow from
            background = [
                asyncio.create_task(publishing.run_schedule(stop)),
                asyncio.create_task(follower.run(stop)),
                asyncio.create_task(event_log.run_pruning(settings.event_retention_days, stop)),
                asyncio.create_task(dispatcher.run(stop)),
            ]
            try:
                yield
            finally:
                stop.set()
                await asyncio.gather(*background)
                await app.state.assets.store.close()
                if webhook_client is None:
                    await client.aclose()

    # After a write, this worker reads the log before answering: its client's next read sees the change.
    middleware = [Middleware(CatchUpAfterWrites, follower=follower)]
    if settings.cors_origins:
        middleware.append(
            Middleware(Cors, origins=list(settings.cors_origins), allow_headers=list(settings.cors_allow_headers))
        )
    app = Starlette(
        routes=[*routes(operations), *docs_routes, *admin.routes],
        middleware=middleware,
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.openapi_document = orjson.dumps(build_openapi(operations))
    app.state.follower = follower
    app.state.webhook_resolve = webhook_resolve
    # With a replica, a worker told of a change may still read the old version from it for a moment.
    replica_lag = REPLICA_LAG_GRACE if settings.database_replica_url else 0.0
    app.state.delivery_cache = DeliveryCache(settings.cache_max_bytes, uncached_after_change=replica_lag)
    app.state.formats = formats(settings.image_widths)
    app.state.prepared_files = assets.PreparedFiles()
    app.state.assets = Assets(
        settings_store(settings),
        max_bytes=settings.max_asset_bytes,
        max_pixels=settings.max_image_pixels,
        jobs=settings.image_jobs,
        widths=settings.image_widths,
        qualities=settings.image_qualities,
    )
    return Application(app, settings, operations)
