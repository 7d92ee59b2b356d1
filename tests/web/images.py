"""Test files made on the spot with Pillow (no binary fixtures): images, and files that only look like them."""

import io
import struct
import zlib

from PIL import Image


def image(
    width: int, height: int, fmt: str = "PNG", color: tuple[int, int, int] = (200, 80, 40), **options: object
) -> bytes:
    """An image of two halves (so its placeholder is not flat) in `fmt` ('PNG', 'JPEG', 'GIF', 'WEBP', 'AVIF')."""
    picture = Image.new("RGB", (width, height), color)
    picture.paste((20, 90, 200), (0, 0, width // 2, height))
    out = io.BytesIO()
    picture.save(out, format=fmt, **options)
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_claiming(width: int, height: int) -> bytes:
    """A valid PNG header for a huge image, with almost no pixel data behind it: a decompression bomb's shape."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    pixels = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", pixels) + _chunk(b"IEND", b"")


def gif_javascript_polyglot() -> bytes:
    """A file that is a GIF to an image decoder and valid JavaScript to a browser that ran it as a script."""
    gif = image(4, 4, "GIF")
    # 'GIF89a' then '/*…*/=alert(1)//': the logical screen width bytes open a comment, the script follows the image.
    return b"GIF89a/*" + gif[8:] + b"*/=alert(document.domain);//"


EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 48
    + b"This program cannot be run in DOS mode"
)
SVG_WITH_SCRIPT = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
