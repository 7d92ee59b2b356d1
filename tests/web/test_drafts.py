"""Creating and editing drafts: POST, PUT, PATCH, DELETE, If-Match, slugs."""

MARKDOWN = """---
title: Ketamine And Depression
tags: [depression]
---
Mental health treatment is always a bit of a moving target.

## What Exactly Is Ketamine?

Ketamine's traditional pharmaceutical use is for **anesthesia**.
"""


async def _create(client, editor, **fields):
    response = await client.post("/api/v1/articles", json={"title": "Hello"} | fields, headers=editor)
    assert response.status_code == 201, response.text
    return response


async def test_create_answers_201_with_the_draft_its_location_and_etag(client, editor):
    response = await client.post(
        "/api/v1/articles",
        json={"title": "Hello World", "sections": [{"blocks": [{"type": "paragraph", "spans": "Hi."}]}]},
        headers=editor,
    )

    assert response.status_code == 201
    assert response.headers["location"] == "/api/v1/articles/hello-world"
    article = response.json()
    assert response.headers["etag"] == f'"{article["id"]}.1"'
    assert response.headers["cache-control"] == "private, no-store"
    assert (article["slug"], article["status"], article["version"], article["published_at"]) == (
        "hello-world", "draft", 1, None,
    )  # fmt: skip
    assert article["sections"][0]["anchor"] == "intro"
    assert article["sections"][0]["blocks"][0]["spans"] == [{"text": "Hi.", "marks": [], "href": None}]


async def test_create_from_markdown_with_front_matter(client, editor):
    response = await client.post(
        "/api/v1/articles", content=MARKDOWN, headers=editor | {"Content-Type": "text/markdown; charset=utf-8"}
    )

    assert response.status_code == 201
    article = response.json()
    assert (article["title"], article["slug"], article["tags"]) == (
        "Ketamine And Depression", "ketamine-and-depression", ["depression"],
    )  # fmt: skip
    assert [s["heading"] for s in article["sections"]] == [None, "What Exactly Is Ketamine?"]
    assert article["sections"][1]["blocks"][0]["spans"][1] == {"text": "anesthesia", "marks": ["strong"], "href": None}


async def test_create_in_a_locale_given_by_the_query(client, editor):
    response = await client.post("/api/v1/articles?locale=de", json={"title": "Hallo"}, headers=editor)

    assert response.status_code == 201
    assert response.json()["locale"] == "de"
    assert response.headers["location"] == "/api/v1/articles/hallo?locale=de"


async def test_a_taken_slug_answers_409(client, editor):
    await _create(client, editor, title="Hello")

    response = await client.post("/api/v1/articles", json={"title": "Other", "slug": "hello"}, headers=editor)

    assert response.status_code == 409
    assert response.json()["detail"] == "slug 'hello' is already taken in locale 'en': choose another 'slug'"


async def test_the_same_slug_is_free_in_another_locale(client, editor):
    await _create(client, editor, title="Hello")

    response = await client.post("/api/v1/articles?locale=de", json={"title": "Hello"}, headers=editor)

    assert response.status_code == 201


async def test_put_replaces_the_draft_and_bumps_the_version(client, editor):
    created = await _create(client, editor)

    response = await client.put(
        "/api/v1/articles/hello",
        json={"title": "Hello Again", "tags": ["x"]},
        headers=editor | {"If-Match": created.headers["etag"]},
    )

    assert response.status_code == 200
    article = response.json()
    assert (article["title"], article["slug"], article["tags"], article["version"]) == (
        "Hello Again",
        "hello",
        ["x"],
        2,
    )
    assert response.headers["etag"] == f'"{article["id"]}.2"'


async def test_put_accepts_what_preview_returned(client, editor):
    await _create(client, editor, sections=[{"heading": "Why?", "blocks": [{"type": "divider"}]}])
    draft = await client.get("/api/v1/articles/hello?preview=true", headers=editor)

    response = await client.put(
        "/api/v1/articles/hello", json=draft.json(), headers=editor | {"If-Match": draft.headers["etag"]}
    )

    assert response.status_code == 200
    assert response.json()["sections"] == draft.json()["sections"]


async def test_put_without_if_match_answers_428_and_changes_nothing(client, editor):
    await _create(client, editor)

    response = await client.put("/api/v1/articles/hello", json={"title": "Changed"}, headers=editor)

    assert response.status_code == 428
    assert response.json()["header"] == "If-Match"
    assert (await client.get("/api/v1/articles/hello?preview=true", headers=editor)).json()["title"] == "Hello"


async def test_a_stale_if_match_answers_412_naming_the_current_etag_and_changes_nothing(client, editor):
    created = await _create(client, editor)
    first = await client.put(
        "/api/v1/articles/hello", json={"title": "First"}, headers=editor | {"If-Match": created.headers["etag"]}
    )

    second = await client.put(
        "/api/v1/articles/hello", json={"title": "Second"}, headers=editor | {"If-Match": created.headers["etag"]}
    )

    assert second.status_code == 412
    assert second.headers["etag"] == first.headers["etag"]
    assert first.headers["etag"] in second.json()["detail"]
    assert (await client.get("/api/v1/articles/hello?preview=true", headers=editor)).json()["title"] == "First"


async def test_a_weak_etag_does_not_match(client, editor):
    created = await _create(client, editor)

    response = await client.put(
        "/api/v1/articles/hello", json={"title": "X"}, headers=editor | {"If-Match": "W/" + created.headers["etag"]}
    )

    assert response.status_code == 412


async def test_editing_a_published_article_changes_only_its_draft(client, editor, publish):
    await publish(title="Hello")
    draft = await client.get("/api/v1/articles/hello?preview=true", headers=editor)

    await client.put(
        "/api/v1/articles/hello", json={"title": "Edited"}, headers=editor | {"If-Match": draft.headers["etag"]}
    )

    assert (await client.get("/api/v1/articles/hello")).json()["title"] == "Hello"
    assert (await client.get("/api/v1/articles/hello?preview=true", headers=editor)).json()["title"] == "Edited"


async def test_patch_merges_the_given_fields(client, editor):
    created = await _create(client, editor, summary="Short.", tags=["a"])

    response = await client.patch(
        "/api/v1/articles/hello",
        content=b'{"summary": null, "tags": ["b", "c"]}',
        headers=editor | {"If-Match": created.headers["etag"], "Content-Type": "application/merge-patch+json"},
    )

    assert response.status_code == 200
    article = response.json()
    assert (article["title"], article["summary"], article["tags"], article["version"]) == ("Hello", None, ["b", "c"], 2)


async def test_patch_of_a_read_only_field_answers_422(client, editor):
    created = await _create(client, editor)

    response = await client.patch(
        "/api/v1/articles/hello", json={"status": "published"}, headers=editor | {"If-Match": created.headers["etag"]}
    )

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "path": "status",
            "message": "this field cannot be patched: patch title, slug, tags, summary, author, sections",
        }
    ]


async def test_patch_removing_the_title_answers_422_at_title(client, editor):
    created = await _create(client, editor)

    response = await client.patch(
        "/api/v1/articles/hello", json={"title": None}, headers=editor | {"If-Match": created.headers["etag"]}
    )

    assert response.status_code == 422
    assert [e["path"] for e in response.json()["errors"]] == ["title"]


async def test_changing_the_slug_keeps_the_old_one_answering(client, editor, publish):
    await publish(title="Hello")
    draft = await client.get("/api/v1/articles/hello?preview=true", headers=editor)

    renamed = await client.patch(
        "/api/v1/articles/hello", json={"slug": "hello-world"}, headers=editor | {"If-Match": draft.headers["etag"]}
    )
    delivery = await client.get("/api/v1/articles/hello?fields=title")
    management = await client.get("/api/v1/articles/hello?preview=true", headers=editor)
    write = await client.put("/api/v1/articles/hello", json={"title": "X"}, headers=editor | {"If-Match": "*"})

    assert renamed.status_code == 200
    assert renamed.json()["slug"] == "hello-world"
    assert (delivery.status_code, delivery.headers["location"]) == (
        301, "http://test/api/v1/articles/hello-world?fields=title",
    )  # fmt: skip
    assert (management.status_code, management.headers["location"]) == (
        308, "http://test/api/v1/articles/hello-world?preview=true",
    )  # fmt: skip
    assert write.status_code == 308
    assert (await client.get("/api/v1/articles/hello-world")).json()["title"] == "Hello"


async def test_a_former_slug_can_be_taken_back(client, editor):
    created = await _create(client, editor)
    moved = await client.patch(
        "/api/v1/articles/hello", json={"slug": "moved"}, headers=editor | {"If-Match": created.headers["etag"]}
    )

    back = await client.patch(
        "/api/v1/articles/moved", json={"slug": "hello"}, headers=editor | {"If-Match": moved.headers["etag"]}
    )

    assert back.status_code == 200
    assert (await client.get("/api/v1/articles/moved?preview=true", headers=editor)).status_code == 308


async def test_renaming_to_a_taken_slug_answers_409_and_changes_nothing(client, editor):
    created = await _create(client, editor)
    await _create(client, editor, title="Other")

    response = await client.patch(
        "/api/v1/articles/hello", json={"slug": "other"}, headers=editor | {"If-Match": created.headers["etag"]}
    )

    assert response.status_code == 409
    unchanged = await client.get("/api/v1/articles/hello?preview=true", headers=editor)
    assert (unchanged.json()["version"], unchanged.headers["etag"]) == (1, created.headers["etag"])


async def test_the_locale_of_an_article_cannot_change(client, editor):
    created = await _create(client, editor)

    response = await client.put(
        "/api/v1/articles/hello",
        json={"title": "Hallo", "locale": "de"},
        headers=editor | {"If-Match": created.headers["etag"]},
    )

    assert response.status_code == 422
    assert [e["path"] for e in response.json()["errors"]] == ["locale"]


async def test_delete_answers_204_and_delivery_then_404(client, editor, publish):
    await publish(title="Hello")

    response = await client.delete("/api/v1/articles/hello", headers=editor)

    assert response.status_code == 204
    assert response.content == b""
    assert (await client.get("/api/v1/articles/hello")).status_code == 404
    assert (await client.get("/api/v1/articles/hello?preview=true", headers=editor)).status_code == 404


async def test_delete_with_a_stale_if_match_answers_412(client, editor):
    await _create(client, editor)

    response = await client.delete("/api/v1/articles/hello", headers=editor | {"If-Match": '"nope.1"'})

    assert response.status_code == 412
    assert (await client.get("/api/v1/articles/hello?preview=true", headers=editor)).status_code == 200


async def test_writes_to_an_unknown_slug_answer_404(client, editor):
    response = await client.put("/api/v1/articles/nope", json={"title": "X"}, headers=editor | {"If-Match": "*"})

    assert response.status_code == 404


async def test_preview_serves_the_draft_privately(client, editor):
    created = await _create(client, editor)

    response = await client.get("/api/v1/articles/hello?preview=true", headers=editor)

    assert response.status_code == 200
    assert response.headers["cache-control"] == "private, no-store"
    assert response.headers["etag"] == created.headers["etag"]
    assert response.json()["status"] == "draft"


async def test_preview_takes_format_and_fields(client, editor):
    await _create(client, editor)

    fields = await client.get("/api/v1/articles/hello?preview=true&fields=title,version", headers=editor)
    markdown = await client.get("/api/v1/articles/hello?preview=true&format=markdown", headers=editor)

    assert fields.json() == {"title": "Hello", "version": 1}
    assert markdown.headers["content-type"] == "text/markdown; charset=utf-8"
    assert markdown.text.startswith("# Hello")


async def test_preview_must_be_true_or_false(client, editor):
    response = await client.get("/api/v1/articles/hello?preview=yes", headers=editor)

    assert response.status_code == 400
    assert response.json()["parameter"] == "preview"
