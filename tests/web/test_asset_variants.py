"""Image variants: ?w=&h=&fit=&fm=&q=, never larger than the original, made once, kept beside it."""

import asyncio
import io
import time
from typing import Any

import httpx
import pytest
from PIL import Image

from cms.config import Settings
from cms.core.assets import DEFAULT_IMAGE_WIDTHS
from tests.media import stored
from tests.web.images import PDF, image
from tests.web.test_metrics import _samples

pytestmark = pytest.mark.media_stores  # each test with a local directory and with S3 (tests/media.py)


async def _upload(client: httpx.AsyncClient, editor: dict[str, str], data: bytes, name: str) -> dict[str, Any]:
    response = await client.post("/api/v1/assets", files={"file": (name, data)}, headers=editor)
    assert response.status_code == 201, response.text
    return dict(response.json())


@pytest.fixture
async def photo(client: httpx.AsyncClient, editor: dict[str, str]) -> dict[str, Any]:
    """A 1500 x 1000 JPEG: some allowed widths are below it, some above."""
    return await _upload(client, editor, image(1500, 1000, "JPEG"), "photo.jpg")


def decoded(response: httpx.Response) -> Image.Image:
    return Image.open(io.BytesIO(response.content))


async def test_a_variant_for_every_allowed_width_has_that_width_or_the_originals(
    client: httpx.AsyncClient, photo: dict[str, Any]
):
    sizes = {}
    for width in DEFAULT_IMAGE_WIDTHS:
        response = await client.get(photo["url"], params={"w": width})
        assert response.status_code == 200, response.text
        sizes[width] = decoded(response).size

    assert sizes == {
        320: (320, 213),
        640: (640, 427),
        960: (960, 640),
        1280: (1280, 853),
        1920: (1500, 1000),
        2560: (1500, 1000),
    }


@pytest.mark.parametrize(
    "fm, pillow, mime",
    [
        ("webp", "WEBP", "image/webp"),
        ("avif", "AVIF", "image/avif"),
        ("jpeg", "JPEG", "image/jpeg"),
        ("png", "PNG", "image/png"),
    ],
)
async def test_a_variant_in_a_format_is_an_image_of_that_format(
    client: httpx.AsyncClient, photo: dict[str, Any], fm: str, pillow: str, mime: str
):
    response = await client.get(photo["url"], params={"w": 320, "fm": fm})

    assert response.status_code == 200
    assert response.headers["content-type"] == mime
    assert (decoded(response).format, decoded(response).size) == (pillow, (320, 213))


async def test_a_format_alone_keeps_the_originals_size(client: httpx.AsyncClient, photo: dict[str, Any]):
    response = await client.get(photo["url"], params={"fm": "webp"})

    assert response.status_code == 200
    assert decoded(response).size == (1500, 1000)


async def test_fit_cover_fills_the_box_exactly(client: httpx.AsyncClient, photo: dict[str, Any]):
    response = await client.get(photo["url"], params={"w": 320, "h": 320, "fit": "cover"})

    assert response.status_code == 200
    assert decoded(response).size == (320, 320)


async def test_fit_contain_keeps_the_whole_image_inside_the_box(client: httpx.AsyncClient, photo: dict[str, Any]):
    response = await client.get(photo["url"], params={"w": 640, "h": 320})

    assert response.status_code == 200
    assert decoded(response).size == (480, 320)


async def test_a_cover_box_larger_than_the_original_shrinks_instead_of_upscaling(
    client: httpx.AsyncClient, photo: dict[str, Any]
):
    response = await client.get(photo["url"], params={"w": 2560, "h": 2560, "fit": "cover"})

    assert response.status_code == 200
    assert decoded(response).size == (1000, 1000)


async def test_a_variant_is_kept_beside_the_original_and_served_again_unchanged(
    client: httpx.AsyncClient, photo: dict[str, Any], settings: Settings
):
    first = await client.get(photo["url"], params={"w": 640, "fm": "webp", "q": 75})

    again = await client.get(photo["url"], params={"w": 640, "fm": "webp", "q": 75})

    assert again.status_code == 200
    assert again.content == first.content
    assert again.headers["etag"] == first.headers["etag"] == f'"{photo["id"]}-w640-h427-contain-q75.webp"'
    assert again.headers["cache-control"] == "public, max-age=31536000, immutable"
    kept = await stored(settings)
    assert kept == [
        f"{photo['sha256'][:2]}/{photo['sha256']}/{name}" for name in ("original", "w640-h427-contain-q75.webp")
    ]


async def test_widths_above_the_original_share_one_stored_variant(client: httpx.AsyncClient, photo: dict[str, Any]):
    wide = await client.get(photo["url"], params={"w": 1920})
    wider = await client.get(photo["url"], params={"w": 2560})

    assert wide.headers["etag"] == wider.headers["etag"]


async def test_a_variant_answers_304_to_its_own_etag(client: httpx.AsyncClient, photo: dict[str, Any]):
    first = await client.get(photo["url"], params={"w": 320})

    again = await client.get(photo["url"], params={"w": 320}, headers={"If-None-Match": first.headers["etag"]})

    assert again.status_code == 304
    assert first.headers["etag"] != f'"{photo["sha256"]}"'


async def test_the_same_new_variant_asked_for_twice_at_once_is_made_once(
    client: httpx.AsyncClient, photo: dict[str, Any]
):
    responses = await asyncio.gather(*(client.get(photo["url"], params={"w": 960}) for _ in range(2)))

    assert [response.status_code for response in responses] == [200, 200]
    assert responses[0].content == responses[1].content


async def test_new_variants_beyond_the_image_jobs_answer_503_with_retry_after(
    client: httpx.AsyncClient, editor: dict[str, str]
):
    big = await _upload(client, editor, image(3000, 2000, "PNG"), "big.png")

    responses = await asyncio.gather(*(client.get(big["url"], params={"w": w}) for w in (320, 640, 960)))

    assert sorted(response.status_code for response in responses) == [200, 200, 503]
    busy = next(response for response in responses if response.status_code == 503)
    assert busy.headers["retry-after"] == "1"
    assert busy.json()["detail"] == "every image worker is busy making variants: retry in a moment"


@pytest.mark.parametrize(
    "query, parameter",
    [
        ({"w": "500"}, "w"),
        ({"w": "abc"}, "w"),
        ({"w": "320", "h": "0"}, "h"),
        ({"w": "320", "h": "500"}, "h"),
        ({"w": "320", "fit": "fill"}, "fit"),
        ({"fm": "gif"}, "fm"),
        ({"w": "320", "q": "101"}, "q"),
        ({"w": "320", "q": "80"}, "q"),
        ({"q": "75"}, "q"),
        ({"h": "320", "fm": "webp"}, "h"),
    ],
)
async def test_a_bad_variant_parameter_answers_400_naming_it(
    client: httpx.AsyncClient, photo: dict[str, Any], query: dict[str, str], parameter: str
):
    response = await client.get(photo["url"], params=query)

    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["parameter"] == parameter


async def test_a_width_that_is_not_allowed_is_named_with_the_allowed_ones(
    client: httpx.AsyncClient, photo: dict[str, Any]
):
    response = await client.get(photo["url"], params={"w": 500})

    assert response.json()["detail"] == "w '500' is not an allowed width: use one of 320, 640, 960, 1280, 1920, 2560"


async def test_a_height_that_is_not_an_allowed_width_is_named_with_the_allowed_ones(
    client: httpx.AsyncClient, photo: dict[str, Any]
):
    response = await client.get(photo["url"], params={"w": 320, "h": 100})

    assert response.json()["detail"] == "h '100' is not an allowed height: use one of 320, 640, 960, 1280, 1920, 2560"


async def test_a_quality_that_is_not_allowed_is_named_with_the_allowed_ones(
    client: httpx.AsyncClient, photo: dict[str, Any]
):
    response = await client.get(photo["url"], params={"w": 320, "q": 80})

    assert response.json()["detail"] == "q '80' is not an allowed quality: use one of 50, 75, 90"


async def test_a_variant_of_a_pdf_answers_400(client: httpx.AsyncClient, editor: dict[str, str]):
    pdf = await _upload(client, editor, PDF, "a.pdf")

    response = await client.get(pdf["url"], params={"w": 320})

    assert response.status_code == 400
    assert response.json()["detail"] == "this asset is application/pdf: variants are made of images only"


async def test_metrics_count_the_variants_made(client: httpx.AsyncClient, photo: dict[str, Any]):
    made = ("cms_asset_variants_total", (("outcome", "made"),))
    before = _samples((await client.get("/metrics")).text)

    await client.get(photo["url"], params={"w": 320})
    await client.get(photo["url"], params={"w": 320})

    after = _samples((await client.get("/metrics")).text)
    assert after[made] - before.get(made, 0) == 1


async def test_a_big_resize_does_not_stall_other_requests(client: httpx.AsyncClient, editor: dict[str, str]):
    big = await _upload(client, editor, image(4000, 3000, "PNG", compress_level=1), "big.png")

    async def resize() -> tuple[int, float]:
        started = time.perf_counter()
        response = await client.get(big["url"], params={"w": 320})
        return response.status_code, time.perf_counter() - started

    resizing = asyncio.ensure_future(resize())
    waits = []
    while not resizing.done():  # other requests, one after another, all the time the resize takes
        started = time.perf_counter()
        assert (await client.get("/healthz")).status_code == 200
        await asyncio.sleep(0.005)  # a healthz answer never waits for I/O: this lets the resize's task run too
        waits.append(time.perf_counter() - started)

    status, resize_seconds = await resizing
    assert status == 200
    assert len(waits) > 1
    assert max(waits) < resize_seconds / 2


async def test_a_variant_much_smaller_than_a_transparent_png_keeps_its_transparency(
    client: httpx.AsyncClient, editor: dict[str, str]
):
    picture = Image.new("RGBA", (3000, 1000), (20, 90, 200, 255))
    picture.paste((0, 0, 0, 0), (0, 0, 1500, 1000))  # the left half transparent
    out = io.BytesIO()
    picture.save(out, "PNG")
    png = await _upload(client, editor, out.getvalue(), "half.png")

    response = await client.get(png["url"], params={"w": 320, "fm": "png"})

    variant = decoded(response)
    assert (variant.size, variant.mode) == ((320, 107), "RGBA")
    assert (variant.getpixel((40, 50)), variant.getpixel((280, 50))) == ((0, 0, 0, 0), (20, 90, 200, 255))
