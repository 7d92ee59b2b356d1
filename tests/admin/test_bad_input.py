"""Hostile input to the page's forms and paths: an error shown on the page or a problem+json, never a 500; generated
editor forms (any fields, actions, stale or not) included."""

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.admin.conftest import csrf_of
from tests.admin.test_editor import form_of, new_article


async def test_a_sign_in_with_a_nul_in_the_email_is_a_wrong_sign_in(client, sign_in):
    answer = await sign_in("ed\x00@example.org", "whatever password")

    assert answer.status_code == 200
    assert "The email or the password is wrong." in answer.text


async def test_a_json_sign_in_is_refused_for_its_missing_csrf_token(client):
    answer = await client.post("/admin/sign-in", json={"email": "a@example.org", "password": "x"})

    assert answer.status_code == 403
    assert answer.headers["content-type"] == "application/problem+json"


async def test_a_search_with_a_nul_finds_nothing(client, signed_in):
    answer = await client.get("/admin", params={"q": "a\x00b"})

    assert answer.status_code == 200
    assert "No article matches" in answer.text


async def test_a_title_with_a_nul_is_shown_as_an_error_next_to_the_title(client, signed_in):
    page = await client.get(await new_article(client))

    answer = await client.post(page.url.path, data=form_of(page, title="a\x00b", action="save"))

    assert answer.status_code == 422
    assert '<ul class="field-errors" id="title-errors"><li>text must not contain the NUL character' in answer.text


async def test_a_taken_slug_is_shown_next_to_the_slug(client, signed_in):
    await new_article(client, title="First", slug="taken")
    page = await client.get(await new_article(client, title="Second"))

    answer = await client.post(page.url.path, data=form_of(page, slug="taken", action="save"))

    assert answer.status_code == 422
    assert '<ul class="field-errors" id="slug-errors"><li>slug &#39;taken&#39; is already taken' in answer.text


async def test_unknown_articles_and_revisions_are_404_pages(client, signed_in):
    await new_article(client)
    page = await client.get("/admin")

    for path in ("/admin/articles/Not%20A%20Slug/edit", "/admin/articles/nope/edit", "/admin/articles/nope/revisions"):
        assert (path, (await client.get(path)).status_code) == (path, 404)
    for version in ("abc", "0", "99999999999999999999"):
        restore = await client.post(f"/admin/articles/hello/revisions/{version}/restore", data={"csrf": csrf_of(page)})
        assert (version, restore.status_code) == (version, 404)


async def test_admin_forms_with_bad_values_show_the_error(client, person, sign_in):
    await sign_in(await person("admin"))
    page = await client.get("/admin/users")
    csrf = csrf_of(page)

    bad_email = await client.post("/admin/users", data={"csrf": csrf, "email": "x\x00@example.org", "role": "editor"})
    bad_role = await client.post("/admin/users", data={"csrf": csrf, "email": "x@example.org", "role": "boss"})
    unknown = await client.post("/admin/users/disable", data={"csrf": csrf, "email": "nobody\x00@example.org"})
    no_scope = await client.post("/admin/tokens", data={"csrf": csrf, "name": "site"})
    revoke = await client.post("/admin/tokens/" + "f" * 32 + "/revoke", data={"csrf": csrf})

    assert bad_email.status_code == 422 and "is not valid: use an address such as" in bad_email.text
    assert bad_role.status_code == 422 and "role &#39;boss&#39; is not valid" in bad_role.text
    assert unknown.status_code == 404
    assert no_scope.status_code == 422
    assert revoke.status_code == 404


HOSTILE_NUMBERS = ("0" * 10_000 + "1x", "9" * 5_000, "-1", "1x")


async def test_hostile_numbers_in_page_paths_and_cursors_are_error_pages(client, signed_in):
    await new_article(client)
    page = await client.get("/admin")

    for value in HOSTILE_NUMBERS:
        restore = await client.post(f"/admin/articles/hello/revisions/{value}/restore", data={"csrf": csrf_of(page)})
        history = await client.get("/admin/articles/hello/revisions", params={"cursor": value})
        assert (restore.status_code, history.status_code) == (404, 400)
        assert "is not a version number: use 1, 2, …" in restore.text
        assert "is not one this page made" in history.text


async def test_hostile_ids_and_cursors_on_the_webhook_and_token_pages_are_error_pages(client, person, sign_in):
    await sign_in(await person("admin"))
    csrf = csrf_of(await client.get("/admin/webhooks"))
    some_id = "0123456789abcdef" * 2

    for value in (*HOSTILE_NUMBERS, "F" * 32, "f" * 33):
        deliveries = await client.get(f"/admin/webhooks/{value}")
        changes = [
            await client.post(f"/admin/webhooks/{value}/{done}", data={"csrf": csrf}) for done in ("enable", "delete")
        ]
        redeliver = await client.post(f"/admin/webhooks/{some_id}/deliveries/{value}/redeliver", data={"csrf": csrf})
        revoke = await client.post(f"/admin/tokens/{value}/revoke", data={"csrf": csrf})
        statuses = [deliveries.status_code, *(change.status_code for change in changes), redeliver.status_code]
        assert (value[:8], statuses, revoke.status_code) == (value[:8], [404] * 4, 404)
        assert "ids are 32 hexadecimal digits" in deliveries.text
    for cursor in HOSTILE_NUMBERS:
        older = await client.get(f"/admin/webhooks/{some_id}", params={"cursor": cursor})
        assert (cursor[:8], older.status_code) == (cursor[:8], 400)


FIELD_NAMES = st.sampled_from(
    ["title", "slug", "layout", "etag", "their_version", "then", "publish_at", "markdown", "paste_into",
     "choice:title", "choice:sections/order", "choice:sections/x/blocks/y", "label:title", "mine:title", "new_kind"]
)  # fmt: skip
ACTIONS = st.sampled_from(
    ["save", "resolve", "publish", "schedule", "unpublish", "delete", "paste", "add-section", "add-block:s1",
     "move-up:b1", "move-down:zz", "delete-section:nope", "delete-block:", "add-block:", "", "nonsense"]
)  # fmt: skip
NUMBERS = itertools.count()
VALUES = st.text(max_size=30) | st.sampled_from(["mine", "theirs", "9" * 40, "-1", "s1=b1,b2 s2=", "=,=", "x.1"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    changes=st.dictionaries(FIELD_NAMES, VALUES, max_size=5), action=st.just("resolve") | ACTIONS, stale=st.booleans()
)
async def test_generated_editor_forms_never_answer_5xx_and_change_nothing_unless_saved(
    client, editor, signed_in, changes, action, stale
):
    url = await new_article(client, title=f"Hello {next(NUMBERS)}")  # each example its own article
    page = await client.get(url)
    api = f"/api/v1/articles/{url.split('/')[3]}?preview=true"
    if stale:  # somebody saved since the page was made: the Save merges, or lists conflicts
        draft = (await client.get(api, headers=editor)).json()
        body = {name: draft[name] for name in ("title", "slug", "sections")} | {"summary": "Theirs."}
        tag = {"If-Match": f'"{draft["id"]}.{draft["version"]}"'}
        assert (await client.put(api.partition("?")[0], json=body, headers=editor | tag)).status_code == 200
    before = (await client.get(api, headers=editor)).content

    answer = await client.post(page.url.path, data=form_of(page, **changes, action=action))

    assert answer.status_code < 500, answer.text
    if answer.status_code >= 400:
        assert (await client.get(api, headers=editor)).content == before
