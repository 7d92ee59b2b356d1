"""Section writes: add (at a position), replace and delete one section of the draft."""

import pytest


@pytest.fixture
async def draft(client, editor):
    response = await client.post(
        "/api/v1/articles",
        json={
            "title": "Hello",
            "sections": [
                {"blocks": [{"type": "paragraph", "spans": "Intro."}]},
                {"heading": "Why?", "blocks": [{"type": "paragraph", "spans": "Because."}]},
            ],
        },
        headers=editor,
    )
    return response


def _matching(draft) -> dict[str, str]:
    return {"If-Match": draft.headers["etag"]}


async def _anchors(client, editor) -> list[str]:
    article = (await client.get("/api/v1/articles/hello?preview=true", headers=editor)).json()
    return [section["anchor"] for section in article["sections"]]


async def test_a_section_is_added_last_by_default(client, editor, draft):
    response = await client.post(
        "/api/v1/articles/hello/sections",
        json={"heading": "How?", "blocks": [{"type": "divider"}]},
        headers=editor | _matching(draft),
    )

    assert response.status_code == 201
    section = response.json()
    assert (section["anchor"], section["heading"]) == ("how", "How?")
    assert response.headers["location"] == "/api/v1/articles/hello/sections/how?preview=true"
    assert response.headers["etag"] == f'"{draft.json()["id"]}.2"'
    assert await _anchors(client, editor) == ["intro", "why", "how"]


async def test_a_section_is_added_at_a_position(client, editor, draft):
    response = await client.post(
        "/api/v1/articles/hello/sections", json={"heading": "First", "position": 0}, headers=editor | _matching(draft)
    )

    assert response.status_code == 201
    assert await _anchors(client, editor) == ["first", "intro", "why"]


async def test_a_position_out_of_range_answers_422(client, editor, draft):
    response = await client.post(
        "/api/v1/articles/hello/sections", json={"heading": "Far", "position": 3}, headers=editor | _matching(draft)
    )

    assert response.status_code == 422
    assert response.json()["errors"] == [{"path": "position", "message": "position 3 is out of range: use 0 to 2"}]


async def test_a_section_write_without_if_match_answers_428(client, editor, draft):
    response = await client.post("/api/v1/articles/hello/sections", json={"heading": "X"}, headers=editor)

    assert response.status_code == 428


async def test_a_section_is_replaced_keeping_its_id_and_anchor(client, editor, draft):
    before = draft.json()["sections"][1]

    response = await client.put(
        "/api/v1/articles/hello/sections/why",
        json={"heading": "Why Though?", "blocks": [{"type": "paragraph", "spans": "Reasons."}]},
        headers=editor | _matching(draft),
    )

    assert response.status_code == 200
    section = response.json()
    assert (section["id"], section["anchor"], section["heading"]) == (before["id"], "why", "Why Though?")
    assert section["blocks"][0]["spans"][0]["text"] == "Reasons."


async def test_a_section_is_deleted(client, editor, draft):
    response = await client.delete("/api/v1/articles/hello/sections/intro", headers=editor | _matching(draft))

    assert response.status_code == 204
    assert response.headers["etag"] == f'"{draft.json()["id"]}.2"'
    assert await _anchors(client, editor) == ["why"]


async def test_an_unknown_anchor_answers_404(client, editor, draft):
    response = await client.delete("/api/v1/articles/hello/sections/nope", headers=editor | _matching(draft))

    assert response.status_code == 404


async def test_an_invalid_section_answers_422_with_the_body_path(client, editor, draft):
    response = await client.put(
        "/api/v1/articles/hello/sections/why",
        json={"blocks": [{"type": "heading", "level": 2, "spans": "x"}]},
        headers=editor | _matching(draft),
    )

    assert response.status_code == 422
    assert [e["path"] for e in response.json()["errors"]] == ["blocks/0/level"]


async def test_a_section_with_a_taken_anchor_answers_422(client, editor, draft):
    response = await client.post(
        "/api/v1/articles/hello/sections", json={"anchor": "why"}, headers=editor | _matching(draft)
    )

    assert response.status_code == 422
    assert [e["path"] for e in response.json()["errors"]] == ["sections"]


async def test_a_draft_section_is_previewed_by_anchor(client, editor, draft):
    response = await client.get("/api/v1/articles/hello/sections/why?preview=true", headers=editor)

    assert response.status_code == 200
    assert response.json() == draft.json()["sections"][1]
    assert response.headers["cache-control"] == "private, no-store"
