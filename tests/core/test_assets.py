"""The pure parts of assets: URL-safe filenames, variant sizes (never upscaled), srcsets."""

import pytest

from cms.core.assets import Variant, safe_filename, srcset, variant


@pytest.mark.parametrize(
    "name, mime, safe",
    [
        ("Holiday photo (1).JPG", "image/jpeg", "Holiday-photo-1.JPG"),
        ("C:\\Users\\me\\cat.png", "image/png", "cat.png"),
        ("../../etc/passwd", "application/pdf", "passwd.pdf"),
        (".htaccess", "image/png", "file.htaccess"),
        ("", "image/webp", "file.webp"),
        ("résumé été.pdf", "application/pdf", "r-sum-t.pdf"),
        ("a" * 300 + ".png", "image/png", "a" * 88 + ".png"),
    ],
)
def test_a_filename_is_made_url_safe_keeping_its_extension(name: str, mime: str, safe: str) -> None:
    assert safe_filename(name, mime) == safe


def test_a_width_above_the_originals_gives_the_originals_size() -> None:
    assert variant((1500, 1000), "image/jpeg", 2560, None, "contain", None, None) == Variant(
        1500, 1000, "contain", "image/jpeg", 82
    )


def test_a_format_without_quality_uses_that_formats_default_and_png_takes_none() -> None:
    assert variant((100, 50), "image/jpeg", None, None, "contain", "webp", None).quality == 80
    assert variant((100, 50), "image/jpeg", None, None, "contain", "png", 50).quality is None


def test_cover_without_a_height_is_contain() -> None:
    assert variant((1000, 500), "image/png", 320, None, "cover", None, None).key == "w320-h160-contain.png"


def test_the_srcset_lists_the_allowed_widths_below_the_original_and_the_original() -> None:
    assert srcset("/a/x.jpg", 700, (320, 640, 960)) == "/a/x.jpg?w=320 320w, /a/x.jpg?w=640 640w, /a/x.jpg 700w"
