"""The access log: one JSON line per request on stdout, with nothing secret in it; CMS_ACCESS_LOG=false for none."""

import asyncio
import json
import re
import socket

import httpx
import pytest
from asgi_lifespan import LifespanManager
from starlette.types import Message, Receive, Scope, Send

from cms.batching import FLUSH_AFTER
from cms.config import ConfigError, Settings
from cms.web.app import create_app
from cms.web.http.observe import Lines, ObserveRequests


async def _lines(capfd) -> list[dict]:
    return [json.loads(line) for line in (await _out(capfd)).splitlines() if line.startswith("{")]


async def _out(capfd) -> str:
    """What was written once the batch of lines was due (cms/batching.py)."""
    await asyncio.sleep(FLUSH_AFTER * 2)
    return capfd.readouterr().out


async def test_each_request_is_one_json_line_with_route_status_size_and_request_id(client, publish, capfd):
    article = await publish(title="Logged")
    await _out(capfd)

    response = await client.get(f"/api/v1/articles/{article['slug']}", headers={"X-Request-ID": "req-7"})

    [line] = await _lines(capfd)
    assert set(line) == {"time", "request_id", "method", "route", "status", "duration_ms", "bytes"}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", line["time"])
    assert (line["request_id"], line["method"], line["route"], line["status"]) == (
        "req-7", "GET", "/api/v1/articles/{slug}", 200,
    )  # fmt: skip
    assert line["bytes"] == len(response.content)
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0


async def test_an_unmatched_path_is_logged_as_unmatched(client, capfd):
    await client.get("/nowhere")

    assert [(line["route"], line["status"]) for line in await _lines(capfd)] == [("unmatched", 404)]


async def test_no_token_cookie_password_or_query_reaches_the_log(client, token, capfd):
    secret = await token("admin")
    await _out(capfd)

    await client.post(
        "/api/v1/tokens?password=hunter2",
        json={"name": "site", "scopes": ["write"], "password": "hunter2"},
        headers={"Authorization": f"Bearer {secret}", "Cookie": "session=s3cr3t"},
    )

    out = await _out(capfd)
    assert out.count("\n") == 1
    for private in (secret, "hunter2", "s3cr3t", "cms_", "Bearer"):
        assert private not in out


async def test_cms_access_log_false_writes_no_line(database_url, capfd):
    quiet = create_app(Settings.from_env({"CMS_DATABASE_URL": database_url, "CMS_ACCESS_LOG": "false"}))
    async with (
        LifespanManager(quiet) as manager,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url="http://t") as http,
    ):
        await _out(capfd)
        response = await http.get("/healthz")

    assert response.status_code == 200
    assert await _out(capfd) == ""


def test_cms_access_log_must_be_a_boolean():
    with pytest.raises(ConfigError, match="CMS_ACCESS_LOG has value 'sometimes': not a boolean"):
        Settings.from_env({"CMS_ACCESS_LOG": "sometimes"})


async def test_a_batch_of_lines_goes_out_in_whole_lines_and_writes_no_larger_than_pipe_buf():
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)  # one recv per write
    lines = Lines(ours.fileno())
    sent = [f'{{"n": {n}, "pad": "{"x" * 180}"}}\n'.encode() for n in range(60)]  # about 11 KiB

    for line in sent:
        lines.add(line)
    await asyncio.sleep(FLUSH_AFTER * 2)
    ours.close()

    with theirs:
        writes = list(iter(lambda: theirs.recv(65536), b""))
    assert b"".join(writes) == b"".join(sent)
    assert all(len(write) <= 4096 and write.endswith(b"\n") for write in writes), [len(w) for w in writes]
    assert len(writes) == 3


async def test_a_request_id_with_quotes_and_backslashes_is_logged_as_valid_json(client, capfd):
    await _out(capfd)

    await client.get("/healthz", headers={"X-Request-ID": 'a"b\\c'})

    [line] = await _lines(capfd)
    assert (line["request_id"], line["route"], line["status"]) == ('a"b\\c', "/healthz", 200)


async def test_lines_wait_for_their_batch_rather_than_a_write_each():
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    theirs.setblocking(False)
    lines = Lines(ours.fileno())

    lines.add(b'{"n": 1}\n')
    await asyncio.sleep(0)
    with pytest.raises(BlockingIOError):
        theirs.recv(65536)  # nothing yet, a turn of the event loop later
    lines.add(b'{"n": 2}\n')
    await asyncio.sleep(FLUSH_AFTER * 2)

    assert theirs.recv(65536) == b'{"n": 1}\n{"n": 2}\n'  # both, in one write
    ours.close()
    theirs.close()


async def test_the_last_lines_are_written_before_the_worker_reports_its_shutdown():
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    theirs.setblocking(False)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await receive()
            await send({"type": "lifespan.shutdown.complete"})
            return
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def ignore(message: Message) -> None:
        pass

    async def shutdown() -> Message:
        return {"type": "lifespan.shutdown"}

    written_before_stopping: list[bytes] = []

    async def stopped(message: Message) -> None:
        written_before_stopping.append(theirs.recv(65536))

    observe = ObserveRequests(app, access_log=True, fd=ours.fileno())
    scope = {"type": "http", "method": "GET", "path": "/", "headers": [(b"x-request-id", b"last")]}
    await observe(scope, shutdown, ignore)
    await observe({"type": "lifespan"}, shutdown, stopped)

    [line] = [json.loads(write) for write in written_before_stopping]
    assert (line["request_id"], line["status"]) == ("last", 204)
    ours.close()
    theirs.close()
