"""Uploads and image variants: sniff the type, prove an image by decoding it, store it once per content.

`Upload` receives the bytes as they stream in (hashing and counting them, kept in a temporary file, never whole in
memory), then `Assets.store`: `_sniff` (the bytes decide the type, never the name) -> the same bytes stored
already? that asset -> `_inspect` (size checked before decoding, then decoded into a BlurHash, in a thread) ->
`MediaStore.put` -> the row and its `asset.created` event, in one `event_log.transaction()` (one row per sha256,
however many uploads race). Variants are made once, in a thread, at most `image_jobs` at a time per worker, and
kept beside the original.

Each worker remembers the assets it has read (a row never changes): a subscriber of the worker's follower, it
forgets an asset when the log says it was deleted, on this worker or another (cms/services/event_log.py).
"""

import asyncio
import contextlib
import errno
import hashlib
import logging
import math
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import blurhash  # type: ignore[import-untyped]
import filetype  # type: ignore[import-untyped]
from PIL import Image, ImageOps, UnidentifiedImageError

from cms.core.article import Document
from cms.core.assets import EXTENSIONS, IMAGE_TYPES, Asset, AssetPage, Variant, oriented, safe_filename
from cms.core.blocks import Block
from cms.core.blocks import Image as ImageBlock
from cms.core.errors import Busy, Conflict, FieldError, InvalidContent, NotFound, TooLarge, UnsupportedType
from cms.core.events import ASSET_CREATED, ASSET_DELETED, Event, NewEvent
from cms.metrics import VARIANTS
from cms.services import event_log
from cms.storage import assets as rows
from cms.storage.media import MediaStore

SNIFF_BYTES = 8192
PILLOW_FORMATS = {
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/gif": "GIF",
    "image/webp": "WEBP",
    "image/avif": "AVIF",
}
SNIFFED = {"image/apng": "image/png"}  # an animated PNG is a PNG to every browser
PLACEHOLDER_COMPONENTS = (4, 3)
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_EXIF_ORIENTATION = 0x0112

# `_inspect` checks the size from the header against CMS_MAX_IMAGE_PIXELS before any pixel is decoded, the same
# moment Pillow's own guard would, with the configured limit and a message naming the size. Variants are only
# made of images that passed it.
Image.MAX_IMAGE_PIXELS = None
log = logging.getLogger(__name__)


def original_key(sha256: str) -> str:
    return f"{sha256[:2]}/{sha256}/original"


def variant_key(sha256: str, variant: Variant) -> str:
    return f"{sha256[:2]}/{sha256}/{variant.key}"


def asset_id(sha256: str) -> str:
    """Content-addressed: the same bytes always get the same id (128 bits of their SHA-256)."""
    return sha256[:32]


@dataclass
class Upload:
    """A file arriving in chunks: written to a temporary file of the store while hashed and counted.

    `write` raises TooLarge as soon as the count passes `limit`; `discard` removes the temporary file (call it in
    a `finally`: `put` has taken the file over when the upload was stored, and then there is nothing to remove).
    """

    store: MediaStore
    limit: int
    file: BinaryIO = field(init=False)
    size: int = 0
    head: bytes = b""
    _hash: Any = field(init=False, default_factory=hashlib.sha256)

    def __post_init__(self) -> None:
        with media_space():
            self.file = self.store.spool()

    @property
    def path(self) -> Path:
        return Path(self.file.name)

    @property
    def sha256(self) -> str:
        return str(self._hash.hexdigest())

    def write(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self.limit:
            raise TooLarge(f"the upload is larger than the limit of {self.limit} bytes (CMS_MAX_ASSET_BYTES)")
        if len(self.head) < SNIFF_BYTES:
            self.head += chunk[: SNIFF_BYTES - len(self.head)]
        self._hash.update(chunk)
        with media_space():
            self.file.write(chunk)

    def close(self) -> None:
        with media_space():
            self.file.close()

    def discard(self) -> None:
        with contextlib.suppress(OSError):  # the last buffered bytes may not fit: they are thrown away anyway
            self.file.close()
        self.path.unlink(missing_ok=True)


DISK_FULL = (errno.ENOSPC, errno.EDQUOT)


@contextlib.contextmanager
def media_space() -> Iterator[None]:
    """A media disk (or quota) that is full raises Busy, a 503 to retry later, like a full database: not a bug."""
    try:
        yield
    except OSError as exc:
        if exc.errno not in DISK_FULL:
            raise
        raise Busy("the media disk is full: retry once space has been freed") from None


@dataclass(frozen=True)
class Inspection:
    width: int
    height: int
    placeholder: str


class Assets:
    """One per worker: the store, the limits, the assets already read (they never change), the variant jobs."""

    def __init__(
        self,
        store: MediaStore,
        max_bytes: int,
        max_pixels: int,
        jobs: int,
        widths: tuple[int, ...],
        qualities: tuple[int, ...],
    ) -> None:
        self.store, self.max_bytes, self.max_pixels, self.jobs = store, max_bytes, max_pixels, jobs
        self.widths, self.qualities = widths, qualities
        self._known: OrderedDict[str, Asset] = OrderedDict()
        self._running = 0
        self._making: dict[str, asyncio.Event] = {}
        self._made: set[str] = set()

    def upload(self) -> Upload:
        return Upload(self.store, self.max_bytes)

    async def store_upload(self, upload: Upload, filename: str, alt: str | None) -> tuple[Asset, bool]:
        """The asset and whether it is new (False: these bytes were uploaded before, perhaps at this very moment)."""
        upload.close()
        if upload.size == 0:
            raise InvalidContent.at("file", "the file is empty: send the file's bytes in the multipart field 'file'")
        mime = _sniff(upload.head)
        existing = await rows.by_sha256(upload.sha256)
        if existing is not None:
            return existing, False
        inspection = None
        if mime in IMAGE_TYPES:
            inspection = await asyncio.to_thread(_inspect, upload.path, mime, self.max_pixels)
        with media_space():
            await self.store.put(original_key(upload.sha256), upload.path)
        new = rows.NewAsset(
            uid=asset_id(upload.sha256),
            sha256=upload.sha256,
            mime=mime,
            bytes=upload.size,
            filename=safe_filename(filename, mime),
            width=inspection.width if inspection else None,
            height=inspection.height if inspection else None,
            placeholder=inspection.placeholder if inspection else None,
            alt=alt,
        )
        try:
            async with event_log.transaction() as events:
                asset = await rows.insert(new)
                events.append(NewEvent(ASSET_CREATED, event_data(asset)))
        except rows.AlreadyStored:
            return await _stored_already(upload.sha256), False
        return asset, True

    async def get(self, uid: str) -> Asset:
        """The asset, from this worker's memory after the first read (an asset's row never changes)."""
        if (asset := self._known.get(uid)) is not None:
            self._known.move_to_end(uid)
            return asset
        found = await rows.by_id(uid)
        if found is None:
            raise NotFound(f"no asset has id {uid!r}")
        self._known[uid] = found
        if len(self._known) > 10_000:
            self._known.popitem(last=False)
        return found

    def on_events(self, events: list[Event]) -> None:
        """A subscriber of the worker's follower: a deleted asset is forgotten, whichever worker deleted it."""
        for event in events:
            if event.type == ASSET_DELETED:
                self._known.pop(str(event.subject()["id"]), None)
                self._made = {key for key in self._made if key[3:35] != event.subject()["id"]}

    def on_reset(self) -> None:
        self._known.clear()
        self._made.clear()

    async def page(self, limit: int, before: int | None) -> AssetPage:
        items, after = await rows.page(limit, before)
        return AssetPage(items=items, next_cursor=str(after) if after is not None else None)

    async def delete(self, uid: str) -> None:
        """Conflict while a current draft or published version shows it; its files go with it, once it is gone."""
        asset = await rows.by_id(uid)
        if asset is None:
            raise NotFound(f"no asset has id {uid!r}")
        async with event_log.transaction() as events:
            await rows.delete(uid)
            events.append(NewEvent(ASSET_DELETED, event_data(asset)))
        self._made = {key for key in self._made if not key.startswith(f"{asset.sha256[:2]}/{asset.sha256}/")}
        try:
            await self.store.delete(f"{asset.sha256[:2]}/{asset.sha256}")
        except Busy as exc:  # the asset is gone (the answer says so); its files stay, unreachable by any URL
            log.warning("asset %s deleted, but its files stay in the media store: %s", uid, exc)

    async def variant(self, asset: Asset, variant: Variant) -> str:
        """The key of the variant, made now if it was not made before. Busy when `jobs` are being made already."""
        key = variant_key(asset.sha256, variant)
        if key in self._made:
            return key
        while not await self.store.exists(key):
            if (making := self._making.get(key)) is not None:
                await making.wait()  # the same variant, asked for twice at once, is made once
                continue
            if self._running >= self.jobs:
                VARIANTS.labels("busy").inc()
                raise Busy("every image worker is busy making variants: retry in a moment")
            with media_space():
                await self._make(asset, variant, key)
        self._remember(key)
        return key

    def _remember(self, key: str) -> None:
        """A variant known to be stored is not looked up again (a HEAD on an object store) by this worker."""
        self._made.add(key)
        if len(self._made) > 100_000:
            self._made.clear()

    async def _make(self, asset: Asset, variant: Variant, key: str) -> None:
        self._running += 1
        done = self._making[key] = asyncio.Event()

        def finished(job: asyncio.Future[None]) -> None:
            VARIANTS.labels("failed" if job.cancelled() or job.exception() else "made").inc()
            self._running -= 1
            del self._making[key]
            done.set()

        # Shielded: a client that goes away does not free the slot while its thread still works.
        job = asyncio.ensure_future(_make_variant(self.store, asset.sha256, variant, key))
        job.add_done_callback(finished)
        await asyncio.shield(job)


async def fill_images(document: Document) -> Document:
    """Every image block with an `asset_id` gets the asset's width, height, placeholder and url.

    InvalidContent, at each such block's path, when no asset has that id or the asset is not an image.
    """
    named = [(f"sections/{s}/", section.blocks) for s, section in enumerate(document.sections)]
    if not any(isinstance(block, ImageBlock) and block.asset_id for _, blocks in named for block in blocks):
        return document
    found = await check_images(*named)
    sections = []
    for section in document.sections:
        blocks = [
            block.model_copy(update=_measured(found[block.asset_id]))
            if isinstance(block, ImageBlock) and block.asset_id is not None
            else block
            for block in section.blocks
        ]
        sections.append(section.model_copy(update={"blocks": blocks}))
    return document.model_copy(update={"sections": sections})


async def check_images(*named: tuple[str, Sequence[Block]]) -> dict[str, Asset]:
    """The assets that the image blocks name, by id: `("sections/1/", blocks)` places errors at
    `sections/1/blocks/<i>`, `("", blocks)` at `blocks/<i>` (a section's own body). InvalidContent at each block
    whose asset does not exist or is not an image.
    """
    wanted = {
        f"{prefix}blocks/{index}": block.asset_id
        for prefix, blocks in named
        for index, block in enumerate(blocks)
        if isinstance(block, ImageBlock) and block.asset_id is not None
    }
    found = await rows.by_ids(set(wanted.values()))
    errors = []
    for path, uid in wanted.items():
        asset = found.get(uid)
        if asset is None:
            message = f"no asset has id {uid!r}: upload the image first (POST /api/v1/assets) and use its id"
            errors.append(FieldError(path, message))
        elif asset.width is None:
            message = f"asset {uid!r} is {asset.mime}, not an image: link to its url from the text instead"
            errors.append(FieldError(path, message))
    if errors:
        raise InvalidContent(errors)
    return found


def _measured(asset: Asset) -> dict[str, Any]:
    return {"width": asset.width, "height": asset.height, "placeholder": asset.placeholder, "url": asset.url}


async def _stored_already(sha256: str) -> Asset:
    """The asset whose bytes an upload found stored already, as its own insert was refused."""
    existing = await rows.by_sha256(sha256)
    if existing is None:  # deleted again in between: unlikely enough to let the client retry
        raise Conflict("these bytes were being deleted as they were uploaded: upload them again")
    return existing


def event_data(asset: Asset) -> dict[str, Any]:
    """The `data` of `asset.created` and `asset.deleted` (docs/events.md)."""
    return {"id": asset.id, "url": asset.url, "mime": asset.mime, "bytes": asset.bytes}


def _sniff(head: bytes) -> str:
    """The type from the file's first bytes, whatever its name or declared type; UnsupportedType unless allowed."""
    kind = filetype.guess(head)
    mime: str | None = SNIFFED.get(kind.mime, kind.mime) if kind is not None else None
    if mime not in EXTENSIONS:
        accepted = "PNG, JPEG, WebP, GIF, AVIF or PDF"
        found = f"a file of type {mime}" if mime else "a file of no type we accept (SVG, HTML and text are refused)"
        raise UnsupportedType(f"the upload is {found}: upload {accepted}")
    return mime


def _inspect(path: Path, mime: str, max_pixels: int) -> Inspection:
    """Width and height (as displayed) and a BlurHash, proving on the way that the image decodes as `mime`.

    The size comes from the header, before any pixel is decoded: a small file claiming a huge image costs nothing.
    """
    try:
        with Image.open(path, formats=[PILLOW_FORMATS[mime]]) as image:
            width, height = image.size
            if width * height > max_pixels:
                raise _too_many_pixels(width, height, max_pixels)
            orientation = image.getexif().get(_EXIF_ORIENTATION)
            image.draft("RGB", (64, 64))  # JPEG decodes at 1/8 scale: the placeholder needs 32 pixels
            image.thumbnail((32, 32))
            thumbnail = _transposed(image, orientation)
            placeholder = blurhash.encode(_rgb_rows(thumbnail), *PLACEHOLDER_COMPONENTS)
    except (OSError, SyntaxError, ValueError, EOFError, UnidentifiedImageError) as exc:
        raise InvalidContent.at("file", f"the file looks like {mime} but does not decode as one: {exc}") from None
    shown = oriented(width, height, orientation)
    return Inspection(shown[0], shown[1], placeholder)


def _too_many_pixels(width: int, height: int, max_pixels: int) -> InvalidContent:
    return InvalidContent.at(
        "file", f"the image is {width} x {height} pixels, over CMS_MAX_IMAGE_PIXELS ({max_pixels}): make it smaller"
    )


def _transposed(image: Image.Image, orientation: int | None) -> Image.Image:
    transpose = _TRANSPOSE.get(orientation or 1)
    return image.transpose(transpose) if transpose is not None else image


def _flattened(image: Image.Image, keep_alpha: bool) -> Image.Image:
    """RGB (or RGBA when the target keeps transparency), transparent pixels over white otherwise."""
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    if has_alpha:
        rgba = image.convert("RGBA")
        if keep_alpha:
            return rgba
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return image if image.mode == "RGB" else image.convert("RGB")


def _rgb_rows(image: Image.Image) -> list[list[Any]]:
    rgb = _flattened(image, keep_alpha=False)
    pixels = list(rgb.get_flattened_data())
    width = rgb.width
    return [pixels[row * width : (row + 1) * width] for row in range(rgb.height)]


async def _make_variant(store: MediaStore, sha256: str, variant: Variant, key: str) -> None:
    """Decode, resize and encode in a worker thread, then store: the event loop never waits for pixels."""
    output = store.spool()
    try:
        async with store.local(original_key(sha256)) as source:
            await asyncio.to_thread(_render_variant, source, variant, output)
        await store.put(key, Path(output.name))
    finally:
        Path(output.name).unlink(missing_ok=True)


def _render_variant(source: Path, variant: Variant, output: BinaryIO) -> None:
    with Image.open(source) as image:
        orientation = image.getexif().get(_EXIF_ORIENTATION)
        reduced = _decoded_small(image, variant, orientation)
    shown = _transposed(reduced, orientation)
    keep_alpha = variant.mime != "image/jpeg"
    frame = _flattened(shown, keep_alpha) if variant.mime != "image/gif" else shown
    size = (variant.width, variant.height)
    if variant.fit == "cover":
        resized = ImageOps.fit(frame, size, Image.Resampling.LANCZOS)
    else:
        resized = frame.resize(size, Image.Resampling.LANCZOS) if frame.size != size else frame
    with output:
        options = {"quality": variant.quality} if variant.quality is not None else {}
        resized.save(output, format=PILLOW_FORMATS[variant.mime], **options)


REDUCING_GAP = 3
"""A whole-factor reduction leaves at least this many times the variant's size, so the final Lanczos resize keeps
its quality (Pillow: 3 is "indistinguishable from fair resampling in most cases")."""
_REDUCIBLE = ("RGB", "RGBA", "L", "LA")


def _decoded_small(image: Image.Image, variant: Variant, orientation: int | None) -> Image.Image:
    """The pixels, shrunk towards the variant's size before any other full-size copy is made.

    JPEG decodes at 1/2, 1/4 or 1/8 scale, no smaller than the variant (draft). Other formats decode whole (the one
    full-size copy, freed at once) and are reduced by a whole factor; orientation, transparency and the final resize
    then work on the small image.
    """
    width, height = oriented(*image.size, orientation)
    scale = max(variant.width / width, variant.height / height)
    wanted = (math.ceil(image.width * scale), math.ceil(image.height * scale))  # as stored, before orientation
    image.draft("RGB", wanted)
    image.load()
    factor = min(image.width // (wanted[0] * REDUCING_GAP), image.height // (wanted[1] * REDUCING_GAP))
    if factor < 2 or image.mode not in _REDUCIBLE:
        return image
    reduced = image.reduce(factor)
    image.close()  # frees the full-size pixels now, not when the variant is done
    return reduced
