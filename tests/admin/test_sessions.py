"""Signing in and out of the editor's page: cookies, CSRF, the rate limit, roles."""

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
import orjson
import pytest

from cms.services import sessions, users
from tests.admin.conftest import PASSWORD, csrf_of

PROBLEM = "application/problem+json"


async def test_the_right_password_starts_a_session_with_an_httponly_lax_cookie(client, person, sign_in):
    email = await person("editor")

    answer = await sign_in(email)

    assert answer.status_code == 303
    assert answer.headers["location"] == "/admin"
    cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith("cms_session="))
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert attributes == {"httponly", "path", "samesite"}
    assert "samesite=lax" in cookie.lower() and "path=/admin" in cookie.lower()
    assert (await client.get("/admin")).status_code == 200


async def test_the_session_cookie_is_secure_over_https(app, client, person):
    email = await person("editor")

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://test") as https:
        form = await https.get("/admin/sign-in")
        data = {"csrf": csrf_of(form), "email": email, "password": PASSWORD}
        answer = await https.post("/admin/sign-in", data=data)

    cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith("cms_session="))
    assert "; secure" in cookie.lower()


async def test_a_wrong_password_shows_an_alert_that_does_not_say_which_field_was_wrong(client, person, sign_in):
    email = await person("editor")

    wrong_password = await sign_in(email, "not the password at all")
    unknown_email = await sign_in("nobody@example.org")

    for answer in (wrong_password, unknown_email):
        assert answer.status_code == 200
        assert '<div role="alert" class="alert">The email or the password is wrong.</div>' in answer.text
        assert "cms_session=" not in answer.headers.get("set-cookie", "")


async def test_the_sixth_wrong_password_in_15_minutes_answers_429(client, person, sign_in):
    email = await person("editor")
    for _ in range(5):
        assert (await sign_in(email, "wrong password!")).status_code == 200

    sixth = await sign_in(email, PASSWORD)

    assert sixth.status_code == 429
    assert 890 <= int(sixth.headers["retry-after"]) <= 901
    assert "Too many failed sign-ins for this email: try again in 15 minutes." in sixth.text


async def test_thirty_wrong_passwords_sent_at_once_get_five_checked_and_25_answers_429(client, person):
    email = await person("editor")
    form = await client.get("/admin/sign-in")
    guess = {"csrf": csrf_of(form), "email": email, "password": "wrong password!"}

    answers = await asyncio.gather(*(client.post("/admin/sign-in", data=guess) for _ in range(30)))

    checked = [a for a in answers if a.status_code == 200]
    refused = [a for a in answers if a.status_code == 429]
    assert (len(checked), len(refused)) == (5, 25)
    assert all("The email or the password is wrong." in a.text for a in checked)
    assert all(890 <= int(a.headers["retry-after"]) <= 901 for a in refused)
    assert (await _sign_in_with(client, email, PASSWORD)).status_code == 429


async def _sign_in_with(client, email, password):
    form = await client.get("/admin/sign-in")
    return await client.post("/admin/sign-in", data={"csrf": csrf_of(form), "email": email, "password": password})


async def test_a_right_password_is_not_counted_as_a_failure(client, person):
    email = await person("editor")
    start = datetime.now(UTC)
    await _fail_at(email, start, range(4))
    assert await users.authenticate(email, PASSWORD, now=start + timedelta(minutes=4)) is not None

    fifth = await users.authenticate(email, "wrong password!", now=start + timedelta(minutes=5))

    assert fifth is None
    assert await _retry_after(email, start + timedelta(minutes=6)) == 14 * 60


async def test_the_sign_in_limit_lifts_15_minutes_after_the_fifth_failure(client, person):
    email = await person("editor")
    start = datetime.now(UTC)
    for minute in range(5):
        assert await users.authenticate(email, "wrong password!", now=start + timedelta(minutes=minute)) is None

    later = await users.authenticate(email, PASSWORD, now=start + timedelta(minutes=19, seconds=1))

    assert later is not None and later.email == email


async def _fail_at(email, start, minutes):
    for minute in minutes:
        assert await users.authenticate(email, "wrong password!", now=start + timedelta(minutes=minute)) is None


async def _retry_after(email, at):
    with pytest.raises(users.TooManyFailures) as refused:
        await users.authenticate(email, PASSWORD, now=at)
    return refused.value.retry_after


async def test_five_quick_failures_still_lock_the_email_15_minutes_after_the_first(client, person):
    email = await person("editor")
    start = datetime.now(UTC)
    await _fail_at(email, start, range(5))

    retry_after = await _retry_after(email, start + timedelta(minutes=18))

    assert retry_after == 60


async def test_a_lock_lasts_15_minutes_from_the_fifth_failure_when_the_failures_are_spread_out(client, person):
    email = await person("editor")
    start = datetime.now(UTC)
    await _fail_at(email, start, (0, 3, 6, 9, 13))

    at_14, at_27 = (
        await _retry_after(email, start + timedelta(minutes=14)),
        await _retry_after(email, start + timedelta(minutes=27)),
    )

    assert (at_14, at_27) == (14 * 60, 60)


async def test_a_sign_in_after_exactly_retry_after_seconds_is_accepted(client, person):
    email = await person("editor")
    start = datetime.now(UTC)
    await _fail_at(email, start, (0, 3, 6, 9, 13))
    retry_after = await _retry_after(email, start + timedelta(minutes=14))
    assert await _retry_after(email, start + timedelta(minutes=14, seconds=retry_after - 1)) == 1

    later = await users.authenticate(email, PASSWORD, now=start + timedelta(minutes=14, seconds=retry_after))

    assert later is not None and later.email == email


async def test_the_lock_ends_15_minutes_after_the_fifth_failure_when_the_failures_are_spread_out(client, person):
    email = await person("editor")
    start = datetime.now(UTC)
    await _fail_at(email, start, (0, 3, 6, 9, 13))

    later = await users.authenticate(email, PASSWORD, now=start + timedelta(minutes=28, seconds=1))

    assert later is not None and later.email == email


async def test_another_emails_failure_does_not_shorten_a_lock(client, person):
    email = await person("editor")
    start = datetime.now(UTC)
    await _fail_at(email, start, (0, 3, 6, 9, 13))
    await _fail_at("someone.else@example.org", start, (20,))

    retry_after = await _retry_after(email, start + timedelta(minutes=21))

    assert retry_after == 7 * 60


async def test_a_sign_in_without_its_csrf_token_answers_403(client, person):
    email = await person("editor")
    await client.get("/admin/sign-in")

    answer = await client.post("/admin/sign-in", data={"email": email, "password": PASSWORD})

    assert answer.status_code == 403
    assert answer.headers["content-type"] == PROBLEM
    assert orjson.loads(answer.content)["detail"] == (
        "the form's CSRF token is missing or wrong: reload the page and send the form again"
    )


async def test_every_form_of_the_page_refuses_a_missing_or_wrong_csrf_token(client, signed_in, publish, token):
    article = await publish(title="Guarded")
    routes = [
        "/admin/sign-out",
        "/admin/articles/new",
        f"/admin/articles/{article['slug']}/edit",
        f"/admin/articles/{article['slug']}/revisions/1/restore",
        f"/admin/articles/{article['slug']}/upload",
    ]

    for route in routes:
        for data in ({}, {"csrf": "wrong"}):
            answer = await client.post(route, data={"title": "X", **data})
            assert (route, answer.status_code, answer.headers["content-type"]) == (route, 403, PROBLEM)


async def test_the_admin_forms_refuse_a_wrong_csrf_token(client, person, sign_in):
    await sign_in(await person("admin"))

    hook = "/admin/webhooks/" + "0" * 32
    routes = ["/admin/tokens", "/admin/tokens/" + "0" * 32 + "/revoke", "/admin/users", "/admin/users/disable"]
    routes += ["/admin/users/enable", "/admin/users/password"]
    routes += [
        "/admin/webhooks",
        f"{hook}/enable",
        f"{hook}/disable",
        f"{hook}/delete",
        f"{hook}/deliveries/{'0' * 32}/redeliver",
    ]
    for route in routes:
        answer = await client.post(route, data={"csrf": "wrong"})
        assert (route, answer.status_code) == (route, 403)


async def test_a_signed_out_request_to_any_page_redirects_to_sign_in(client):
    paths = (
        "/admin",
        "/admin/articles/new",
        "/admin/articles/x/edit",
        "/admin/tokens",
        "/admin/users",
        "/admin/webhooks",
    )
    for path in paths:
        answer = await client.get(path)

        assert answer.status_code == 303
        assert answer.headers["location"].startswith("/admin/sign-in?next=%2Fadmin")


async def test_an_editor_cannot_reach_the_admin_pages(client, signed_in):
    for path in ("/admin/tokens", "/admin/users", "/admin/webhooks"):
        answer = await client.get(path)

        assert answer.status_code == 403
        assert "editor@example.org has the editor role: this page is for admins" in answer.text


async def test_an_admin_sees_the_tokens_and_users_pages(client, person, sign_in):
    await sign_in(await person("admin"))

    tokens_page, users_page = await client.get("/admin/tokens"), await client.get("/admin/users")

    assert (tokens_page.status_code, users_page.status_code) == (200, 200)
    assert "<h1>Tokens</h1>" in tokens_page.text
    assert "<td>admin@example.org</td><td>admin</td><td>active</td>" in users_page.text


async def test_sign_out_ends_the_session_on_the_server(client, signed_in):
    page = await client.get("/admin")
    cookie = client.cookies.get("cms_session", path="/admin")

    out = await client.post("/admin/sign-out", data={"csrf": csrf_of(page)})
    client.cookies.set("cms_session", cookie, path="/admin")
    again = await client.get("/admin")

    assert out.status_code == 303 and out.headers["location"] == "/admin/sign-in"
    assert again.status_code == 303


async def test_an_idle_session_expires(client, signed_in):
    secret = client.cookies.get("cms_session", path="/admin")
    now = datetime.now(UTC)

    assert await sessions.find(secret, timedelta(minutes=1), now=now) is not None
    assert await sessions.find(secret, timedelta(minutes=1), now=now + timedelta(minutes=2)) is None
    assert (await client.get("/admin")).status_code == 303


async def test_a_disabled_person_is_signed_out_at_once(client, signed_in):
    await users.disable(signed_in)

    assert (await client.get("/admin")).status_code == 303


async def test_a_new_password_signs_the_person_out_and_only_it_signs_in(client, signed_in, sign_in):
    assert (await client.get("/admin")).status_code == 200

    await users.set_password(signed_in, "a new password after all")

    assert (await client.get("/admin")).status_code == 303
    assert (await sign_in(signed_in)).status_code == 200  # the old password: the form again, with its error
    assert (await sign_in(signed_in, "a new password after all")).status_code == 303


async def test_a_bearer_token_still_works_on_the_api(client, editor):
    answer = await client.post("/api/v1/articles", json={"title": "By token"}, headers=editor)

    assert answer.status_code == 201


async def test_sign_ins_are_counted_by_outcome(client, person, sign_in):
    def count(text: str, outcome: str) -> float:
        line = next((x for x in text.splitlines() if x.startswith(f'cms_sign_ins_total{{outcome="{outcome}"}}')), "")
        return float(line.rsplit(" ", 1)[1]) if line else 0.0

    before = (await client.get("/metrics")).text
    await sign_in(await person("editor"), "wrong password!")
    after = (await client.get("/metrics")).text

    assert count(after, "failure") == count(before, "failure") + 1


async def test_a_new_sign_in_clears_away_sessions_idle_too_long(client, person):
    email = await person("editor")
    user = (await users.everyone())[0]
    start = datetime.now(UTC)
    old_secret, _ = await sessions.start(user, timedelta(minutes=5), now=start - timedelta(minutes=10))

    await sessions.start(user, timedelta(minutes=5), now=start)

    assert await sessions.find(old_secret, timedelta(days=1), now=start) is None
    assert email == user.email


async def test_a_password_hashed_with_older_parameters_is_rehashed_at_sign_in(client, person):
    from argon2 import PasswordHasher

    from cms.storage.models import User

    email = await person("editor")
    await User.filter(email=email).update(password_hash=PasswordHasher(time_cost=1).hash(PASSWORD))

    signed = await users.authenticate(email, PASSWORD)

    stored = (await User.get(email=email)).password_hash
    assert signed is not None
    assert stored.startswith("$argon2id$") and ",t=1," not in stored
