"""Variants are bounded by design: `w` and `h` from CMS_IMAGE_WIDTHS, `q` from CMS_IMAGE_QUALITIES, `fit` and `fm`
from short lists, so an asset never has more than `max_variants(widths, qualities)` files beside its original."""

import itertools
from typing import Any

import httpx
import pytest

from cms.config import ConfigError, Settings
from cms.core.assets import DEFAULT_IMAGE_QUALITIES, DEFAULT_IMAGE_WIDTHS, max_variants
from cms.web.api.assets import PreparedFiles
from cms.web.app import Application
from tests.media import variant_versions
from tests.web.images import image

pytestmark = pytest.mark.media_stores  # each test with a local directory and with S3 (tests/media.py)

WIDTHS = (320, 640)
QUALITIES = (50,)
"""Small sets, so that every combination of them can be asked for in one test."""


@pytest.fixture
def settings(database_url: str, media: dict[str, Any]) -> Settings:
    return Settings(database_url=database_url, **media, image_widths=WIDTHS, image_qualities=QUALITIES)


async def _upload(client: httpx.AsyncClient, editor: dict[str, str], data: bytes, name: str) -> dict[str, Any]:
    response = await client.post("/api/v1/assets", files={"file": (name, data)}, headers=editor)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def variant_files(settings: Settings, asset: dict[str, Any]) -> dict[str, Any]:
    """The files beside the original, by name, with what changes when one is written again."""
    return await variant_versions(settings, asset["sha256"])


def _near_each(allowed: tuple[int, ...]) -> list[int]:
    """Numbers just off the allowed ones, and the ends of what a width could be."""
    return sorted({0, 1, 10_000, 10_001, *(n + d for n in allowed for d in (-1, 1))} - set(allowed))


OUT_OF_SET = {
    "w": [{"w": str(w)} for w in _near_each(WIDTHS)],
    "h": [{"w": "640", "h": str(h)} for h in _near_each(WIDTHS)],
    "q": [{"w": "640", "q": str(q)} for q in range(0, 102) if q not in QUALITIES],
    "fit": [{"w": "640", "h": "320", "fit": fit} for fit in ("fill", "inside", "COVER", "", "contain,cover")],
    "fm": [{"fm": fm} for fm in ("gif", "jpg", "WEBP", "tiff", "", "heic")],
}


@pytest.mark.parametrize("parameter", OUT_OF_SET)
async def test_every_value_outside_the_allowed_set_answers_400_naming_the_parameter(
    client: httpx.AsyncClient, editor: dict[str, str], settings: Settings, parameter: str
):
    photo = await _upload(client, editor, image(3000, 2000, "JPEG"), "photo.jpg")

    answers = {}
    for query in OUT_OF_SET[parameter]:
        response = await client.get(photo["url"], params=query)
        answers[str(query)] = (response.status_code, response.json()["parameter"])

    assert set(answers.values()) == {(400, parameter)}
    assert await variant_files(settings, photo) == {}


async def test_the_allowed_values_make_a_file_each_and_a_repeated_request_reuses_it(
    client: httpx.AsyncClient, editor: dict[str, str], settings: Settings, app: Application
):
    app.starlette.state.prepared_files = PreparedFiles(max_bytes=0)  # every request goes to the stored files
    photo = await _upload(client, editor, image(1500, 1000, "JPEG"), "photo.jpg")
    queries = [{"w": w, "h": 320, "fit": "cover", "fm": "webp", "q": q} for w in WIDTHS for q in QUALITIES]

    first = [(await client.get(photo["url"], params=query)).status_code for query in queries]
    made = await variant_files(settings, photo)
    again = [(await client.get(photo["url"], params=query)).status_code for query in queries]

    assert first == again == [200] * len(queries)
    assert len(made) == len(queries)
    assert await variant_files(settings, photo) == made


def _every_query(widths: tuple[int, ...], qualities: tuple[int, ...]) -> list[dict[str, str]]:
    """Every combination of the parameters, each absent, any allowed value or one that is not (those answer 400)."""
    choices = {
        "w": [None, *map(str, widths), "500"],
        "h": [None, *map(str, widths), "100"],
        "fit": [None, "contain", "cover"],
        "fm": [None, "webp", "avif", "jpeg", "png"],
        "q": [None, *map(str, qualities), "70"],
    }
    combinations = itertools.product(*choices.values())
    return [{k: v for k, v in zip(choices, values, strict=True) if v is not None} for values in combinations]


async def test_every_allowed_request_together_makes_no_more_files_than_the_documented_bound(
    client: httpx.AsyncClient, editor: dict[str, str], settings: Settings
):
    gif = await _upload(client, editor, image(800, 600, "GIF"), "a.gif")  # a GIF: one more encoding, its own

    statuses = {(await client.get(gif["url"], params=query)).status_code for query in _every_query(WIDTHS, QUALITIES)}

    assert statuses == {200, 400}
    assert 0 < len(await variant_files(settings, gif)) <= max_variants(WIDTHS, QUALITIES) == 72


def test_the_documented_bound_for_the_default_settings_is_686_files():
    assert max_variants(DEFAULT_IMAGE_WIDTHS, DEFAULT_IMAGE_QUALITIES) == 686


def test_image_qualities_come_from_a_comma_separated_setting():
    settings = Settings.from_env({"CMS_IMAGE_QUALITIES": " 80, 40,80 "})

    assert settings.image_qualities == (40, 80)
    assert Settings.from_env({}).image_qualities == (50, 75, 90)


@pytest.mark.parametrize("raw", ["0", "101", "high", "50,,90", "9" * 5000])
def test_image_qualities_outside_1_to_100_are_refused_naming_the_setting(raw: str):
    with pytest.raises(ConfigError) as raised:
        Settings.from_env({"CMS_IMAGE_QUALITIES": raw})

    assert str(raised.value) == (
        f"CMS_IMAGE_QUALITIES has value {raw!r}: use comma-separated whole numbers from 1 to 100"
        " (e.g. CMS_IMAGE_QUALITIES=50,75,90)"
    )
