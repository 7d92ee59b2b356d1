"""In headless Chromium: "Upload image" adds an Image block; the Preview follows saves live."""

import re

import httpx
from playwright.sync_api import expect

from tests.browser.conftest import ADMIN, axe_violations
from tests.browser.test_editor_page import first_text, sign_in, write_article
from tests.web.images import image

ASSET_URL = r"/api/v1/assets/[0-9a-f]{32}/square\.png"


def test_upload_image_adds_an_image_block_to_the_chosen_section_and_save_keeps_it(new_page, server, api, tmp_path):
    square = tmp_path / "square.png"
    square.write_bytes(image(16, 12))
    page = new_page()
    sign_in(page)
    write_article(page, "Pictured", "Words before.\n\n## Later\n\nWords after.")

    page.get_by_label("Upload image").set_input_files(square)
    page.get_by_label("Alt text of the upload").fill("A square in two colours")
    page.get_by_label("Into section").last.select_option(label="Introduction")
    page.get_by_role("button", name="Upload", exact=True).click()

    added = page.get_by_role("group", name="Introduction").get_by_role("group", name="Image", exact=True)
    expect(added.get_by_label("Alt text")).to_have_value("A square in two colours")
    expect(added.get_by_label("Width")).to_have_value("16")
    expect(page.locator("#upload-status")).to_have_text(re.compile("^Uploaded: the image is an Image block"))
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text("Saved.")
    draft = httpx.get(f"{server.url}/api/v1/articles/pictured?preview=true", headers=api).json()
    blocks = [[block["type"] for block in section["blocks"]] for section in draft["sections"]]
    assert blocks == [["paragraph", "image"], ["paragraph"]]
    picture = draft["sections"][0]["blocks"][1]
    assert (picture["alt"], picture["width"], picture["height"]) == ("A square in two colours", 16, 12)
    assert re.fullmatch(ASSET_URL, picture["url"])
    preview = page.get_by_role("region", name="Preview")
    expect(preview.get_by_role("img", name="A square in two colours")).to_be_visible()


def test_an_upload_of_a_refused_file_shows_an_alert_and_keeps_the_text(new_page, tmp_path):
    script = tmp_path / "notes.svg"
    script.write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    page = new_page()
    sign_in(page)
    write_article(page, "Unpictured", "Saved words.")
    first_text(page).fill("Typed, not saved.")

    page.get_by_label("Upload image").set_input_files(script)
    page.get_by_role("button", name="Upload", exact=True).click()

    expect(page.get_by_role("alert")).to_contain_text("The image was not uploaded: the upload is a file of no type")
    expect(first_text(page)).to_have_value("Typed, not saved.")


def test_the_preview_shows_a_draft_saved_through_the_api_while_the_page_is_open(new_page, server, api):
    page = new_page()
    sign_in(page)
    write_article(page, "Followed", "The first words.")
    preview = page.get_by_role("region", name="Preview")
    expect(preview).to_contain_text("The first words.")
    url = f"{server.url}/api/v1/articles/followed"
    tag = httpx.get(f"{url}?preview=true", headers=api).headers["etag"]

    paragraph = {"type": "paragraph", "spans": "Words saved by another program."}
    saved = httpx.put(
        url, json={"title": "Followed", "sections": [{"blocks": [paragraph]}]}, headers=api | {"If-Match": tag}
    )

    assert saved.status_code == 200, saved.text
    expect(preview).to_contain_text("Words saved by another program.", timeout=5_000)
    expect(preview).to_contain_text("version 2")


def test_the_webhooks_page_creates_disables_and_deletes_and_passes_axe(new_page):
    # The server allows private addresses (CMS_WEBHOOK_ALLOW_PRIVATE, tests/browser/conftest.py): nothing listens.
    page = new_page()
    sign_in(page, ADMIN)
    page.get_by_role("link", name="Webhooks").click()
    assert axe_violations(page) == []

    page.get_by_label("URL").fill("http://127.0.0.1:9/cms-hook")
    page.get_by_label("article.published").check()
    page.get_by_role("button", name="Create webhook").click()

    expect(page.get_by_role("status")).to_contain_text("Its signing secret is shown this once")
    expect(page.locator("#secret")).to_have_text(re.compile(r"^whsec_"))
    row = page.get_by_role("row", name=re.compile("cms-hook"))
    expect(row.get_by_role("cell", name="enabled", exact=True)).to_be_visible()
    assert axe_violations(page) == []
    row.get_by_role("button", name="Disable").click()
    expect(page.get_by_role("status")).to_contain_text("Disabled")
    expect(
        page.get_by_role("row", name=re.compile("cms-hook")).get_by_role("cell", name="disabled", exact=True)
    ).to_be_visible()
    page.get_by_role("link", name="Deliveries to http://127.0.0.1:9/cms-hook").click()
    expect(page.get_by_role("cell", name="Nothing was sent to it yet.")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Back to the webhooks").click()
    page.get_by_role("button", name="Delete http://127.0.0.1:9/cms-hook").click()
    expect(page.get_by_role("cell", name="No webhooks yet.")).to_be_visible()


def test_without_javascript_upload_image_keeps_the_text_and_adds_an_image_block(browser, server, tmp_path):
    square = tmp_path / "square.png"
    square.write_bytes(image(10, 10, color=(10, 120, 60)))
    context = browser.new_context(base_url=server.url, java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        sign_in(page)
        write_article(page, "No Script", "Saved words.")
        first_text(page).fill("Typed words, not saved.")

        page.get_by_label("Upload image").set_input_files(square)
        page.get_by_label("Alt text of the upload").fill("Green")
        page.get_by_role("button", name="Upload", exact=True).click()

        expect(first_text(page)).to_have_value("Typed words, not saved.")
        expect(page.get_by_role("group", name="Image", exact=True).get_by_label("Alt text")).to_have_value("Green")
        expect(page.get_by_role("status")).to_contain_text("Uploaded: the image is an Image block")
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_role("status")).to_have_text("Saved.")
        expect(page.get_by_role("region", name="Preview").get_by_role("img", name="Green")).to_be_visible()
    finally:
        context.close()
