"""Against a real multi-worker server, on SQLite and PostgreSQL alike: no lost updates, schedules run once."""

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from cms.batching import FLUSH_AFTER
from cms.core.article import ArticleInput
from cms.services import drafts, publishing, tokens
from cms.storage import db
from tests.server.process import serve
from tests.web.images import image

CONCURRENT_WRITES = 20


@pytest.fixture
async def editor(database_url):
    """The state is made through the services, with no app in this process: its schedule would race the server's."""
    async with db.database(database_url):
        _, secret = await tokens.create("editor", ["write", "preview"])
        yield {"Authorization": f"Bearer {secret}"}


async def test_concurrent_puts_with_one_etag_make_exactly_one_change(editor, database_url, tmp_path):
    article = await drafts.create(ArticleInput(title="Contended"), default_locale="en")
    etag = f'"{drafts.draft_tag(article.id, article.version)}"'

    with serve(database_url, tmp_path / "server.log", workers=3) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
            responses = await asyncio.gather(
                *(
                    http.put(
                        "/api/v1/articles/contended",
                        json={"title": f"Writer {n}"},
                        headers=editor | {"If-Match": etag},
                    )
                    for n in range(CONCURRENT_WRITES)
                )
            )
            draft = await http.get("/api/v1/articles/contended?preview=true", headers=editor)
            history = await http.get("/api/v1/articles/contended/revisions", headers=editor)

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200] + [412] * (CONCURRENT_WRITES - 1), server.output()
    winner = next(response for response in responses if response.status_code == 200)
    assert draft.json()["title"] == winner.json()["title"]
    assert draft.json()["version"] == 2
    assert [item["version"] for item in history.json()["items"]] == [2, 1]


async def test_concurrent_merging_puts_of_different_blocks_with_one_etag_all_land(editor, database_url, tmp_path):
    blocks = [{"id": f"p{n}", "type": "paragraph", "spans": f"{n}."} for n in range(CONCURRENT_WRITES)]
    body = {"title": "Shared", "sections": [{"id": "s", "blocks": blocks}]}
    article = await drafts.create(ArticleInput.model_validate(body), default_locale="en")
    etag = f'"{drafts.draft_tag(article.id, article.version)}"'

    def edited(n):
        return body | {"sections": [{"id": "s", "blocks": [b | {"spans": f"Writer {n}."} if b["id"] == f"p{n}" else b
                                                          for b in blocks]}]}  # fmt: skip

    with serve(database_url, tmp_path / "server.log", workers=3) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
            responses = await asyncio.gather(
                *(
                    http.put(
                        "/api/v1/articles/shared",
                        json=edited(n),
                        headers=editor | {"If-Match": etag, "Prefer": "merge"},
                    )
                    for n in range(CONCURRENT_WRITES)
                )
            )
            draft = await http.get("/api/v1/articles/shared?preview=true", headers=editor)
            history = await http.get("/api/v1/articles/shared/revisions?limit=100", headers=editor)
            changes = await http.get("/api/v1/changes?limit=1000", headers=editor)

    assert [response.status_code for response in responses] == [200] * CONCURRENT_WRITES, server.output()
    texts = [block["spans"][0]["text"] for block in draft.json()["sections"][0]["blocks"]]
    assert texts == [f"Writer {n}." for n in range(CONCURRENT_WRITES)]
    assert draft.json()["version"] == CONCURRENT_WRITES + 1
    assert len(history.json()["items"]) == CONCURRENT_WRITES + 1
    updated = [event for event in changes.json()["items"] if event["type"] == "article.updated"]
    assert len(updated) == CONCURRENT_WRITES + 1


async def test_a_schedule_due_while_the_server_was_down_is_published_once_at_start(editor, database_url, tmp_path):
    await drafts.create(ArticleInput(title="Scheduled"), default_locale="en")
    at = datetime.now(UTC) + timedelta(seconds=1)
    scheduled = await publishing.publish("scheduled", "en", None, at=at)
    assert scheduled.status == "scheduled"
    await asyncio.sleep(max(0.0, (at - datetime.now(UTC)).total_seconds()) + 0.2)

    with serve(database_url, tmp_path / "server.log", workers=3) as server:
        response = await _published_within(server.url, "/api/v1/articles/scheduled", seconds=10)
        await asyncio.sleep(2.5)  # two more rounds of every worker's schedule
        log = server.output()

    assert response.status_code == 200
    assert log.count("published on schedule: scheduled") == 1, log


async def _published_within(base_url: str, path: str, seconds: float) -> httpx.Response:
    async with httpx.AsyncClient(base_url=base_url) as http:
        deadline = asyncio.get_running_loop().time() + seconds
        while True:
            response = await http.get(path)
            if response.status_code == 200 or asyncio.get_running_loop().time() > deadline:
                return response
            await asyncio.sleep(0.2)


async def test_a_publish_is_seen_by_every_worker_within_one_second(editor, database_url, tmp_path):
    await drafts.create(ArticleInput(title="Coherent"), default_locale="en")
    await publishing.publish("coherent", "en", None)

    with serve(database_url, tmp_path / "server.log", workers=3) as server:
        async with _fresh_connections(server.url) as http:
            warm = await asyncio.gather(*(http.get("/api/v1/articles/coherent") for _ in range(60)))
            assert {response.json()["title"] for response in warm} == {"Coherent"}

            edited = await http.put(
                "/api/v1/articles/coherent", json={"title": "Coherent, edited"}, headers=editor | {"If-Match": "*"}
            )
            published = await http.post("/api/v1/articles/coherent/publish", headers=editor)
            assert (edited.status_code, published.status_code) == (200, 200)
            await asyncio.sleep(1.0)
            after = await asyncio.gather(*(http.get("/api/v1/articles/coherent") for _ in range(60)))

    assert {response.json()["title"] for response in after} == {"Coherent, edited"}


async def test_a_new_publication_is_listed_by_every_worker_within_one_second(editor, database_url, tmp_path):
    await drafts.create(ArticleInput(title="Listed First"), default_locale="en")
    await publishing.publish("listed-first", "en", None)
    await drafts.create(ArticleInput(title="Listed Second"), default_locale="en")

    with serve(database_url, tmp_path / "server.log", workers=3) as server:
        async with _fresh_connections(server.url) as http:
            warm = await asyncio.gather(*(http.get("/api/v1/articles?fields=slug") for _ in range(60)))
            assert {len(response.json()["items"]) for response in warm} == {1}

            await http.post("/api/v1/articles/listed-second/publish", headers=editor)
            await asyncio.sleep(1.0)
            after = await asyncio.gather(*(http.get("/api/v1/articles?fields=slug") for _ in range(60)))

    assert {len(response.json()["items"]) for response in after} == {2}


async def test_an_unpublish_is_seen_by_every_worker_within_one_second(editor, database_url, tmp_path):
    await drafts.create(ArticleInput(title="Withdrawn"), default_locale="en")
    await publishing.publish("withdrawn", "en", None)

    with serve(database_url, tmp_path / "server.log", workers=3) as server:
        async with _fresh_connections(server.url) as http:
            warm = await asyncio.gather(*(http.get("/api/v1/articles/withdrawn") for _ in range(60)))
            assert {response.status_code for response in warm} == {200}

            await http.post("/api/v1/articles/withdrawn/unpublish", headers=editor)
            await asyncio.sleep(1.0)
            after = await asyncio.gather(*(http.get("/api/v1/articles/withdrawn") for _ in range(60)))

    assert {response.status_code for response in after} == {404}


async def test_an_asset_deletion_is_seen_by_every_worker_within_one_second(editor, database_url, tmp_path):
    media = {"CMS_MEDIA_DIR": str(tmp_path / "media")}
    with serve(database_url, tmp_path / "server.log", workers=3, env=media) as server:
        async with _fresh_connections(server.url) as http:
            upload = {"file": ("photo.png", image(40, 30), "image/png")}
            asset = (await http.post("/api/v1/assets", files=upload, headers=editor)).json()
            short = f"/api/v1/assets/{asset['id']}"  # answered from each worker's memory of the asset once read
            warm = await asyncio.gather(*(http.get(short) for _ in range(60)))
            assert {response.status_code for response in warm} == {301}

            deleted = await http.delete(short, headers=editor)
            assert deleted.status_code == 204
            await asyncio.sleep(1.0)
            after = await asyncio.gather(*(http.get(short) for _ in range(60)))

    assert {response.status_code for response in after} == {404}


def _fresh_connections(base_url: str) -> httpx.AsyncClient:
    """A client that opens a connection per request, so the kernel spreads them over every worker."""
    return httpx.AsyncClient(base_url=base_url, timeout=10, limits=httpx.Limits(max_keepalive_connections=0))


async def test_metrics_add_up_every_worker(editor, database_url, tmp_path):
    with serve(database_url, tmp_path / "server.log", workers=3) as server:
        async with _fresh_connections(server.url) as http:
            await asyncio.gather(*(http.get("/api/v1/site") for _ in range(30)))
            await asyncio.sleep(FLUSH_AFTER * 4)  # every worker writes its samples within 50 ms of a request
            text = (await http.get("/metrics")).text

    line = 'cms_http_requests_total{method="GET",route="/api/v1/site",status="200"} 30.0'
    assert line in text.splitlines(), text
