"""Assets: upload (multipart, streamed), list, delete, and serving the files and their image variants."""

import re
from collections import OrderedDict

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse

from cms.core.assets import EXTENSIONS, FORMATS, IMAGE_TYPES, Asset, Fit, Variant, variant
from cms.core.errors import Busy, InvalidContent, NotFound
from cms.core.events import ASSET_DELETED, Event
from cms.core.numbers import whole_number
from cms.services.assets import Assets, original_key
from cms.services.media import MediaStore
from cms.web.http import auth, params, uploads
from cms.web.http.caching import PreparedResponse, etag_matches
from cms.web.http.problems import bad_parameter
from cms.web.http.responses import json_response
from cms.web.openapi.parts import (
    BAD_QUERY,
    LIMIT,
    NO_CONTENT,
    NOT_MODIFIED,
    POSITION,
    SERVER_ID,
    json_body,
    param,
    problem,
    write_errors,
)
from cms.web.operations import PUBLIC, Operation

ALT_MAX = 1_000
IMMUTABLE = "public, max-age=31536000, immutable"
SMALL_FILE = 1024 * 1024
"""Files up to this size are answered from one read; larger ones stream in chunks of this size."""
_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


def _assets(request: Request) -> Assets:
    assets: Assets = request.app.state.assets
    return assets


async def upload_asset(request: Request) -> Response:
    """POST multipart/form-data with `file` (and `alt`): 201 for new bytes, 200 with the asset already stored."""
    await auth.require(request, "write")
    params.query(request, ())
    assets = _assets(request)
    declared = request.headers.get("content-length", "")
    limit = assets.max_bytes + uploads.FORM_OVERHEAD + 4 * ALT_MAX
    if declared.isascii() and declared.isdigit() and whole_number(declared, limit) is None:
        raise uploads.too_large(assets.max_bytes)
    async with uploads.received(assets, {"alt": ALT_MAX}) as form:
        await uploads.read(request, form)
        if form.filename is None:
            raise InvalidContent.at("file", "no file was sent: send it in the multipart field 'file'")
        asset, created = await assets.store_upload(form.upload, form.filename, form.text("alt"))
    return json_response(asset.model_dump(mode="json"), 201 if created else 200, {"Location": asset.url})


async def list_assets(request: Request) -> Response:
    await auth.require(request, "preview", "write")
    query = params.query(request, {"limit", "cursor"})
    page = await _assets(request).page(params.limit(query), params.position(query))
    return json_response(page.model_dump(mode="json"))


async def delete_asset(request: Request) -> Response:
    await auth.require(request, "write")
    params.query(request, ())
    await _assets(request).delete(params.server_id(request, "id", "asset"))
    return Response(status_code=204)


async def redirect_to_asset(request: Request) -> Response:
    """The short URL `/api/v1/assets/{id}` (what a block names before the server fills its `url`): 301 to `url`."""
    params.query(request, ())
    asset = await _assets(request).get(params.server_id(request, "id", "asset"))
    return RedirectResponse(asset.url, status_code=301)


class _Prepared:
    """A small file's whole 200 and its 304, headers encoded, kept by the worker after the first request."""

    __slots__ = ("etag", "key", "not_modified", "ok")

    def __init__(self, key: str, etag: str, ok: PreparedResponse, not_modified: PreparedResponse) -> None:
        self.key, self.etag, self.ok, self.not_modified = key, etag, ok, not_modified


class PreparedFiles:
    """Per worker, by URL (path and query string): files up to SMALL_FILE, at most `max_bytes` of them, LRU.

    A URL always names the same bytes (the id is their hash, a variant is made once), so nothing goes stale. A
    subscriber of the worker's follower, it drops a deleted asset's files when the log says so; until then (the
    files go as the deletion commits, the log reaches other workers a moment later) each hit checks that the stored
    file is still there (one `stat`; with an object store, see `_still_stored`).
    """

    def __init__(self, max_bytes: int = 32 * 1024 * 1024) -> None:
        self.max_bytes, self.size = max_bytes, 0
        self._kept: OrderedDict[tuple[str, bytes], _Prepared] = OrderedDict()

    def get(self, request: Request) -> _Prepared | None:
        found = self._kept.get((request.scope["path"], request.scope["query_string"]))
        if found is not None:
            self._kept.move_to_end((request.scope["path"], request.scope["query_string"]))
        return found

    def on_events(self, events: list[Event]) -> None:
        for event in events:
            if event.type == ASSET_DELETED:
                prefix = f"/api/v1/assets/{event.subject()['id']}/"
                for url in [url for url in self._kept if url[0].startswith(prefix)]:
                    self.size -= len(self._kept.pop(url).ok.body)

    def on_reset(self) -> None:
        self._kept.clear()
        self.size = 0

    def keep(self, request: Request, prepared: _Prepared) -> None:
        url = (request.scope["path"], request.scope["query_string"])
        if url in self._kept or len(prepared.ok.body) > SMALL_FILE:
            return
        self._kept[url] = prepared
        self.size += len(prepared.ok.body)
        while self.size > self.max_bytes:
            _, dropped = self._kept.popitem(last=False)
            self.size -= len(dropped.ok.body)


def _prepared(request: Request) -> PreparedFiles:
    files: PreparedFiles = request.app.state.prepared_files
    return files


async def serve_asset(request: Request) -> Response:
    """The file, or a variant of an image: immutable, with a strong ETag, `Range` and headers that forbid running it."""
    assets = _assets(request)
    kept = _prepared(request).get(request)
    if kept is not None and "range" not in request.headers and await _still_stored(assets, kept.key):
        return kept.not_modified if etag_matches(request.headers.get("if-none-match"), kept.etag) else kept.ok
    asset = await assets.get(params.server_id(request, "id", "asset"))
    if request.path_params["filename"] != asset.filename:
        same_query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(asset.url + same_query, status_code=301)
    query = params.query(request, {"w", "h", "fit", "fm", "q"})
    if not query:
        key, mime, etag = original_key(asset.sha256), asset.mime, f'"{asset.sha256}"'
    else:
        wanted = _variant(query, asset, assets.widths, assets.qualities)
        try:
            key = await assets.variant(asset, wanted)
        except FileNotFoundError:  # deleted since this worker read its row: the log tells it so in a moment
            raise NotFound(f"no asset has id {asset.id!r}") from None
        mime, etag = wanted.mime, f'"{asset.id}-{wanted.key}"'
    headers = {
        "ETag": etag,
        "Cache-Control": IMMUTABLE,
        "Accept-Ranges": "bytes",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'",
    }
    if mime == "application/pdf":
        headers["Content-Disposition"] = f'attachment; filename="{asset.filename}"'
    if etag_matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    try:
        response = await _file_response(request, assets.store, key, mime, headers)
    except FileNotFoundError:  # deleted since this worker read its row: the log tells it so in a moment
        raise NotFound(f"no asset has id {asset.id!r}") from None
    if response.status_code == 200 and not isinstance(response, StreamingResponse) and "range" not in request.headers:
        not_modified = {k: v for k, v in headers.items() if k not in ("Content-Length", "Accept-Ranges")}
        _prepared(request).keep(
            request,
            _Prepared(
                key, etag, PreparedResponse(200, response.raw_headers, response.body), _encoded(304, not_modified)
            ),
        )
    return response


def _encoded(status: int, headers: dict[str, str]) -> PreparedResponse:
    return PreparedResponse(status, Response(status_code=status, headers=headers).raw_headers)


def _variant(query: dict[str, str], asset: Asset, widths: tuple[int, ...], qualities: tuple[int, ...]) -> Variant:
    """`?w=&h=&fit=&fm=&q=` checked one by one (400 naming the first bad one), then normalised by the core.

    Each takes only a few values, so an asset has at most `max_variants(widths, qualities)` variant files.
    """
    width = _one_of(query, "w", widths, "width")
    height = _one_of(query, "h", widths, "height")
    fit = query.get("fit", "contain")
    if fit not in ("contain", "cover"):
        raise bad_parameter("fit", f"fit {fit!r} is not known: use contain or cover")
    fmt = query.get("fm")
    if fmt is not None and fmt not in FORMATS:
        raise bad_parameter("fm", f"fm {fmt!r} is not a format variants are made in: use one of {', '.join(FORMATS)}")
    quality = _one_of(query, "q", qualities, "quality")
    if width is None:
        if fmt is None:
            name = next(iter(query))
            raise bad_parameter(name, f"{name} needs w or fm: a variant is a width (w) or a format (fm) of the image")
        if height is not None or "fit" in query:
            name = "h" if height is not None else "fit"
            raise bad_parameter(name, f"{name} needs w: heights and fits go with one of the allowed widths")
    if asset.mime not in IMAGE_TYPES or asset.width is None or asset.height is None:
        name = "w" if width is not None else "fm"
        raise bad_parameter(name, f"this asset is {asset.mime}: variants are made of images only")
    return variant((asset.width, asset.height), asset.mime, width, height, _fit(fit), fmt, quality)


def _fit(value: str) -> Fit:
    return "cover" if value == "cover" else "contain"


def _one_of(query: dict[str, str], name: str, allowed: tuple[int, ...], what: str) -> int | None:
    """The parameter's number, which must be one of `allowed`: 400 naming it otherwise; None when it is absent."""
    raw = query.get(name)
    if raw is None:
        return None
    number = whole_number(raw, max(allowed))
    if number not in allowed:
        listed = ", ".join(map(str, allowed))
        raise bad_parameter(name, f"{name} {params.shown(raw)} is not an allowed {what}: use one of {listed}")
    return number


async def _still_stored(assets: Assets, key: str) -> bool:
    """A kept file is served while the store has it, checked on every hit where that costs a system call only.

    With an object store, a request per hit would cost more than the file: the worker drops the file when the event
    log tells it of the asset's deletion (within a second, on every host), and serves it while the store is away.
    """
    if not assets.store.checks_are_cheap:
        return True
    try:
        return await assets.store.exists(key)
    except Busy:
        return True


async def _file_response(request: Request, store: MediaStore, key: str, mime: str, headers: dict[str, str]) -> Response:
    size = await store.size(key)
    start, end = 0, size - 1
    status = 200
    if (wanted := _range(request, size, headers["ETag"])) is not None:
        if wanted == (-1, -1):
            headers["Content-Range"] = f"bytes */{size}"
            return Response(status_code=416, headers=headers)
        start, end = wanted
        status = 206
        headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    length = end - start + 1
    headers["Content-Length"] = str(length)
    if length <= SMALL_FILE:
        body = b"".join([chunk async for chunk in store.read(key, start, length)])
        return Response(body, status_code=status, headers=headers, media_type=mime)
    return StreamingResponse(store.read(key, start, length), status_code=status, headers=headers, media_type=mime)


def _range(request: Request, size: int, etag: str) -> tuple[int, int] | None:
    """One byte range (start, end inclusive); (-1, -1) when it cannot be satisfied; None to send the whole file.

    Several ranges, a malformed header or an If-Range naming another version: the whole file, as RFC 9110 allows.
    """
    header = request.headers.get("range")
    if header is None or request.headers.get("if-range", etag) != etag:
        return None
    match = _RANGE.fullmatch(header.strip())
    if match is None or match[1] == match[2] == "":
        return None
    if match[1] == "":  # the last n bytes
        suffix = _position(match[2], size)
        return (size - suffix, size - 1) if suffix > 0 and size > 0 else (-1, -1)
    start = _position(match[1], size)
    if match[2] and _position(match[2], size) < start:
        return None
    end = min(_position(match[2], size), size - 1) if match[2] else size - 1
    return (start, end) if start < size else (-1, -1)


def _position(digits: str, size: int) -> int:
    """A byte position of a Range header: its value, or `size` for any past the end, however many digits it has."""
    position = whole_number(digits, size)
    return size if position is None else position


ASSET_ID = param("id", "path", "The asset's id (32 hexadecimal digits).", SERVER_ID, required=True)
NO_ASSET = {"404": problem("No such asset.")}
UPLOAD = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {
                    "file": {"type": "string", "contentMediaType": "application/octet-stream"},
                    "alt": {"type": "string", "maxLength": ALT_MAX},
                },
            }
        }
    },
}
VARIANT_PARAMETERS = [
    param("w", "query", "One of CMS_IMAGE_WIDTHS; never upscaled.", {"type": "integer"}),
    param("h", "query", "Height of the box (needs `w`): one of CMS_IMAGE_WIDTHS.", {"type": "integer"}),
    param("fit", "query", "How the image fills a `w` x `h` box.", {"type": "string", "enum": ["contain", "cover"]}),
    param(
        "fm", "query", "Format of the variant; the original's when absent.", {"type": "string", "enum": list(FORMATS)}
    ),
    param(
        "q",
        "query",
        "Quality of lossy formats: one of CMS_IMAGE_QUALITIES (default 50, 75, 90).",
        {"type": "integer", "minimum": 1, "maximum": 100},
    ),
]
FILE = {
    "description": "The file (or the variant): `Cache-Control: public, max-age=31536000, immutable`, a strong `ETag`, "
    "`X-Content-Type-Options: nosniff`, `Content-Security-Policy: default-src 'none'`; PDFs as attachments.",
    "content": {mime: {"schema": {"type": "string", "contentMediaType": mime}} for mime in EXTENSIONS},
}

operations = [
    Operation(
        "POST",
        "/api/v1/assets",
        upload_asset,
        "uploadAsset",
        "Assets",
        "Upload a PNG, JPEG, WebP, GIF, AVIF or PDF (its type sniffed from the bytes)",
        scopes=("write",),
        body=UPLOAD,
        responses={
            "200": json_body("Asset", "These bytes were stored already: that asset."),
            "201": json_body("Asset", "A new asset; `Location` is its URL."),
            **write_errors(slug=False),
            "400": problem("A malformed multipart/form-data body."),
            "413": problem("The file is larger than CMS_MAX_ASSET_BYTES (nothing was kept)."),
            "415": problem("Not multipart/form-data, or bytes that are not a PNG, JPEG, WebP, GIF, AVIF or PDF."),
            "422": problem("An image that does not decode or has too many pixels, no file, or a bad field."),
        },
    ),
    Operation(
        "GET",
        "/api/v1/assets",
        list_assets,
        "listAssets",
        "Assets",
        "Uploaded assets, newest first",
        scopes=("preview", "write"),
        parameters=[LIMIT, POSITION],
        responses={"200": json_body("AssetPage", "A page of assets."), **write_errors(slug=False, body=False)},
    ),
    Operation(
        "GET",
        "/api/v1/assets/{id}",
        redirect_to_asset,
        "redirectToAsset",
        "Assets",
        "The asset's short URL: a redirect to its `url`",
        security=PUBLIC,
        parameters=[ASSET_ID],
        responses={"301": {"description": "`Location` is the asset's `url`."}, "400": BAD_QUERY, **NO_ASSET},
    ),
    Operation(
        "DELETE",
        "/api/v1/assets/{id}",
        delete_asset,
        "deleteAsset",
        "Assets",
        "Delete an asset and its variants",
        scopes=("write",),
        parameters=[ASSET_ID],
        responses={
            "204": NO_CONTENT,
            **write_errors(slug=False, body=False),
            **NO_ASSET,
            "409": problem("The current draft or the published version of an article shows it."),
        },
    ),
    Operation(
        "GET",
        "/api/v1/assets/{id}/{filename}",
        serve_asset,
        "getAssetFile",
        "Assets",
        "An uploaded file, or a variant of an image with ?w= or ?fm=",
        security=PUBLIC,
        parameters=[
            ASSET_ID,
            param("filename", "path", "The asset's filename.", {"type": "string"}, True),
            *VARIANT_PARAMETERS,
        ],
        responses={
            "200": FILE,
            "206": {"description": "The requested byte range (`Range: bytes=…`).", "content": FILE["content"]},
            "301": {"description": "Another filename: `Location` is the asset's own URL."},
            "304": NOT_MODIFIED,
            "400": BAD_QUERY,
            **NO_ASSET,
            "416": {"description": "The range is beyond the end of the file (`Content-Range: bytes */size`)."},
            "503": problem("Every image worker of this process is busy: retry after `Retry-After`."),
        },
    ),
]
