"""The Webhooks page (admins): create with the secret shown once, enable, disable, delete, deliveries, Redeliver.

The receiver is a real Starlette app reached through httpx.ASGITransport; `deliver_due(now)` sends what is due.
"""

import asyncio
import re
from datetime import UTC, datetime

import httpx
import pytest

from cms.config import Settings
from cms.web.app import create_app
from tests.admin.conftest import csrf_of
from tests.webhooks import Receiver

PUBLIC_URL = "http://93.184.215.14/hook"  # a public address; the ASGI transport never connects to it


@pytest.fixture
def receiver():
    return Receiver()


@pytest.fixture
def app(database_url, tmp_path, receiver):
    async def resolve(host, port):
        return [host]

    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=receiver.app))
    settings = Settings(database_url=database_url, media_dir=str(tmp_path / "media"))
    return create_app(settings, webhook_client=client, webhook_resolve=resolve)


@pytest.fixture
async def admin_page(client, person, sign_in):
    """An admin signed in on `client`; returns the Webhooks page (for its CSRF token)."""
    await sign_in(await person("admin"))
    return await client.get("/admin/webhooks")


@pytest.fixture
async def admin(token):
    return {"Authorization": f"Bearer {await token('admin')}"}


async def _create(client, page, url=PUBLIC_URL, events=("article.updated",)):
    return await client.post("/admin/webhooks", data={"csrf": csrf_of(page), "url": url, "event": list(events)})


async def test_creating_a_webhook_shows_its_secret_once_and_lists_it(client, admin_page, admin):
    created = await _create(client, admin_page, events=("article.published", "article.deleted"))
    listed = await client.get("/admin/webhooks")
    api = await client.get("/api/v1/webhooks", headers=admin)

    assert created.status_code == 201
    assert re.search(r'<code id="secret">whsec_[A-Za-z0-9+/=]{44}</code>', created.text)
    (item,) = api.json()["items"]
    assert (item["url"], item["events"], item["enabled"]) == (
        PUBLIC_URL,
        ["article.deleted", "article.published"],
        True,
    )
    row = f"<td>{PUBLIC_URL}</td><td>article.deleted, article.published</td><td>enabled</td>"
    assert row in listed.text
    assert "whsec_" not in listed.text


async def test_a_private_address_is_refused_with_an_alert_and_nothing_is_created(client, admin_page, admin):
    refused = await _create(client, admin_page, url="http://127.0.0.1/hook")
    api = await client.get("/api/v1/webhooks", headers=admin)

    assert refused.status_code == 422
    assert '<div role="alert" class="alert">Not created: url: the host of ' in refused.text
    assert 'value="http://127.0.0.1/hook"' in refused.text
    assert api.json() == {"items": []}


async def test_no_event_chosen_is_refused_with_an_alert(client, admin_page, admin):
    refused = await _create(client, admin_page, events=())

    assert refused.status_code == 422
    assert "Not created: events: choose at least one event to send." in refused.text
    assert (await client.get("/api/v1/webhooks", headers=admin)).json() == {"items": []}


async def test_disable_then_enable_changes_the_subscription(client, admin_page, admin):
    await _create(client, admin_page)
    uid = (await client.get("/api/v1/webhooks", headers=admin)).json()["items"][0]["id"]

    disabled = await client.post(f"/admin/webhooks/{uid}/disable", data={"csrf": csrf_of(admin_page)})
    after_disable = (await client.get("/api/v1/webhooks", headers=admin)).json()["items"][0]["enabled"]
    enabled = await client.post(f"/admin/webhooks/{uid}/enable", data={"csrf": csrf_of(admin_page)})
    after_enable = (await client.get("/api/v1/webhooks", headers=admin)).json()["items"][0]["enabled"]

    assert (disabled.status_code, disabled.headers["location"]) == (303, "/admin/webhooks?done=disabled")
    assert (enabled.status_code, enabled.headers["location"]) == (303, "/admin/webhooks?done=enabled")
    assert (after_disable, after_enable) == (False, True)


async def test_delete_removes_the_subscription(client, admin_page, admin):
    await _create(client, admin_page)
    uid = (await client.get("/api/v1/webhooks", headers=admin)).json()["items"][0]["id"]

    deleted = await client.post(f"/admin/webhooks/{uid}/delete", data={"csrf": csrf_of(admin_page)})

    assert (deleted.status_code, deleted.headers["location"]) == (303, "/admin/webhooks?done=deleted")
    assert (await client.get("/api/v1/webhooks", headers=admin)).json() == {"items": []}


async def test_an_unknown_webhook_answers_404_on_its_pages(client, admin_page):
    unknown = "f" * 32

    deliveries = await client.get(f"/admin/webhooks/{unknown}")
    disabled = await client.post(f"/admin/webhooks/{unknown}/disable", data={"csrf": csrf_of(admin_page)})

    assert (deliveries.status_code, disabled.status_code) == (404, 404)
    assert f"no webhook has id &#39;{unknown}&#39;" in deliveries.text


async def _attempted(app, client, admin, uid, attempts):
    """The subscription's latest delivery once it has `attempts` attempts (sent here or by the app's dispatcher)."""
    for _ in range(100):
        await app.starlette.state.webhook_dispatcher.deliver_due(datetime.now(UTC))
        listed = (await client.get(f"/api/v1/webhooks/{uid}/deliveries", headers=admin)).json()["items"]
        if listed and len(listed[0]["attempts"]) == attempts:
            return listed[0]
        await asyncio.sleep(0.02)
    raise AssertionError(f"no delivery with {attempts} attempts: {listed}")


async def test_the_deliveries_page_shows_each_attempt_and_redeliver_sends_again(
    app, client, admin_page, admin, editor, receiver
):
    await _create(client, admin_page)
    uid = (await client.get("/api/v1/webhooks", headers=admin)).json()["items"][0]["id"]
    receiver.answer(500)
    await client.post("/api/v1/articles", json={"title": "Hooked", "sections": []}, headers=editor)
    delivery = await _attempted(app, client, admin, uid, 1)
    page = await client.get(f"/admin/webhooks/{uid}")

    again = await client.post(
        f"/admin/webhooks/{uid}/deliveries/{delivery['id']}/redeliver", data={"csrf": csrf_of(page)}
    )
    await _attempted(app, client, admin, uid, 2)
    after = await client.get(again.headers["location"])

    assert page.status_code == 200
    assert "<h1>Deliveries to http://93.184.215.14/hook</h1>" in page.text
    assert f"<td>article.updated<br><code>{delivery['event_id']}</code></td>" in page.text
    assert re.search(r"UTC</time>: HTTP 500 in \d+ ms</li>", page.text)
    assert (again.status_code, again.headers["location"]) == (303, f"/admin/webhooks/{uid}?done=redelivered")
    assert "Queued again: it is sent at once (after an attempt under way), with the same webhook-id." in after.text
    assert re.search(r"HTTP 500 in \d+ ms</li><li>.*HTTP 204 in \d+ ms</li>", after.text)
    assert [r.headers["webhook-id"] for r in receiver.received] == [delivery["event_id"]] * 2
