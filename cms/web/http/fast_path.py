"""Cached delivery hits answered before Starlette's middleware and router.

The hottest requests (an article, a section or a listing page that this worker already holds, and their 304s)
need no routing, no parameter parsing and no exception handling: the bytes, ETag and headers were made by an
earlier request that went the whole way. Only requests whose answer cannot differ are taken here: `GET`, no
query string (a listing page: a query string this cache was filled with, so it was validated then), no CORS
`Origin` when CORS is configured, and a rendition already made. Everything else goes to Starlette, so the
behaviour is the routed one by construction; the headers come from the same `answer` as `cached_response`'s.
"""

from starlette.applications import Starlette
from starlette.routing import BaseRoute, Route
from starlette.types import Receive, Scope, Send

from cms.config import Settings
from cms.core.representation import Rendition
from cms.services.delivery_cache import DeliveryCache, Entry
from cms.web.http.caching import Conditions, answer

ARTICLES = "/api/v1/articles"
_PREFIX = ARTICLES + "/"


class CachedDeliveryHits:
    def __init__(self, app: Starlette) -> None:
        self.app = app
        self.cache: DeliveryCache = app.state.delivery_cache
        self.settings: Settings = app.state.settings
        self.locale = self.settings.default_locale
        self.cors = bool(self.settings.cors_origins)
        self.routes = {route.name: route for route in app.routes if isinstance(route, Route)}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and not (self.cors and _has_origin(scope)):
            hit = self._hit(scope["path"], scope["query_string"])
            if hit is not None:
                route, rendition, entry, keys = hit
                scope["app"], scope["route"] = self.app, route
                conditions = Conditions.of(scope["headers"])
                if entry is None:
                    response = answer(conditions, self.settings, rendition, keys)
                else:
                    response = answer(conditions, self.settings, rendition, keys, entry.published, entry.last_modified)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def _hit(self, path: str, query: bytes) -> tuple[BaseRoute, Rendition, Entry | None, str] | None:
        if path == ARTICLES:
            page = self.cache.cached_page(query.decode("latin-1"))
            return None if page is None else (self.routes["list_articles"], page[0], None, page[1])
        if query or not path.startswith(_PREFIX):
            return None
        slug, _, rest = path[len(_PREFIX) :].partition("/")
        if rest:
            section, _, anchor = rest.partition("/")
            if section != "sections" or not anchor or "/" in anchor:
                return None
            route, variant = self.routes["section"], ("section", anchor, "json")
        else:
            route, variant = self.routes["article"], ("article", "json")
        entry = self.cache.cached(slug, self.locale)
        rendition = entry.renditions.get(variant) if entry is not None else None
        if entry is None or rendition is None:
            return None
        return route, rendition, entry, entry.surrogate_key


def _has_origin(scope: Scope) -> bool:
    return any(name == b"origin" for name, _ in scope["headers"])
