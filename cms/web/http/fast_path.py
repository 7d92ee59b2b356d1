"""Cached delivery hits answered before Starlette's middleware and router.

The hottest requests (an article, a section or a listing page that this worker already holds, and their 304s)
need no routing, no parameter parsing and no exception handling: the bytes, ETag and headers were made by an
earlier request that went the whole way. Only requests whose answer cannot differ are taken here: `GET`, no
query string (a listing page: a query string this cache was filled with, so it was validated then), no CORS
`Origin` when CORS is configured, and a rendition already made. Everything else goes to Starlette, so the
behaviour is the routed one by construction; the headers come from the same `answer` as `cached_response`'s.

Which operations are answered here, and under which name their rendition is kept, is what their records say
(`Operation.kept`, cms/web/operations.py); a path is matched with the router's own pattern for the route.
"""

from collections.abc import Sequence

from starlette.applications import Starlette
from starlette.routing import BaseRoute, Route
from starlette.types import Receive, Scope, Send

from cms.config import Settings
from cms.core.representation import Rendition
from cms.services.delivery_cache import DeliveryCache, Entry
from cms.web.http.caching import Conditions, answer
from cms.web.operations import Operation, Variant


class CachedDeliveryHits:
    def __init__(self, app: Starlette, operations: Sequence[Operation]) -> None:
        self.app = app
        self.cache: DeliveryCache = app.state.delivery_cache
        self.settings: Settings = app.state.settings
        self.locale = self.settings.default_locale
        self.cors = bool(self.settings.cors_origins)
        routes = {route.name: route for route in app.routes if isinstance(route, Route)}
        kept = [(routes[op.id], op.kept.variant) for op in operations if op.kept is not None]
        self.pages: dict[str, BaseRoute] = {route.path: route for route, variant in kept if variant is None}
        """The listing's route by its path: its pages are kept by query string."""
        self.entries: dict[int, list[tuple[Route, Variant]]] = {}
        """Routes of a published article's renditions (`{slug}` and more), each with the name of its rendition, by
        the number of '/' in the paths they match (a path parameter holds none): one pattern to try, not all."""
        for route, variant in kept:
            if variant is not None and "slug" not in route.param_convertors:
                raise ValueError(
                    f"{route.path}: a kept rendition belongs to the article at {{slug}}; the path has none"
                )
            if variant is not None:
                self.entries.setdefault(route.path.count("/"), []).append((route, variant))

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
        listing = self.pages.get(path)
        if listing is not None:
            page = self.cache.cached_page(query.decode("latin-1"))
            return None if page is None else (listing, page[0], None, page[1])
        if query:
            return None
        for route, variant in self.entries.get(path.count("/"), ()):
            match = route.path_regex.match(path)
            if match is not None:  # its groups are the path parameters, as the router finds them
                entry = self.cache.cached(match["slug"], self.locale)
                rendition = entry.renditions.get(variant(match)) if entry is not None else None
                if entry is None or rendition is None:
                    return None
                return route, rendition, entry, entry.surrogate_key
        return None


def _has_origin(scope: Scope) -> bool:
    return any(name == b"origin" for name, _ in scope["headers"])
