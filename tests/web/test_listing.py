"""GET /api/v1/articles: summaries, newest first, keyset cursor pagination."""

import pytest


async def _publish_many(publish, count):
    return [await publish(title=f"Article {n}", sections=[{"blocks": [{"type": "divider"}]}]) for n in range(count)]


async def test_listing_returns_summaries_newest_first_without_sections(client, publish):
    first, second = await _publish_many(publish, 2)

    response = await client.get("/api/v1/articles")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    summary = {key: value for key, value in second.items() if key != "sections"}
    assert response.json() == {
        "items": [summary, {key: value for key, value in first.items() if key != "sections"}],
        "next_cursor": None,
    }


async def test_cursor_pages_through_every_article_once(client, publish):
    published = await _publish_many(publish, 7)

    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        page = (await client.get("/api/v1/articles", params=params)).json()
        seen += [item["slug"] for item in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert pages == 3
    assert seen == [article["slug"] for article in reversed(published)]


async def test_fields_can_ask_for_sections(client, publish):
    article = await publish(title="Hello", sections=[{"heading": "Why?", "blocks": [{"type": "divider"}]}])

    response = await client.get("/api/v1/articles", params={"fields": "slug,sections"})

    assert response.json() == {"items": [{"slug": "hello", "sections": article["sections"]}], "next_cursor": None}


@pytest.mark.parametrize("limit", ["0", "101", "-1", "ten", "²", ""])
async def test_limit_out_of_range_answers_400(client, limit):
    response = await client.get("/api/v1/articles", params={"limit": limit})

    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["parameter"] == "limit"


@pytest.mark.parametrize("cursor", ["garbage", "W10", "WyJ4IiwgMV0", "WyIyMDI2LTAxLTAxVDAwOjAwOjAwIiwxXQ", "!!"])
async def test_bad_cursor_answers_400(client, cursor):
    response = await client.get("/api/v1/articles", params={"cursor": cursor})

    assert response.status_code == 400
    assert response.json()["parameter"] == "cursor"


async def test_listing_is_per_locale(client, publish):
    await publish(title="Hello")
    await publish(title="Hallo", locale="de")

    response = await client.get("/api/v1/articles", params={"locale": "de", "fields": "slug"})

    assert response.json() == {"items": [{"slug": "hallo"}], "next_cursor": None}


async def test_drafts_are_not_listed(client, editor):
    await client.post("/api/v1/articles", json={"title": "Only A Draft"}, headers=editor)

    response = await client.get("/api/v1/articles")

    assert response.json() == {"items": [], "next_cursor": None}


async def test_tag_lists_the_published_articles_having_it(client, publish):
    await publish(title="Tagged", tags=["health", "news"])
    await publish(title="Other Tag", tags=["news"])
    await publish(title="Untagged")

    response = await client.get("/api/v1/articles", params={"tag": "health", "fields": "slug,tags"})

    assert response.json() == {"items": [{"slug": "tagged", "tags": ["health", "news"]}], "next_cursor": None}


async def test_tag_and_cursor_page_through_every_tagged_article_once(client, publish):
    tagged = [await publish(title=f"Tagged {n}", tags=["health"]) for n in range(5)]
    await publish(title="Untagged", tags=["news"])

    seen, cursor = [], None
    while True:
        params = {"tag": "health", "limit": 2} | ({"cursor": cursor} if cursor else {})
        page = (await client.get("/api/v1/articles", params=params)).json()
        seen += [item["slug"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert seen == [article["slug"] for article in reversed(tagged)]


async def test_a_tag_only_the_draft_has_does_not_list_the_article(client, publish, editor):
    await publish(title="Hello", tags=["news"])
    edited = {"title": "Hello", "slug": "hello", "tags": ["news", "health"]}
    await client.put("/api/v1/articles/hello", json=edited, headers=editor | {"If-Match": "*"})

    response = await client.get("/api/v1/articles", params={"tag": "health"})

    assert response.json() == {"items": [], "next_cursor": None}


@pytest.mark.parametrize("tag", ["", "a,b", "x" * 51, "new\nline"])
async def test_a_tag_no_article_can_have_answers_400(client, tag):
    response = await client.get("/api/v1/articles", params={"tag": tag})

    assert response.status_code == 400
    assert response.json() == {
        "type": "about:blank",
        "title": "Bad Request",
        "status": 400,
        "detail": f"tag {tag!r} is not valid: use 1-50 characters, no commas or control characters",
        "parameter": "tag",
    }


async def test_a_cursor_keeps_its_place_while_articles_are_published(client, publish):
    published = await _publish_many(publish, 6)
    first = (await client.get("/api/v1/articles", params={"limit": 3, "fields": "slug"})).json()
    await publish(title="Newer One")
    await publish(title="Newer Two")

    second = (
        await client.get("/api/v1/articles", params={"limit": 3, "fields": "slug", "cursor": first["next_cursor"]})
    ).json()

    slugs = [item["slug"] for item in first["items"] + second["items"]]
    assert slugs == [article["slug"] for article in reversed(published)]
    assert second["next_cursor"] is None


async def test_a_kept_listing_page_shows_a_new_publication_at_once(client, publish):
    await publish(title="First")
    before = (await client.get("/api/v1/articles", params={"fields": "slug"})).json()

    await publish(title="Second")
    after = (await client.get("/api/v1/articles", params={"fields": "slug"})).json()

    assert before["items"] == [{"slug": "first"}]
    assert after["items"] == [{"slug": "second"}, {"slug": "first"}]
