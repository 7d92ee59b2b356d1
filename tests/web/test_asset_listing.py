"""GET /api/v1/assets (newest first, by cursor) and DELETE /api/v1/assets/{id}."""

from collections.abc import Awaitable, Callable

import httpx
import pytest

from cms.config import Settings
from tests.media import stored
from tests.web.images import image

pytestmark = pytest.mark.media_stores  # each test with a local directory and with S3 (tests/media.py)


async def _upload(client: httpx.AsyncClient, editor: dict[str, str], data: bytes) -> dict[str, object]:
    response = await client.post("/api/v1/assets", files={"file": ("a.png", data)}, headers=editor)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_assets_are_listed_newest_first_a_page_at_a_time(client: httpx.AsyncClient, editor: dict[str, str]):
    uploaded = [await _upload(client, editor, image(10 + n, 10)) for n in range(3)]

    first = await client.get("/api/v1/assets", params={"limit": 2}, headers=editor)
    second = await client.get(
        "/api/v1/assets", params={"limit": 2, "cursor": first.json()["next_cursor"]}, headers=editor
    )

    assert first.status_code == 200
    assert first.json()["items"] == [uploaded[2], uploaded[1]]
    assert second.json() == {"items": [uploaded[0]], "next_cursor": None}


async def test_the_listing_is_open_to_preview_and_write_tokens_only(
    client: httpx.AsyncClient, token: Callable[..., Awaitable[str]]
):
    statuses = []
    for scope in ("preview", "write", "admin"):
        headers = {"Authorization": f"Bearer {await token(scope)}"}
        statuses.append((await client.get("/api/v1/assets", headers=headers)).status_code)

    assert statuses == [200, 200, 403]


async def test_a_cursor_this_api_never_returned_answers_400_naming_it(
    client: httpx.AsyncClient, editor: dict[str, str]
):
    response = await client.get("/api/v1/assets", params={"cursor": "abc"}, headers=editor)

    assert response.status_code == 400
    assert response.json()["parameter"] == "cursor"


async def test_deleting_an_unused_asset_answers_204_and_removes_its_files(
    client: httpx.AsyncClient, editor: dict[str, str], settings: Settings
):
    asset = await _upload(client, editor, image(40, 40))
    await client.get(f"{asset['url']}?w=320&fm=webp")

    response = await client.delete(f"/api/v1/assets/{asset['id']}", headers=editor)

    assert response.status_code == 204
    assert (await client.get(str(asset["url"]))).status_code == 404
    assert (await client.get("/api/v1/assets", headers=editor)).json()["items"] == []
    assert await stored(settings) == []


async def test_deleting_an_unknown_asset_answers_404(client: httpx.AsyncClient, editor: dict[str, str]):
    response = await client.delete(f"/api/v1/assets/{'0' * 32}", headers=editor)

    assert response.status_code == 404
    assert response.json()["detail"] == f"no asset has id {'0' * 32!r}"


async def test_deleting_needs_the_write_scope(client: httpx.AsyncClient, token: Callable[..., Awaitable[str]]):
    headers = {"Authorization": f"Bearer {await token('preview')}"}

    response = await client.delete(f"/api/v1/assets/{'0' * 32}", headers=headers)

    assert response.status_code == 403
