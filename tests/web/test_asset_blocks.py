"""Image blocks that name an uploaded asset: measured by the server, rendered responsively, kept while shown."""

from typing import Any

import httpx
import orjson
import pytest

from cms.services.transfer import export_lines, restore
from cms.storage.models import Article
from tests.web.images import PDF, image

pytestmark = pytest.mark.media_stores  # each test with a local directory and with S3 (tests/media.py)


@pytest.fixture
async def photo(client: httpx.AsyncClient, editor: dict[str, str]) -> dict[str, Any]:
    """A 1000 x 750 JPEG."""
    response = await client.post(
        "/api/v1/assets", files={"file": ("cat.jpg", image(1000, 750, "JPEG"))}, headers=editor
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def with_image(block: dict[str, Any]) -> dict[str, Any]:
    return {"title": "Cats", "sections": [{"heading": "A cat", "blocks": [block]}]}


async def test_an_image_block_gets_the_assets_size_placeholder_and_url(
    client: httpx.AsyncClient, editor: dict[str, str], photo: dict[str, Any]
):
    block = {"type": "image", "asset_id": photo["id"], "alt": "A cat", "width": 1, "height": 1}

    response = await client.post("/api/v1/articles", json=with_image(block), headers=editor)

    assert response.status_code == 201
    stored = response.json()["sections"][0]["blocks"][0]
    assert stored == {
        "id": stored["id"],
        "type": "image",
        "asset_id": photo["id"],
        "src": None,
        "alt": "A cat",
        "caption": None,
        "width": 1000,
        "height": 750,
        "placeholder": photo["placeholder"],
        "url": photo["url"],
    }


async def test_an_unknown_asset_id_answers_422_at_the_blocks_path(client: httpx.AsyncClient, editor: dict[str, str]):
    article = {
        "title": "Cats",
        "sections": [{"blocks": [{"type": "divider"}, {"type": "image", "asset_id": "0" * 32, "alt": ""}]}],
    }

    response = await client.post("/api/v1/articles", json=article, headers=editor)

    assert response.status_code == 422
    message = f"no asset has id {'0' * 32!r}: upload the image first (POST /api/v1/assets) and use its id"
    assert response.json()["errors"] == [{"path": "sections/0/blocks/1", "message": message}]
    assert (await client.get("/api/v1/articles/cats", params={"preview": "true"}, headers=editor)).status_code == 404


async def test_a_pdf_in_an_image_block_answers_422(client: httpx.AsyncClient, editor: dict[str, str]):
    pdf = (await client.post("/api/v1/assets", files={"file": ("a.pdf", PDF)}, headers=editor)).json()

    response = await client.post(
        "/api/v1/articles", json=with_image({"type": "image", "asset_id": pdf["id"], "alt": ""}), headers=editor
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "sections/0/blocks/0"


async def test_the_html_format_writes_a_responsive_lazy_img(
    client: httpx.AsyncClient, publish: Any, photo: dict[str, Any]
):
    article = await publish(**with_image({"type": "image", "asset_id": photo["id"], "alt": "A cat"}))

    response = await client.get(f"/api/v1/articles/{article['slug']}", params={"format": "html"})

    url = photo["url"]
    srcset = f"{url}?w=320 320w, {url}?w=640 640w, {url}?w=960 960w, {url} 1000w"
    assert (
        f'<figure><img src="{url}" srcset="{srcset}" sizes="(max-width: 1000px) 100vw, 1000px" alt="A cat"'
        ' width="1000" height="750" loading="lazy" decoding="async"></figure>'
    ) in response.text


async def test_markdown_and_portable_text_carry_the_asset_url(
    client: httpx.AsyncClient, publish: Any, photo: dict[str, Any]
):
    article = await publish(**with_image({"type": "image", "asset_id": photo["id"], "alt": "A cat"}))

    markdown = await client.get(f"/api/v1/articles/{article['slug']}", params={"format": "markdown"})
    portable = await client.get(f"/api/v1/articles/{article['slug']}", params={"format": "portable-text"})

    assert f"![A cat]({photo['url']})" in markdown.text
    image_node = next(node for node in portable.json()["body"] if node["_type"] == "image")
    assert (image_node["url"], image_node["width"], image_node["placeholder"]) == (
        photo["url"], 1000, photo["placeholder"],
    )  # fmt: skip


async def test_markdown_naming_an_asset_url_makes_an_image_block_of_that_asset(
    client: httpx.AsyncClient, editor: dict[str, str], photo: dict[str, Any]
):
    text = f"# Cats\n\n## A cat\n\n![A cat]({photo['url']})\n"

    response = await client.post("/api/v1/articles", content=text, headers=editor | {"Content-Type": "text/markdown"})

    assert response.status_code == 201
    block = response.json()["sections"][0]["blocks"][0]
    assert (block["asset_id"], block["url"], block["width"]) == (photo["id"], photo["url"], 1000)


async def test_the_short_asset_url_redirects_to_the_assets_url(client: httpx.AsyncClient, photo: dict[str, Any]):
    response = await client.get(f"/api/v1/assets/{photo['id']}")

    assert response.status_code == 301
    assert response.headers["location"] == photo["url"]


async def test_deleting_an_asset_the_draft_shows_answers_409(
    client: httpx.AsyncClient, editor: dict[str, str], photo: dict[str, Any]
):
    block = {"type": "image", "asset_id": photo["id"], "alt": ""}
    await client.post("/api/v1/articles", json=with_image(block), headers=editor)

    response = await client.delete(f"/api/v1/assets/{photo['id']}", headers=editor)

    assert response.status_code == 409
    assert response.json()["detail"] == (
        f"asset {photo['id']!r} is shown by the current draft or the published version of an article:"
        " remove it from them first"
    )
    assert (await client.get(photo["url"])).status_code == 200


async def test_deleting_an_asset_only_the_published_version_shows_answers_409(
    client: httpx.AsyncClient, editor: dict[str, str], publish: Any, photo: dict[str, Any]
):
    article = await publish(**with_image({"type": "image", "asset_id": photo["id"], "alt": ""}))
    changed = await client.put(
        f"/api/v1/articles/{article['slug']}", json={"title": "No cats"}, headers=editor | {"If-Match": "*"}
    )

    response = await client.delete(f"/api/v1/assets/{photo['id']}", headers=editor)

    assert changed.status_code == 200
    assert response.status_code == 409


async def test_an_asset_no_current_draft_or_published_version_shows_can_be_deleted(
    client: httpx.AsyncClient, editor: dict[str, str], publish: Any, photo: dict[str, Any]
):
    article = await publish(**with_image({"type": "image", "asset_id": photo["id"], "alt": ""}))
    await client.put(
        f"/api/v1/articles/{article['slug']}", json={"title": "No cats"}, headers=editor | {"If-Match": "*"}
    )
    await client.post(f"/api/v1/articles/{article['slug']}/unpublish", headers=editor)

    response = await client.delete(f"/api/v1/assets/{photo['id']}", headers=editor)

    assert response.status_code == 204


async def test_export_and_import_keep_asset_references(
    client: httpx.AsyncClient, editor: dict[str, str], publish: Any, photo: dict[str, Any]
):
    article = await publish(**with_image({"type": "image", "asset_id": photo["id"], "alt": "A cat"}))
    exported = [line async for line in export_lines()]
    await Article.all().delete()

    await restore(exported[0])

    block = orjson.loads(exported[0])["published"]["sections"][0]["blocks"][0]
    assert (block["asset_id"], block["url"]) == (photo["id"], photo["url"])
    assert [line async for line in export_lines()] == exported
    delete = await client.delete(f"/api/v1/assets/{photo['id']}", headers=editor)
    assert delete.status_code == 409  # the restored article shows it again
    assert (await client.get(f"/api/v1/articles/{article['slug']}")).json()["sections"][0]["blocks"][0] == block


async def test_an_unknown_asset_in_a_section_body_answers_422_at_the_path_in_that_body(
    client: httpx.AsyncClient, editor: dict[str, str]
):
    await client.post("/api/v1/articles", json={"title": "Cats"}, headers=editor)
    section = {"heading": "More", "blocks": [{"type": "image", "asset_id": "0" * 32, "alt": ""}]}

    response = await client.post("/api/v1/articles/cats/sections", json=section, headers=editor | {"If-Match": "*"})

    assert response.status_code == 422
    assert [error["path"] for error in response.json()["errors"]] == ["blocks/0"]


_NOT_ASSET_IDS = ["a" * 33, "a" * 64, "a" * 31, "A" * 32, "g" * 32, "0" * 31 + "-"]
_IMAGE = {"type": "image", "alt": ""}


def _not_an_asset_id(value: str) -> str:
    shown = value if len(value) <= 60 else value[:60] + "…"  # a long value is cut in the message
    return f"asset_id {shown!r} is not an asset id: use the 32 hexadecimal digits of an uploaded asset's id"


async def _write(client: httpx.AsyncClient, editor: dict[str, str], how: str, block: dict[str, Any]) -> httpx.Response:
    """One write of `block` by `how`, to an article 'cats' that exists (except for a create)."""
    if how != "create":
        created = await client.post("/api/v1/articles", json=with_image({"type": "divider"}), headers=editor)
        assert created.status_code == 201
    match = {"If-Match": "*"}
    if how == "create":
        return await client.post("/api/v1/articles", json=with_image(block), headers=editor)
    if how == "replace":
        return await client.put("/api/v1/articles/cats", json=with_image(block), headers=editor | match)
    if how == "patch":
        patch = {"sections": [{"heading": "A cat", "blocks": [block]}]}
        return await client.patch(
            "/api/v1/articles/cats",
            content=orjson.dumps(patch),
            headers=editor | match | {"Content-Type": "application/merge-patch+json"},
        )
    section = {"heading": "More", "blocks": [block]}
    if how == "add section":
        return await client.post("/api/v1/articles/cats/sections", json=section, headers=editor | match)
    return await client.put("/api/v1/articles/cats/sections/a-cat", json=section, headers=editor | match)


@pytest.mark.parametrize("how", ["create", "replace", "patch", "add section", "replace section"])
@pytest.mark.parametrize("value", _NOT_ASSET_IDS, ids=lambda value: f"{value[:3]}…x{len(value)}")
async def test_an_asset_id_not_shaped_like_one_answers_422_at_its_path_and_changes_nothing(
    client: httpx.AsyncClient, editor: dict[str, str], how: str, value: str
):
    response = await _write(client, editor, how, _IMAGE | {"asset_id": value})

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    prefix = "" if how.endswith("section") else "sections/0/"
    assert response.json()["errors"] == [{"path": f"{prefix}blocks/0/asset_id", "message": _not_an_asset_id(value)}]
    draft = await client.get("/api/v1/articles/cats", params={"preview": "true"}, headers=editor)
    expected = 404 if how == "create" else 200
    assert draft.status_code == expected
    assert draft.status_code == 404 or draft.json()["version"] == 1
