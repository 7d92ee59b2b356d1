"""`cms export --out` and `cms import` of a whole site, run as an operator runs them: real commands, real servers.

The site is built once per kind of database, through a served app; each test restores it into an empty database
of the other kind (SQLite -> SQLite without CMS_TEST_DATABASE_URL; SQLite -> PostgreSQL and back with it).
"""

import asyncio
import contextlib
import hashlib
import io
import os
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import orjson
import pytest

from cms.core.events import event_id
from tests.admin.conftest import csrf_of
from tests.conftest import PG_URL, _pg_admin_dsn
from tests.media import S3_BUCKET, objects, require_s3
from tests.server.process import serve
from tests.server.test_media_store import store_env
from tests.web.images import PDF, image

PASSWORD = "correct horse battery staple"
PAIRS = [("sqlite", "postgres"), ("postgres", "sqlite")] if PG_URL else [("sqlite", "sqlite")]
only_sqlite = pytest.mark.skipif(bool(PG_URL), reason="the archive's checks do not depend on the database")


@dataclass
class Site:
    database: str
    media: Path
    store: dict[str, str] = field(default_factory=dict)
    """The variables of an S3-compatible media store (CMS_MEDIA_URL=s3://…, which wins over `media`), or none."""

    def env(self) -> dict[str, str]:
        return {
            "CMS_DATABASE_URL": self.database,
            "CMS_MEDIA_DIR": str(self.media),
            "CMS_WEBHOOK_ALLOW_PRIVATE": "true",
            **self.store,
        }


def cms(site: Site, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cms", *args],
        capture_output=True, text=True, env={**os.environ, **site.env()}, input=stdin, timeout=300,
    )  # fmt: skip


def ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, result.stderr
    return result


@contextlib.contextmanager
def empty_site(kind: str, folder: Path, store: dict[str, str] | None = None) -> Iterator[Site]:
    """A new database of `kind` (migrated by the first command) and an empty media directory (or `store`)."""
    folder.mkdir(parents=True, exist_ok=True)
    if kind == "sqlite":
        yield Site(f"sqlite://{folder / 'cms.sqlite3'}", folder / "media", store or {})
        return
    name = f"cms_backup_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    base, _, query = PG_URL.partition("?")
    try:
        yield Site(f"{base.rsplit('/', 1)[0]}/{name}" + (f"?{query}" if query else ""), folder / "media", store or {})
    finally:
        asyncio.run(_admin(f'DROP DATABASE "{name}" WITH (FORCE)'))


async def _admin(sql: str) -> None:
    connection = await asyncpg.connect(_pg_admin_dsn(PG_URL))
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@contextlib.contextmanager
def served(site: Site, log: Path) -> Iterator[httpx.Client]:
    with serve(site.database, log, workers=2, env=site.env()) as server, httpx.Client(base_url=server.url) as http:
        yield http


@dataclass
class Built:
    site: Site
    token: str
    """A token with every scope."""
    paths: list[str]
    """What delivery serves: the site, the listing, each published article, a former slug, each asset."""


def build(site: Site, log: Path) -> Built:
    """The seed, a draft-only article, a scheduled one, a renamed one (two revisions), an image block's asset and
    a PDF, a webhook, two people and a token."""
    for command in (("seed",), ("user", "create", "--email", "ada@example.org", "--role", "admin", "--password-stdin")):
        ok(cms(site, *command, stdin=PASSWORD + "\n"))
    ok(cms(site, "user", "create", "--email", "bo@example.org", "--role", "editor"))
    made = cms(
        site, "token", "create", "--name", "builder", "--scope", "admin", "--scope", "write", "--scope", "preview"
    )
    token = made.stdout.splitlines()[-1]
    auth = {"Authorization": f"Bearer {token}"}
    with served(site, log) as http:
        photo = _upload(http, auth, "cat.png", image(64, 48))
        pdf = _upload(http, auth, "menu.pdf", PDF)
        assert _post(http, auth, "/api/v1/articles", {"title": "Draft Only"}).status_code == 201
        _post(http, auth, "/api/v1/articles", {"title": "Scheduled"})
        later = (datetime.now(UTC) + timedelta(days=1)).isoformat()
        assert _post(http, auth, "/api/v1/articles/scheduled/publish", {"at": later}).status_code == 200
        _post(http, auth, "/api/v1/articles", {"title": "Old Name"})
        _post(http, auth, "/api/v1/articles/old-name/publish", {})
        renamed = http.put(
            "/api/v1/articles/old-name", json={"title": "New Name", "slug": "new-name"},
            headers=auth | {"If-Match": "*"},
        )  # fmt: skip
        assert renamed.status_code == 200, renamed.text
        _post(http, auth, "/api/v1/articles/new-name/publish", {})
        block = {"type": "image", "asset_id": photo["id"], "alt": "A cat"}
        _post(http, auth, "/api/v1/articles", {"title": "Cats", "sections": [{"blocks": [block]}]})
        _post(http, auth, "/api/v1/articles/cats/publish", {})
        hook = {"url": "http://127.0.0.1:9/hook", "events": ["article.published"]}
        assert _post(http, auth, "/api/v1/webhooks", hook).status_code == 201
        listing = http.get("/api/v1/articles").json()
    slugs = [item["slug"] for item in listing["items"]]
    assert sorted(slugs) == ["cats", "ketamine-and-depression-how-it-may-help-you", "new-name"]
    paths = ["/api/v1/site", "/api/v1/articles", "/api/v1/articles/old-name", photo["url"], pdf["url"]]
    paths += [f"{photo['url']}?fm=webp"]  # a variant, made again from the restored original
    paths += [f"/api/v1/articles/{slug}{query}" for slug in slugs for query in ("", "?format=html")]
    return Built(site, token, paths)


def _post(http: httpx.Client, auth: dict[str, str], path: str, body: dict[str, Any]) -> httpx.Response:
    response = http.post(path, json=body, headers=auth)
    assert response.status_code in (200, 201), response.text
    return response


def _upload(http: httpx.Client, auth: dict[str, str], name: str, data: bytes) -> dict[str, Any]:
    response = http.post("/api/v1/assets", files={"file": (name, data)}, headers=auth)
    assert response.status_code == 201, response.text
    return dict(response.json())


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Built]]:
    """The site, built once on each kind of database a pair starts from."""
    with contextlib.ExitStack() as stack:
        sites = {}
        for kind in sorted({source for source, _ in PAIRS}):
            folder = tmp_path_factory.mktemp(f"source-{kind}")
            sites[kind] = build(stack.enter_context(empty_site(kind, folder)), folder / "server.log")
        yield sites


def members(archive: Path) -> dict[str, bytes]:
    """Every member's bytes; the manifest without its time and the log position (when, not what)."""
    with tarfile.open(archive) as tar:
        found = {info.name: tar.extractfile(info).read() for info in tar}  # type: ignore[union-attr]
    manifest = orjson.loads(found["manifest.json"])
    del manifest["created_at"], manifest["events_through"]
    found["manifest.json"] = orjson.dumps(manifest)
    return found


def delivered(http: httpx.Client, paths: list[str]) -> dict[str, tuple[int, str | None, bytes]]:
    answers = {}
    for path in paths:
        response = http.get(path)
        answers[path] = (response.status_code, response.headers.get("etag"), response.content)
    return answers


@pytest.mark.parametrize(("source", "target"), PAIRS)
def test_a_restored_site_exports_the_same_archive_and_delivers_the_same_bytes(source, target, built, tmp_path):
    original = built[source]
    first, second = tmp_path / "first.tar.gz", tmp_path / "second.tar.gz"
    ok(cms(original.site, "export", "--out", str(first)))

    with empty_site(target, tmp_path / "target") as restored:
        imported = cms(restored, "import", str(first))
        exported = cms(restored, "export", "--out", str(second))
        with served(original.site, tmp_path / "a.log") as a, served(restored, tmp_path / "b.log") as b:
            before, after = delivered(a, original.paths), delivered(b, original.paths)

    assert imported.returncode == 0, imported.stderr
    assert imported.stderr.splitlines()[-1] == (
        f"restored 2 assets, 5 articles, 2 people, 1 tokens, 1 webhooks from {first}"
    )
    assert exported.returncode == 0, exported.stderr
    assert members(second) == members(first)
    assert [revision["slug"] for revision in _article_line(second, "new-name")["revisions"]] == ["old-name", "new-name"]
    assert after == before
    assert before["/api/v1/articles/old-name"][0] == 301
    assert all(status in (200, 301) and etag for status, etag, _ in before.values() if status == 200)


@pytest.mark.parametrize(("source", "target"), PAIRS)
def test_a_site_restored_into_an_s3_store_delivers_the_same_bytes_and_exports_the_same_archive(
    source, target, built, tmp_path
):
    require_s3()
    original = built[source]
    first, second = tmp_path / "first.tar.gz", tmp_path / "second.tar.gz"
    ok(cms(original.site, "export", "--out", str(first)))
    prefix = f"test-{uuid.uuid4().hex[:16]}"

    with empty_site(target, tmp_path / "target", store_env(prefix)) as restored:
        imported = cms(restored, "import", str(first))
        exported = cms(restored, "export", "--out", str(second))
        with served(original.site, tmp_path / "a.log") as a, served(restored, tmp_path / "b.log") as b:
            before, after = delivered(a, original.paths), delivered(b, original.paths)
    in_store = asyncio.run(objects(S3_BUCKET, prefix))

    assets = [orjson.loads(line) for line in members(first)["assets.jsonl"].splitlines()]
    assert imported.returncode == 0, imported.stderr
    assert exported.returncode == 0, exported.stderr
    assert members(second) == members(first)
    assert after == before
    assert {name for name in in_store if name.endswith("/original")} == {
        f"{asset['sha256'][:2]}/{asset['sha256']}/original" for asset in assets
    }
    assert not restored.media.exists() or [p for p in restored.media.rglob("*") if p.is_file()] == []


def _article_line(archive: Path, slug: str) -> dict[str, Any]:
    lines = [orjson.loads(line) for line in members(archive)["articles.jsonl"].splitlines()]
    return next(line for line in lines if line["article"]["slug"] == slug)


@pytest.mark.parametrize(("source", "target"), PAIRS)
def test_with_secrets_restored_people_sign_in_and_tokens_authenticate(source, target, built, tmp_path):
    original = built[source]
    archive = tmp_path / "site.tar"
    ok(cms(original.site, "export", "--out", str(archive), "--include-secrets"))

    with empty_site(target, tmp_path / "target") as restored:
        ok(cms(restored, "import", str(archive)))
        with served(restored, tmp_path / "b.log") as http:
            signed_in = _sign_in(http, "ada@example.org", PASSWORD)
            authenticated = http.get("/api/v1/webhooks", headers={"Authorization": f"Bearer {original.token}"})

    assert signed_in.status_code == 303
    assert authenticated.status_code == 200
    assert [hook["url"] for hook in authenticated.json()["items"]] == ["http://127.0.0.1:9/hook"]


@pytest.mark.parametrize(("source", "target"), PAIRS)
def test_without_secrets_restored_people_and_tokens_are_refused(source, target, built, tmp_path):
    original = built[source]
    archive = tmp_path / "site.tar"
    ok(cms(original.site, "export", "--out", str(archive)))

    with empty_site(target, tmp_path / "target") as restored:
        ok(cms(restored, "import", str(archive)))
        with served(restored, tmp_path / "b.log") as http:
            signed_in = _sign_in(http, "ada@example.org", PASSWORD)
            authenticated = http.get("/api/v1/webhooks", headers={"Authorization": f"Bearer {original.token}"})

    assert signed_in.status_code == 200
    assert "The email or the password is wrong." in signed_in.text
    assert authenticated.status_code == 401


@pytest.mark.parametrize(("source", "target"), PAIRS)
def test_a_person_restored_without_secrets_signs_in_again_after_cms_user_password(source, target, built, tmp_path):
    archive = tmp_path / "site.tar"
    ok(cms(built[source].site, "export", "--out", str(archive)))
    new = "a new password after the restore"

    with empty_site(target, tmp_path / "target") as restored:
        ok(cms(restored, "import", str(archive)))
        reset = ok(cms(restored, "user", "password", "--email", "ada@example.org", "--password-stdin", stdin=new))
        with served(restored, tmp_path / "b.log") as http:
            signed_in = [_sign_in(http, "ada@example.org", password).status_code for password in (PASSWORD, new)]

    assert reset.stderr == "user 'ada@example.org' has a new password; their sessions have ended\n"
    assert signed_in == [200, 303]  # the old password is refused, the new one signs in


def _sign_in(http: httpx.Client, email: str, password: str) -> httpx.Response:
    form = http.get("/admin/sign-in")
    return http.post("/admin/sign-in", data={"csrf": csrf_of(form), "email": email, "password": password})


# ---- archives that cannot be restored, and databases that must not be restored into --------------------------


@pytest.fixture(scope="module")
def archive(built: dict[str, Built], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The SQLite-built site, as an uncompressed archive (so that tests can cut and edit it)."""
    path = tmp_path_factory.mktemp("archive") / "site.tar"
    ok(cms(built["sqlite"].site, "export", "--out", str(path)))
    return path


def rewritten(archive: Path, out: Path, change: dict[str, bytes], manifest: bool = False) -> Path:
    """A copy of `archive` with members replaced; their manifest entries made to match only when `manifest`."""
    with tarfile.open(archive) as tar:
        found = {info.name: tar.extractfile(info).read() for info in tar}  # type: ignore[union-attr]
    found.update(change)
    head = orjson.loads(found["manifest.json"])
    if manifest:
        for entry in head["members"]:
            entry["size"], entry["sha256"] = len(found[entry["name"]]), hashlib.sha256(found[entry["name"]]).hexdigest()
        found["manifest.json"] = orjson.dumps(head)
    with tarfile.open(out, "w") as tar:
        for name, data in found.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out


def assert_refused_and_unchanged(result: subprocess.CompletedProcess[str], target: Site, words: str) -> None:
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1, result.stderr
    assert words in result.stderr, result.stderr
    assert cms(target, "export", "--articles").stdout == ""
    assert not target.media.exists() or [p for p in target.media.rglob("*") if p.is_file()] == []


@only_sqlite
def test_a_truncated_archive_is_refused_and_changes_nothing(archive, tmp_path):
    cut = tmp_path / "cut.tar.gz"
    data = archive.read_bytes()
    cut.write_bytes(data[: len(data) // 2])

    with empty_site("sqlite", tmp_path / "target") as target:
        result = cms(target, "import", str(cut))

        assert_refused_and_unchanged(result, target, "truncated")


@only_sqlite
def test_a_truncated_compressed_archive_is_refused_and_changes_nothing(built, tmp_path):
    whole, cut = tmp_path / "site.tar.gz", tmp_path / "cut.tar.gz"
    ok(cms(built["sqlite"].site, "export", "--out", str(whole)))
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size - 100])

    with empty_site("sqlite", tmp_path / "target") as target:
        result = cms(target, "import", str(cut))

        assert_refused_and_unchanged(result, target, "truncated")


@only_sqlite
def test_a_member_that_does_not_match_its_checksum_is_refused_and_changes_nothing(archive, tmp_path):
    with tarfile.open(archive) as tar:
        articles = tar.extractfile("articles.jsonl").read()  # type: ignore[union-attr]
    damaged = rewritten(archive, tmp_path / "damaged.tar", {"articles.jsonl": articles.replace(b"Cats", b"Dogs")})

    with empty_site("sqlite", tmp_path / "target") as target:
        result = cms(target, "import", str(damaged))

        assert_refused_and_unchanged(result, target, "articles.jsonl does not match its SHA-256 in the manifest")


@only_sqlite
def test_a_member_larger_than_its_manifest_entry_is_refused_and_changes_nothing(archive, tmp_path):
    with tarfile.open(archive) as tar:
        articles = tar.extractfile("articles.jsonl").read()  # type: ignore[union-attr]
    extra = articles.splitlines()[0] + b"\n"
    grown = rewritten(archive, tmp_path / "grown.tar", {"articles.jsonl": articles + extra})

    with empty_site("sqlite", tmp_path / "target") as target:
        result = cms(target, "import", str(grown))

        larger = (
            f"articles.jsonl is {len(articles) + len(extra)} bytes, larger than the {len(articles)} of its manifest"
        )
        assert_refused_and_unchanged(result, target, larger)


@only_sqlite
def test_an_unknown_format_version_is_refused_and_changes_nothing(archive, tmp_path):
    with tarfile.open(archive) as tar:
        manifest = orjson.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
    newer = rewritten(archive, tmp_path / "newer.tar", {"manifest.json": orjson.dumps({**manifest, "version": 2})})

    with empty_site("sqlite", tmp_path / "target") as target:
        result = cms(target, "import", str(newer))

        assert_refused_and_unchanged(result, target, "format version 2 is unknown: this cms reads version 1")


@only_sqlite
def test_an_archive_that_fails_while_writing_leaves_no_row_and_no_file(archive, tmp_path):
    with tarfile.open(archive) as tar:
        articles = tar.extractfile("articles.jsonl").read()  # type: ignore[union-attr]
    last = orjson.loads(articles.splitlines()[-1])
    twin = {**last, "article": {**last["article"], "id": "f" * 32}}
    clashing = rewritten(
        archive, tmp_path / "clash.tar", {"articles.jsonl": articles + orjson.dumps(twin) + b"\n"}, manifest=True
    )

    with empty_site("sqlite", tmp_path / "target") as target:
        result = cms(target, "import", str(clashing))

        assert_refused_and_unchanged(result, target, f"article {'f' * 32}: slug {last['article']['slug']!r}")


@only_sqlite
def test_an_archive_is_refused_by_a_database_that_holds_content(archive, tmp_path):
    with empty_site("sqlite", tmp_path / "target") as target:
        cms(target, "seed")
        before = cms(target, "export", "--articles").stdout

        result = cms(target, "import", str(archive))

        assert result.returncode == 1
        assert result.stderr.count("\n") == 1, result.stderr
        assert "the database already holds content" in result.stderr
        assert cms(target, "export", "--articles").stdout == before
        assert not target.media.exists()


@only_sqlite
def test_merge_imports_what_is_missing_and_reports_each_conflict(archive, tmp_path):
    with empty_site("sqlite", tmp_path / "target") as target:
        cms(target, "seed")  # the same slug as the archive's seed article, another id

        result = cms(target, "import", str(archive), "--merge")
        lines = cms(target, "export", "--articles").stdout.splitlines()

    slugs = sorted(orjson.loads(line)["article"]["slug"] for line in lines)

    assert result.returncode == 1
    assert "slug 'ketamine-and-depression-how-it-may-help-you' (or a former one) is taken" in result.stderr
    assert result.stderr.splitlines()[-1] == (
        f"restored 2 assets, 4 articles, 2 people, 1 tokens, 1 webhooks from {archive}; 1 not imported"
    )
    assert slugs == ["cats", "draft-only", "ketamine-and-depression-how-it-may-help-you", "new-name", "scheduled"]


@only_sqlite
def test_a_restored_log_continues_after_the_old_one_and_old_cursors_answer_410(archive, tmp_path):
    with tarfile.open(archive) as tar:
        exported_through = orjson.loads(tar.extractfile("manifest.json").read())["events_through"]  # type: ignore[union-attr]

    with empty_site("sqlite", tmp_path / "target") as target:
        ok(cms(target, "import", str(archive)))
        with served(target, tmp_path / "b.log") as http:
            old = http.get("/api/v1/changes", params={"since": event_id(exported_through - 1)})
            caught_up = http.get("/api/v1/changes", params={"since": event_id(exported_through)})

    assert old.status_code == 410
    restored = caught_up.json()["items"]
    assert restored[0]["id"] == event_id(exported_through + 1)
    assert {item["type"] for item in restored} == {"asset.created", "article.published"}
