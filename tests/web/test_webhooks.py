"""Webhooks in process: the receiver is a real Starlette app reached through httpx.ASGITransport.

Time is a parameter: `dispatcher.deliver_due(now)` sends what is due at `now`, so retries hours apart take no time.
"""

import asyncio
import base64
import logging
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from asgi_lifespan import LifespanManager
from standardwebhooks import Webhook as Verifier

from cms.config import Settings
from cms.services import webhooks
from cms.services.webhooks import RETRY_SCHEDULE
from cms.storage import events
from cms.web.app import create_app
from tests.webhooks import Receiver, serve_receiver

PUBLIC_URL = "http://93.184.215.14/hook"  # a public address; the ASGI transport never connects to it
DNS = {"hooks.example": ["93.184.215.14"]}


@pytest.fixture
def receiver():
    return Receiver()


@pytest.fixture
def resolved():
    """What the test's resolver answers, per host; literal addresses resolve to themselves."""
    return dict(DNS)


@pytest.fixture
def allow_private():
    return False


@pytest.fixture
def app(database_url, receiver, resolved, allow_private):
    async def resolve(host, port):
        if host in resolved:
            return resolved[host]
        if host.replace(".", "").isdigit() or ":" in host:
            return [host]
        raise OSError(f"{host} does not resolve")

    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=receiver.app))
    settings = Settings(database_url=database_url, webhook_allow_private=allow_private)
    return create_app(settings, webhook_client=client, webhook_resolve=resolve)


@pytest.fixture
async def admin(token):
    return {"Authorization": f"Bearer {await token('admin')}"}


@pytest.fixture
def dispatcher(app):
    return app.starlette.state.webhook_dispatcher


async def _subscribe(client, admin, url=PUBLIC_URL, types=("article.published",)):
    response = await client.post("/api/v1/webhooks", json={"url": url, "events": list(types)}, headers=admin)
    assert response.status_code == 201, response.text
    return response.json()


async def _received(receiver, count, seconds=2.0):
    deadline = asyncio.get_running_loop().time() + seconds
    while len(receiver.received) < count:
        assert asyncio.get_running_loop().time() < deadline, f"{len(receiver.received)} received, not {count}"
        await asyncio.sleep(0.02)
    return receiver.received


async def _answered(receiver, seconds=5.0):
    """Until the receiver's answers of `body_size` bytes have ended."""
    deadline = asyncio.get_running_loop().time() + seconds
    while len(receiver.body_sent) < len(receiver.received):
        assert asyncio.get_running_loop().time() < deadline, "the receiver is still answering"
        await asyncio.sleep(0.02)


async def _deliveries(client, admin, hook):
    response = await client.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=admin)
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def _settled(client, admin, hook, attempts=1):
    """The deliveries, once the newest has had `attempts` attempts."""
    for _ in range(100):
        items = await _deliveries(client, admin, hook)
        if items and len(items[0]["attempts"]) >= attempts:
            return items
        await asyncio.sleep(0.02)
    raise AssertionError(f"not attempted {attempts} times: {items}")


async def test_a_subscription_is_created_with_a_secret_shown_once(client, admin):
    response = await client.post(
        "/api/v1/webhooks", json={"url": PUBLIC_URL, "events": ["article.published"]}, headers=admin
    )

    assert response.status_code == 201
    created = response.json()
    assert list(created) == ["id", "url", "events", "enabled", "created_at", "secret"]
    assert (created["url"], created["events"], created["enabled"]) == (PUBLIC_URL, ["article.published"], True)
    assert response.headers["location"] == f"/api/v1/webhooks/{created['id']}"
    assert created["secret"].startswith("whsec_")
    assert len(base64.b64decode(created["secret"].removeprefix("whsec_"), validate=True)) == 32


async def test_the_listing_never_shows_a_secret(client, admin):
    created = await _subscribe(client, admin)

    response = await client.get("/api/v1/webhooks", headers=admin)

    assert response.status_code == 200
    assert response.json() == {"items": [{k: v for k, v in created.items() if k != "secret"}]}
    assert created["secret"] not in response.text


async def test_webhooks_need_the_admin_scope(client, token):
    writer = {"Authorization": f"Bearer {await token('write', 'preview')}"}

    responses = [
        await client.get("/api/v1/webhooks", headers=writer),
        await client.post("/api/v1/webhooks", json={"url": PUBLIC_URL, "events": ["article.published"]}),
    ]

    assert [r.status_code for r in responses] == [403, 401]


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"url": PUBLIC_URL, "events": ["article.nope"]}, "events/0"),
        ({"url": PUBLIC_URL, "events": []}, "events"),
        ({"events": ["article.published"]}, "url"),
        ({"url": "ftp://93.184.215.14/x", "events": ["article.published"]}, "url"),
        ({"url": "not a url", "events": ["article.published"]}, "url"),
        ({"url": "https://nowhere.invalid/x", "events": ["article.published"]}, "url"),
        ({"url": PUBLIC_URL, "events": ["article.published"], "extra": 1}, "extra"),
    ],
)
async def test_a_bad_subscription_answers_422_at_its_path_and_creates_nothing(client, admin, body, path):
    response = await client.post("/api/v1/webhooks", json=body, headers=admin)

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert [error["path"] for error in response.json()["errors"]] == [path]
    assert (await client.get("/api/v1/webhooks", headers=admin)).json() == {"items": []}


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://100.64.0.1/hook",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://0.0.0.0/hook",
    ],
)
async def test_a_private_loopback_link_local_or_shared_target_answers_422_at_url(client, admin, url):
    response = await client.post("/api/v1/webhooks", json={"url": url, "events": ["article.published"]}, headers=admin)

    assert response.status_code == 422
    assert [error["path"] for error in response.json()["errors"]] == ["url"]


async def test_a_name_that_resolves_to_a_private_address_answers_422_at_url(client, admin, resolved):
    resolved["intranet.example"] = ["10.0.0.7"]

    response = await client.post(
        "/api/v1/webhooks",
        json={"url": "https://intranet.example/hook", "events": ["article.published"]},
        headers=admin,
    )

    assert response.status_code == 422
    assert "10.0.0.7" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    "host",
    [
        "[::7f00:1]",
        "[::127.0.0.1]",
        "[64:ff9b::7f00:1]",
        "[64:ff9b::a9fe:a9fe]",
        "[64:ff9b:1::a9fe:a9fe]",
        "[2002:7f00:1::]",
        "[2002:a9fe:a9fe::]",
        "[2001:0:5db8:d70e:0:0:80ff:fffe]",  # Teredo, its client 127.0.0.1 inverted
    ],
)
async def test_an_ipv6_target_that_embeds_a_private_ipv4_address_answers_422_at_url(client, admin, host):
    url = f"http://{host}/hook"

    response = await client.post("/api/v1/webhooks", json={"url": url, "events": ["article.published"]}, headers=admin)

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    address = host.strip("[]")
    assert response.json() == {
        "type": "about:blank",
        "title": "Unprocessable Content",
        "status": 422,
        "detail": "the content is not valid: see errors",
        "errors": [
            {
                "path": "url",
                "message": f"the host of {url!r} resolves to {address}, a private, loopback, link-local, shared or"
                " reserved address or an IPv6 form of one: webhooks go to public addresses only"
                " (CMS_WEBHOOK_ALLOW_PRIVATE=true allows these)",
            }
        ],
    }
    assert (await client.get("/api/v1/webhooks", headers=admin)).json() == {"items": []}


@pytest.mark.parametrize("url", ["http://[2606:4700::1]/hook", "http://[64:ff9b::5db8:d70e]/hook"])
async def test_a_public_ipv6_target_is_accepted(client, admin, url):
    created = await _subscribe(client, admin, url=url)

    assert created["url"] == url


class TestPrivateAllowed:
    @pytest.fixture
    def allow_private(self):
        return True

    async def test_cms_webhook_allow_private_accepts_a_loopback_target(self, client, admin):
        created = await _subscribe(client, admin, url="http://127.0.0.1:9/hook")

        assert created["url"] == "http://127.0.0.1:9/hook"


async def test_a_publish_is_delivered_signed_as_standard_webhooks(client, admin, editor, publish, receiver):
    hook = await _subscribe(client, admin)

    article = await publish(title="Hello")

    (received,) = await _received(receiver, 1)
    (event,) = [e for e in await events.after(0, 10) if e.type == "article.published"]
    assert received.body == event.json()
    assert Verifier(hook["secret"]).verify(received.body, received.headers)["data"]["id"] == article["id"]
    assert received.headers["webhook-id"] == event.id
    assert abs(int(received.headers["webhook-timestamp"]) - datetime.now(UTC).timestamp()) < 10
    assert received.headers["content-type"] == "application/json"
    assert received.headers["user-agent"].startswith("cms-webhooks/")


async def test_only_the_subscribed_types_are_delivered(client, admin, editor, receiver):
    hook = await _subscribe(client, admin, types=["article.unpublished"])

    await client.post("/api/v1/articles", json={"title": "Draft"}, headers=editor)
    await client.post("/api/v1/articles/draft/publish", headers=editor)

    assert await _deliveries(client, admin, hook) == []
    assert receiver.received == []


async def test_a_successful_delivery_is_listed_with_its_attempt(client, admin, publish):
    hook = await _subscribe(client, admin)
    await publish(title="Hello")

    (delivery,) = await _settled(client, admin, hook)

    (event,) = [e for e in await events.after(0, 10) if e.type == "article.published"]
    assert {k: delivery[k] for k in ("event_id", "type", "status", "next_attempt_at")} == {
        "event_id": event.id, "type": "article.published", "status": "succeeded", "next_attempt_at": None,
    }  # fmt: skip
    (attempt,) = delivery["attempts"]
    assert (attempt["status_code"], attempt["error"]) == (204, None)
    assert attempt["duration_ms"] >= 0


async def test_a_failed_attempt_is_retried_after_about_five_seconds_with_the_same_id_and_body(
    client, admin, publish, receiver, dispatcher
):
    hook = await _subscribe(client, admin)
    receiver.answer(500)
    await publish(title="Hello")
    (delivery,) = await _settled(client, admin, hook)
    first_at = datetime.fromisoformat(delivery["attempts"][0]["at"])
    due = datetime.fromisoformat(delivery["next_attempt_at"])

    sent = await dispatcher.deliver_due(due)

    (delivery,) = await _deliveries(client, admin, hook)
    assert sent == 1
    assert 4.5 <= (due - first_at).total_seconds() <= 5.5
    assert delivery["status"] == "succeeded"
    assert [a["status_code"] for a in delivery["attempts"]] == [500, 204]
    first, second = receiver.received
    assert first.body == second.body
    assert first.headers["webhook-id"] == second.headers["webhook-id"]


async def test_nothing_is_sent_before_the_retry_is_due(client, admin, publish, receiver, dispatcher):
    hook = await _subscribe(client, admin)
    receiver.answer(500)
    await publish(title="Hello")
    (delivery,) = await _settled(client, admin, hook)

    sent = await dispatcher.deliver_due(datetime.fromisoformat(delivery["next_attempt_at"]) - timedelta(seconds=1))

    assert sent == 0
    assert len(receiver.received) == 1


async def test_a_retry_after_is_honoured(client, admin, publish, receiver):
    hook = await _subscribe(client, admin)
    receiver.answer(503, retry_after="120")
    await publish(title="Hello")

    (delivery,) = await _settled(client, admin, hook)

    at = datetime.fromisoformat(delivery["attempts"][0]["at"])
    assert (datetime.fromisoformat(delivery["next_attempt_at"]) - at).total_seconds() == pytest.approx(120, abs=1)


async def test_the_retry_schedule_ends_in_failed(client, admin, publish, receiver, dispatcher):
    hook = await _subscribe(client, admin)
    receiver.answer(*[500] * (len(RETRY_SCHEDULE) + 1))
    await publish(title="Hello")
    (delivery,) = await _settled(client, admin, hook)
    gaps = []

    for _ in RETRY_SCHEDULE:
        due = datetime.fromisoformat(delivery["next_attempt_at"])
        gaps.append((due - datetime.fromisoformat(delivery["attempts"][-1]["at"])).total_seconds())
        assert await dispatcher.deliver_due(due) == 1
        (delivery,) = await _deliveries(client, admin, hook)

    assert (delivery["status"], delivery["next_attempt_at"]) == ("failed", None)
    assert len(delivery["attempts"]) == len(RETRY_SCHEDULE) + 1
    assert all(0.9 * s <= gap <= 1.1 * s for s, gap in zip(RETRY_SCHEDULE, gaps, strict=True))


async def test_410_disables_the_subscription_at_once(client, admin, publish, receiver):
    hook = await _subscribe(client, admin)
    receiver.answer(410)
    await publish(title="Hello")

    (delivery,) = await _settled(client, admin, hook)

    assert (delivery["status"], delivery["next_attempt_at"]) == ("failed", None)
    (listed,) = (await client.get("/api/v1/webhooks", headers=admin)).json()["items"]
    assert listed["enabled"] is False


async def test_events_raised_while_disabled_are_not_queued(client, admin, publish, receiver):
    hook = await _subscribe(client, admin)
    receiver.answer(410)
    await publish(title="Hello")
    await _settled(client, admin, hook)

    await publish(title="While Disabled")

    assert len(await _deliveries(client, admin, hook)) == 1


async def test_five_days_of_failures_disable_the_subscription(client, admin, publish, receiver, dispatcher):
    hook = await _subscribe(client, admin)
    receiver.answer(*[500] * 8)
    await publish(title="Hello")
    (delivery,) = await _settled(client, admin, hook)
    first_failure = datetime.fromisoformat(delivery["attempts"][0]["at"])

    await dispatcher.deliver_due(first_failure + timedelta(days=5, seconds=1))

    (listed,) = (await client.get("/api/v1/webhooks", headers=admin)).json()["items"]
    assert listed["enabled"] is False
    (delivery,) = await _deliveries(client, admin, hook)
    assert delivery["status"] == "failed"


async def test_patch_enabled_true_turns_a_subscription_back_on(client, admin, publish, receiver):
    hook = await _subscribe(client, admin)
    receiver.answer(410)
    await publish(title="Hello")
    await _settled(client, admin, hook)

    response = await client.patch(f"/api/v1/webhooks/{hook['id']}", json={"enabled": True}, headers=admin)
    await publish(title="Again")

    assert response.status_code == 200
    assert response.json()["enabled"] is True
    assert "secret" not in response.json()
    items = await _settled(client, admin, hook)
    assert [item["status"] for item in items] == ["succeeded", "failed"]


async def _enabled(client, admin, hook, enabled):
    response = await client.patch(f"/api/v1/webhooks/{hook['id']}", json={"enabled": enabled}, headers=admin)
    assert response.status_code == 200, response.text
    assert response.json()["enabled"] is enabled


def _later(**delta):
    return datetime.now(UTC) + timedelta(**delta)


async def test_a_delivery_pending_when_410_disables_its_subscription_is_held_then_sent_when_re_enabled(
    client, admin, publish, receiver, dispatcher
):
    hook = await _subscribe(client, admin)
    receiver.answer(500, 410)
    await publish(title="Failing")
    (pending,) = await _settled(client, admin, hook)
    await publish(title="Gone")
    gone, held = await _settled(client, admin, hook)

    sent_while_disabled = await dispatcher.deliver_due(_later(days=1))
    listed_while_disabled = await _deliveries(client, admin, hook)
    await _enabled(client, admin, hook, True)
    await dispatcher.deliver_due(_later(minutes=1))

    assert sent_while_disabled == 0
    assert [(d["id"], d["status"], len(d["attempts"])) for d in listed_while_disabled] == [
        (gone["id"], "failed", 1), (pending["id"], "pending", 1),
    ]  # fmt: skip
    assert held["next_attempt_at"] == pending["next_attempt_at"]
    assert [r.headers["webhook-id"] for r in await _received(receiver, 3)] == [
        pending["event_id"], gone["event_id"], pending["event_id"],
    ]  # fmt: skip
    newest, oldest = await _settled(client, admin, hook)
    assert (oldest["id"], oldest["status"], [a["status_code"] for a in oldest["attempts"]]) == (
        pending["id"], "succeeded", [500, 204],
    )  # fmt: skip
    assert (newest["status"], [a["status_code"] for a in newest["attempts"]]) == ("failed", [410])


async def test_a_delivery_pending_when_patch_disables_its_subscription_is_held_then_sent_when_re_enabled(
    client, admin, publish, receiver, dispatcher
):
    hook = await _subscribe(client, admin)
    receiver.answer(500)
    await publish(title="Failing")
    await _settled(client, admin, hook)

    await _enabled(client, admin, hook, False)
    sent_while_disabled = await dispatcher.deliver_due(_later(days=1))
    (held,) = await _deliveries(client, admin, hook)
    await _enabled(client, admin, hook, True)
    await dispatcher.deliver_due(_later(minutes=1))

    assert sent_while_disabled == 0
    assert (held["status"], len(held["attempts"])) == ("pending", 1)
    assert len(await _received(receiver, 2)) == 2
    (delivery,) = await _settled(client, admin, hook, attempts=2)
    assert (delivery["status"], [a["status_code"] for a in delivery["attempts"]]) == ("succeeded", [500, 204])


async def test_a_delivery_pending_when_five_days_of_failures_disable_its_subscription_is_held_then_sent_when_re_enabled(
    client, admin, publish, receiver, dispatcher
):
    hook = await _subscribe(client, admin)
    receiver.answer_to(b'"slug":"failing"', 500, 500, 500)
    receiver.answer_to(b'"slug":"held"', 503, 503, retry_after="36000")  # 10 h: not due when the 5 days end
    await publish(title="Failing")
    (failing,) = await _settled(client, admin, hook)
    first_failure = datetime.fromisoformat(failing["attempts"][0]["at"])
    await publish(title="Held")
    await _settled(client, admin, hook)
    await dispatcher.deliver_due(first_failure + timedelta(days=5) - timedelta(hours=1))  # both fail again

    await dispatcher.deliver_due(first_failure + timedelta(days=5, seconds=1))  # only "failing" is due
    sent_while_disabled = await dispatcher.deliver_due(first_failure + timedelta(days=6))
    listed_while_disabled = await _deliveries(client, admin, hook)
    await _enabled(client, admin, hook, True)
    sent_when_enabled = await dispatcher.deliver_due(first_failure + timedelta(days=6))

    assert sent_while_disabled == 0
    assert [(d["status"], [a["status_code"] for a in d["attempts"]]) for d in listed_while_disabled] == [
        ("pending", [503, 503]), ("failed", [500, 500, 500]),
    ]  # fmt: skip
    assert sent_when_enabled == 1
    held, failed = await _deliveries(client, admin, hook)
    assert (held["status"], [a["status_code"] for a in held["attempts"]]) == ("succeeded", [503, 503, 204])
    assert (failed["status"], len(failed["attempts"])) == ("failed", 3)
    assert len(receiver.received) == 6


async def test_a_redelivery_queued_while_disabled_waits_until_the_subscription_is_re_enabled(
    client, admin, publish, receiver, dispatcher
):
    hook = await _subscribe(client, admin)
    await publish(title="Hello")
    (delivery,) = await _settled(client, admin, hook)
    await _enabled(client, admin, hook, False)

    response = await client.post(f"/api/v1/webhooks/{hook['id']}/deliveries/{delivery['id']}/redeliver", headers=admin)
    sent_while_disabled = await dispatcher.deliver_due(_later(days=1))
    await _enabled(client, admin, hook, True)
    await dispatcher.deliver_due(_later(minutes=1))

    assert (response.status_code, response.json()["status"]) == (202, "pending")
    assert sent_while_disabled == 0
    first, second = await _received(receiver, 2)
    assert second.headers["webhook-id"] == first.headers["webhook-id"]
    (delivery,) = await _settled(client, admin, hook, attempts=2)
    assert delivery["status"] == "succeeded"


async def test_a_redirect_is_not_followed_and_counts_as_a_failed_attempt(client, admin, publish, receiver):
    hook = await _subscribe(client, admin)
    receiver.answer(302, location=PUBLIC_URL)

    await publish(title="Hello")

    (delivery,) = await _settled(client, admin, hook)
    assert (delivery["status"], [a["status_code"] for a in delivery["attempts"]]) == ("pending", [302])
    await asyncio.sleep(0.2)
    assert len(receiver.received) == 1


async def test_a_secret_appears_in_no_log_line(client, admin, publish, receiver, caplog):
    caplog.set_level(logging.INFO)  # the level `cms serve` logs at
    hook = await _subscribe(client, admin)
    receiver.answer(500)
    await publish(title="Hello")
    await _settled(client, admin, hook)
    await client.get("/api/v1/webhooks", headers=admin)
    await client.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=admin)

    key = hook["secret"].removeprefix("whsec_")

    assert caplog.records
    assert not [record for record in caplog.records if key in record.getMessage()]


class TestARealReceiver:
    """A real receiver under uvicorn, reached over the network (the ASGI transport knows no timeouts)."""

    @pytest.fixture
    def hook_url(self, receiver):
        with serve_receiver(receiver) as url:
            yield url

    @pytest.fixture
    def app(self, database_url, hook_url):
        settings = Settings(database_url=database_url, webhook_allow_private=True)
        return create_app(settings, webhook_client=httpx.AsyncClient(), webhook_resolve=webhooks.system_resolve)

    async def test_an_answer_slower_than_the_send_timeout_is_a_failed_attempt(
        self, client, admin, publish, receiver, dispatcher, hook_url
    ):
        dispatcher.send_timeout = 0.3  # 15 s in production (SEND_TIMEOUT)
        receiver.delay = 1.0
        hook = await _subscribe(client, admin, url=hook_url)

        await publish(title="Slow")

        (delivery,) = await _settled(client, admin, hook)
        assert delivery["status"] == "pending"
        (attempt,) = delivery["attempts"]
        assert (attempt["status_code"], attempt["error"]) == (None, "no answer within 0.3 s")
        assert attempt["duration_ms"] >= 300

    async def test_an_answer_whose_body_is_still_coming_when_the_send_timeout_ends_is_a_failed_attempt(
        self, client, admin, publish, receiver, dispatcher, hook_url
    ):
        dispatcher.send_timeout = 0.3  # 15 s in production (SEND_TIMEOUT)
        receiver.answer(200)
        receiver.drip = 1.0  # headers at once, then a byte every 0.1 s: no single read waits 0.3 s
        hook = await _subscribe(client, admin, url=hook_url)

        await publish(title="Dripping")

        (delivery,) = await _settled(client, admin, hook)
        assert delivery["status"] == "pending"
        (attempt,) = delivery["attempts"]
        assert (attempt["status_code"], attempt["error"]) == (None, "no answer within 0.3 s")
        assert 300 <= attempt["duration_ms"] < 1000

    async def test_a_100_mb_answer_is_read_64_kib_far_and_the_attempt_succeeds(
        self, client, admin, publish, receiver, hook_url
    ):
        receiver.answer(200)
        receiver.body_size = 100 * 1024 * 1024
        hook = await _subscribe(client, admin, url=hook_url)

        await publish(title="Talkative")

        (delivery,) = await _settled(client, admin, hook)
        assert delivery["status"] == "succeeded"
        (attempt,) = delivery["attempts"]
        assert (attempt["status_code"], attempt["error"]) == (200, None)
        await _answered(receiver)
        (sent,) = receiver.body_sent
        assert sent < receiver.body_size  # the connection was closed long before the end of the answer

    async def test_another_worker_never_sends_a_delivery_in_flight_however_slow_its_receiver(
        self, client, admin, publish, receiver, dispatcher, hook_url
    ):
        dispatcher.send_timeout = 0.3  # its lease: 4 send timeouts, 1.2 s (60 s in production)
        other_worker = webhooks.Dispatcher(dispatcher.client, dispatcher.resolve, True, send_timeout=0.3)
        receiver.answer(200)
        receiver.drip = 2.0  # longer than the lease
        hook = await _subscribe(client, admin, url=hook_url)
        await publish(title="Dripping")
        await _received(receiver, 1)
        deadline = asyncio.get_running_loop().time() + 5

        sent_by_the_other_worker = 0
        while not (items := await _deliveries(client, admin, hook))[0]["attempts"]:
            assert asyncio.get_running_loop().time() < deadline, "the attempt was never recorded"
            sent_by_the_other_worker += await other_worker.deliver_due(datetime.now(UTC))
            await asyncio.sleep(0.05)
        sent_by_the_other_worker += await other_worker.deliver_due(datetime.now(UTC))

        assert sent_by_the_other_worker == 0
        assert len(receiver.received) == 1
        (delivery,) = items
        assert [(a["status_code"], a["error"]) for a in delivery["attempts"]] == [(None, "no answer within 0.3 s")]


async def test_redeliver_answers_202_and_sends_the_same_event_again(client, admin, publish, receiver):
    hook = await _subscribe(client, admin)
    await publish(title="Hello")
    (delivery,) = await _settled(client, admin, hook)

    response = await client.post(f"/api/v1/webhooks/{hook['id']}/deliveries/{delivery['id']}/redeliver", headers=admin)

    assert response.status_code == 202
    assert response.json()["status"] == "pending"
    first, second = await _received(receiver, 2)
    assert (second.body, second.headers["webhook-id"]) == (first.body, first.headers["webhook-id"])
    (delivery,) = await _settled(client, admin, hook, attempts=2)
    assert delivery["status"] == "succeeded"


async def test_a_redelivery_asked_while_an_attempt_is_in_flight_is_sent_once_that_attempt_is_over(
    client, admin, publish, receiver, dispatcher
):
    other_worker = webhooks.Dispatcher(dispatcher.client, dispatcher.resolve, dispatcher.allow_private)
    hook = await _subscribe(client, admin)
    receiver.held = True
    await publish(title="Hello")
    await _received(receiver, 1)
    (in_flight,) = await _deliveries(client, admin, hook)

    response = await client.post(f"/api/v1/webhooks/{hook['id']}/deliveries/{in_flight['id']}/redeliver", headers=admin)
    sent_by_the_other_worker = await asyncio.wait_for(other_worker.deliver_due(datetime.now(UTC)), 2)
    received_while_in_flight = len(receiver.received)
    receiver.release()

    assert (response.status_code, response.json()["status"]) == (202, "pending")
    assert (sent_by_the_other_worker, received_while_in_flight) == (0, 1)
    (delivery,) = await _settled(client, admin, hook, attempts=2)
    assert (delivery["status"], [a["status_code"] for a in delivery["attempts"]]) == ("succeeded", [204, 204])
    first, second = receiver.received
    assert second.headers["webhook-id"] == first.headers["webhook-id"]


async def test_a_redelivery_is_a_new_series_of_attempts_retried_after_about_five_seconds(
    client, admin, publish, receiver
):
    hook = await _subscribe(client, admin)
    await publish(title="Hello")
    (delivery,) = await _settled(client, admin, hook)
    receiver.answer(500)

    response = await client.post(f"/api/v1/webhooks/{hook['id']}/deliveries/{delivery['id']}/redeliver", headers=admin)

    assert response.status_code == 202
    (delivery,) = await _settled(client, admin, hook, attempts=2)
    assert (delivery["status"], [a["status_code"] for a in delivery["attempts"]]) == ("pending", [204, 500])
    redelivered_at = datetime.fromisoformat(delivery["attempts"][1]["at"])
    assert 4.5 <= (datetime.fromisoformat(delivery["next_attempt_at"]) - redelivered_at).total_seconds() <= 5.5


async def test_a_target_that_resolves_to_a_private_address_when_sending_is_refused(
    client, admin, publish, receiver, resolved
):
    hook = await _subscribe(client, admin, url="https://hooks.example/hook")
    resolved["hooks.example"] = ["127.0.0.1"]  # the name now points inside

    await publish(title="Hello")

    (delivery,) = await _settled(client, admin, hook)
    (attempt,) = delivery["attempts"]
    assert attempt["status_code"] is None
    assert "127.0.0.1" in attempt["error"]
    assert receiver.received == []


async def test_a_target_that_resolves_to_a_nat64_form_of_the_metadata_address_when_sending_is_refused(
    client, admin, publish, receiver, resolved
):
    hook = await _subscribe(client, admin, url="https://hooks.example/hook")
    resolved["hooks.example"] = ["64:ff9b::a9fe:a9fe"]  # 169.254.169.254 through a NAT64 gateway

    await publish(title="Hello")

    (delivery,) = await _settled(client, admin, hook)
    (attempt,) = delivery["attempts"]
    assert attempt["status_code"] is None
    assert attempt["error"] == (
        "the host of 'https://hooks.example/hook' resolves to 64:ff9b::a9fe:a9fe, a private, loopback, link-local,"
        " shared or reserved address or an IPv6 form of one: webhooks go to public addresses only"
        " (CMS_WEBHOOK_ALLOW_PRIVATE=true allows these)"
    )
    assert receiver.received == []


async def test_the_request_keeps_the_name_of_the_target_in_its_host_header(client, admin, publish, receiver):
    await _subscribe(client, admin, url="https://hooks.example/hook")

    await publish(title="Hello")

    (received,) = await _received(receiver, 1)
    assert received.headers["host"] == "hooks.example"


async def test_deliveries_are_listed_newest_first_by_pages(client, admin, publish):
    hook = await _subscribe(client, admin)
    for n in range(3):
        await publish(title=f"Article {n}")
    await _settled(client, admin, hook)

    first = await client.get(f"/api/v1/webhooks/{hook['id']}/deliveries", params={"limit": 2}, headers=admin)
    second = await client.get(
        f"/api/v1/webhooks/{hook['id']}/deliveries",
        params={"limit": 2, "cursor": first.json()["next_cursor"]},
        headers=admin,
    )

    event_ids = [item["event_id"] for item in first.json()["items"] + second.json()["items"]]
    assert event_ids == sorted(event_ids, reverse=True)
    assert len(event_ids) == 3
    assert second.json()["next_cursor"] is None


async def test_deleting_a_subscription_answers_204_then_404(client, admin):
    hook = await _subscribe(client, admin)

    deleted = await client.delete(f"/api/v1/webhooks/{hook['id']}", headers=admin)
    again = await client.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=admin)

    assert deleted.status_code == 204
    assert again.status_code == 404
    assert again.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/webhooks/nope/deliveries",
        "/api/v1/webhooks/" + "0" * 32 + "/deliveries",
    ],
)
async def test_an_unknown_webhook_answers_404(client, admin, path):
    response = await client.get(path, headers=admin)

    assert response.status_code == 404


async def test_redelivering_an_unknown_delivery_answers_404(client, admin):
    hook = await _subscribe(client, admin)

    response = await client.post(f"/api/v1/webhooks/{hook['id']}/deliveries/{'f' * 32}/redeliver", headers=admin)

    assert response.status_code == 404


@pytest.mark.parametrize("cursor", ["x", "0", "99999999999999999999"])
async def test_a_bad_deliveries_cursor_answers_400(client, admin, cursor):
    hook = await _subscribe(client, admin)

    response = await client.get(f"/api/v1/webhooks/{hook['id']}/deliveries", params={"cursor": cursor}, headers=admin)

    assert response.status_code == 400
    assert response.json()["parameter"] == "cursor"


@pytest.mark.parametrize("body", [b"{", b"[]", b'{"enabled": "yes"}'])
async def test_a_bad_patch_answers_4xx_problem(client, admin, body):
    hook = await _subscribe(client, admin)

    response = await client.patch(
        f"/api/v1/webhooks/{hook['id']}", content=body, headers=admin | {"Content-Type": "application/json"}
    )

    assert response.status_code in (400, 422)
    assert response.headers["content-type"] == "application/problem+json"


async def test_an_app_made_with_its_own_client_closes_it(database_url):
    app = create_app(Settings(database_url=database_url))

    async with LifespanManager(app):  # type: ignore[arg-type]
        client = app.starlette.state.webhook_client

    assert client.is_closed


async def test_deliveries_are_counted_by_outcome_in_metrics(client, admin, publish, receiver):
    hook = await _subscribe(client, admin)
    name = 'cms_webhook_deliveries_total{outcome="retry"}'
    before = (await client.get("/metrics")).text
    receiver.answer(500)

    await publish(title="Hello")
    await _settled(client, admin, hook)

    after = (await client.get("/metrics")).text
    assert _count(after, name) == _count(before, name) + 1


def _count(text, name):
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[-1])
    return 0.0
