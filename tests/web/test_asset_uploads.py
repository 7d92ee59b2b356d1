"""POST /api/v1/assets: the bytes decide the type, images are proven by decoding, the same bytes are one asset."""

import asyncio
import hashlib
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from cms.config import Settings
from tests.media import stored
from tests.web.images import EXE, HTML, PDF, SVG_WITH_SCRIPT, gif_javascript_polyglot, image, png_claiming

pytestmark = pytest.mark.media_stores  # each test with a local directory and with S3 (tests/media.py)

Upload = Callable[..., Awaitable[httpx.Response]]


@pytest.fixture
def upload(client: httpx.AsyncClient, editor: dict[str, str]) -> Upload:
    async def upload(
        data: bytes, name: str = "photo.png", declared: str = "image/png", **fields: str
    ) -> httpx.Response:
        return await client.post("/api/v1/assets", files={"file": (name, data, declared)}, data=fields, headers=editor)

    return upload


def problem(status: int, detail: str, **extra: Any) -> dict[str, Any]:
    titles = {400: "Bad Request", 413: "Content Too Large", 415: "Unsupported Media Type", 422: "Unprocessable Content"}
    return {"type": "about:blank", "title": titles[status], "status": status, "detail": detail, **extra}


async def test_a_png_upload_answers_201_with_its_metadata(upload: Upload):
    data = image(300, 200)
    sha256 = hashlib.sha256(data).hexdigest()

    response = await upload(data, name="Holiday photo (1).png", alt="A beach")

    assert response.status_code == 201
    body = response.json()
    assert isinstance(body["placeholder"], str) and len(body["placeholder"]) == 4 + 2 * 4 * 3
    assert body == {
        "id": sha256[:32],
        "url": f"/api/v1/assets/{sha256[:32]}/Holiday-photo-1.png",
        "mime": "image/png",
        "bytes": len(data),
        "sha256": sha256,
        "width": 300,
        "height": 200,
        "placeholder": body["placeholder"],
        "alt": "A beach",
        "filename": "Holiday-photo-1.png",
        "created_at": body["created_at"],
    }
    assert response.headers["location"] == body["url"]


@pytest.mark.parametrize(
    "fmt, mime", [("JPEG", "image/jpeg"), ("GIF", "image/gif"), ("WEBP", "image/webp"), ("AVIF", "image/avif")]
)
async def test_every_accepted_image_type_is_sniffed_and_measured(upload: Upload, fmt: str, mime: str):
    response = await upload(image(64, 48, fmt), name="picture", declared="application/octet-stream")

    assert response.status_code == 201
    assert (response.json()["mime"], response.json()["width"], response.json()["height"]) == (mime, 64, 48)


async def test_a_pdf_upload_has_no_size_and_no_placeholder(upload: Upload):
    response = await upload(PDF, name="report.pdf", declared="application/pdf")

    assert response.status_code == 201
    body = response.json()
    assert (body["mime"], body["width"], body["height"], body["placeholder"]) == ("application/pdf", None, None, None)


async def test_the_same_bytes_uploaded_again_answer_200_with_the_first_asset(upload: Upload):
    data = image(40, 30)
    first = await upload(data, name="first.png")

    again = await upload(data, name="second.png")

    assert again.status_code == 200
    assert again.json() == first.json()


async def test_the_same_bytes_uploaded_by_two_concurrent_requests_make_one_asset(
    upload: Upload, client: httpx.AsyncClient, editor: dict[str, str]
):
    data = image(800, 600)

    responses = await asyncio.gather(upload(data, name="a.png"), upload(data, name="b.png"))

    assert sorted(response.status_code for response in responses) == [200, 201]
    assert responses[0].json() == responses[1].json()
    listing = await client.get("/api/v1/assets", headers=editor)
    assert [item["id"] for item in listing.json()["items"]] == [responses[0].json()["id"]]


async def test_an_exe_renamed_png_answers_415(upload: Upload):
    response = await upload(EXE, name="cute-cat.png", declared="image/png")

    assert response.status_code == 415
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == problem(
        415, "the upload is a file of type application/x-msdownload: upload PNG, JPEG, WebP, GIF, AVIF or PDF"
    )


@pytest.mark.parametrize("data", [HTML, SVG_WITH_SCRIPT], ids=["html", "svg-with-script"])
async def test_html_and_svg_answer_415(upload: Upload, data: bytes):
    response = await upload(data, name="image.svg", declared="image/svg+xml")

    assert response.status_code == 415
    assert response.json() == problem(
        415,
        "the upload is a file of no type we accept (SVG, HTML and text are refused):"
        " upload PNG, JPEG, WebP, GIF, AVIF or PDF",
    )


async def test_a_png_claiming_60000_by_60000_pixels_answers_422_within_milliseconds(upload: Upload):
    started = time.perf_counter()

    response = await upload(png_claiming(60_000, 60_000))

    assert time.perf_counter() - started < 0.5  # decoding it would take minutes and 10 GB
    assert response.status_code == 422
    message = "the image is 60000 x 60000 pixels, over CMS_MAX_IMAGE_PIXELS (40000000): make it smaller"
    assert response.json() == problem(
        422, "the content is not valid: see errors", errors=[{"path": "file", "message": message}]
    )


async def test_an_image_that_does_not_decode_answers_422_and_keeps_nothing(upload: Upload, settings: Settings):
    broken = image(50, 50)[:60] + b"\x00" * 200

    response = await upload(broken)

    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "file"
    assert await stored(settings) == []


async def test_the_gif_javascript_polyglot_is_served_as_an_image_a_browser_never_runs(
    upload: Upload, client: httpx.AsyncClient
):
    uploaded = await upload(gif_javascript_polyglot(), name="trick.js", declared="text/javascript")

    served = await client.get(uploaded.json()["url"])

    assert uploaded.status_code == 201
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/gif"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert served.headers["content-security-policy"] == "default-src 'none'"


async def test_an_upload_may_pass_the_body_limit_of_json_requests(client: httpx.AsyncClient, editor: dict[str, str]):
    data = image(1200, 1000, "PNG", compress_level=0)

    response = await client.post("/api/v1/assets", files={"file": ("big.png", data)}, headers=editor)

    assert len(data) > Settings().max_body_bytes
    assert response.status_code == 201


async def test_an_upload_without_a_file_answers_422_at_file(client: httpx.AsyncClient, editor: dict[str, str]):
    response = await client.post("/api/v1/assets", files={"alt": (None, "no file")}, headers=editor)

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"path": "file", "message": "no file was sent: send it in the multipart field 'file'"}
    ]


async def test_an_unknown_form_field_answers_422_naming_it(upload: Upload):
    response = await upload(image(10, 10), caption="no such field")

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"path": "caption", "message": "unknown field 'caption': send the multipart fields 'file' and 'alt'"}
    ]


async def test_an_upload_that_is_not_multipart_answers_415(client: httpx.AsyncClient, editor: dict[str, str]):
    response = await client.post(
        "/api/v1/assets", content=image(10, 10), headers=editor | {"Content-Type": "image/png"}
    )

    assert response.status_code == 415
    assert response.json()["detail"] == "content type 'image/png' is not accepted here: send multipart/form-data"


async def test_a_malformed_multipart_body_answers_400(client: httpx.AsyncClient, editor: dict[str, str]):
    headers = editor | {"Content-Type": "multipart/form-data; boundary=x"}

    response = await client.post("/api/v1/assets", content=b"--x\r\nno headers end here", headers=headers)

    assert response.status_code == 400
    assert response.json() == problem(
        400, "the body is not valid multipart/form-data: Found invalid character 32 in header at 7"
    )


async def test_a_multipart_body_without_its_closing_boundary_answers_400_and_keeps_nothing(
    client: httpx.AsyncClient, editor: dict[str, str], settings: Settings
):
    headers = editor | {"Content-Type": "multipart/form-data; boundary=x"}
    start = b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n'

    response = await client.post("/api/v1/assets", content=start + image(20, 20), headers=headers)

    assert response.status_code == 400
    assert response.json() == problem(
        400, "the multipart/form-data body ends before its closing boundary: send it whole"
    )
    assert await stored(settings) == []


async def test_an_upload_needs_the_write_scope(client: httpx.AsyncClient, token: Callable[..., Awaitable[str]]):
    reader = {"Authorization": f"Bearer {await token('preview')}"}

    response = await client.post("/api/v1/assets", files={"file": ("a.png", image(10, 10))}, headers=reader)

    assert response.status_code == 403
    assert response.json()["detail"] == "token 'test' lacks the 'write' scope this route needs"
