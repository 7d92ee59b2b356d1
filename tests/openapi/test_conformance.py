"""Every documented operation, called for real: every format, `fields=`, 304, redirects and each error it can
answer; each response must have a documented status and media type, and a body valid against the document's schema.

One test per operation; the cases of an operation share one world (the seed, a rich article with every block type,
tokens, an image, a webhook), built through the API itself.
"""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from cms.config import Settings
from cms.services import tokens
from cms.services.seeding import DEFAULT_SEED_DIR, seed
from cms.storage import events
from tests.openapi.conformance import DOCUMENT, ConformingClient
from tests.web.images import image

SEED = "ketamine-and-depression-how-it-may-help-you"
RICH = "every-block"
TOO_LARGE = b"{" + b" " * (64 * 1024) + b"}"

RICH_ARTICLE: dict[str, Any] = {
    "title": "Every Block",
    "summary": "One of each.",
    "tags": ["demo"],
    "author": "Ann",
    "sections": [
        {
            "blocks": [
                {
                    "type": "paragraph",
                    "spans": [
                        {"text": "bold", "marks": ["strong", "em"]},
                        {"text": " code", "marks": ["code", "underline", "strike"]},
                        {"text": " a link", "href": "https://example.com/"},
                    ],
                }
            ]
        },
        {
            "heading": "Everything Else",
            "blocks": [
                {"type": "heading", "level": 3, "spans": "Sub"},
                {"type": "list", "style": "bullet", "items": [{"spans": "one", "items": [{"spans": "one.a"}]}]},
                {"type": "list", "style": "number", "items": [{"spans": "first"}]},
                {"type": "quote", "spans": "Be kind.", "cite": "Ann"},
                {"type": "quote", "spans": "Uncited."},
                {"type": "code", "code": "print(1)", "language": "python"},
                {"type": "code", "code": "plain"},
                {"type": "image", "asset_id": "<asset>", "alt": "A picture", "caption": "Caption"},
                {"type": "image", "src": "https://example.com/a.png", "alt": ""},
                {"type": "embed", "url": "https://example.com/video", "title": "Video"},
                {"type": "callout", "tone": "tip", "spans": [{"text": "Tip", "href": "/x"}]},
                {"type": "divider"},
                {"type": "table", "header_row": True, "rows": [["a", [{"text": "b", "marks": ["em"]}]], ["", "d"]]},
                {"type": "html", "html": "<p>Raw <em>html</em></p>"},
            ],
        },
    ],
}


@dataclass
class World:
    api: ConformingClient
    admin: dict[str, str]
    editor: dict[str, str]
    reader: dict[str, str]  # preview only
    asset: dict[str, Any]
    anchor: str  # a section of the rich article

    async def etag(self, slug: str = RICH) -> str:
        response = await self.api("getArticle", {"slug": slug}, params={"preview": "true"}, headers=self.editor)
        return response.headers["etag"]

    def file(self) -> dict[str, str]:
        return {"id": self.asset["id"], "filename": self.asset["filename"]}


@pytest.fixture
def settings(database_url: str, tmp_path: Any) -> Settings:
    return Settings(
        database_url=database_url,
        media_dir=str(tmp_path / "media"),
        event_stream_max_seconds=0.2,
        event_keepalive_seconds=60,
        webhook_allow_private=True,
        max_body_bytes=32 * 1024,
        max_asset_bytes=64 * 1024,
    )


async def _bearer(*scopes: str) -> dict[str, str]:
    _, secret = await tokens.create("-".join(scopes), list(scopes))
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
async def world(client: httpx.AsyncClient) -> World:
    api = ConformingClient(client)
    admin, editor, reader = await _bearer("admin"), await _bearer("write", "preview"), await _bearer("preview")
    await seed(DEFAULT_SEED_DIR, default_locale="en")
    files = {"file": ("photo.png", image(40, 30), "image/png")}
    asset = (await api("uploadAsset", files=files, data={"alt": "A photo"}, headers=editor)).json()
    body = RICH_ARTICLE | {"sections": [dict(s) for s in RICH_ARTICLE["sections"]]}
    body["sections"][1]["blocks"] = [
        b | {"asset_id": asset["id"]} if b.get("asset_id") else b for b in RICH_ARTICLE["sections"][1]["blocks"]
    ]
    created = await api("createArticle", json=body, headers=editor)
    assert created.status_code == 201, created.text
    published = await api("publishArticle", {"slug": RICH}, headers=editor)
    assert published.status_code == 200, published.text
    anchor = created.json()["sections"][1]["anchor"]
    return World(api, admin, editor, reader, asset, anchor)


CASES: dict[str, Callable[[World], Awaitable[None]]] = {}


def cases(operation_id: str) -> Callable[[Callable[[World], Awaitable[None]]], Callable[[World], Awaitable[None]]]:
    def register(function: Callable[[World], Awaitable[None]]) -> Callable[[World], Awaitable[None]]:
        CASES[operation_id] = function
        return function

    return register


async def expect(status: int, response: httpx.Response) -> httpx.Response:
    assert response.status_code == status, f"{response.request.method} {response.request.url}: {response.text}"
    return response


def _operation_ids() -> list[str]:
    return [op["operationId"] for methods in DOCUMENT["paths"].values() for op in methods.values()]


@pytest.mark.parametrize("operation_id", _operation_ids())
async def test_every_response_of_the_operation_conforms_to_the_document(operation_id: str, world: World) -> None:
    await CASES[operation_id](world)


def test_every_documented_operation_has_cases() -> None:
    assert sorted(CASES) == sorted(_operation_ids())


# Delivery


@cases("listArticles")
async def _list_articles(w: World) -> None:
    api = w.api
    first = await expect(200, await api("listArticles"))
    assert {item["slug"] for item in first.json()["items"]} == {SEED, RICH}
    assert "sections" not in first.json()["items"][0]
    await expect(200, await api("listArticles", params={"fields": "title,sections"}))
    await expect(200, await api("listArticles", params={"fields": "slug"}))
    await expect(200, await api("listArticles", params={"q": "ketamine", "limit": "1"}))
    page = await expect(200, await api("listArticles", params={"tag": "demo", "locale": "en"}))
    assert [item["slug"] for item in page.json()["items"]] == [RICH]
    await expect(304, await api("listArticles", headers={"If-None-Match": first.headers["etag"]}))
    await expect(400, await api("listArticles", params={"limit": "0"}))
    await expect(400, await api("listArticles", params={"sort": "title"}))
    await expect(400, await api("listArticles", params={"cursor": "nonsense"}))


@cases("getArticle")
async def _get_article(w: World) -> None:
    api = w.api
    seed = await expect(200, await api("getArticle", {"slug": SEED}))
    for slug in (SEED, RICH):
        for fmt in ("json", "portable-text", "html", "markdown", "text"):
            await expect(200, await api("getArticle", {"slug": slug}, params={"format": fmt}))
    body = (await api("getArticle", {"slug": RICH}, params={"format": "portable-text"})).json()["body"]
    assert {node["_type"] for node in body} == {
        "block", "callout", "code", "image", "embed", "divider", "table", "html"
    }  # fmt: skip
    assert [node.get("cite") for node in body if node.get("style") == "blockquote"] == ["Ann", None]
    await expect(200, await api("getArticle", {"slug": SEED}, params={"fields": "title,summary"}))
    await expect(200, await api("getArticle", {"slug": RICH}, params={"fields": "sections"}))
    await expect(200, await api("getArticle", {"slug": RICH}, params={"preview": "true"}, headers=w.editor))
    preview = {"preview": "true", "format": "portable-text"}
    await expect(200, await api("getArticle", {"slug": RICH}, params=preview, headers=w.reader))
    await expect(304, await api("getArticle", {"slug": SEED}, headers={"If-None-Match": seed.headers["etag"]}))
    await expect(400, await api("getArticle", {"slug": SEED}, params={"format": "pdf"}))
    await expect(400, await api("getArticle", {"slug": SEED}, params={"fields": "title", "format": "html"}))
    await expect(401, await api("getArticle", {"slug": SEED}, params={"preview": "true"}))
    await expect(403, await api("getArticle", {"slug": SEED}, params={"preview": "true"}, headers=w.admin))
    await expect(404, await api("getArticle", {"slug": "nothing-here"}))
    await _rename(w, RICH, "renamed")
    await expect(301, await api("getArticle", {"slug": RICH}))
    await expect(308, await api("getArticle", {"slug": RICH}, params={"preview": "true"}, headers=w.editor))


async def _rename(w: World, slug: str, new: str) -> None:
    headers = w.editor | {"If-Match": await w.etag(slug)}
    await expect(200, await w.api("patchArticle", {"slug": slug}, json={"slug": new}, headers=headers))


@cases("getSection")
async def _get_section(w: World) -> None:
    api = w.api
    at = {"slug": RICH, "anchor": w.anchor}
    first = await expect(200, await api("getSection", at))
    for fmt in ("portable-text", "html", "markdown", "text"):
        await expect(200, await api("getSection", at, params={"format": fmt}))
    await expect(200, await api("getSection", {"slug": SEED, "anchor": "intro"}, params={"format": "portable-text"}))
    await expect(200, await api("getSection", at, params={"preview": "true"}, headers=w.editor))
    await expect(304, await api("getSection", at, headers={"If-None-Match": first.headers["etag"]}))
    await expect(400, await api("getSection", at, params={"fields": "title"}))
    await expect(401, await api("getSection", at, params={"preview": "true"}))
    await expect(403, await api("getSection", at, params={"preview": "true"}, headers=w.admin))
    await expect(404, await api("getSection", {"slug": RICH, "anchor": "nowhere"}))
    await _rename(w, RICH, "renamed")
    await expect(301, await api("getSection", at))
    await expect(308, await api("getSection", at, params={"preview": "true"}, headers=w.editor))


@cases("getSite")
async def _get_site(w: World) -> None:
    site = await expect(200, await w.api("getSite"))
    await expect(304, await w.api("getSite", headers={"If-None-Match": site.headers["etag"]}))
    await expect(400, await w.api("getSite", params={"locale": "en"}))


@cases("getSchema")
async def _get_schema(w: World) -> None:
    schema = await expect(200, await w.api("getSchema"))
    await expect(304, await w.api("getSchema", headers={"If-None-Match": schema.headers["etag"]}))
    await expect(400, await w.api("getSchema", params={"x": "1"}))


# Editing


JSON = {"Content-Type": "application/json"}


@cases("createArticle")
async def _create_article(w: World) -> None:
    api = w.api
    await expect(201, await api("createArticle", json={"title": "New One"}, headers=w.editor))
    markdown = b"---\ntitle: From Markdown\ntags: [a]\n---\n\nHello *there*.\n\n## Part\n\nMore.\n"
    headers = w.editor | {"Content-Type": "text/markdown"}
    await expect(201, await api("createArticle", content=markdown, headers=headers))
    await expect(201, await api("createArticle", params={"locale": "de"}, json={"title": "Neu"}, headers=w.editor))
    await expect(400, await api("createArticle", content=b"{", headers=w.editor | JSON))
    await expect(400, await api("createArticle", params={"x": "1"}, json={"title": "A"}, headers=w.editor))
    await expect(401, await api("createArticle", json={"title": "A"}))
    await expect(403, await api("createArticle", json={"title": "A"}, headers=w.reader))
    await expect(409, await api("createArticle", json={"title": "A", "slug": SEED}, headers=w.editor))
    await expect(413, await api("createArticle", content=TOO_LARGE, headers=w.editor | JSON))
    await expect(415, await api("createArticle", content=b"A", headers=w.editor | {"Content-Type": "text/plain"}))
    await expect(422, await api("createArticle", json={"title": ""}, headers=w.editor))
    await expect(422, await api("createArticle", json={"title": "A", "sections": [{"blocks": [{}]}]}, headers=w.editor))


async def _write_cases(
    w: World, operation_id: str, body: dict[str, Any], ok: int, again: dict[str, Any] | None = None, **path: str
) -> None:
    """The statuses every If-Match-guarded JSON write shares; `again` is merged with `body` (`Prefer: merge`)."""
    api, at = w.api, {"slug": RICH} | path
    kind = "application/merge-patch+json" if operation_id == "patchArticle" else "application/json"
    current = w.editor | {"If-Match": await w.etag(), "Content-Type": kind}
    await expect(400, await api(operation_id, at, content=b"{", headers=current))
    await expect(400, await api(operation_id, at, params={"x": "1"}, json=body, headers=current))
    await expect(401, await api(operation_id, at, json=body))
    await expect(403, await api(operation_id, at, json=body, headers=w.reader | {"If-Match": "*"}))
    await expect(404, await api(operation_id, {**at, "slug": "nothing-here"}, json=body, headers=current))
    await expect(412, await api(operation_id, at, json=body, headers=current | {"If-Match": '"stale.1"'}))
    await expect(413, await api(operation_id, at, content=TOO_LARGE, headers=current))
    await expect(415, await api(operation_id, at, content=b"x", headers=current | {"Content-Type": "text/plain"}))
    await expect(428, await api(operation_id, at, json=body, headers=w.editor))
    await expect(ok, await api(operation_id, at, json=body, headers=current))
    merged = await api(operation_id, at, json=again or body, headers=current | MERGE)  # current is older now
    await expect(ok, merged)
    assert merged.headers["preference-applied"] == "merge"
    await _rename(w, RICH, "renamed")
    moved = w.editor | {"If-Match": await w.etag("renamed")}
    await expect(308, await api(operation_id, at, json=body, headers=moved))


MERGE = {"Prefer": "merge"}


async def _conflict(w: World, operation_id: str, at: dict[str, str], mine: dict[str, Any] | None) -> None:
    """A merge's 409: the title changed since `If-Match` (by a PATCH), and changed differently by `mine`."""
    stale = w.editor | {"If-Match": await w.etag(at["slug"])}
    await expect(200, await w.api("patchArticle", {"slug": at["slug"]}, json={"title": "Theirs"}, headers=stale))
    response = await w.api(operation_id, at, json=mine, headers=stale | MERGE)
    await expect(409, response)
    assert response.json()["type"].endswith("/merge-conflict")


@cases("replaceArticle")
async def _replace_article(w: World) -> None:
    await _write_cases(w, "replaceArticle", {"title": "Replaced", "slug": RICH}, 200)
    headers = w.editor | {"If-Match": await w.etag("renamed")}
    at = {"slug": "renamed"}
    await expect(409, await w.api("replaceArticle", at, json={"title": "A", "slug": SEED}, headers=headers))
    await _conflict(w, "replaceArticle", at, {"title": "Mine"})
    await expect(422, await w.api("replaceArticle", at, json={"title": "A", "tags": ["a", "a"]}, headers=headers))


@cases("patchArticle")
async def _patch_article(w: World) -> None:
    await _write_cases(w, "patchArticle", {"summary": None}, 200)
    headers = w.editor | {"If-Match": await w.etag("renamed")}
    at = {"slug": "renamed"}
    await expect(409, await w.api("patchArticle", at, json={"slug": SEED}, headers=headers))
    await _conflict(w, "patchArticle", at, {"title": "Mine"})
    await expect(422, await w.api("patchArticle", at, json={"title": None}, headers=headers))


@cases("deleteArticle")
async def _delete_article(w: World) -> None:
    api = w.api
    await expect(400, await api("deleteArticle", {"slug": SEED}, params={"x": "1"}, headers=w.editor))
    await expect(401, await api("deleteArticle", {"slug": SEED}))
    await expect(403, await api("deleteArticle", {"slug": SEED}, headers=w.reader))
    await expect(404, await api("deleteArticle", {"slug": "nothing-here"}, headers=w.editor))
    await expect(412, await api("deleteArticle", {"slug": SEED}, headers=w.editor | {"If-Match": '"stale.1"'}))
    await _rename(w, SEED, "renamed")
    await expect(308, await api("deleteArticle", {"slug": SEED}, headers=w.editor))
    await expect(204, await api("deleteArticle", {"slug": "renamed"}, headers=w.editor))


@cases("addSection")
async def _add_section(w: World) -> None:
    body = {"heading": "Added", "blocks": [{"type": "paragraph", "spans": "x"}]}
    await _write_cases(w, "addSection", body, 201, again=body | {"heading": "Also added"})
    headers = w.editor | {"If-Match": await w.etag("renamed")}
    bad = {"position": -1}
    await expect(422, await w.api("addSection", {"slug": "renamed"}, json=bad, headers=headers))
    await expect(201, await w.api("addSection", {"slug": "renamed"}, json={"anchor": "same"}, headers=headers))
    clash = await w.api("addSection", {"slug": "renamed"}, json={"anchor": "same"}, headers=headers | MERGE)
    await expect(409, clash)
    assert clash.json()["type"].endswith("/merge-conflict")


@cases("replaceSection")
async def _replace_section(w: World) -> None:
    body = {"heading": "Changed", "blocks": [{"type": "divider"}]}
    await _write_cases(w, "replaceSection", body, 200, anchor=w.anchor)
    headers = w.editor | {"If-Match": await w.etag("renamed")}
    at = {"slug": "renamed", "anchor": "changed"}
    await expect(404, await w.api("replaceSection", at | {"anchor": "nowhere"}, json=body, headers=headers))
    await expect(422, await w.api("replaceSection", at, json={"blocks": [{"type": "nope"}]}, headers=headers))
    at = {"slug": "renamed", "anchor": w.anchor}
    await expect(200, await w.api("replaceSection", at, json={"heading": "Theirs"}, headers=headers))
    clash = await w.api("replaceSection", at, json={"heading": "Mine"}, headers=headers | MERGE)
    await expect(409, clash)
    assert clash.json()["type"].endswith("/merge-conflict")


@cases("deleteSection")
async def _delete_section(w: World) -> None:
    api, at = w.api, {"slug": RICH, "anchor": w.anchor}
    headers = w.editor | {"If-Match": await w.etag()}
    await expect(400, await api("deleteSection", at, params={"x": "1"}, headers=headers))
    await expect(401, await api("deleteSection", at))
    await expect(403, await api("deleteSection", at, headers=w.reader | {"If-Match": "*"}))
    await expect(404, await api("deleteSection", at | {"anchor": "nowhere"}, headers=headers))
    await expect(412, await api("deleteSection", at, headers=w.editor | {"If-Match": '"stale.1"'}))
    await expect(428, await api("deleteSection", at, headers=w.editor))
    await expect(200, await api("replaceSection", at, json={"heading": "Changed"}, headers=headers))
    clash = await api("deleteSection", at, headers=headers | MERGE)  # changed since, deleted here
    await expect(409, clash)
    assert clash.json()["type"].endswith("/merge-conflict")
    current = w.editor | {"If-Match": await w.etag()}
    await expect(200, await api("patchArticle", {"slug": RICH}, json={"title": "Theirs"}, headers=current))
    merged = await api("deleteSection", at, headers=current | MERGE)
    await expect(204, merged)
    assert merged.headers["preference-applied"] == "merge"
    await _rename(w, RICH, "renamed")
    moved = w.editor | {"If-Match": await w.etag("renamed")}
    await expect(308, await api("deleteSection", {"slug": RICH, "anchor": "intro"}, headers=moved))


@cases("publishArticle")
async def _publish_article(w: World) -> None:
    api, at = w.api, {"slug": SEED}
    await expect(200, await api("publishArticle", at, headers=w.editor))
    later = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    await expect(200, await api("publishArticle", at, json={"at": later}, headers=w.editor))
    await expect(200, await api("publishArticle", at, json={}, headers=w.editor | {"If-Match": await w.etag(SEED)}))
    await expect(400, await api("publishArticle", at, content=b"{", headers=w.editor | JSON))
    await expect(401, await api("publishArticle", at))
    await expect(403, await api("publishArticle", at, headers=w.reader))
    await expect(404, await api("publishArticle", {"slug": "nothing-here"}, headers=w.editor))
    await expect(412, await api("publishArticle", at, headers=w.editor | {"If-Match": '"stale.1"'}))
    await expect(413, await api("publishArticle", at, content=TOO_LARGE, headers=w.editor | JSON))
    await expect(415, await api("publishArticle", at, content=b"x", headers=w.editor | {"Content-Type": "text/plain"}))
    await expect(422, await api("publishArticle", at, json={"at": "tomorrow"}, headers=w.editor))
    await _rename(w, SEED, "renamed")
    await expect(308, await api("publishArticle", at, headers=w.editor))


@cases("unpublishArticle")
async def _unpublish_article(w: World) -> None:
    api, at = w.api, {"slug": SEED}
    await expect(400, await api("unpublishArticle", at, params={"x": "1"}, headers=w.editor))
    await expect(401, await api("unpublishArticle", at))
    await expect(403, await api("unpublishArticle", at, headers=w.reader))
    await expect(404, await api("unpublishArticle", {"slug": "nothing-here"}, headers=w.editor))
    await expect(412, await api("unpublishArticle", at, headers=w.editor | {"If-Match": '"stale.1"'}))
    await expect(200, await api("unpublishArticle", at, headers=w.editor))
    await _rename(w, SEED, "renamed")
    await expect(308, await api("unpublishArticle", at, headers=w.editor))


# Revisions


@cases("listRevisions")
async def _list_revisions(w: World) -> None:
    api, at = w.api, {"slug": SEED}
    await expect(200, await api("listRevisions", at, params={"limit": "1"}, headers=w.reader))
    await expect(400, await api("listRevisions", at, params={"cursor": "x"}, headers=w.reader))
    await expect(401, await api("listRevisions", at))
    await expect(403, await api("listRevisions", at, headers=w.admin))
    await expect(404, await api("listRevisions", {"slug": "nothing-here"}, headers=w.reader))
    await _rename(w, SEED, "renamed")
    await expect(308, await api("listRevisions", at, headers=w.reader))


@cases("getRevision")
async def _get_revision(w: World) -> None:
    api, at = w.api, {"slug": RICH, "n": 1}
    await expect(200, await api("getRevision", at, headers=w.reader))
    await expect(400, await api("getRevision", at | {"n": "first"}, headers=w.reader))
    await expect(401, await api("getRevision", at))
    await expect(403, await api("getRevision", at, headers=w.admin))
    await expect(404, await api("getRevision", at | {"n": 99}, headers=w.reader))
    await _rename(w, RICH, "renamed")
    await expect(308, await api("getRevision", at, headers=w.reader))


@cases("restoreRevision")
async def _restore_revision(w: World) -> None:
    api, at = w.api, {"slug": RICH, "n": 1}
    await expect(400, await api("restoreRevision", at | {"n": "first"}, headers=w.editor))
    await expect(401, await api("restoreRevision", at))
    await expect(403, await api("restoreRevision", at, headers=w.reader))
    await expect(404, await api("restoreRevision", at | {"n": 99}, headers=w.editor))
    await expect(412, await api("restoreRevision", at, headers=w.editor | {"If-Match": '"stale.1"'}))
    await _rename(w, RICH, "renamed")
    await expect(308, await api("restoreRevision", at, headers=w.editor))
    await expect(200, await api("restoreRevision", {"slug": "renamed", "n": 2}, headers=w.editor))


# Tokens


@cases("listTokens")
async def _list_tokens(w: World) -> None:
    await expect(200, await w.api("listTokens", headers=w.admin))
    await expect(400, await w.api("listTokens", params={"x": "1"}, headers=w.admin))
    await expect(401, await w.api("listTokens"))
    await expect(403, await w.api("listTokens", headers=w.editor))


@cases("createToken")
async def _create_token(w: World) -> None:
    api = w.api
    await expect(201, await api("createToken", json={"name": "ci", "scopes": ["preview"]}, headers=w.admin))
    await expect(400, await api("createToken", content=b"{", headers=w.admin | JSON))
    await expect(401, await api("createToken", json={"name": "ci", "scopes": ["preview"]}))
    await expect(403, await api("createToken", json={"name": "ci", "scopes": ["preview"]}, headers=w.editor))
    await expect(413, await api("createToken", content=TOO_LARGE, headers=w.admin | JSON))
    await expect(415, await api("createToken", content=b"x", headers=w.admin | {"Content-Type": "text/plain"}))
    await expect(422, await api("createToken", json={"name": "ci", "scopes": ["root"]}, headers=w.admin))


@cases("revokeToken")
async def _revoke_token(w: World) -> None:
    api = w.api
    created = await api("createToken", json={"name": "old", "scopes": ["preview"]}, headers=w.admin)
    at = {"id": created.json()["id"]}
    await expect(400, await api("revokeToken", at, params={"x": "1"}, headers=w.admin))
    await expect(401, await api("revokeToken", at))
    await expect(403, await api("revokeToken", at, headers=w.editor))
    await expect(204, await api("revokeToken", at, headers=w.admin))
    await expect(404, await api("revokeToken", at, headers=w.admin))


# Webhooks

# Deliveries go to a port nobody listens on: they fail, and are recorded, which is what these tests read.
HOOK = {"url": "http://127.0.0.1:9/hook", "events": ["article.published"]}


async def _webhook(w: World) -> dict[str, Any]:
    return (await expect(201, await w.api("createWebhook", json=HOOK, headers=w.admin))).json()


@cases("listWebhooks")
async def _list_webhooks(w: World) -> None:
    await _webhook(w)
    await expect(200, await w.api("listWebhooks", headers=w.admin))
    await expect(400, await w.api("listWebhooks", params={"x": "1"}, headers=w.admin))
    await expect(401, await w.api("listWebhooks"))
    await expect(403, await w.api("listWebhooks", headers=w.editor))


@cases("createWebhook")
async def _create_webhook(w: World) -> None:
    api = w.api
    await _webhook(w)
    await expect(400, await api("createWebhook", content=b"{", headers=w.admin | JSON))
    await expect(401, await api("createWebhook", json=HOOK))
    await expect(403, await api("createWebhook", json=HOOK, headers=w.editor))
    await expect(413, await api("createWebhook", content=TOO_LARGE, headers=w.admin | JSON))
    await expect(415, await api("createWebhook", content=b"x", headers=w.admin | {"Content-Type": "text/plain"}))
    await expect(422, await api("createWebhook", json=HOOK | {"url": "ftp://x"}, headers=w.admin))


@cases("updateWebhook")
async def _update_webhook(w: World) -> None:
    api, at = w.api, {"id": (await _webhook(w))["id"]}
    await expect(200, await api("updateWebhook", at, json={"enabled": False}, headers=w.admin))
    await expect(400, await api("updateWebhook", at, content=b"{", headers=w.admin | JSON))
    await expect(401, await api("updateWebhook", at, json={}))
    await expect(403, await api("updateWebhook", at, json={}, headers=w.editor))
    await expect(404, await api("updateWebhook", {"id": "0" * 32}, json={}, headers=w.admin))
    await expect(413, await api("updateWebhook", at, content=TOO_LARGE, headers=w.admin | JSON))
    await expect(415, await api("updateWebhook", at, content=b"x", headers=w.admin | {"Content-Type": "text/plain"}))
    await expect(422, await api("updateWebhook", at, json={"events": []}, headers=w.admin))


@cases("deleteWebhook")
async def _delete_webhook(w: World) -> None:
    api, at = w.api, {"id": (await _webhook(w))["id"]}
    await expect(400, await api("deleteWebhook", at, params={"x": "1"}, headers=w.admin))
    await expect(401, await api("deleteWebhook", at))
    await expect(403, await api("deleteWebhook", at, headers=w.editor))
    await expect(204, await api("deleteWebhook", at, headers=w.admin))
    await expect(404, await api("deleteWebhook", at, headers=w.admin))


async def _delivery(w: World) -> tuple[dict[str, str], str]:
    at = {"id": (await _webhook(w))["id"]}
    await expect(200, await w.api("publishArticle", {"slug": SEED}, headers=w.editor))
    for _ in range(100):
        page = await expect(200, await w.api("listDeliveries", at, headers=w.admin))
        if page.json()["items"]:
            return at, page.json()["items"][0]["id"]
        await asyncio.sleep(0.05)
    raise AssertionError("no delivery was made within 5 s")


@cases("listDeliveries")
async def _list_deliveries(w: World) -> None:
    api, (at, _) = w.api, await _delivery(w)
    await expect(200, await api("listDeliveries", at, params={"limit": "1"}, headers=w.admin))
    await expect(400, await api("listDeliveries", at, params={"cursor": "x"}, headers=w.admin))
    await expect(401, await api("listDeliveries", at))
    await expect(403, await api("listDeliveries", at, headers=w.editor))
    await expect(404, await api("listDeliveries", {"id": "0" * 32}, headers=w.admin))


@cases("redeliver")
async def _redeliver(w: World) -> None:
    api, (at, delivery) = w.api, await _delivery(w)
    target = at | {"delivery": delivery}
    await expect(202, await api("redeliver", target, headers=w.admin))
    await expect(400, await api("redeliver", target, params={"x": "1"}, headers=w.admin))
    await expect(401, await api("redeliver", target))
    await expect(403, await api("redeliver", target, headers=w.editor))
    await expect(404, await api("redeliver", target | {"delivery": "0" * 32}, headers=w.admin))


# Events


@cases("listChanges")
async def _list_changes(w: World) -> None:
    api = w.api
    everything = await expect(200, await api("listChanges"))
    await expect(200, await api("listChanges", params={"limit": "2"}, headers=w.reader))
    await expect(200, await api("listChanges", params={"since": "latest"}))
    await expect(400, await api("listChanges", params={"since": "x"}))
    await expect(401, await api("listChanges", headers={"Authorization": "Bearer nope"}))
    cursor = everything.json()["items"][0]["id"]
    await events.prune(before=datetime.now(UTC) + timedelta(seconds=1))
    await expect(410, await api("listChanges", params={"since": cursor}))


@cases("streamEvents")
async def _stream_events(w: World) -> None:
    api = w.api
    await expect(200, await api("streamEvents"))
    await expect(200, await api("streamEvents", headers=w.reader | {"Last-Event-ID": "nonsense"}))
    await expect(400, await api("streamEvents", params={"since": "x"}))
    await expect(401, await api("streamEvents", headers={"Authorization": "Bearer nope"}))


# Assets


@cases("uploadAsset")
async def _upload_asset(w: World) -> None:
    api = w.api

    def upload(content: bytes, name: str = "a.png", **fields: str) -> dict[str, Any]:
        return {"files": {"file": (name, content, "application/octet-stream")}, "data": fields}

    await expect(201, await api("uploadAsset", **upload(image(8, 8, "GIF"), "a.gif"), headers=w.editor))
    await expect(200, await api("uploadAsset", **upload(image(40, 30)), headers=w.editor))
    broken = w.editor | {"Content-Type": "multipart/form-data; boundary=x"}
    await expect(400, await api("uploadAsset", content=b"--x\r\nnope", headers=broken))
    await expect(401, await api("uploadAsset", **upload(image(8, 8))))
    await expect(403, await api("uploadAsset", **upload(image(8, 8)), headers=w.reader))
    await expect(413, await api("uploadAsset", **upload(b"\0" * 100_000), headers=w.editor))
    await expect(415, await api("uploadAsset", **upload(b"just text"), headers=w.editor))
    await expect(422, await api("uploadAsset", data={"alt": "no file"}, files={"x": ("", b"")}, headers=w.editor))


@cases("listAssets")
async def _list_assets(w: World) -> None:
    await expect(200, await w.api("listAssets", params={"limit": "1"}, headers=w.reader))
    await expect(400, await w.api("listAssets", params={"cursor": "x"}, headers=w.reader))
    await expect(401, await w.api("listAssets"))
    await expect(403, await w.api("listAssets", headers=w.admin))


@cases("redirectToAsset")
async def _redirect_to_asset(w: World) -> None:
    await expect(301, await w.api("redirectToAsset", {"id": w.asset["id"]}))
    await expect(400, await w.api("redirectToAsset", {"id": w.asset["id"]}, params={"w": "320"}))
    await expect(404, await w.api("redirectToAsset", {"id": "0" * 32}))


@cases("deleteAsset")
async def _delete_asset(w: World) -> None:
    api, at = w.api, {"id": w.asset["id"]}
    files = {"file": ("unused.gif", image(4, 4, "GIF"), "image/gif")}
    unused = {"id": (await api("uploadAsset", files=files, headers=w.editor)).json()["id"]}
    await expect(400, await api("deleteAsset", unused, params={"x": "1"}, headers=w.editor))
    await expect(401, await api("deleteAsset", unused))
    await expect(403, await api("deleteAsset", unused, headers=w.reader))
    await expect(409, await api("deleteAsset", at, headers=w.editor))
    await expect(204, await api("deleteAsset", unused, headers=w.editor))
    await expect(404, await api("deleteAsset", unused, headers=w.editor))


@cases("getAssetFile")
async def _get_asset_file(w: World) -> None:
    api, at = w.api, w.file()
    first = await expect(200, await api("getAssetFile", at))
    await expect(200, await api("getAssetFile", at, params={"w": "320", "fm": "webp"}))
    await expect(206, await api("getAssetFile", at, headers={"Range": "bytes=0-9"}))
    await expect(301, await api("getAssetFile", at | {"filename": "other.png"}))
    await expect(304, await api("getAssetFile", at, headers={"If-None-Match": first.headers["etag"]}))
    await expect(400, await api("getAssetFile", at, params={"w": "7"}))
    await expect(404, await api("getAssetFile", at | {"id": "0" * 32}))
    await expect(416, await api("getAssetFile", at, headers={"Range": "bytes=999999-"}))


# Operations


@cases("getHealth")
async def _get_health(w: World) -> None:
    await expect(200, await w.api("getHealth"))


@cases("getReadiness")
async def _get_readiness(w: World) -> None:
    await expect(200, await w.api("getReadiness"))


@cases("getMetrics")
async def _get_metrics(w: World) -> None:
    await expect(200, await w.api("getMetrics"))


@cases("getOpenApiDocument")
async def _get_openapi_document(w: World) -> None:
    assert (await expect(200, await w.api("getOpenApiDocument"))).json() == DOCUMENT
