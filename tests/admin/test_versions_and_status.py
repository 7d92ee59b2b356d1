"""What the page says about versions: the Revisions by block, which version a schedule publishes, "Published, with
unpublished changes" in the Articles table, and the icon every page links to."""

import io
import re
from typing import Any

import httpx
from PIL import Image

INTRO = {"id": "intro", "anchor": "intro", "heading": None, "blocks": [
    {"id": "p1", "type": "paragraph", "spans": "A big dog barks."},
    {"id": "c1", "type": "callout", "tone": "tip", "spans": "Drink water."},
]}  # fmt: skip
WHY = {"id": "why", "anchor": "why", "heading": "Why", "blocks": [{"id": "q1", "type": "quote", "spans": "To be."}]}
TABLE = {"id": "t1", "type": "table", "rows": [["Dose", "Effect"], ["low", "mild"]], "header_row": True}


async def create(client: httpx.AsyncClient, editor: dict[str, str], **fields: Any) -> dict[str, Any]:
    created = await client.post("/api/v1/articles", json={"title": "Doses", **fields}, headers=editor)
    assert created.status_code == 201, created.text
    return dict(created.json())


async def edit(client: httpx.AsyncClient, editor: dict[str, str], **fields: Any) -> None:
    saved = await client.patch("/api/v1/articles/doses", json=fields, headers=editor | {"If-Match": "*"})
    assert saved.status_code == 200, saved.text


def visible(html: str) -> str:
    """The text a person reads: tags and the words said only to screen readers left out, spaces collapsed."""
    html = re.sub(r'<span class="visually-hidden">.*?</span>', "", html)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def version_item(page: httpx.Response, version: int) -> str:
    found = re.search(rf"<li>\s*<h2>Version {version}\b.*?</li>\s*(?=<li>\s*<h2>|</ol>)", page.text, re.S)
    assert found, page.text
    return found.group(0)


async def test_revisions_name_each_changed_block_by_its_type_with_the_changed_words(client, signed_in, editor):
    await create(client, editor, sections=[INTRO, WHY])
    intro = {**INTRO, "blocks": [{**INTRO["blocks"][0], "spans": "A small dog barks."}, INTRO["blocks"][1]]}
    await edit(client, editor, sections=[intro, {**WHY, "blocks": [*WHY["blocks"], TABLE]}])

    page = await client.get("/admin/articles/doses/revisions")

    assert page.status_code == 200
    first = version_item(page, 1)
    assert "<summary>Changes from version 1 to the current draft (2)</summary>" in first
    assert re.findall(r"<h3>(.*?)</h3>", first) == [
        'Paragraph changed <span class="where">in “Introduction”</span>',
        'Table added <span class="where">in “Why”</span>',
    ]
    assert (
        '<p class="change-text">A <del><span class="visually-hidden">[removed: </span>big'
        '<span class="visually-hidden">]</span></del><ins><span class="visually-hidden">[added: </span>small'
        '<span class="visually-hidden">]</span></ins> dog barks.</p>'
    ) in first
    assert visible(first).endswith("Table added in “Why” Dose | Effect low | mild Header row: yes Restore")


async def test_revisions_name_a_moved_block_a_changed_tone_and_a_removed_section(client, signed_in, editor):
    await create(client, editor, sections=[INTRO, WHY])
    callout = {**INTRO["blocks"][1], "tone": "warning"}
    await edit(client, editor, sections=[{**INTRO, "blocks": [callout, INTRO["blocks"][0]]}])

    page = await client.get("/admin/articles/doses/revisions")

    headings = [visible(heading) for heading in re.findall(r"<h3>(.*?)</h3>", version_item(page, 1))]
    assert headings == [
        "Callout moved and changed in “Introduction”",
        "Section removed: “Why”",
        "Quote removed in “Why”",
    ]


async def test_a_field_change_is_named_by_the_field(client, signed_in, editor):
    await create(client, editor, sections=[INTRO])
    await edit(client, editor, title="Doses and effects", tags=["dosing"])

    page = await client.get("/admin/articles/doses/revisions")

    changes = re.findall(r'<li class="change [^"]+">(.*?)</li>', version_item(page, 1), re.S)
    assert [visible(change) for change in changes] == ["Title changed Doses and effects", "Tags changed dosing"]


async def test_a_version_that_reads_as_the_current_draft_says_so(client, signed_in, editor):
    await create(client, editor, sections=[INTRO])
    await edit(client, editor, title="Other")
    await edit(client, editor, title="Doses")

    page = await client.get("/admin/articles/doses/revisions")

    assert "<summary>Changes from version 1 to the current draft (0)</summary>" in version_item(page, 1)
    assert "<p>No differences: version 1 is the same as the current draft.</p>" in version_item(page, 1)
    assert "<summary>" not in version_item(page, 3)  # the current draft itself


async def test_the_editor_says_which_version_a_schedule_publishes(client, signed_in, editor):
    await create(client, editor, sections=[INTRO])
    scheduled = await client.post("/api/v1/articles/doses/publish", json={"at": "2999-01-31T09:00:00Z"}, headers=editor)

    page = await client.get("/admin/articles/doses/edit")

    assert scheduled.status_code == 200, scheduled.text
    assert (
        '<p class="meta" id="schedule-note">Scheduled for 2999-01-31 09:00 UTC: publishes version 1, the current'
        " draft.</p>"
    ) in page.text


async def test_the_editor_says_when_the_draft_changed_since_it_was_scheduled(client, signed_in, editor):
    await create(client, editor, sections=[INTRO])
    await client.post("/api/v1/articles/doses/publish", json={"at": "2999-01-31T09:00:00Z"}, headers=editor)
    await edit(client, editor, title="Doses, revised")

    page = await client.get("/admin/articles/doses/edit")

    note = re.search(r'<p class="meta" id="schedule-note">(.*?)</p>', page.text)
    assert note and note.group(1) == (
        "Scheduled for 2999-01-31 09:00 UTC: publishes version 1; the draft has changed since (it is version 2 now)."
        " Schedule again to publish the current draft instead."
    )


async def test_an_article_without_a_schedule_says_nothing_of_one(client, signed_in, editor):
    await create(client, editor, sections=[INTRO])

    page = await client.get("/admin/articles/doses/edit")

    assert 'id="schedule-note"' not in page.text
    assert "Scheduled for" not in page.text


async def test_articles_say_published_with_unpublished_changes_when_the_draft_is_newer(client, signed_in, editor):
    await create(client, editor, sections=[INTRO])
    await client.post("/api/v1/articles/doses/publish", headers=editor)
    before = await client.get("/admin")
    await edit(client, editor, title="Doses, revised")

    after = await client.get("/admin")
    page = await client.get("/admin/articles/doses/edit")

    assert "<td>Published</td>" in before.text
    assert "<td>Published, with unpublished changes</td>" in after.text
    assert "<td>Published</td>" not in after.text
    assert '<p class="meta">Status: Published, with unpublished changes · version 2 · published ' in page.text


async def test_publishing_the_changes_makes_the_article_plainly_published_again(client, signed_in, editor):
    await create(client, editor, sections=[INTRO])
    await client.post("/api/v1/articles/doses/publish", headers=editor)
    await edit(client, editor, title="Doses, revised")

    await client.post("/api/v1/articles/doses/publish", headers=editor)
    listing = await client.get("/admin")

    assert "<td>Published</td>" in listing.text
    assert "unpublished changes" not in listing.text


async def test_favicon_is_an_icon_cached_for_a_week_and_revalidated_with_its_etag(client):
    icon = await client.get("/favicon.ico")
    again = await client.get("/favicon.ico", headers={"If-None-Match": icon.headers["etag"]})

    assert icon.status_code == 200
    assert icon.headers["content-type"] == "image/vnd.microsoft.icon"
    assert icon.headers["cache-control"] == "public, max-age=604800"
    with Image.open(io.BytesIO(icon.content)) as image:
        assert (image.format, sorted(image.info["sizes"])) == ("ICO", [(16, 16), (32, 32), (48, 48)])
    assert again.status_code == 304
    assert again.content == b""


async def test_every_admin_page_links_the_icon_and_the_api_document_leaves_it_out(client):
    sign_in_page = await client.get("/admin/sign-in")
    document = await client.get("/openapi.json")

    assert '<link rel="icon" href="/favicon.ico" sizes="any">' in sign_in_page.text
    assert "/favicon.ico" not in document.json()["paths"]
