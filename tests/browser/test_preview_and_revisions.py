"""In headless Chromium: the Preview styled like a page (each block looks like what it is), the Revisions by block,
axe-core with nothing to report on either."""

from typing import Any

import httpx
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations
from tests.browser.test_editor_page import sign_in
from tests.web.images import image

PARAGRAPH = {"id": "p1", "type": "paragraph", "spans": "A big dog barks."}
TABLES = [
    {"id": f"t{n}", "type": "table", "header_row": True, "rows": [["Dose", "Effect"], [f"{n} mg", "mild"]]}
    for n in (1, 2)
]  # fmt: skip
BLOCKS = [
    PARAGRAPH,
    {"id": "c1", "type": "callout", "tone": "warning", "spans": "Never drive after a dose."},
    {"id": "c2", "type": "callout", "tone": "tip", "spans": "Drink water."},
    {"id": "q1", "type": "quote", "spans": "It helped me.", "cite": "A patient"},
    {"id": "k1", "type": "code", "code": "dose = weight * 0.5", "language": "python"},
    *TABLES,
    {"id": "l1", "type": "list", "style": "bullet", "items": [{"spans": "One", "items": [{"spans": "Nested"}]}]},
    {"id": "e1", "type": "embed", "url": "https://example.org/talk", "title": "A talk on ketamine"},
    {"id": "d1", "type": "divider"},
]


def create(server: Any, api: dict[str, str], slug: str) -> None:
    upload = httpx.post(f"{server.url}/api/v1/assets", files={"file": ("dog.png", image(40, 30))}, headers=api)
    assert upload.status_code in (200, 201), upload.text  # 200: the same file, uploaded before
    picture = {"id": "i1", "type": "image", "asset_id": upload.json()["id"], "alt": "A dog", "caption": "Rex"}
    sections = [{"id": "intro", "blocks": BLOCKS}, {"id": "why", "heading": "Why", "blocks": [picture]}]
    created = httpx.post(f"{server.url}/api/v1/articles", json={"title": "Styled", "slug": slug, "sections": sections},
                         headers=api)  # fmt: skip
    assert created.status_code == 201, created.text


def style(locator: Any, *properties: str) -> tuple[str, ...]:
    computed = locator.evaluate(
        "(e, names) => names.map(n => getComputedStyle(e).getPropertyValue(n))", list(properties)
    )
    return tuple(computed)


def test_the_preview_shows_each_block_styled_as_what_it_is_and_passes_axe(new_page, server, api):
    create(server, api, "styled")
    page = new_page()
    sign_in(page)

    page.goto("/admin/articles/styled/edit")

    preview = page.get_by_role("region", name="Preview")
    warning, tip = preview.get_by_role("note").all()
    assert style(warning, "border-left-color", "background-color", "border-left-width") == (
        "rgb(122, 51, 0)", "rgb(254, 243, 224)", "6px",
    )  # fmt: skip
    assert style(tip, "border-left-color", "background-color") == ("rgb(13, 83, 35)", "rgb(230, 244, 234)")
    assert warning.evaluate("e => getComputedStyle(e, '::before').content") == '"Warning"'
    first, second = preview.get_by_role("table").all()
    gap = second.bounding_box()["y"] - (first.bounding_box()["y"] + first.bounding_box()["height"])
    assert gap >= 16  # two tables, not one long one
    assert style(first.get_by_role("cell", name="1 mg"), "border-top-style") == ("solid",)
    assert style(preview.locator("blockquote"), "border-left-style", "font-style") == ("solid", "italic")
    assert style(preview.locator("pre"), "font-family", "white-space")[1] == "pre-wrap"
    picture = preview.get_by_role("img", name="A dog")
    expect(picture).to_be_visible()
    picture.scroll_into_view_if_needed()  # it loads lazily
    expect(picture).to_have_js_property("naturalWidth", 40)
    expect(preview.get_by_role("link", name="A talk on ketamine")).to_be_visible()
    expect(preview.get_by_role("list").get_by_role("list").get_by_role("listitem")).to_have_text("Nested")
    assert axe_violations(page) == []


def test_revisions_name_the_changed_block_with_the_words_marked_and_pass_axe(new_page, server, api):
    create(server, api, "revised")
    url = f"{server.url}/api/v1/articles/revised"
    blocks = [{**PARAGRAPH, "spans": "A small dog barks."}, *BLOCKS[1:]]
    saved = httpx.patch(url, json={"sections": [{"id": "intro", "blocks": blocks}]}, headers=api | {"If-Match": "*"})
    assert saved.status_code == 200, saved.text
    page = new_page()
    sign_in(page)
    page.goto("/admin/articles/revised/edit")

    page.get_by_role("link", name="Revisions").click()
    page.get_by_text("Changes from version 1 to the current draft (3)").click()

    heading = page.get_by_role("heading", name="Paragraph changed in “Introduction”")
    changes = page.locator(".change").filter(has=heading)
    expect(heading).to_be_visible()
    expect(changes.locator("del")).to_have_text("[removed: big]")
    expect(changes.locator("ins")).to_have_text("[added: small]")
    expect(page.get_by_role("heading", name="Section removed: “Why”")).to_be_visible()
    expect(page.get_by_role("heading", name="Image removed in “Why”")).to_be_visible()
    assert axe_violations(page) == []
