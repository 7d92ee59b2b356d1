"""What the server answers before the app sees a request: bounded heads (in size and time), problem+json for
malformed HTTP."""

import asyncio
import time

import orjson
import pytest

from cms.services import tokens
from cms.storage import db
from cms.web.http.protocol import MAX_HEAD_BYTES
from tests.server.process import Server, serve

HEAD_TIMEOUT = 1  # seconds, short for the tests; 10 by default


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("protocol")
    url = f"sqlite://{folder / 'cms.sqlite3'}"

    async def editor() -> str:
        await db.migrate(url)
        async with db.database(url):
            return (await tokens.create("editor", ["write"]))[1]

    secret = asyncio.run(editor())
    with serve(url, folder / "server.log", env={"CMS_REQUEST_HEAD_TIMEOUT_SECONDS": str(HEAD_TIMEOUT)}) as running:
        running.secret = secret  # type: ignore[attr-defined]
        yield running


async def _exchange(server: Server, raw: bytes) -> tuple[bytes, dict[str, str], dict]:
    """Send raw bytes; the status line, headers and JSON body of the answer (the server closes after it)."""
    host, port = server.url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        writer.write(raw)
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(), timeout=10)
    finally:
        writer.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    status, *lines = head.split(b"\r\n")
    headers = {k.decode().lower(): v.decode() for k, v in (line.split(b": ", 1) for line in lines)}
    return status, headers, orjson.loads(body)


async def test_a_request_head_over_the_limit_answers_431_problem_and_closes(server):
    raw = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (MAX_HEAD_BYTES + 1) + b"\r\n\r\n"

    status, headers, body = await _exchange(server, raw)

    assert status == b"HTTP/1.1 431 Request Header Fields Too Large"
    assert (headers["content-type"], headers["connection"]) == ("application/problem+json", "close")
    assert body == {
        "type": "about:blank",
        "title": "Request Header Fields Too Large",
        "status": 431,
        "detail": f"the request line and headers are larger than {MAX_HEAD_BYTES} bytes",
    }


async def test_a_request_head_under_the_limit_is_served(server):
    raw = b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Big: " + b"a" * 30_000 + b"\r\n\r\n"

    status, _, body = await _exchange(server, raw)

    assert (status, body) == (b"HTTP/1.1 200 OK", {"status": "ok"})


@pytest.mark.parametrize(
    "raw",
    [
        b"POST /api/v1/articles HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
        b"POST /api/v1/articles HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"0\r\n\r\n",
        b"FROB /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /healthz HTTP/1.1\r\nHost x\r\n\r\n",
    ],
    ids=["bad-chunk-size", "length-and-chunked", "unknown-method", "header-without-colon"],
)
async def test_malformed_http_answers_400_problem(server, raw):
    status, headers, body = await _exchange(server, raw)

    assert status == b"HTTP/1.1 400 Bad Request"
    assert headers["content-type"] == "application/problem+json"
    assert body == {
        "type": "about:blank",
        "title": "Bad Request",
        "status": 400,
        "detail": "the request is not valid HTTP/1.1 (request line, headers or chunked body): it was not read",
    }


async def test_a_client_leaving_in_the_middle_of_its_body_is_one_info_line_not_a_traceback(server):
    host, port = server.url.removeprefix("http://").split(":")
    _, writer = await asyncio.open_connection(host, int(port))
    writer.write(
        b"POST /api/v1/articles HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + f"Authorization: Bearer {server.secret}\r\nContent-Length: 1000\r\n\r\n".encode()
        + b'{"title": "Half'
    )
    await writer.drain()
    await asyncio.sleep(0.3)  # the app is now waiting for the rest of the body
    writer.close()

    deadline = time.monotonic() + 5
    while "client disconnected" not in server.output() and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    lines = [line for line in server.output().splitlines() if "client disconnected" in line]
    assert lines == ["INFO:     client disconnected before sending the whole body: POST /api/v1/articles"]
    assert "Traceback" not in server.output()
    assert "ERROR" not in server.output()


async def test_a_request_head_left_incomplete_answers_408_problem_and_closes(server):
    status, headers, body = await _exchange(server, b"GET /healthz HTTP/1.1\r\nHost: x\r\nAccept: */*")

    assert status == b"HTTP/1.1 408 Request Timeout"
    assert (headers["content-type"], headers["connection"]) == ("application/problem+json", "close")
    assert body == {
        "type": "about:blank",
        "title": "Request Timeout",
        "status": 408,
        "detail": f"the request line and headers took longer than {HEAD_TIMEOUT} s",
    }


async def test_a_connection_that_sends_nothing_is_closed(server):
    reader, writer = await _connect(server)

    answer = await asyncio.wait_for(reader.read(), timeout=10)

    assert answer == b""
    writer.close()


async def test_a_new_connection_s_first_head_is_bounded_from_the_connection_opening(server):
    reader, writer = await _connect(server)

    await asyncio.sleep(HEAD_TIMEOUT * 0.6)
    writer.write(b"GET /healthz HTTP/1.1\r\n")
    await asyncio.sleep(HEAD_TIMEOUT * 0.6)  # 1.2 deadlines after the opening, 0.6 after the first byte
    writer.write(b"Host: x\r\n\r\n")
    answer = await asyncio.wait_for(reader.read(), timeout=10)
    writer.close()

    assert answer.startswith(b"HTTP/1.1 408 Request Timeout")


async def test_a_kept_alive_connection_idle_past_the_head_deadline_still_serves_its_next_request(server):
    reader, writer = await _connect(server)
    request = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"

    writer.write(request)
    first = await asyncio.wait_for(reader.readuntil(b'{"status":"ok"}'), timeout=10)
    await asyncio.sleep(HEAD_TIMEOUT + 0.5)  # longer than a head may take, shorter than uvicorn's 5 s keep-alive
    writer.write(request)
    second = await asyncio.wait_for(reader.readuntil(b'{"status":"ok"}'), timeout=10)
    writer.close()

    assert first.startswith(b"HTTP/1.1 200 OK") and second.startswith(b"HTTP/1.1 200 OK")


async def test_the_next_request_head_on_a_kept_alive_connection_has_the_same_deadline(server):
    reader, writer = await _connect(server)

    writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n" + b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
    answers = await asyncio.wait_for(reader.read(), timeout=10)
    writer.close()

    first, second = answers.split(b'{"status":"ok"}')
    assert first.startswith(b"HTTP/1.1 200 OK")
    assert second.startswith(b"HTTP/1.1 408 Request Timeout")


async def test_a_body_slower_than_the_head_deadline_is_still_read(server):
    reader, writer = await _connect(server)
    body = b'{"title": "Slowly written"}'
    writer.write(
        b"POST /api/v1/articles HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nConnection: close\r\n"
        + f"Authorization: Bearer {server.secret}\r\nContent-Length: {len(body)}\r\n\r\n".encode()  # type: ignore[attr-defined]
    )

    for part in (body[:10], body[10:20], body[20:]):
        writer.write(part)
        await asyncio.sleep(HEAD_TIMEOUT * 0.6)  # 1.8 deadlines in all
    answer = await asyncio.wait_for(reader.read(), timeout=10)
    writer.close()

    assert answer.startswith(b"HTTP/1.1 201 Created")


async def _connect(server: Server) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    host, port = server.url.removeprefix("http://").split(":")
    return await asyncio.open_connection(host, int(port))
