"""`Prefer: merge` with an older If-Match: the write is merged with what was saved since, or answers 409 with
the conflicts and saves nothing (docs/api.md, "Merging concurrent edits")."""

import asyncio

from cms.core.article import ArticleInput
from cms.services import drafts
from tests.web.images import image

MERGE = {"Prefer": "merge"}


def paragraph(block_id, text):
    return {"id": block_id, "type": "paragraph", "spans": text}


async def _article(client, editor, blocks=3):
    """An article with one section 's' of `blocks` paragraphs 'p0'…; returns the draft and its ETag."""
    body = {"title": "Hello", "sections": [{"id": "s", "blocks": [paragraph(f"p{n}", f"{n}.") for n in range(blocks)]}]}
    created = await client.post("/api/v1/articles", json=body, headers=editor)
    assert created.status_code == 201, created.text
    return created.json(), created.headers["etag"]


def _with_text(article, block_id, text):
    """The article as a PUT body, with block `block_id`'s text changed."""
    body = {key: article[key] for key in ("title", "slug", "tags", "summary", "author", "sections")}
    body["sections"] = [
        section | {"blocks": [b | {"spans": text} if b["id"] == block_id else b for b in section["blocks"]]}
        for section in article["sections"]
    ]
    return body


def _texts(article):
    return [(b["id"], b["spans"][0]["text"]) for s in article["sections"] for b in s["blocks"]]


async def _history(client, editor):
    """(draft version, number of revisions, article.updated events) of /hello."""
    draft = (await client.get("/api/v1/articles/hello?preview=true", headers=editor)).json()
    revisions = (await client.get("/api/v1/articles/hello/revisions?limit=100", headers=editor)).json()["items"]
    events = (await client.get("/api/v1/changes?limit=1000", headers=editor)).json()["items"]
    return draft["version"], len(revisions), len([e for e in events if e["type"] == "article.updated"])


async def test_disjoint_edits_from_one_version_are_merged_into_one_new_version(client, editor):
    article, etag = await _article(client, editor)
    theirs = await client.put(
        "/api/v1/articles/hello", json=_with_text(article, "p0", "Theirs."), headers=editor | {"If-Match": etag}
    )

    response = await client.put(
        "/api/v1/articles/hello", json=_with_text(article, "p2", "Mine."), headers=editor | MERGE | {"If-Match": etag}
    )

    assert theirs.status_code == 200
    assert response.status_code == 200
    assert response.headers["preference-applied"] == "merge"
    merged = response.json()
    assert response.headers["etag"] == f'"{article["id"]}.3"'
    assert merged["version"] == 3
    assert _texts(merged) == [("p0", "Theirs."), ("p1", "1."), ("p2", "Mine.")]
    assert await _history(client, editor) == (3, 3, 3)


async def test_the_same_block_changed_both_ways_answers_409_naming_it_and_saves_nothing(client, editor):
    article, etag = await _article(client, editor)
    await client.put(
        "/api/v1/articles/hello", json=_with_text(article, "p1", "Theirs."), headers=editor | {"If-Match": etag}
    )
    before = await _history(client, editor)

    response = await client.put(
        "/api/v1/articles/hello", json=_with_text(article, "p1", "Mine."), headers=editor | MERGE | {"If-Match": etag}
    )

    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"].endswith("/merge-conflict")
    assert problem["conflicts"] == [
        {
            "path": "sections/s/blocks/p1",
            "base": {"id": "p1", "type": "paragraph", "spans": [{"text": "1.", "marks": [], "href": None}]},
            "theirs": {"id": "p1", "type": "paragraph", "spans": [{"text": "Theirs.", "marks": [], "href": None}]},
            "mine": {"id": "p1", "type": "paragraph", "spans": [{"text": "Mine.", "marks": [], "href": None}]},
        }
    ]
    assert response.headers["etag"] == f'"{article["id"]}.2"'
    assert "preference-applied" not in response.headers
    assert await _history(client, editor) == before == (2, 2, 2)


async def test_a_block_deleted_on_one_side_and_changed_on_the_other_answers_409(client, editor):
    article, etag = await _article(client, editor)
    deleted = _with_text(article, "p1", "1.")
    deleted["sections"][0]["blocks"] = [b for b in deleted["sections"][0]["blocks"] if b["id"] != "p1"]
    await client.put("/api/v1/articles/hello", json=deleted, headers=editor | {"If-Match": etag})

    response = await client.put(
        "/api/v1/articles/hello", json=_with_text(article, "p1", "Mine."), headers=editor | MERGE | {"If-Match": etag}
    )

    assert response.status_code == 409
    assert [(c["path"], c["theirs"]) for c in response.json()["conflicts"]] == [("sections/s/blocks/p1", None)]


async def test_a_merge_that_breaks_a_limit_answers_409_naming_the_limit_and_saves_nothing(client, editor):
    article, etag = await _article(client, editor, blocks=499)  # a section holds at most 500 blocks

    def plus(block_id):
        body = _with_text(article, "p0", "0.")
        body["sections"][0]["blocks"].append(paragraph(block_id, "One more."))
        return body

    theirs = await client.put("/api/v1/articles/hello", json=plus("t"), headers=editor | {"If-Match": etag})
    before = await _history(client, editor)
    response = await client.put("/api/v1/articles/hello", json=plus("m"), headers=editor | MERGE | {"If-Match": etag})

    assert (theirs.status_code, response.status_code) == (200, 409)
    limit = "List should have at most 500 items after validation, not 501"
    assert response.json()["detail"] == (
        f"this write merged with a save since its If-Match breaks a limit (sections/0/blocks: {limit}), so nothing"
        f' was saved: resolve each conflict and send the result with If-Match: "{article["id"]}.2"'
    )
    assert response.json()["conflicts"] == [
        {"path": "sections/0/blocks", "base": None, "theirs": None, "mine": None, "limit": limit}
    ]
    assert await _history(client, editor) == before == (2, 2, 2)


async def test_blocks_added_on_both_sides_are_both_kept(client, editor):
    article, etag = await _article(client, editor, blocks=2)
    theirs, mine = _with_text(article, "p0", "0."), _with_text(article, "p0", "0.")
    theirs["sections"][0]["blocks"].insert(1, paragraph("t", "Theirs."))
    mine["sections"][0]["blocks"].append(paragraph("m", "Mine."))
    await client.put("/api/v1/articles/hello", json=theirs, headers=editor | {"If-Match": etag})

    response = await client.put("/api/v1/articles/hello", json=mine, headers=editor | MERGE | {"If-Match": etag})

    assert response.status_code == 200
    assert _texts(response.json()) == [("p0", "0."), ("t", "Theirs."), ("p1", "1."), ("m", "Mine.")]


async def test_a_stale_if_match_without_prefer_merge_answers_412_as_before(client, editor):
    article, etag = await _article(client, editor)
    await client.put(
        "/api/v1/articles/hello", json=_with_text(article, "p0", "Theirs."), headers=editor | {"If-Match": etag}
    )

    response = await client.put(
        "/api/v1/articles/hello", json=_with_text(article, "p2", "Mine."), headers=editor | {"If-Match": etag}
    )

    assert response.status_code == 412
    assert response.headers["etag"] == f'"{article["id"]}.2"'
    assert await _history(client, editor) == (2, 2, 2)


async def test_a_base_version_that_never_existed_answers_412(client, editor):
    article, _ = await _article(client, editor)

    for version in (0, 7):
        response = await client.put(
            "/api/v1/articles/hello",
            json=_with_text(article, "p2", "Mine."),
            headers=editor | MERGE | {"If-Match": f'"{article["id"]}.{version}"'},
        )

        assert response.status_code == 412
    assert await _history(client, editor) == (1, 1, 1)


async def test_prefer_merge_with_the_current_version_is_an_ordinary_write(client, editor):
    article, etag = await _article(client, editor)

    response = await client.put(
        "/api/v1/articles/hello", json=_with_text(article, "p2", "Mine."), headers=editor | MERGE | {"If-Match": etag}
    )

    assert response.status_code == 200
    assert "preference-applied" not in response.headers
    assert response.json()["version"] == 2


async def test_merge_is_found_among_other_preferences_and_not_inside_their_values(client, editor):
    article, etag = await _article(client, editor)
    await client.put(
        "/api/v1/articles/hello", json=_with_text(article, "p0", "Theirs."), headers=editor | {"If-Match": etag}
    )
    mine = _with_text(article, "p2", "Mine.")

    quoted = await client.put(
        "/api/v1/articles/hello",
        json=mine,
        headers=editor | {"Prefer": 'handling=lenient; x="merge"', "If-Match": etag},
    )
    listed = await client.put(
        "/api/v1/articles/hello",
        json=mine,
        headers=editor | {"Prefer": "respond-async, wait=5, MERGE;a=1", "If-Match": etag},
    )

    assert quoted.status_code == 412
    assert listed.status_code == 200
    assert listed.headers["preference-applied"] == "merge"


async def test_a_patch_is_applied_to_its_base_and_merged(client, editor):
    article, etag = await _article(client, editor)
    await client.put(
        "/api/v1/articles/hello", json=_with_text(article, "p0", "Theirs."), headers=editor | {"If-Match": etag}
    )

    response = await client.patch(
        "/api/v1/articles/hello", json={"title": "Mine"}, headers=editor | MERGE | {"If-Match": etag}
    )

    assert response.status_code == 200
    assert response.headers["preference-applied"] == "merge"
    assert (response.json()["title"], _texts(response.json())[0]) == ("Mine", ("p0", "Theirs."))


async def test_a_patch_and_a_rename_of_the_slug_meanwhile_merge(client, editor):
    article, etag = await _article(client, editor)
    await client.patch("/api/v1/articles/hello", json={"slug": "renamed"}, headers=editor | {"If-Match": etag})

    response = await client.put(
        "/api/v1/articles/renamed", json=_with_text(article, "p1", "Mine."), headers=editor | MERGE | {"If-Match": etag}
    )

    assert response.status_code == 200
    assert (response.json()["slug"], _texts(response.json())[1]) == ("renamed", ("p1", "Mine."))


async def test_section_writes_merge_too(client, editor):
    article, etag = await _article(client, editor)
    await client.put(
        "/api/v1/articles/hello", json=_with_text(article, "p0", "Theirs."), headers=editor | {"If-Match": etag}
    )
    section = {"heading": "Mine", "blocks": [paragraph("p0", "0."), paragraph("p1", "1."), paragraph("p2", "Mine.")]}

    replaced = await client.put(
        "/api/v1/articles/hello/sections/intro", json=section, headers=editor | MERGE | {"If-Match": etag}
    )
    added = await client.post(
        "/api/v1/articles/hello/sections",
        json={"heading": "More", "position": 0},
        headers=editor | MERGE | {"If-Match": etag},
    )

    assert replaced.status_code == 200
    assert replaced.headers["preference-applied"] == "merge"
    assert (replaced.json()["heading"], _texts({"sections": [replaced.json()]})) == (
        "Mine",
        [("p0", "Theirs."), ("p1", "1."), ("p2", "Mine.")],
    )
    assert added.status_code == 201
    assert added.headers["preference-applied"] == "merge"
    assert added.json()["anchor"] == "more"
    assert added.headers["etag"] == f'"{article["id"]}.4"'


async def test_a_section_deleted_on_one_side_and_changed_on_the_other_answers_409(client, editor):
    article, etag = await _article(client, editor)
    await client.delete("/api/v1/articles/hello/sections/intro", headers=editor | {"If-Match": etag})

    response = await client.put(
        "/api/v1/articles/hello", json=_with_text(article, "p1", "Mine."), headers=editor | MERGE | {"If-Match": etag}
    )

    assert response.status_code == 409
    assert [c["path"] for c in response.json()["conflicts"]] == ["sections/s", "sections/s/blocks/p1"]


async def test_twenty_writers_of_twenty_blocks_from_one_version_all_land(client, editor):
    article, etag = await _article(client, editor, blocks=20)

    responses = await asyncio.gather(
        *(
            client.put(
                "/api/v1/articles/hello",
                json=_with_text(article, f"p{n}", f"Writer {n}."),
                headers=editor | MERGE | {"If-Match": etag},
            )
            for n in range(20)
        )
    )

    assert [r.status_code for r in responses] == [200] * 20
    assert sorted(r.json()["version"] for r in responses) == list(range(2, 22))
    final = (await client.get("/api/v1/articles/hello?preview=true", headers=editor)).json()
    assert _texts(final) == [(f"p{n}", f"Writer {n}.") for n in range(20)]
    assert await _history(client, editor) == (21, 21, 21)


async def test_the_editors_page_saves_through_one_call_that_merges_or_lists_conflicts(client, editor):
    article, etag = await _article(client, editor)
    await client.put(
        "/api/v1/articles/hello", json=_with_text(article, "p0", "Theirs."), headers=editor | {"If-Match": etag}
    )
    mine, clashing = _with_text(article, "p1", "Mine."), _with_text(article, "p0", "X")

    merged = await drafts.save_merging("hello", "en", 1, ArticleInput.model_validate(mine), "ed@example.com")
    conflicts = await drafts.save_merging("hello", "en", 1, ArticleInput.model_validate(clashing), "ed@example.com")

    assert (merged.version, _texts(merged.model_dump())[:2]) == (3, [("p0", "Theirs."), ("p1", "Mine.")])
    assert [c.path for c in conflicts] == ["sections/s/blocks/p0"]


async def test_an_image_sent_back_without_what_the_server_filled_in_is_no_change(client, editor):
    upload = await client.post("/api/v1/assets", files={"file": ("cat.png", image(40, 30))}, headers=editor)
    image_block = {"id": "img", "type": "image", "asset_id": upload.json()["id"], "alt": "A cat"}
    body = {"title": "Hello", "sections": [{"id": "s", "blocks": [image_block, paragraph("p0", "0.")]}]}
    created = await client.post("/api/v1/articles", json=body, headers=editor)
    etag = created.headers["etag"]
    theirs = created.json()
    theirs["sections"][0]["blocks"][0]["alt"] = "Their cat"
    await client.put("/api/v1/articles/hello", json=theirs, headers=editor | {"If-Match": etag})
    mine = {"title": "Hello", "sections": [{"id": "s", "blocks": [image_block, paragraph("p0", "Mine.")]}]}

    response = await client.put("/api/v1/articles/hello", json=mine, headers=editor | MERGE | {"If-Match": etag})

    assert response.status_code == 200
    blocks = response.json()["sections"][0]["blocks"]
    assert (blocks[0]["alt"], blocks[0]["width"], blocks[1]["spans"][0]["text"]) == ("Their cat", 40, "Mine.")
