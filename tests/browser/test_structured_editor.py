"""The structured editor in headless Chromium: lossless saves, arranging with the keyboard alone, unsaved work
kept in the browser, and axe-core on every state of the page, the block menus included."""

import copy
import re
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.admin.test_structured_editor import EVERY_BLOCK
from tests.browser.conftest import axe_violations
from tests.browser.test_editor_page import sign_in

Json = dict[str, Any]


@pytest.fixture
def every_block(server, api, request) -> Json:
    """An article with all eleven block types and custom anchors, made through the API, with its own slug."""
    slug = re.sub(r"[^a-z0-9]+", "-", request.node.name.lower()).strip("-")[:60]
    article = copy.deepcopy(EVERY_BLOCK) | {"slug": slug, "title": f"Every block {slug}"}
    created = httpx.post(f"{server.url}/api/v1/articles", json=article, headers=api)
    assert created.status_code == 201, created.text
    return created.json()


def draft(server: Any, api: dict[str, str], slug: str) -> Json:
    return httpx.get(f"{server.url}/api/v1/articles/{slug}?preview=true", headers=api).json()


def open_editor(new_page: Any, slug: str) -> Any:
    page = new_page()
    sign_in(page)
    page.goto(f"/admin/articles/{slug}/edit")
    return page


def no_serious_violations(page: Any) -> list[Json]:
    return [v for v in axe_violations(page) if v["impact"] in ("serious", "critical")]


def without_time(article: Json) -> Json:
    return {name: value for name, value in article.items() if name != "updated_at"}


def test_the_every_block_article_saved_unchanged_stays_as_it_was(new_page, server, api, every_block):
    page = open_editor(new_page, every_block["slug"])

    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("status")).to_have_text(re.compile("^Nothing had changed"))
    assert without_time(draft(server, api, every_block["slug"])) == without_time(every_block)


def test_changing_a_callouts_tone_changes_only_that(new_page, server, api, every_block):
    page = open_editor(new_page, every_block["slug"])

    page.get_by_role("group", name="Callout", exact=True).get_by_label("Tone").select_option("tip")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("status")).to_have_text("Saved.")
    saved = draft(server, api, every_block["slug"])
    expected = copy.deepcopy(every_block)
    expected["sections"][1]["blocks"][5]["tone"] = "tip"
    assert saved["sections"] == expected["sections"]
    assert saved["version"] == 2


def test_two_blocks_reordered_and_a_table_added_with_the_keyboard_alone(new_page, server, api, every_block):
    page = open_editor(new_page, every_block["slug"])
    opening = page.get_by_role("group", name="Introduction", exact=True)

    opening.get_by_role("group", name="Paragraph", exact=True).get_by_role("button", name="Move down").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#arranged")).to_contain_text("Paragraph moved down")
    add_block = opening.get_by_role("button", name="Add block")
    add_block.focus()
    page.keyboard.press("Enter")
    expect(add_block).to_have_attribute("aria-expanded", "true")
    for _ in range(9):  # Paragraph, Heading, List, Quote, Code, Image, Embed, Callout, Divider, then Table
        page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Table")
    page.keyboard.press("Enter")
    expect(page.locator(":focus")).to_have_accessible_name("Rows")
    page.keyboard.type("Dose | Effect")
    page.get_by_role("button", name="Save").focus()
    page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_have_text("Saved.")
    blocks = draft(server, api, every_block["slug"])["sections"][0]["blocks"]
    assert [(b["id"][:2], b["type"]) for b in blocks][:2] == [("b-", "heading"), ("b-", "paragraph")]
    assert blocks[2]["type"] == "table"
    assert [[cell[0]["text"] for cell in row] for row in blocks[2]["rows"]] == [["Dose", "Effect"]]


def test_a_section_deleted(new_page, server, api, every_block):
    page = open_editor(new_page, every_block["slug"])

    page.get_by_role("group", name="Headings and lists").get_by_role("button", name="Delete section").click()
    expect(page.get_by_role("group", name="Headings and lists")).to_have_count(0)
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("status")).to_have_text("Saved.")
    assert [s["anchor"] for s in draft(server, api, every_block["slug"])["sections"]] == ["opening"]


def test_a_deep_link_to_a_custom_anchor_answers_after_editing_another_field_and_publishing(
    new_page, server, api, every_block
):
    slug = every_block["slug"]
    published = httpx.post(f"{server.url}/api/v1/articles/{slug}/publish", headers=api | {"If-Match": "*"})
    assert published.status_code == 200, published.text
    page = open_editor(new_page, slug)

    page.get_by_role("group", name="Embed", exact=True).get_by_label("Title").fill("The video, renamed")
    page.get_by_role("button", name="Publish", exact=True).click()

    expect(page.get_by_role("status")).to_have_text("Published.")
    deep = httpx.get(f"{server.url}/api/v1/articles/{slug}/sections/custom-anchor")
    assert deep.status_code == 200
    assert deep.json()["blocks"][4]["title"] == "The video, renamed"


def test_unsaved_changes_are_offered_again_after_the_page_was_closed(new_page, server, api, every_block):
    page = open_editor(new_page, every_block["slug"])
    text = page.get_by_role("group", name="Quote", exact=True).get_by_label("Text")
    text.fill("Typed, then the tab was closed.")
    page.wait_for_function("Object.keys(localStorage).some(k => k.startsWith('cms:unsaved:'))")
    context = page.context
    page.close()

    again = context.new_page()
    again.goto(f"/admin/articles/{every_block['slug']}/edit")
    restore = again.get_by_role("button", name="Restore unsaved changes")
    expect(restore).to_be_visible()
    assert no_serious_violations(again) == []
    restore.click()
    quote = again.get_by_role("group", name="Quote", exact=True).get_by_label("Text")
    expect(quote).to_have_value("Typed, then the tab was closed.")
    assert draft(server, api, every_block["slug"])["version"] == 1  # never sent without Save
    again.get_by_role("button", name="Save").click()

    expect(again.get_by_role("status")).to_have_text("Saved.")
    assert draft(server, api, every_block["slug"])["sections"][1]["blocks"][1]["spans"][0]["text"] == (
        "Typed, then the tab was closed."
    )
    again.reload()
    expect(again.get_by_role("button", name="Restore unsaved changes")).to_be_hidden()


def test_every_state_of_the_editor_passes_axe(new_page, every_block):
    page = open_editor(new_page, every_block["slug"])
    assert no_serious_violations(page) == []

    page.get_by_role("group", name="Introduction").get_by_role("button", name="Add block").click()
    expect(page.get_by_role("group", name="Add block: choose its type").first).to_be_visible()
    assert no_serious_violations(page) == []  # the block menu open

    page.get_by_role("group", name="Add block: choose its type").first.get_by_role("button", name="List").click()
    page.get_by_role("button", name="Add section").click()
    assert no_serious_violations(page) == []  # a new block and a new section

    page.get_by_role("group", name="Embed", exact=True).get_by_label("URL").fill("http://not-https")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("see the errors next to the fields")
    assert no_serious_violations(page) == []  # errors beside their fields
