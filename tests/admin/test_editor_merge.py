"""Two people editing one article on the editor's page: a Save from an older version is merged with what the other
saved meanwhile; where both changed the same unit, the page shows each such unit with a choice, and saves nothing
until the person chose."""

import html
import re
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
from starlette.applications import Starlette

from tests.admin.conftest import PASSWORD, csrf_of
from tests.admin.page_form import form_dict
from tests.admin.test_editor import BODY, new_article, text_field

Form = dict[str, str]


@pytest.fixture
async def other(
    app: Starlette, client: httpx.AsyncClient, person: Callable[..., Awaitable[str]]
) -> AsyncIterator[httpx.AsyncClient]:
    """A second editor, Ann, signed in in another browser (her own cookies) on the same app."""
    email = await person("editor", "ann@example.org")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as browser:
        form = await browser.get("/admin/sign-in")
        signed = await browser.post(
            "/admin/sign-in", data={"csrf": csrf_of(form), "email": email, "password": PASSWORD}
        )
        assert signed.status_code == 303, signed.text
        yield browser


async def opened(browser: httpx.AsyncClient, url: str) -> tuple[httpx.Response, Form]:
    page = await browser.get(url)
    assert page.status_code == 200, page.text
    return page, form_dict(page)


async def draft_of(client: httpx.AsyncClient, editor: dict[str, str]) -> dict:
    answer = await client.get("/api/v1/articles/hello?preview=true", headers=editor)
    return answer.json()


def texts(draft: dict) -> list[str]:
    return [block["spans"][0]["text"] for section in draft["sections"] for block in section["blocks"]]


async def test_two_people_changing_different_blocks_both_save_and_the_second_is_told_of_the_merge(
    client, signed_in, other, editor
):
    url = await new_article(client)
    mine_page, mine = await opened(client, url)
    theirs_page, theirs = await opened(other, url)
    first = text_field(theirs_page, 0)
    second = text_field(mine_page, 1)

    saved_first = await other.post(url, data=theirs | {first: "Ann's intro.", "action": "save"})
    saved_second = await client.post(url, data=mine | {second: "Mine: because it helps.", "action": "save"})
    shown = await client.get(saved_second.headers["location"])

    assert (saved_first.status_code, saved_second.status_code) == (303, 303)
    assert (
        '<div role="status" class="notice" id="merged">Your changes were merged with the changes ann@example.org'
        " saved meanwhile: the draft below has both.</div>" in shown.text
    )
    draft = await draft_of(client, editor)
    assert texts(draft) == ["Ann's intro.", "Mine: because it helps."]
    assert draft["version"] == 3


async def both_change_the_title(client, other, url: str) -> tuple[httpx.Response, Form]:
    _, mine = await opened(client, url)
    _, theirs = await opened(other, url)
    assert (await other.post(url, data=theirs | {"title": "Their title", "action": "save"})).status_code == 303
    return await client.post(url, data=mine | {"title": "My title", "action": "save"}), mine


async def test_the_same_unit_changed_by_both_is_shown_with_both_values_and_nothing_is_saved(
    client, signed_in, other, editor
):
    url = await new_article(client)

    conflict, _ = await both_change_the_title(client, other, url)

    assert conflict.status_code == 409
    text = html.unescape(conflict.text)
    assert "ann@example.org saved this article after you opened it" in text
    assert "<legend>Title</legend>" in text
    assert (
        '<h3>Their version</h3><p class="change-text"><del><span class="visually-hidden">[removed: </span>Their' in text
    )
    assert '<h3>Your version</h3><p class="change-text"><ins><span class="visually-hidden">[added: </span>My' in text
    assert '<input type="radio" form="editor" name="choice:title" value="mine" checked> Keep mine' in text
    assert '<input type="radio" form="editor" name="choice:title" value="theirs"> Take theirs' in text
    assert '<input id="title" name="title" value="My title"' in text
    assert (await draft_of(client, editor))["title"] == "Their title"
    assert (await draft_of(client, editor))["version"] == 2


async def test_keep_mine_saves_my_value_of_that_unit_and_keeps_theirs_elsewhere(client, signed_in, other, editor):
    url = await new_article(client)
    mine_page, mine = await opened(client, url)
    _, theirs = await opened(other, url)
    first = text_field(mine_page, 0)
    await other.post(url, data=theirs | {"title": "Their title", first: "Ann's intro.", "action": "save"})
    conflict = await client.post(url, data=mine | {"title": "My title", "action": "save"})

    resolved = await client.post(url, data=form_dict(conflict) | {"choice:title": "mine", "action": "resolve"})

    assert resolved.status_code == 200
    draft = await draft_of(client, editor)
    assert (draft["title"], texts(draft)[0], draft["version"]) == ("My title", "Ann's intro.", 3)


async def test_take_theirs_saves_their_value_keeps_my_other_changes_and_still_shows_my_text(
    client, signed_in, other, editor
):
    url = await new_article(client)
    mine_page, mine = await opened(client, url)
    _, theirs = await opened(other, url)
    second = text_field(mine_page, 1)
    await other.post(url, data=theirs | {"title": "Their title", "action": "save"})
    conflict = await client.post(url, data=mine | {"title": "My title", second: "Mine too.", "action": "save"})

    resolved = await client.post(
        url,
        data=form_dict(conflict)
        | {"choice:title": "theirs", "label:title": "Title", "mine:title": "My title", "action": "resolve"},
    )

    assert resolved.status_code == 200
    assert '<h2 id="replaced-heading">Your text that was not saved</h2>' in resolved.text
    assert '<h3>Title</h3><p class="change-text">My title</p>' in resolved.text
    draft = await draft_of(client, editor)
    assert (draft["title"], texts(draft)[1], draft["version"]) == ("Their title", "Mine too.", 3)


async def test_keep_mine_on_a_section_they_deleted_and_i_edited_saves_the_section_back(
    client, signed_in, other, editor
):
    url = await new_article(client)
    mine_page, mine = await opened(client, url)
    theirs_page, theirs = await opened(other, url)
    why = re.findall(r'name="action" value="(delete-section:[^"]+)"', theirs_page.text)[1]
    deleted = await other.post(url, data=theirs | {"action": why})
    await other.post(url, data=form_dict(deleted) | {"action": "save"})
    conflict = await client.post(url, data=mine | {text_field(mine_page, 1): "Mine: because.", "action": "save"})
    keep_mine = dict.fromkeys(re.findall(r'name="(choice:[^"]+)"', conflict.text), "mine")

    resolved = await client.post(url, data=form_dict(conflict) | keep_mine | {"action": "resolve"})

    assert resolved.status_code == 200
    assert "choice:" not in resolved.text
    draft = await draft_of(client, editor)
    assert ([s["heading"] for s in draft["sections"]], texts(draft)) == (
        [None, "Why"],
        ["Intro paragraph.", "Mine: because."],
    )


async def test_publish_from_an_older_version_merges_then_publishes(client, signed_in, other, editor):
    url = await new_article(client)
    mine_page, mine = await opened(client, url)
    _, theirs = await opened(other, url)
    await other.post(url, data=theirs | {"title": "Their title", "action": "save"})

    published = await client.post(url, data=mine | {text_field(mine_page, 1): "Mine.", "action": "publish"})

    assert published.status_code == 303
    delivered = await client.get("/api/v1/articles/hello")
    assert (delivered.json()["title"], texts(delivered.json())[1]) == ("Their title", "Mine.")


async def test_a_save_naming_a_version_the_article_never_had_is_refused_and_changes_nothing(client, signed_in, editor):
    url = await new_article(client)
    _, mine = await opened(client, url)
    uid = mine["etag"].rpartition(".")[0]

    answer = await client.post(url, data=mine | {"etag": f"{uid}.7", "title": "Mine", "action": "save"})

    assert answer.status_code == 409
    assert "the version it names is not one to merge with: nothing was saved or changed" in answer.text
    assert '<input id="title" name="title" value="Mine"' in answer.text
    assert (await draft_of(client, editor))["version"] == 1


async def test_unpublish_from_a_page_that_never_showed_their_save_changes_nothing(client, signed_in, other, editor):
    url = await new_article(client)
    _, mine = await opened(client, url)
    await client.post(url, data=mine | {"action": "publish"})
    _, mine = await opened(client, url)
    _, theirs = await opened(other, url)
    await other.post(url, data=theirs | {"title": "Their title", "action": "save"})

    answer = await client.post(url, data=mine | {"action": "unpublish"})

    assert answer.status_code == 409
    assert (await client.get("/api/v1/articles/hello")).status_code == 200
    assert (await draft_of(client, editor))["version"] == 2


async def test_a_save_with_nothing_typed_from_an_older_version_makes_no_version(client, signed_in, other, editor):
    url = await new_article(client)
    _, mine = await opened(client, url)
    _, theirs = await opened(other, url)
    await other.post(url, data=theirs | {"title": "Their title", "action": "save"})

    answer = await client.post(url, data=mine | {"action": "save"})

    assert answer.headers["location"] == f"{url}?done=unchanged"
    assert (await draft_of(client, editor))["version"] == 2


async def test_choices_made_earlier_are_kept_when_they_bring_out_another_conflict(client, signed_in, other, editor):
    url = await new_article(client, body=BODY + "\n## End\n\nThe end.\n")
    mine_page, mine = await opened(client, url)
    theirs_page, theirs = await opened(other, url)
    intro, why, end = (mine[name.replace(".anchor", ".id")] for name in mine if name.endswith(".anchor"))
    anchor_of = {section: name for name in mine if name.endswith(".anchor") for section in [mine[name[:-6] + "id"]]}
    delete_why = re.findall(r'name="action" value="(delete-section:[^"]+)"', theirs_page.text)[1]
    deleted = await other.post(url, data=theirs | {anchor_of[end]: "a", "action": delete_why})
    await other.post(url, data=form_dict(deleted) | {"action": "save"})
    first = await client.post(
        url, data=mine | {anchor_of[intro]: "a", text_field(mine_page, 1): "Mine: because.", "action": "save"}
    )
    keep_why = dict.fromkeys(re.findall(r'name="(choice:[^"]+)" value="mine"', first.text), "mine")
    assert [path for path in keep_why if not path.startswith(f"choice:sections/{why}")] == []

    second = await client.post(url, data=form_dict(first) | keep_why | {"action": "resolve"})
    clash = sorted(set(re.findall(r'type="radio" form="editor" name="(choice:[^"]+)"', second.text)))
    assert (second.status_code, clash) == (409, [f"choice:sections/{end}/anchor"])
    assert f"Your {len(keep_why)} earlier choices are kept and saved with these." in second.text
    resolved = await client.post(url, data=form_dict(second) | {clash[0]: "theirs", "action": "resolve"})

    assert resolved.status_code == 200, (
        {k: v for k, v in form_dict(second).items() if "choice" in k},
        "earlier" in second.text,
    )
    draft = await draft_of(client, editor)
    assert [(s["anchor"], texts({"sections": [s]})) for s in draft["sections"]] == [
        ("intro", ["Intro paragraph."]), ("why", ["Mine: because."]), ("a", ["The end."]),
    ]  # fmt: skip


async def test_a_merge_that_breaks_a_limit_says_which_and_offers_no_choice(client, signed_in, other, editor):
    sections = [{"heading": f"Part {n}", "blocks": []} for n in range(199)]  # one short of the 200 allowed
    created = await client.post("/api/v1/articles", json={"title": "Hello", "sections": sections}, headers=editor)
    assert created.status_code == 201, created.text
    url = "/admin/articles/hello/edit"
    added = {}
    for browser, heading in ((other, "Theirs"), (client, "Mine")):  # each adds a section: 200 each, 201 together
        _, form = await opened(browser, url)
        added[heading] = form_dict(await browser.post(url, data=form | {"action": "add-section"}))
    saved = {}
    for browser, heading in ((other, "Theirs"), (client, "Mine")):
        new = [name for name in added[heading] if name.endswith(".heading")][-1]
        saved[heading] = await browser.post(url, data=added[heading] | {new: heading, "action": "save"})
    refused = saved["Mine"]

    assert (saved["Theirs"].status_code, refused.status_code) == (303, 409)
    assert (
        "<legend>The article as merged</legend> <p>Your version and theirs are each fine, but together they break a"
        " limit (sections: List should have at most 200 items after validation, not 201), and no choice settles that."
        " Change your text below, removing some of what you added, then save.</p>" in " ".join(refused.text.split())
    )
    assert ("choice:" in refused.text, 'value="resolve" id="resolve">Save</button>' in refused.text) == (False, True)
    assert (await draft_of(client, editor))["version"] == 2
