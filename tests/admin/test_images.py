"""The editor's "Upload image": the asset stored as by the API, its Markdown given back or put into the Body."""

import html
import json
import re
from typing import Any

import httpx
import pytest

from cms.config import Settings
from tests.admin.conftest import csrf_of
from tests.admin.test_editor import form_of, new_article, text_field
from tests.web.images import PDF, SVG_WITH_SCRIPT, image

pytestmark = pytest.mark.media_stores  # each test with a local directory and with S3 (tests/media.py)

JSON = {"Accept": "application/json"}
LIMIT = 64 * 1024


@pytest.fixture
def settings(database_url: str, media: dict[str, Any]) -> Settings:
    return Settings(database_url=database_url, **media, max_asset_bytes=LIMIT)


def kept_form(page: httpx.Response) -> dict[str, str]:
    found = re.search(r'<input type="hidden" name="kept_form" value="([^"]*)">', page.text)
    assert found, page.text
    return dict(json.loads(html.unescape(found.group(1))))


async def test_an_upload_asking_for_json_answers_201_with_the_markdown_and_the_asset(client, signed_in, editor):
    url = await new_article(client)
    page = await client.get(url)
    png = image(8, 6)

    answer = await client.post(
        url.replace("/edit", "/upload"),
        data={"csrf": csrf_of(page), "alt": "A [small] square"},
        files={"file": ("square.png", png)},
        headers=JSON,
    )
    listed = await client.get("/api/v1/assets", headers=editor)

    asset = listed.json()["items"][0]
    assert answer.status_code == 201
    assert answer.headers["content-type"] == "application/json"
    assert answer.json() == {"markdown": f"![A \\[small\\] square]({asset['url']})", "asset": asset}
    assert (asset["mime"], asset["width"], asset["height"], asset["alt"]) == ("image/png", 8, 6, "A [small] square")


async def test_an_upload_without_javascript_gives_the_editor_back_with_the_text_kept_and_an_image_block_added(
    client, signed_in, editor
):
    url = await new_article(client)
    page = await client.get(url)
    text = text_field(page)
    typed = form_of(page, title="Typed, not saved", **{text: "Typed words."})

    answer = await client.post(
        url.replace("/edit", "/upload"),
        data=typed | {"alt": "Square", "action": "upload", "image_into": text.partition(".")[0]},
        files={"file": ("square.png", image(8, 6))},
    )

    assert answer.status_code == 201
    fields = form_of(answer)
    assert (fields["title"], fields[text]) == ("Typed, not saved", "Typed words.")
    added = [name.partition(".")[0] for name, value in fields.items() if name.endswith(".type") and value == "image"]
    assert len(added) == 1
    assert re.fullmatch(r"[0-9a-f]{32}", fields[f"{added[0]}.asset_id"])
    assert (fields[f"{added[0]}.alt"], fields[f"{added[0]}.width"], fields[f"{added[0]}.height"]) == (
        "Square",
        "8",
        "6",
    )
    assert "Uploaded: the image is an Image block at the end of the section, not saved yet." in answer.text
    assert (await client.get("/api/v1/articles/hello?preview=true", headers=editor)).json()["version"] == 1


async def test_the_uploaded_image_block_saved_is_an_image_block_of_the_asset(client, signed_in, editor):
    url = await new_article(client)
    page = await client.get(url)
    uploaded = await client.post(
        url.replace("/edit", "/upload"),
        data=form_of(page) | {"alt": "Square", "action": "upload"},
        files={"file": ("square.png", image(8, 6))},
    )

    saved = await client.post(url, data=form_of(uploaded, action="save"))
    draft = await client.get("/api/v1/articles/hello?preview=true", headers=editor)

    assert saved.status_code == 303
    block = draft.json()["sections"][-1]["blocks"][-1]
    asset = (await client.get("/api/v1/assets", headers=editor)).json()["items"][0]
    assert (block["type"], block["asset_id"], block["alt"]) == ("image", asset["id"], "Square")
    assert block["url"] == asset["url"]


async def test_the_same_image_uploaded_again_answers_200_with_the_asset_already_stored(client, signed_in):
    page = await client.get("/admin/articles/new")
    send = {"data": {"csrf": csrf_of(page)}, "files": {"file": ("square.png", image(8, 6))}, "headers": JSON}
    first = await client.post("/admin/articles/new/upload", **send)

    again = await client.post("/admin/articles/new/upload", **send)

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()


async def test_a_pdf_is_inserted_as_a_link_not_an_image(client, signed_in):
    page = await client.get("/admin/articles/new")

    answer = await client.post(
        "/admin/articles/new/upload",
        data={"csrf": csrf_of(page), "alt": ""},
        files={"file": ("terms.pdf", PDF)},
        headers=JSON,
    )

    assert answer.status_code == 201
    assert answer.json()["markdown"] == f"[terms.pdf]({answer.json()['asset']['url']})"


async def test_a_file_of_a_refused_type_answers_415_as_problem_json_and_stores_nothing(client, signed_in, editor):
    page = await client.get("/admin/articles/new")

    answer = await client.post(
        "/admin/articles/new/upload",
        data={"csrf": csrf_of(page)},
        files={"file": ("x.svg", SVG_WITH_SCRIPT)},
        headers=JSON,
    )
    listed = await client.get("/api/v1/assets", headers=editor)

    assert answer.status_code == 415
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["detail"].startswith("the upload is a file of no type we accept")
    assert listed.json()["items"] == []


async def test_a_file_over_the_limit_without_javascript_shows_an_alert_and_keeps_the_text(client, signed_in):
    url = await new_article(client)
    page = await client.get(url)
    typed = form_of(page, **{text_field(page): "Words I typed."})

    answer = await client.post(
        url.replace("/edit", "/upload"),
        data=typed | {"action": "upload"},
        files={"file": ("big.png", image(600, 600, "PNG", compress_level=0))},
    )

    assert answer.status_code == 413
    assert form_of(answer)[text_field(page)] == "Words I typed."
    assert (
        '<div role="alert" class="alert" id="alert">The image was not uploaded: the upload is larger than the limit'
        f" of {LIMIT} bytes (CMS_MAX_ASSET_BYTES). Your text is as it was, not saved yet.</div>"
    ) in answer.text


async def test_no_file_chosen_answers_422_at_file(client, signed_in):
    page = await client.get("/admin/articles/new")

    answer = await client.post(
        "/admin/articles/new/upload",
        data={"csrf": csrf_of(page)},
        files={"file": ("", b"")},
        headers=JSON,
    )

    assert answer.status_code == 422
    assert answer.json()["errors"] == [{"path": "file", "message": "no file was chosen: choose an image to upload"}]


@pytest.mark.parametrize("csrf", [None, "wrong"])
async def test_an_upload_without_the_right_csrf_token_answers_403_and_stores_nothing(client, signed_in, editor, csrf):
    data = {} if csrf is None else {"csrf": csrf}

    answer = await client.post(
        "/admin/articles/new/upload", data=data, files={"file": ("square.png", image(8, 6))}, headers=JSON
    )
    listed = await client.get("/api/v1/assets", headers=editor)

    assert answer.status_code == 403
    detail = "the form's CSRF token is missing or wrong: reload the page and send the form again"
    assert answer.json()["detail"] == detail
    assert listed.json()["items"] == []


async def test_a_signed_out_upload_asking_for_json_answers_401(client):
    answer = await client.post("/admin/articles/new/upload", files={"file": ("square.png", image(8, 6))}, headers=JSON)

    assert answer.status_code == 401
    assert answer.json()["detail"].startswith("your session ended: sign in again")


async def test_a_signed_out_upload_without_javascript_keeps_the_text_for_after_signing_in(client, signed_in):
    page = await client.get("/admin/articles/new")
    typed = form_of(page, title="Kept title")
    await client.post("/admin/sign-out", data={"csrf": csrf_of(page)})

    answer = await client.post(
        "/admin/articles/new/upload", data=typed | {"action": "upload"}, files={"file": ("square.png", image(8, 6))}
    )

    assert answer.status_code == 200
    assert kept_form(answer)["title"] == "Kept title"
    assert '<input type="hidden" name="kept_action_url" value="/admin/articles/new">' in answer.text


async def test_an_upload_that_is_not_multipart_with_its_csrf_token_answers_415(client, signed_in):
    page = await client.get("/admin/articles/new")

    answer = await client.post("/admin/articles/new/upload", data={"csrf": csrf_of(page)})

    assert answer.status_code == 415
    assert (
        answer.json()["detail"]
        == "content type 'application/x-www-form-urlencoded' is not accepted here: send multipart/form-data"
    )


async def test_a_signed_out_upload_from_an_article_keeps_its_editor_for_after_signing_in(client, signed_in):
    page = await client.get(await new_article(client, title="Upload here", slug="upload-here"))
    typed = form_of(page, **{text_field(page): "Kept words."})
    await client.post("/admin/sign-out", data={"csrf": csrf_of(page)})

    answer = await client.post(
        "/admin/articles/upload-here/upload", data=typed | {"action": "upload"}, files={"file": ("a.png", image(8, 6))}
    )

    assert answer.status_code == 200
    assert '<input type="hidden" name="kept_action_url" value="/admin/articles/upload-here/edit">' in answer.text
    assert kept_form(answer)[text_field(page)] == "Kept words."
