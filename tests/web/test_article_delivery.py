"""GET /api/v1/articles/{slug} and /sections/{anchor}: the published article, by slug."""

from datetime import datetime

from cms.storage.models import Article as ArticleRow
from cms.storage.models import SlugRedirect

PARAGRAPH = {"type": "paragraph", "spans": "Mental health treatment is always a bit of a moving target."}


async def test_published_article_is_served_as_json_with_every_field(client, publish):
    published = await publish(
        title="Ketamine And Depression: How It May Help You",
        tags=["depression"],
        sections=[{"blocks": [PARAGRAPH]}, {"heading": "What Exactly Is Ketamine?", "blocks": [PARAGRAPH]}],
    )

    response = await client.get("/api/v1/articles/ketamine-and-depression-how-it-may-help-you")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body == published
    assert list(body) == [
        "id", "slug", "locale", "title", "summary", "tags", "author",
        "status", "version", "published_at", "updated_at", "sections",
    ]  # fmt: skip
    assert body["slug"] == "ketamine-and-depression-how-it-may-help-you"
    assert (body["locale"], body["status"], body["version"], body["tags"]) == ("en", "published", 1, ["depression"])
    assert datetime.fromisoformat(body["published_at"]).tzinfo is not None
    assert [(s["anchor"], s["heading"]) for s in body["sections"]] == [
        ("intro", None),
        ("what-exactly-is-ketamine", "What Exactly Is Ketamine?"),
    ]
    assert body["sections"][0]["blocks"][0]["spans"] == [
        {"text": "Mental health treatment is always a bit of a moving target.", "marks": [], "href": None}
    ]


async def test_fields_selects_top_level_fields(client, publish):
    await publish(title="Hello", sections=[{"blocks": [PARAGRAPH]}])

    response = await client.get("/api/v1/articles/hello", params={"fields": "title,slug"})

    assert response.status_code == 200
    assert response.json() == {"title": "Hello", "slug": "hello"}


async def test_unknown_field_answers_400_naming_the_parameter(client, publish):
    await publish(title="Hello")

    response = await client.get("/api/v1/articles/hello", params={"fields": "title,body"})

    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["parameter"] == "fields"
    assert problem["title"] == "Bad Request"
    assert "'body'" in problem["detail"]


async def test_unknown_query_parameter_answers_400_naming_it(client, publish):
    await publish(title="Hello")

    response = await client.get("/api/v1/articles/hello", params={"expand": "all"})

    assert response.status_code == 400
    assert response.json() == {
        "type": "about:blank",
        "title": "Bad Request",
        "status": 400,
        "detail": "unknown query parameter 'expand': this route takes fields, format, locale, preview",
        "parameter": "expand",
    }


async def test_repeated_query_parameter_answers_400(client, publish):
    await publish(title="Hello")

    response = await client.get("/api/v1/articles/hello?locale=en&locale=de")

    assert response.status_code == 400
    assert response.json()["parameter"] == "locale"


async def test_unknown_format_answers_400(client, publish):
    await publish(title="Hello")

    response = await client.get("/api/v1/articles/hello", params={"format": "pdf"})

    assert response.status_code == 400
    assert response.json()["parameter"] == "format"


async def test_bad_locale_answers_400(client):
    response = await client.get("/api/v1/articles/hello", params={"locale": "English!"})

    assert response.status_code == 400
    assert response.json()["parameter"] == "locale"


async def test_unknown_slug_answers_404_problem(client):
    response = await client.get("/api/v1/articles/no-such-article")

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": "no published article has slug 'no-such-article' in locale 'en'",
    }


async def test_invalid_slug_answers_404(client):
    response = await client.get("/api/v1/articles/Not_A_Slug")

    assert response.status_code == 404


async def test_draft_is_not_served(client, editor):
    await client.post("/api/v1/articles", json={"title": "Only A Draft"}, headers=editor)

    response = await client.get("/api/v1/articles/only-a-draft")

    assert response.status_code == 404


async def test_article_is_served_in_its_locale_only(client, publish):
    await publish(title="Hallo", locale="de")

    in_german = await client.get("/api/v1/articles/hallo", params={"locale": "de"})
    in_default = await client.get("/api/v1/articles/hallo")

    assert in_german.status_code == 200
    assert in_german.json()["locale"] == "de"
    assert in_default.status_code == 404


async def test_renamed_slug_answers_301_to_the_new_slug_keeping_the_query(client, publish):
    article = await publish(title="New Name")
    row = await ArticleRow.get(uid=article["id"])
    await SlugRedirect.create(locale="en", slug="old-name", article=row)

    response = await client.get("/api/v1/articles/old-name?fields=title")

    assert response.status_code == 301
    assert response.headers["location"] == "http://test/api/v1/articles/new-name?fields=title"


async def test_section_is_served_by_anchor(client, publish):
    article = await publish(
        title="Hello", sections=[{"blocks": [PARAGRAPH]}, {"heading": "Why?", "blocks": [{"type": "divider"}]}]
    )

    response = await client.get("/api/v1/articles/hello/sections/why")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == article["sections"][1]


async def test_unknown_anchor_answers_404(client, publish):
    await publish(title="Hello", sections=[{"blocks": [PARAGRAPH]}])

    response = await client.get("/api/v1/articles/hello/sections/nope")

    assert response.status_code == 404
    assert response.json()["detail"] == "article 'hello' has no section with anchor 'nope'"


async def test_section_of_a_renamed_slug_answers_301(client, publish):
    article = await publish(title="New Name", sections=[{"blocks": [PARAGRAPH]}])
    await SlugRedirect.create(locale="en", slug="old-name", article=await ArticleRow.get(uid=article["id"]))

    response = await client.get("/api/v1/articles/old-name/sections/intro")

    assert response.status_code == 301
    assert response.headers["location"] == "http://test/api/v1/articles/new-name/sections/intro"
