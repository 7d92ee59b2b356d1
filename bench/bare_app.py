"""The floor we compare against: a bare Starlette app that answers one route with bytes captured from our server.

Same body, content type (and encoding, when ours gzipped it), same ETag and 304 on a matching If-None-Match,
served by uvicorn as a fast deployment would (uvloop, httptools, no access log): the difference to our
figures is what the CMS itself costs.
Configured by environment, because uvicorn imports it by name in each worker:
BENCH_BARE_CAPTURE is a folder holding `body` (the bytes) and `response.json` ({"path", "headers"}).
"""

import json
import os
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

CAPTURE = Path(os.environ.get("BENCH_BARE_CAPTURE", "."))


def _load() -> tuple[str, bytes, dict[str, str]]:
    meta = json.loads((CAPTURE / "response.json").read_text())
    return meta["path"], (CAPTURE / "body").read_bytes(), meta["headers"]


PATH, BODY, HEADERS = _load()
ETAG = HEADERS.get("etag")


async def captured(request: Request) -> Response:
    if ETAG is not None and request.headers.get("if-none-match") == ETAG:
        return Response(status_code=304, headers={"etag": ETAG})
    return Response(BODY, headers=HEADERS)


app = Starlette(routes=[Route(PATH, captured, methods=["GET"])])
