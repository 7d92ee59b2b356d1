"""The editor over HTTP: creating from pasted Markdown, conflicts, errors beside their field, publishing, revisions."""

import html
import re
from datetime import UTC, datetime

import httpx

from cms.services.publishing import publish_due
from tests.admin.conftest import PASSWORD, csrf_of
from tests.admin.page_form import form_dict

BODY = "Intro paragraph.\n\n## Why\n\nBecause it helps.\n"


async def new_article(client: httpx.AsyncClient, title: str = "Hello", body: str = BODY, **fields: str) -> str:
    """Create through the page: "Paste Markdown" makes the sections and blocks of `body`, then Save. Returns the
    editor's URL."""
    form = await client.get("/admin/articles/new")
    pasted = await client.post("/admin/articles/new", data=form_dict(form) | {"markdown": body, "action": "paste"})
    assert pasted.status_code == 200, pasted.text
    data = form_dict(pasted) | {"title": title, "action": "save", **fields}
    created = await client.post("/admin/articles/new", data=data)
    assert created.status_code == 303, created.text
    return created.headers["location"].partition("?")[0]


def hidden(page: httpx.Response, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page.text)
    assert found, page.text
    return found.group(1)


def form_of(page: httpx.Response, **changes: str) -> dict[str, str]:
    """The editor's form as the browser would send it, with `changes` typed in."""
    return form_dict(page) | changes


def text_field(page: httpx.Response, number: int = 0) -> str:
    """The name of the `number`th "Text" field of the page's blocks."""
    return [name for name in form_dict(page) if name.endswith(".spans")][number]


async def test_an_article_pasted_as_markdown_is_a_draft_with_sections_made_by_the_person(client, signed_in, editor):
    url = await new_article(client, title="Hello", body=BODY, tags="a, b")

    draft = await client.get("/api/v1/articles/hello?preview=true", headers=editor)
    history = await client.get("/api/v1/articles/hello/revisions", headers=editor)

    assert url == "/admin/articles/hello/edit"
    assert [s["heading"] for s in draft.json()["sections"]] == [None, "Why"]
    assert draft.json()["tags"] == ["a", "b"]
    assert history.json()["items"][0]["token_name"] == "editor@example.org"


async def test_the_editor_shows_the_saved_draft_in_the_preview_region(client, signed_in):
    url = await new_article(client)

    page = await client.get(url)

    assert page.status_code == 200
    assert '<section aria-labelledby="preview-heading" class="preview" data-preview' in page.text
    assert '<section id="why">\n<h2>Why</h2>\n<p>Because it helps.</p>' in page.text


async def test_a_validation_error_is_shown_next_to_the_field_it_concerns(client, signed_in):
    page = await client.get(await new_article(client))

    answer = await client.post(page.url.path, data=form_of(page, slug="Not A Slug", action="save"))

    assert answer.status_code == 422
    errors = re.search(r'<ul class="field-errors" id="slug-errors"><li>(.*?)</li>', answer.text)
    assert errors and "Not A Slug" in errors.group(1)
    assert 'aria-invalid="true"' in answer.text


async def test_a_script_in_the_title_is_shown_as_text(client, signed_in):
    url = await new_article(client, title="<script>alert(1)</script>", slug="scripted")

    listing, page = await client.get("/admin"), await client.get(url)

    for text in (listing.text, page.text):
        assert "<script>alert(1)</script>" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


async def test_text_typed_when_the_session_ended_comes_back_after_signing_in(client, signed_in, editor):
    page = await client.get(await new_article(client))
    client.cookies.delete("cms_session", path="/admin")

    refused = await client.post(page.url.path, data=form_of(page, **{text_field(page): "Typed while signed out."}))
    data = {"csrf": csrf_of(refused), "email": signed_in, "password": PASSWORD}
    data |= {name: html.unescape(hidden(refused, name)) for name in ("kept_action_url", "kept_form")}
    back = await client.post("/admin/sign-in", data=data)

    assert refused.status_code == 200
    assert "<h1>Sign in</h1>" in refused.text
    assert back.status_code == 200
    assert form_dict(back)[text_field(page)] == "Typed while signed out."
    assert form_dict(back)["etag"] == form_dict(page)["etag"]
    draft = await client.get("/api/v1/articles/hello?preview=true", headers=editor)
    assert draft.json()["sections"][0]["blocks"][0]["spans"][0]["text"] == "Intro paragraph."


async def test_publish_from_the_editor_puts_the_article_on_the_delivery_api(client, signed_in):
    page = await client.get(await new_article(client))

    published = await client.post(page.url.path, data=form_of(page, action="publish"))
    delivered = await client.get("/api/v1/articles/hello")

    assert published.status_code == 303
    assert delivered.status_code == 200
    assert delivered.json()["status"] == "published"


async def test_publishing_edited_text_saves_and_publishes_it_in_one_transaction(client, signed_in, editor):
    page = await client.get(await new_article(client))

    published = await client.post(page.url.path, data=form_of(page, title="Hello again", action="publish"))
    feed = await client.get("/api/v1/changes", headers=editor)
    delivered = await client.get("/api/v1/articles/hello")

    assert published.status_code == 303
    assert (delivered.json()["title"], delivered.json()["version"]) == ("Hello again", 2)
    *_, saved, went_live = feed.json()["items"]
    assert [(e["type"], e["data"]["version"]) for e in (saved, went_live)] == [
        ("article.updated", 2),
        ("article.published", 2),
    ]
    assert saved["timestamp"] == went_live["timestamp"]  # a transaction's events are written at one moment


async def test_scheduling_edited_text_saves_it_and_schedules_the_saved_version(client, signed_in):
    page = await client.get(await new_article(client))
    at = "2999-01-31T09:00"

    scheduled = await client.post(
        page.url.path, data=form_of(page, title="Hello later", action="schedule", publish_at=at)
    )
    before = await client.get("/api/v1/articles/hello")
    due = await publish_due(datetime.fromisoformat(at).replace(tzinfo=UTC))
    after = await client.get("/api/v1/articles/hello")

    assert scheduled.status_code == 303
    assert (before.status_code, due) == (404, ["hello"])
    assert (after.json()["title"], after.json()["version"]) == ("Hello later", 2)


async def test_schedule_without_a_time_shows_the_error_next_to_publish_at(client, signed_in):
    page = await client.get(await new_article(client))

    answer = await client.post(page.url.path, data=form_of(page, action="schedule", publish_at=""))

    assert answer.status_code == 422
    assert '<ul class="field-errors" id="publish_at-errors"><li>choose the date and time' in answer.text


async def test_restore_makes_an_old_version_the_draft_again(client, signed_in, editor):
    page = await client.get(await new_article(client, title="First", slug="hello"))
    await client.post(page.url.path, data=form_of(page, title="Second", action="save"))
    revisions = await client.get("/admin/articles/hello/revisions")

    restored = await client.post(
        "/admin/articles/hello/revisions/1/restore",
        data={"csrf": csrf_of(revisions), "etag": hidden(revisions, "etag")},
    )

    assert revisions.status_code == 200
    assert "<h3>Title changed</h3>" in revisions.text
    assert restored.status_code == 303
    draft = await client.get("/api/v1/articles/hello?preview=true", headers=editor)
    assert (draft.json()["title"], draft.json()["version"]) == ("First", 3)


async def test_the_articles_table_lists_status_and_finds_by_search(client, signed_in):
    await new_article(client, title="Apples")
    await new_article(client, title="Pears")

    found = await client.get("/admin", params={"q": "appl"})

    assert '<a href="/admin/articles/apples/edit">Apples</a>' in found.text
    assert "Pears" not in found.text
    assert "<td>Draft</td>" in found.text


async def test_delete_asks_first_then_deletes_the_article(client, signed_in):
    page = await client.get(await new_article(client))

    asked = await client.post(page.url.path, data=form_of(page, action="delete"))
    still_there = await client.get(page.url.path)
    deleted = await client.post(
        page.url.path,
        data={"csrf": csrf_of(asked), "etag": hidden(asked, "etag"), "confirm": "yes", "action": "delete"},
    )

    assert asked.status_code == 200
    assert "<h1>Delete “Hello”?</h1>" in asked.text
    assert still_there.status_code == 200
    assert deleted.status_code == 303 and deleted.headers["location"] == "/admin?done=deleted"
    assert (await client.get(page.url.path)).status_code == 404


async def test_unpublish_takes_the_article_off_the_delivery_api(client, signed_in):
    page = await client.get(await new_article(client))
    await client.post(page.url.path, data=form_of(page, action="publish"))
    page = await client.get(page.url.path)

    unpublished = await client.post(page.url.path, data=form_of(page, action="unpublish"))

    assert unpublished.status_code == 303
    assert (await client.get("/api/v1/articles/hello")).status_code == 404


async def test_an_article_whose_slug_starts_with_edit_links_to_its_own_pages(client, signed_in):
    page = await client.get(await new_article(client, title="Editorial", slug="editorial"))

    assert page.url.path == "/admin/articles/editorial/edit"
    assert '<a href="/admin/articles/editorial/revisions">Revisions</a>' in page.text
    assert 'formaction="/admin/articles/editorial/upload"' in page.text
    assert 'data-preview-url="/admin/articles/editorial/preview"' in page.text
    assert (await client.get("/admin/articles/editorial/revisions")).status_code == 200


async def test_the_restore_link_of_an_article_in_another_locale_restores_that_locale(client, signed_in, editor):
    await client.post("/api/v1/articles", json={"title": "Hello"}, headers=editor)
    await client.post("/api/v1/articles?locale=de", json={"title": "Hallo", "slug": "hello"}, headers=editor)
    page = await client.get("/admin/articles/hello/edit?locale=de")
    await client.post("/admin/articles/hello/edit?locale=de", data=form_of(page, title="Servus", action="save"))
    revisions = await client.get("/admin/articles/hello/revisions?locale=de")

    restored = await client.post(
        "/admin/articles/hello/revisions/1/restore?locale=de",
        data={"csrf": csrf_of(revisions), "etag": hidden(revisions, "etag")},
    )

    assert '<form method="post" action="/admin/articles/hello/revisions/1/restore?locale=de">' in revisions.text
    assert restored.status_code == 303
    assert restored.headers["location"] == "/admin/articles/hello/edit?locale=de&done=restored"
    german = await client.get("/api/v1/articles/hello?locale=de&preview=true", headers=editor)
    english = await client.get("/api/v1/articles/hello?preview=true", headers=editor)
    assert (german.json()["title"], german.json()["version"]) == ("Hallo", 3)
    assert (english.json()["title"], english.json()["version"]) == ("Hello", 1)
