"""The editor's page in headless Chromium, with the keyboard where it matters and axe-core on every page."""

import re
from typing import Any

import httpx
from playwright.sync_api import expect

from tests.browser.conftest import ADMIN, EDITOR, PASSWORD, axe_violations


def sign_in(page: Any, email: str = EDITOR, password: str = PASSWORD) -> None:
    page.goto("/admin")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def write_article(page: Any, title: str, body: str) -> None:
    """A new article: its title typed, its sections and blocks made by "Paste Markdown" from `body`, saved."""
    page.get_by_role("link", name="New article").first.click()
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Markdown").fill(body)
    page.get_by_role("button", name="Paste Markdown").click()
    expect(page.get_by_role("status").first).to_contain_text("Not saved yet")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_have_text("Created.")


def first_text(page: Any) -> Any:
    """The "Text" field of the article's first paragraph."""
    return page.get_by_role("group", name="Paragraph").first.get_by_label("Text")


def test_a_wrong_password_shows_an_alert_and_the_sign_in_page_passes_axe(new_page):
    page = new_page()

    sign_in(page, password="not the password")

    expect(page.get_by_role("alert")).to_have_text("The email or the password is wrong.")
    assert axe_violations(page) == []


def test_write_save_preview_publish_and_sign_out(new_page, server):
    page = new_page()
    sign_in(page)
    assert axe_violations(page) == []

    write_article(page, "Browser Basics", "Opening words.\n\n## Details\n\nSome **bold** text.")
    preview = page.get_by_role("region", name="Preview")
    expect(preview.get_by_role("heading", name="Details")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Published.")
    delivered = httpx.get(f"{server.url}/api/v1/articles/browser-basics")
    page.get_by_role("link", name="Articles").click()
    row = page.get_by_role("row", name=re.compile("Browser Basics"))
    expect(row.get_by_role("cell", name="Published")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    assert delivered.status_code == 200
    assert [s["heading"] for s in delivered.json()["sections"]] == [None, "Details"]
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_schedule_with_publish_at(new_page):
    page = new_page()
    sign_in(page)
    write_article(page, "Later On", "Soon.")

    page.get_by_label("Publish at").fill("2099-01-31T09:00")
    page.get_by_role("button", name="Schedule", exact=True).click()

    expect(page.get_by_role("status")).to_have_text("Scheduled.")
    expect(page.get_by_text("scheduled for 2099-01-31 09:00 UTC")).to_be_visible()


def _two_editors(new_page: Any, title: str) -> tuple[Any, Any]:
    """Ed writes an article and keeps it open; Ada opens it too."""
    ed, ada = new_page(), new_page()
    sign_in(ed)
    write_article(ed, title, "First words.")
    sign_in(ada, ADMIN)
    ada.get_by_role("link", name=title).click()
    return ed, ada


def test_two_editors_changing_different_things_both_save_and_the_second_is_told_of_the_merge(new_page):
    ed, ada = _two_editors(new_page, "Shared Notes")
    ada.get_by_label("Title", exact=True).fill("Shared Notes by Ada")
    ada.get_by_role("button", name="Save").click()
    expect(ada.get_by_role("status")).to_have_text("Saved.")

    first_text(ed).fill("Ed's own words.")
    ed.get_by_role("button", name="Save").click()

    expect(ed.locator("#merged")).to_have_text(
        "Your changes were merged with the changes ada@example.org saved meanwhile: the draft below has both."
    )
    expect(ed.get_by_label("Title", exact=True)).to_have_value("Shared Notes by Ada")
    expect(first_text(ed)).to_have_value("Ed's own words.")


def test_the_same_block_changed_by_both_is_chosen_per_unit_with_the_keyboard(new_page):
    ed, ada = _two_editors(new_page, "Team Page")
    first_text(ada).fill("Ada's words.")
    ada.get_by_role("button", name="Save").click()
    expect(ada.get_by_role("status")).to_have_text("Saved.")
    first_text(ed).fill("Ed's own words.")
    ed.get_by_role("button", name="Save").click()
    expect(ed.get_by_role("alert")).to_contain_text("ada@example.org saved this article after you opened it")
    unit = ed.get_by_role("group", name="Paragraph in “the section without a heading”")
    theirs, mine = unit.locator(".their-version"), unit.locator(".your-version")
    expect(theirs.locator("del")).to_have_text("[removed: Ada]")  # words only theirs has, said to screen readers
    expect(theirs).to_contain_text("'s words.")
    expect(mine.locator("ins").first).to_have_text("[added: Ed]")
    assert axe_violations(ed) == []

    unit.get_by_role("radio", name="Keep mine").focus()
    ed.keyboard.press("ArrowDown")
    expect(unit.get_by_role("radio", name="Take theirs")).to_be_checked()
    ed.keyboard.press("Tab")
    expect(ed.get_by_role("button", name="Save with these choices")).to_be_focused()
    ed.keyboard.press("Enter")

    expect(ed.get_by_role("status").first).to_have_text("Saved. Your choices are saved.")
    expect(first_text(ed)).to_have_value("Ada's words.")
    expect(ed.get_by_role("region", name="Your text that was not saved")).to_contain_text("Ed's own words.")


def test_restore_a_revision(new_page):
    page = new_page()
    sign_in(page)
    write_article(page, "Old Title", "Text.")
    page.get_by_label("Title", exact=True).fill("New Title")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Revisions").click()
    expect(page.get_by_role("heading", name="Version 1")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("button", name="Restore version 1").click()

    expect(page.get_by_role("status")).to_contain_text("Restored")
    expect(page.get_by_label("Title", exact=True)).to_have_value("Old Title")


def test_text_typed_while_the_session_expired_is_kept_through_signing_in(new_page):
    page = new_page()
    sign_in(page)
    write_article(page, "Long Draft", "Start.")
    first_text(page).fill("Start.\n\nA paragraph typed for an hour.")
    page.context.clear_cookies()

    page.get_by_role("button", name="Save").click()
    page.get_by_label("Email").fill(EDITOR)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(first_text(page)).to_have_value("Start.\n\nA paragraph typed for an hour.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text("Saved.")


def test_the_admin_pages_pass_axe_and_an_editor_is_refused(new_page):
    admin, editor = new_page(), new_page()
    sign_in(admin, ADMIN)
    sign_in(editor)

    for name in ("Tokens", "Users"):
        admin.get_by_role("link", name=name).click()
        expect(admin.get_by_role("heading", level=1, name=name)).to_be_visible()
        assert axe_violations(admin) == []
    refused = editor.goto("/admin/users")

    assert refused is not None and refused.status == 403
    expect(editor.get_by_role("alert")).to_contain_text("this page is for admins")


def test_the_keyboard_reaches_the_sign_in_form_in_order(new_page):
    page = new_page()
    page.goto("/admin/sign-in")

    order = []
    for _ in range(4):
        page.keyboard.press("Tab")
        order.append(page.evaluate("document.activeElement.textContent.trim() || document.activeElement.id"))

    assert order == ["Skip to content", "CMS", "email", "password"]


def test_an_empty_editor_and_the_delete_question_pass_axe_and_delete_deletes(new_page):
    page = new_page()
    sign_in(page)
    page.get_by_role("link", name="New article").first.click()
    assert axe_violations(page) == []
    write_article(page, "Short Lived", "Gone soon.")

    page.get_by_role("button", name="Delete", exact=True).click()
    expect(page.get_by_role("heading", name="Delete “Short Lived”?")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Delete for good").click()

    expect(page.get_by_role("status")).to_have_text("Deleted.")
    expect(page.get_by_role("link", name="Short Lived")).to_have_count(0)
