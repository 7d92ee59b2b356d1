"""The changes feed `GET /api/v1/changes` and the live stream `GET /api/v1/events` (docs/events.md)."""

from collections.abc import AsyncIterator

from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from cms.core.events import Event, parse_event_id
from cms.metrics import OPEN_STREAMS
from cms.services import changes
from cms.services.changes import CursorAhead, CursorExpired, Reset
from cms.web.http import auth, params, sessions
from cms.web.http.problems import Problem, bad_parameter

NO_STORE = "no-store"


def _since(value: str) -> int:
    position = parse_event_id(value)
    if position is None:
        raise bad_parameter(
            "since", f"since {value!r} is not an event id: use 'latest', or an id or next_cursor this service gave"
        )
    return position


def _ahead(value: str) -> Problem:
    return bad_parameter("since", f"since {value!r} is newer than the latest event: use a cursor this service gave")


async def list_changes(request: Request) -> Response:
    query = params.query(request, ("since", "limit"))
    limit = params.limit(query, default=100, maximum=1000)
    raw = query.get("since")
    preview = await auth.may(request, "preview")
    if raw == "latest":
        body = b'{"items":[],"next_cursor":"' + (await changes.latest_cursor()).encode() + b'"}'
        return Response(body, media_type="application/json", headers={"Cache-Control": NO_STORE})
    try:
        page = await changes.changes(None if raw is None else _since(raw), limit, preview)
    except CursorExpired:
        raise Problem(
            410, f"events after {raw!r} are no longer kept: re-read the listing, then follow from since=latest"
        ) from None
    except CursorAhead:
        raise _ahead(str(raw)) from None
    return Response(page.json(), media_type="application/json", headers={"Cache-Control": NO_STORE})


async def _may_preview(request: Request) -> bool:
    """A Bearer token decides when there is one; else the editor's session (docs/decisions/0008)."""
    if "authorization" in request.headers:
        return await auth.may(request, "preview")
    session = await sessions.current(request)
    return session is not None and "preview" in session.user.scopes


async def stream_events(request: Request) -> Response:
    query = params.query(request, ("since",))
    preview = await _may_preview(request)
    since, reset_first = None, False
    if query.get("since") == "latest":  # live events only, as the feed's since=latest gives the cursor to poll from
        since = await changes.latest_position()
    elif "since" in query:
        since = _since(query["since"])
        try:
            await changes.check_cursor(since)
        except CursorAhead:
            raise _ahead(query["since"]) from None
    if (last_event_id := request.headers.get("last-event-id")) is not None:  # a reconnection: it wins over ?since=
        since = parse_event_id(last_event_id.strip())
        try:
            if since is not None:
                await changes.check_cursor(since)
        except CursorAhead:
            since = None
        reset_first = since is None
    settings = request.app.state.settings
    events = changes.stream(
        request.app.state.follower, since, preview, reset_first, settings.event_stream_max_seconds or None
    )
    return EventSourceResponse(
        _server_sent(events), ping=settings.event_keepalive_seconds, headers={"Cache-Control": NO_STORE}
    )


async def _server_sent(events: AsyncIterator[Event | Reset]) -> AsyncIterator[ServerSentEvent]:
    OPEN_STREAMS.inc()
    try:
        async for item in events:
            if isinstance(item, Reset):
                yield ServerSentEvent(data="{}", event="reset")
            else:
                yield ServerSentEvent(data=item.json().decode(), event=item.type, id=item.id)
    finally:
        OPEN_STREAMS.dec()


routes = [
    Route("/api/v1/changes", list_changes, methods=["GET"]),
    Route("/api/v1/events", stream_events, methods=["GET"]),
]
