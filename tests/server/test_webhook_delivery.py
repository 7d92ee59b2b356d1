"""Webhooks from real multi-worker servers to a real receiver on 127.0.0.1: each event arrives exactly once,
whatever the number of workers and servers, and across a kill -9 in the middle of a retry backoff."""

import asyncio
import time

import httpx
import pytest

from cms.core.article import ArticleInput
from cms.services import drafts, tokens, webhooks
from cms.storage import db
from tests.server.process import serve
from tests.webhooks import Receiver, serve_receiver

ARTICLES = 8
ALLOW_PRIVATE = {"CMS_WEBHOOK_ALLOW_PRIVATE": "true"}


@pytest.fixture
def receiver():
    return Receiver()


@pytest.fixture
def hook_url(receiver):
    with serve_receiver(receiver) as url:
        yield url


@pytest.fixture
async def editor(database_url, hook_url):
    async with db.database(database_url):
        _, secret = await tokens.create("editor", ["write", "preview", "admin"])
        for n in range(ARTICLES):
            await drafts.create(ArticleInput(title=f"Article {n}"), default_locale="en")
        new = webhooks.NewWebhook(url=hook_url, events=["article.published"])
        await webhooks.create(new, allow_private=True, resolve=webhooks.system_resolve)
        yield {"Authorization": f"Bearer {secret}"}


async def _until(condition, seconds):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "not within the time allowed"
        await asyncio.sleep(0.05)


def _fresh(base_url):
    return httpx.AsyncClient(base_url=base_url, timeout=10, limits=httpx.Limits(max_keepalive_connections=0))


async def test_two_servers_of_two_workers_send_each_event_exactly_once(editor, receiver, database_url, tmp_path):
    with (
        serve(database_url, tmp_path / "a.log", workers=2, env=ALLOW_PRIVATE) as one,
        serve(database_url, tmp_path / "b.log", workers=2, env=ALLOW_PRIVATE) as two,
    ):
        async with _fresh(one.url) as first, _fresh(two.url) as second:
            published = await asyncio.gather(
                *(
                    (first if n % 2 else second).post(f"/api/v1/articles/article-{n}/publish", headers=editor)
                    for n in range(ARTICLES)
                )
            )
            assert {response.status_code for response in published} == {200}
            await _until(lambda: len(receiver.received) >= ARTICLES, seconds=5)
            await asyncio.sleep(1.5)  # every worker's dispatcher has had another round

    ids = [received.headers["webhook-id"] for received in receiver.received]
    assert len(ids) == ARTICLES
    assert len(set(ids)) == ARTICLES


async def test_a_delivery_in_retry_backoff_arrives_once_after_a_kill_9_and_a_restart(
    editor, receiver, database_url, tmp_path
):
    receiver.answer(500)
    log = tmp_path / "server.log"
    with serve(database_url, log, workers=2, env=ALLOW_PRIVATE) as server:
        async with _fresh(server.url) as http:
            await http.post("/api/v1/articles/article-0/publish", headers=editor)
            (hook,) = (await http.get("/api/v1/webhooks", headers=editor)).json()["items"]
            for _ in range(100):  # until the failed attempt is recorded: the delivery is then in its backoff
                (delivery,) = (await http.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=editor)).json()[
                    "items"
                ]
                if delivery["attempts"]:
                    break
                await asyncio.sleep(0.05)
        server.kill()  # the retry is due about 5 s after the first attempt

    with serve(database_url, log, workers=2, env=ALLOW_PRIVATE) as server:
        await _until(lambda: len(receiver.received) >= 2, seconds=10)
        await asyncio.sleep(1.5)
        async with _fresh(server.url) as http:
            (delivery,) = (await http.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=editor)).json()["items"]

    first, second = receiver.received
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert first.body == second.body
    assert delivery["status"] == "succeeded"
    assert [attempt["status_code"] for attempt in delivery["attempts"]] == [500, 204]
