"""Revisions: every saved draft, newest first, readable and restorable; each names the token that made it."""


async def _three_versions(client, editor):
    await client.post("/api/v1/articles", json={"title": "One"}, headers=editor)
    for title in ("Two", "Three"):
        response = await client.put("/api/v1/articles/one", json={"title": title}, headers=editor | {"If-Match": "*"})
        assert response.status_code == 200


async def test_revisions_are_listed_newest_first_with_their_token(client, editor):
    await _three_versions(client, editor)

    response = await client.get("/api/v1/articles/one/revisions", headers=editor)

    assert response.status_code == 200
    page = response.json()
    assert [(r["version"], r["title"], r["token_name"]) for r in page["items"]] == [
        (3, "Three", "editor"), (2, "Two", "editor"), (1, "One", "editor"),
    ]  # fmt: skip
    assert page["next_cursor"] is None


async def test_revisions_page_by_cursor(client, editor):
    await _three_versions(client, editor)

    first = (await client.get("/api/v1/articles/one/revisions?limit=2", headers=editor)).json()
    second = (
        await client.get(f"/api/v1/articles/one/revisions?limit=2&cursor={first['next_cursor']}", headers=editor)
    ).json()

    assert [r["version"] for r in first["items"]] == [3, 2]
    assert [r["version"] for r in second["items"]] == [1]
    assert second["next_cursor"] is None


async def test_a_revision_is_read_whole(client, editor):
    await _three_versions(client, editor)

    response = await client.get("/api/v1/articles/one/revisions/2", headers=editor)

    assert response.status_code == 200
    revision = response.json()
    assert (revision["version"], revision["document"]["title"], revision["document"]["sections"]) == (2, "Two", [])


async def test_an_unknown_revision_answers_404(client, editor):
    await _three_versions(client, editor)

    response = await client.get("/api/v1/articles/one/revisions/9", headers=editor)

    assert response.status_code == 404
    assert response.json()["detail"] == "article 'one' has no revision 9: versions run from 1 to 3"


async def test_a_revision_number_must_be_a_positive_integer(client, editor):
    response = await client.get("/api/v1/articles/one/revisions/zero", headers=editor)

    assert response.status_code == 400


async def test_restore_makes_a_new_revision_with_the_old_content(client, editor):
    await _three_versions(client, editor)

    response = await client.post("/api/v1/articles/one/revisions/1/restore", headers=editor)

    assert response.status_code == 200
    assert (response.json()["title"], response.json()["version"]) == ("One", 4)
    history = (await client.get("/api/v1/articles/one/revisions", headers=editor)).json()
    assert [r["title"] for r in history["items"]] == ["One", "Three", "Two", "One"]


async def test_reading_revisions_needs_the_preview_scope(client, token, editor):
    await _three_versions(client, editor)
    writer = {"Authorization": f"Bearer {await token('write')}"}

    response = await client.get("/api/v1/articles/one/revisions", headers=writer)

    assert response.status_code == 403


async def test_a_revision_number_too_large_for_any_article_answers_400(client, editor):
    await _three_versions(client, editor)

    number = await client.get("/api/v1/articles/one/revisions/99999999999999999999", headers=editor)
    cursor = await client.get("/api/v1/articles/one/revisions?cursor=99999999999999999999", headers=editor)

    assert (number.status_code, number.json()["parameter"]) == (400, "n")
    assert (cursor.status_code, cursor.json()["parameter"]) == (400, "cursor")


async def test_revisions_at_an_old_slug_answer_308_to_the_new_one(client, editor):
    await client.post("/api/v1/articles", json={"title": "One", "slug": "one"}, headers=editor)
    draft = await client.get("/api/v1/articles/one?preview=true", headers=editor)
    await client.patch(
        "/api/v1/articles/one", json={"slug": "two"}, headers=editor | {"If-Match": draft.headers["etag"]}
    )

    listed = await client.get("/api/v1/articles/one/revisions?limit=1", headers=editor)
    one = await client.get("/api/v1/articles/one/revisions/1", headers=editor)

    assert (listed.status_code, listed.headers["location"]) == (
        308,
        "http://test/api/v1/articles/two/revisions?limit=1",
    )
    assert (one.status_code, one.headers["location"]) == (308, "http://test/api/v1/articles/two/revisions/1")
