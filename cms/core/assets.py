"""Uploaded files as clients see them, and the arithmetic of image variants (pure: no I/O, no Pillow).

An asset's `url` is `/api/v1/assets/{id}/{filename}`; a variant is that URL with `?w=&h=&fit=&fm=&q=`. A variant
is never larger than the original, so the parameters are normalised to what will actually be made, and two
requests that would make the same image share one stored file (`Variant.key`).
"""

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from cms.core.text import SERVER_ID_PATTERN, explained

ASSETS_PATH = "/api/v1/assets"

# The types an upload may have, sniffed from its bytes, with the extension a nameless upload gets.
EXTENSIONS = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/avif": "avif",
    "application/pdf": "pdf",
}
IMAGE_TYPES = frozenset(mime for mime in EXTENSIONS if mime.startswith("image/"))

FORMATS = {"webp": "image/webp", "avif": "image/avif", "jpeg": "image/jpeg", "png": "image/png"}
"""`?fm=` -> the variant's type."""
DEFAULT_QUALITY = {"image/webp": 80, "image/avif": 60, "image/jpeg": 82}
"""Used when `?q=` is absent; PNG and GIF are lossless and take no quality."""
FILENAME_MAX = 100
DEFAULT_IMAGE_WIDTHS = (320, 640, 960, 1280, 1920, 2560)
DEFAULT_IMAGE_QUALITIES = (50, 75, 90)

Fit = Literal["contain", "cover"]

AssetId = Annotated[
    str,
    StringConstraints(pattern=SERVER_ID_PATTERN),
    explained("asset_id {value} is not an asset id: use the 32 hexadecimal digits of an uploaded asset's id"),
]
"""What an upload's `id` is (`cms/services/assets.asset_id`): anything else names no asset."""


class Asset(BaseModel):
    """An uploaded file: the same bytes are always the same asset (`sha256`)."""

    id: str
    url: str = Field(description="Where it is served: `/api/v1/assets/{id}/{filename}`; add `?w=` for image variants.")
    mime: str
    bytes: int
    sha256: str
    width: int | None = Field(description="Pixels, as displayed (EXIF orientation applied); null for a PDF.")
    height: int | None
    placeholder: str | None = Field(description="A BlurHash of the image (https://blurha.sh); null for a PDF.")
    alt: str | None = Field(description="The alt text given at upload, the default for image blocks.")
    filename: str
    created_at: datetime


class AssetPage(BaseModel):
    """Newest first; pass `next_cursor` back as `?cursor=` for older assets (null on the last page)."""

    items: list[Asset]
    next_cursor: str | None


def asset_url(asset_id: str, filename: str) -> str:
    return f"{ASSETS_PATH}/{asset_id}/{filename}"


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_filename(name: str, mime: str) -> str:
    """'Holiday photo (1).JPG' -> 'Holiday-photo-1.JPG'; a name with nothing usable left -> 'file.<extension>'."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]  # browsers on Windows may send a whole path
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    stem = _UNSAFE.sub("-", stem).strip("-._")[: FILENAME_MAX - 12] or "file"
    extension = _UNSAFE.sub("", extension)[:10] or EXTENSIONS[mime]
    return f"{stem}.{extension}"


def oriented(width: int, height: int, orientation: int | None) -> tuple[int, int]:
    """The size as displayed: EXIF orientations 5 to 8 turn the image a quarter, swapping width and height."""
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


@dataclass(frozen=True)
class Variant:
    """A resized or re-encoded image, normalised: `width`/`height` are the size it will have."""

    width: int
    height: int
    fit: Fit
    mime: str
    quality: int | None

    @property
    def key(self) -> str:
        """The name it is stored under, beside the original: 'w640-h427-contain-q80.webp'."""
        quality = f"-q{self.quality}" if self.quality is not None else ""
        extension = {"image/jpeg": "jpg"}.get(self.mime, self.mime.removeprefix("image/"))
        return f"w{self.width}-h{self.height}-{self.fit}{quality}.{extension}"


def variant(
    original: tuple[int, int],
    original_mime: str,
    width: int | None,
    height: int | None,
    fit: Fit,
    fmt: str | None,
    quality: int | None,
) -> Variant:
    """What `?w=&h=&fit=&fm=&q=` makes of an image of size `original`: never larger than the original.

    `contain` keeps the whole image inside `width` x `height`; `cover` fills that box exactly, cropping the middle.
    A box larger than the original shrinks (keeping its proportions) until it fits, rather than upscaling.
    """
    ow, oh = original
    box_w = width or ow
    box_h = height or (round(oh * box_w / ow) if width else oh)
    if fit == "cover" and height:
        scale = min(1.0, ow / box_w, oh / box_h)
        size = (max(1, round(box_w * scale)), max(1, round(box_h * scale)))
    else:
        scale = min(1.0, box_w / ow, box_h / oh)
        size = (max(1, round(ow * scale)), max(1, round(oh * scale)))
        fit = "contain"
    mime = FORMATS[fmt] if fmt else original_mime
    default = DEFAULT_QUALITY.get(mime)
    return Variant(size[0], size[1], fit, mime, None if default is None else (quality or default))


def max_variants(widths: tuple[int, ...], qualities: tuple[int, ...]) -> int:
    """The most variant files one asset can have: (W + 1)² sizes x (3 (Q + 1) + 2) encodings; 686 by default.

    `w` and `h` are each one of the W widths: a `contain` box comes to the original's size or one scaled to a width
    or to a height (1 + 2W sizes), a `cover` box is any pair (W² sizes). WebP, AVIF and JPEG each take one of the
    Q qualities or their default; PNG and the original's GIF take none.
    """
    sizes = (len(widths) + 1) ** 2
    encodings = 3 * (len(qualities) + 1) + 2
    return sizes * encodings


def srcset_widths(original_width: int, widths: tuple[int, ...]) -> list[int]:
    """The allowed widths below the original's, then its own: (3000, (640, 1280, 4000)) -> [640, 1280, 3000]."""
    return [w for w in widths if w < original_width] + [original_width]


def srcset(url: str, original_width: int, widths: tuple[int, ...]) -> str:
    """'/a/x.jpg?w=640 640w, /a/x.jpg?w=1280 1280w, /a/x.jpg 1500w': the original itself is the largest."""
    entries = [f"{url}?w={w} {w}w" for w in srcset_widths(original_width, widths)[:-1]]
    return ", ".join([*entries, f"{url} {original_width}w"])
