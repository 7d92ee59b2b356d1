"""Real `cms serve` processes with their media in a real S3-compatible server (tests/media.py).

Two hosts: two servers with separate working directories (no shared disk), one PostgreSQL database and one
bucket, as two machines would run. Then the store goes away under load and comes back. And `cms serve` refuses a
bucket that does not exist, or credentials the store refuses, with one line.
"""

import asyncio
import contextlib
import os
import re
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from cms.core.article import ArticleInput
from cms.services import drafts, publishing, tokens
from cms.storage import db
from tests.cli.test_settings import cms
from tests.conftest import PG_URL
from tests.media import S3_BUCKET, S3_ENDPOINT, objects, require_s3
from tests.server.process import Server, serve
from tests.server.tcp_proxy import TcpProxy
from tests.web.images import image

CONCURRENT_UPLOADS = 20
COHERENCE_SECONDS = 1.0
OUTAGE_REQUESTS = 20


@pytest.fixture
def prefix() -> str:
    require_s3()
    return f"test-{uuid.uuid4().hex[:16]}"


def store_env(prefix: str, endpoint: str = S3_ENDPOINT) -> dict[str, str]:
    """What an operator sets on each host: the bucket and prefix, the endpoint and the standard AWS variables."""
    return {
        "CMS_MEDIA_URL": f"s3://{S3_BUCKET}/{prefix}",
        "CMS_S3_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": os.environ.get("CMS_TEST_S3_ACCESS_KEY_ID", ""),
        "AWS_SECRET_ACCESS_KEY": os.environ.get("CMS_TEST_S3_SECRET_ACCESS_KEY", ""),
    }


@pytest.fixture
async def editor(database_url: str) -> AsyncIterator[dict[str, str]]:
    """Made through the services, with no app in this process."""
    async with db.database(database_url):
        _, secret = await tokens.create("editor", ["write", "preview"])
        await drafts.create(ArticleInput(title="Kept"), default_locale="en")
        await publishing.publish("kept", "en", if_match=None)
        yield {"Authorization": f"Bearer {secret}"}


@contextlib.contextmanager
def two_hosts(database_url: str, tmp_path: Path, prefix: str) -> Iterator[tuple[Server, Server]]:
    """Hosts A and B: each in a working directory of its own (its data/media holds temporary files only)."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    env = store_env(prefix)
    with (
        serve(database_url, tmp_path / "a.log", workers=1, env=env, cwd=tmp_path / "a") as a,
        serve(database_url, tmp_path / "b.log", workers=1, env=env, cwd=tmp_path / "b") as b,
    ):
        yield a, b
    for server in (a, b):
        assert "Traceback" not in server.output()


async def _upload(http: httpx.AsyncClient, editor: dict[str, str], data: bytes) -> httpx.Response:
    return await http.post("/api/v1/assets", files={"file": ("photo.png", data)}, headers=editor)


def _made(metrics: str) -> float:
    found = re.search(r'^cms_asset_variants_total\{outcome="made"\} (\S+)$', metrics, re.MULTILINE)
    return float(found[1]) if found else 0.0


two_hosts_need_postgres = pytest.mark.skipif(not PG_URL, reason="two hosts share one database server: PostgreSQL")


@two_hosts_need_postgres
async def test_an_upload_through_one_host_is_served_by_the_other_with_the_same_bytes_and_etag(
    database_url: str, editor: dict[str, str], tmp_path: Path, prefix: str
):
    data = image(640, 480, "PNG")
    with two_hosts(database_url, tmp_path, prefix) as (a, b):
        async with httpx.AsyncClient(base_url=a.url) as host_a, httpx.AsyncClient(base_url=b.url) as host_b:
            uploaded = await _upload(host_a, editor, data)
            url = uploaded.json()["url"]
            from_a = await host_a.get(url)
            from_b = await host_b.get(url)
            part = await host_b.get(url, headers={"Range": "bytes=0-9"})

    assert uploaded.status_code == 201
    assert (from_b.status_code, from_b.content) == (200, data)
    assert from_b.headers["etag"] == from_a.headers["etag"] == f'"{uploaded.json()["sha256"]}"'
    assert from_b.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert (part.status_code, part.content, part.headers["content-range"]) == (206, data[:10], f"bytes 0-9/{len(data)}")


@two_hosts_need_postgres
async def test_a_variant_made_by_one_host_is_reused_by_the_other_as_one_object(
    database_url: str, editor: dict[str, str], tmp_path: Path, prefix: str
):
    with two_hosts(database_url, tmp_path, prefix) as (a, b):
        async with httpx.AsyncClient(base_url=a.url) as host_a, httpx.AsyncClient(base_url=b.url) as host_b:
            asset = (await _upload(host_a, editor, image(1200, 800, "JPEG"))).json()
            made_by_b = await host_b.get(asset["url"], params={"w": 320})
            stored = await objects(S3_BUCKET, prefix)
            served_by_a = await host_a.get(asset["url"], params={"w": 320})
            made_on_a = _made((await host_a.get("/metrics")).text)

    folder = f"{asset['sha256'][:2]}/{asset['sha256']}"
    assert sorted(stored) == [f"{folder}/original", f"{folder}/w320-h213-contain-q82.jpg"]
    assert (served_by_a.status_code, served_by_a.content) == (200, made_by_b.content)
    assert served_by_a.headers["etag"] == made_by_b.headers["etag"]
    assert made_on_a == 0
    assert await objects(S3_BUCKET, prefix) == stored


@two_hosts_need_postgres
async def test_a_delete_through_one_host_is_404_on_the_other_and_removes_the_original_and_variants(
    database_url: str, editor: dict[str, str], tmp_path: Path, prefix: str
):
    with two_hosts(database_url, tmp_path, prefix) as (a, b):
        async with httpx.AsyncClient(base_url=a.url) as host_a, httpx.AsyncClient(base_url=b.url) as host_b:
            asset = (await _upload(host_a, editor, image(1200, 800, "JPEG"))).json()
            for width in (320, 640):
                assert (await host_b.get(asset["url"], params={"w": width})).status_code == 200
            assert (await host_b.get(asset["url"])).status_code == 200  # B keeps it ready to serve
            deleted = await host_a.delete(f"/api/v1/assets/{asset['id']}", headers=editor)
            remaining = await objects(S3_BUCKET, prefix)
            # B forgets the files it keeps in memory when the event log tells it (docs/deployment.md: within 1 s).
            deadline = time.monotonic() + COHERENCE_SECONDS
            while (original_on_b := await host_b.get(asset["url"])).status_code != 404 and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            variant_on_b = await host_b.get(asset["url"], params={"w": 320})

    assert deleted.status_code == 204
    assert remaining == {}
    assert (original_on_b.status_code, variant_on_b.status_code) == (404, 404)


@two_hosts_need_postgres
async def test_concurrent_identical_uploads_split_across_two_hosts_make_one_asset_and_one_object(
    database_url: str, editor: dict[str, str], tmp_path: Path, prefix: str
):
    data = image(800, 600, "PNG")
    with two_hosts(database_url, tmp_path, prefix) as (a, b):
        async with (
            httpx.AsyncClient(base_url=a.url, timeout=60) as host_a,
            httpx.AsyncClient(base_url=b.url, timeout=60) as host_b,
        ):
            responses = await asyncio.gather(
                *(_upload(host_a if n % 2 else host_b, editor, data) for n in range(CONCURRENT_UPLOADS))
            )
            listed = (await host_a.get("/api/v1/assets", headers=editor)).json()["items"]

    assert sorted(response.status_code for response in responses) == [200] * (CONCURRENT_UPLOADS - 1) + [201]
    assert {response.json()["id"] for response in responses} == {listed[0]["id"]}
    assert len(listed) == 1
    assert list(await objects(S3_BUCKET, prefix)) == [f"{listed[0]['sha256'][:2]}/{listed[0]['sha256']}/original"]


@pytest.fixture
def store_proxy() -> Iterator[TcpProxy]:
    """The S3 server behind a TCP proxy that the test cuts: the store goes away for the server, for real."""
    require_s3()
    target = urlsplit(S3_ENDPOINT)
    running = TcpProxy(target.hostname or "127.0.0.1", target.port or 80)
    running.start()
    yield running
    running.close()


async def test_a_store_outage_answers_503_to_uploads_and_new_variants_keeps_serving_the_rest_and_recovers(
    database_url: str, editor: dict[str, str], tmp_path: Path, prefix: str, store_proxy: TcpProxy
):
    env = store_env(prefix, f"http://127.0.0.1:{store_proxy.port}")
    with serve(database_url, tmp_path / "server.log", workers=1, env=env, cwd=tmp_path) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
            asset = (await _upload(http, editor, image(1200, 800, "JPEG"))).json()
            served = [asset["url"], f"{asset['url']}?w=320"]
            for url in served:
                assert (await http.get(url)).status_code == 200

            store_proxy.stop()
            during: list[Any] = await asyncio.gather(
                *(
                    request
                    for n in range(OUTAGE_REQUESTS)
                    for request in (
                        _upload(http, editor, image(64, 64 + n, "PNG")),
                        http.get(asset["url"], params={"w": 640}),
                        http.get("/api/v1/articles/kept"),
                        http.get(served[n % 2]),
                    )
                )
            )
            store_proxy.start()
            after_upload = await _upload(http, editor, image(64, 40, "PNG"))
            after_variant = await http.get(asset["url"], params={"w": 640})

    uploads, variants, articles, files = (during[kind::4] for kind in range(4))
    assert {(r.status_code, r.headers.get("retry-after")) for r in [*uploads, *variants]} == {(503, "1")}
    assert {r.headers["content-type"] for r in [*uploads, *variants]} == {"application/problem+json"}
    assert {r.json()["detail"] for r in [*uploads, *variants]} == {
        "the media store cannot be reached: retry in a moment"
    }
    assert {r.status_code for r in [*articles, *files]} == {200}
    assert (after_upload.status_code, after_variant.status_code) == (201, 200)
    log = server.output()
    assert "Traceback" not in log
    assert '"status": 500' not in log and '"status":500' not in log


def test_serve_refuses_a_bucket_that_does_not_exist_with_one_line_and_exit_2(tmp_path: Path, prefix: str):
    env = store_env(prefix) | {"CMS_MEDIA_URL": "s3://no-such-bucket-here/cms"}

    result = cms("serve", cwd=tmp_path, **env)

    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"configuration error: CMS_MEDIA_URL=s3://no-such-bucket-here/cms at CMS_S3_ENDPOINT_URL={S3_ENDPOINT}:"
        " the bucket 'no-such-bucket-here' does not exist\n"
    )


def test_serve_refuses_credentials_the_store_refuses_with_one_line_and_exit_2(tmp_path: Path, prefix: str):
    env = store_env(prefix) | {"AWS_SECRET_ACCESS_KEY": "not-the-secret"}

    result = cms("serve", cwd=tmp_path, **env)

    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"configuration error: CMS_MEDIA_URL=s3://{S3_BUCKET}/{prefix} at CMS_S3_ENDPOINT_URL={S3_ENDPOINT}:"
        " the store refused the credentials for the bucket (403)\n"
    )
