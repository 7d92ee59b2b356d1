"""Export and import: an export, imported, restores exactly the exported state."""

from datetime import UTC, datetime, timedelta

import orjson
import pytest
from pydantic import ValidationError

from cms.core.errors import Conflict
from cms.services.transfer import export_lines, import_markdown, restore
from cms.storage.models import Article


async def _export() -> list[bytes]:
    return [line async for line in export_lines()]


@pytest.fixture
async def history(client, editor):
    """An article with a published version, a newer draft, a renamed slug and a pending schedule; and a draft."""
    await client.post("/api/v1/articles", json={"title": "First Title", "tags": ["a"]}, headers=editor)
    await client.post("/api/v1/articles/first-title/publish", headers=editor)
    await client.patch("/api/v1/articles/first-title", json={"slug": "renamed"}, headers=editor | {"If-Match": "*"})
    await client.put(
        "/api/v1/articles/renamed",
        json={"title": "Second Title", "sections": [{"heading": "Why?", "blocks": [{"type": "divider"}]}]},
        headers=editor | {"If-Match": "*"},
    )
    at = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    await client.post("/api/v1/articles/renamed/publish", json={"at": at}, headers=editor)
    await client.post("/api/v1/articles", json={"title": "Only A Draft"}, headers=editor)


async def test_an_export_line_holds_the_article_its_published_version_revisions_and_old_slugs(client, history):
    first, draft_only = [orjson.loads(line) for line in await _export()]

    assert list(first) == ["article", "published", "revisions", "slug_history", "schedule"]
    assert (first["article"]["slug"], first["article"]["title"], first["article"]["version"]) == (
        "renamed", "Second Title", 3,
    )  # fmt: skip
    assert (first["published"]["title"], first["published"]["slug"], first["published"]["version"]) == (
        "First Title", "renamed", 1,
    )  # fmt: skip
    assert [r["version"] for r in first["revisions"]] == [1, 2, 3]
    assert [old["slug"] for old in first["slug_history"]] == ["first-title"]
    assert first["schedule"]["version"] == 3
    assert (draft_only["published"], draft_only["slug_history"], draft_only["schedule"]) == (None, [], None)


async def test_importing_an_export_restores_exactly_that_state(client, history):
    exported = await _export()
    await Article.all().delete()

    slugs = [await restore(line) for line in exported]

    assert slugs == ["renamed", "only-a-draft"]
    assert await _export() == exported
    assert (await client.get("/api/v1/articles/renamed")).json()["title"] == "First Title"
    assert (await client.get("/api/v1/articles/first-title")).status_code == 301


async def test_each_exported_revision_carries_the_slug_it_was_saved_with(client, history):
    first = orjson.loads((await _export())[0])

    assert [(r["version"], r["slug"]) for r in first["revisions"]] == [
        (1, "first-title"), (2, "renamed"), (3, "renamed"),
    ]  # fmt: skip


async def test_a_merge_after_an_import_compares_slugs_as_they_were_saved(client, editor):
    created = await client.post("/api/v1/articles", json={"title": "Hello"}, headers=editor)
    await client.patch("/api/v1/articles/hello", json={"slug": "renamed"}, headers=editor | {"If-Match": "*"})
    exported = await _export()
    await Article.all().delete()
    await restore(exported[0])
    stale = {key: created.json()[key] for key in ("title", "slug", "sections")} | {"title": "Mine"}

    response = await client.put(
        "/api/v1/articles/renamed", json=stale,
        headers=editor | {"Prefer": "merge", "If-Match": created.headers["etag"]},
    )  # fmt: skip

    assert response.status_code == 200, response.text
    assert (response.json()["slug"], response.json()["title"]) == ("renamed", "Mine")


async def test_an_export_line_without_revision_slugs_imports_them_as_not_recorded(client, history):
    line = orjson.loads((await _export())[0])
    older = {**line, "revisions": [{k: v for k, v in r.items() if k != "slug"} for r in line["revisions"]]}
    await Article.all().delete()

    await restore(orjson.dumps(older))

    not_recorded = [revision | {"slug": None} for revision in older["revisions"]]
    assert orjson.loads((await _export())[0]) == {**older, "revisions": not_recorded}


async def test_importing_an_article_again_replaces_it(client, history):
    exported = await _export()

    await restore(exported[0])

    assert await _export() == exported


async def test_importing_onto_a_slug_another_article_holds_is_refused(client, editor, history):
    line = orjson.loads((await _export())[1])
    line["article"]["id"] = "f" * 32  # another article, same slug as the existing draft

    with pytest.raises(Conflict):
        await restore(orjson.dumps(line))


async def test_importing_markdown_creates_a_draft_or_publishes_it(client):
    draft = await import_markdown("# Just A Draft\n\nText.\n", "en", publish=False)
    published = await import_markdown("# Published Now\n\nText.\n", "en", publish=True)

    assert (draft, published) == ("just-a-draft", "published-now")
    assert (await client.get("/api/v1/articles/just-a-draft")).status_code == 404
    assert (await client.get("/api/v1/articles/published-now")).status_code == 200


async def test_an_export_line_with_an_id_this_service_could_not_make_is_refused(client, history):
    line = orjson.loads((await _export())[1])
    line["article"]["id"] = "x" * 40

    with pytest.raises(ValidationError):
        await restore(orjson.dumps(line))
