"""The Users page (admins only): a new password for a person, shown once; disable and enable."""

import re

from cms.services import users
from tests.admin.conftest import PASSWORD, csrf_of


async def admin_page(client, person, sign_in):
    await sign_in(await person("admin"))
    return await client.get("/admin/users")


async def test_a_new_password_is_shown_once_and_signs_the_person_in(client, person, sign_in):
    ed = await person("editor", "ed@example.org")
    page = await admin_page(client, person, sign_in)

    answer = await client.post("/admin/users/password", data={"csrf": csrf_of(page), "email": ed})

    assert answer.status_code == 200
    shown = re.search(
        r"<p>New password for ed@example.org, shown this once \(their sessions have ended\):</p>\s*"
        r'<p><code id="password">([^<]+)</code></p>',
        answer.text,
    )
    assert shown, answer.text
    assert await users.authenticate(ed, PASSWORD) is None
    assert (await users.authenticate(ed, shown.group(1))).email == ed


async def test_disable_then_enable_lets_the_person_sign_in_again(client, person, sign_in):
    ed = await person("editor", "ed@example.org")
    page = await admin_page(client, person, sign_in)

    disabled = await client.post("/admin/users/disable", data={"csrf": csrf_of(page), "email": ed})
    between = await client.get("/admin/users")
    enabled = await client.post("/admin/users/enable", data={"csrf": csrf_of(page), "email": ed})
    after = await client.get("/admin/users")

    assert (disabled.status_code, enabled.status_code) == (303, 303)
    assert "<td>ed@example.org</td><td>editor</td><td>disabled</td>" in between.text
    assert 'Enable<span class="visually-hidden"> ed@example.org</span>' in between.text
    assert "<td>ed@example.org</td><td>editor</td><td>active</td>" in after.text
    assert (await users.authenticate(ed, PASSWORD)).email == ed


async def test_a_new_password_or_enable_for_nobody_answers_404_and_says_so(client, person, sign_in):
    page = await admin_page(client, person, sign_in)

    for action in ("password", "enable"):
        answer = await client.post(f"/admin/users/{action}", data={"csrf": csrf_of(page), "email": "no@example.org"})

        assert answer.status_code == 404
        assert "no user has email &#39;no@example.org&#39;: see &#39;cms user list&#39;" in answer.text


async def test_an_editor_cannot_give_a_new_password_or_enable(client, person, signed_in):
    admin = await person("admin", "ada@example.org")
    page = await client.get("/admin")  # the articles, for the CSRF token of the session

    for action in ("password", "enable"):
        answer = await client.post(f"/admin/users/{action}", data={"csrf": csrf_of(page), "email": admin})

        assert answer.status_code == 403, answer.text
        assert "editor@example.org has the editor role: this page is for admins" in answer.text
    assert (await users.authenticate(admin, PASSWORD)).email == admin
