"""The changes feed `GET /api/v1/changes` and the live stream `GET /api/v1/events` (docs/events.md)."""

from collections.abc import AsyncIterator

from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.requests import Request
from starlette.responses import Response

from cms.core.events import Event, parse_event_id
from cms.metrics import OPEN_STREAMS
from cms.services import changes
from cms.services.changes import CursorAhead, CursorExpired, Reset
from cms.web.http import auth, params, sessions
from cms.web.http.problems import Problem, bad_parameter
from cms.web.openapi.parts import BAD_QUERY, BAD_TOKEN, REF, json_body, param, problem
from cms.web.operations import OPTIONAL_TOKEN, Operation

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


SINCE = param(
    "since",
    "query",
    "An event id or `next_cursor` this service gave, or `latest`; absent: from the oldest event kept (feed) or live "
    "events only (stream).",
    {"type": "string", "pattern": "^(latest|[0-7][0-9a-f]{15})$"},
)
STREAM = {
    "description": "An endless text/event-stream of `StreamEvent` messages (an event of the log or `reset`), with a "
    "comment line at least every 15 s.",
    # contentSchema: the schema of what each message's string holds
    "content": {"text/event-stream": {"schema": {"type": "string", "contentSchema": {"$ref": REF + "StreamEvent"}}}},
}

operations = [
    Operation(
        "GET",
        "/api/v1/changes",
        list_changes,
        "listChanges",
        "Events",
        "The event log, oldest first, from a cursor; with the `preview` scope, `article.updated` too",
        security=OPTIONAL_TOKEN,
        parameters=[
            SINCE,
            param("limit", "query", "Page size.", {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}),
        ],
        responses={
            "200": json_body("ChangesPage", "Events after `since`, and the cursor to poll with."),
            "400": BAD_QUERY,
            "401": BAD_TOKEN,
            "410": problem("The cursor is older than what the log keeps: re-read, then use since=latest."),
        },
    ),
    Operation(
        "GET",
        "/api/v1/events",
        stream_events,
        "streamEvents",
        "Events",
        "Live events as Server-Sent Events (`id`, `event` = type, `data` = the event JSON); with `Last-Event-ID` or "
        "`since`, first every event missed; `event: reset` when those are no longer kept",
        security=OPTIONAL_TOKEN,
        parameters=[
            SINCE,
            param("Last-Event-ID", "header", "The id of the last event received, on reconnection.", {"type": "string"}),
        ],
        responses={"200": STREAM, "400": BAD_QUERY, "401": BAD_TOKEN},
    ),
]
