"""GET /api/v1/articles?q=: full-text search over published articles, ranked, by keyset cursor."""

import pytest
from tortoise import connections

from tests.conftest import is_postgres


def _body(*paragraphs: str) -> list[dict]:
    return [{"blocks": [{"type": "paragraph", "spans": text} for text in paragraphs]}]


async def _slugs(client, **params) -> list[str]:
    response = await client.get("/api/v1/articles", params=params)
    assert response.status_code == 200, response.text
    return [item["slug"] for item in response.json()["items"]]


async def _unaccent_installed() -> bool:
    _, rows = await connections.get("default").execute_query("SELECT 1 FROM pg_extension WHERE extname = 'unaccent'")
    return bool(rows)


async def test_q_finds_a_word_of_the_title_and_answers_summaries(client, publish):
    article = await publish(title="Ketamine And Depression", sections=_body("Mental health."))
    await publish(title="Massage", sections=_body("Relaxing."))

    response = await client.get("/api/v1/articles", params={"q": "ketamine"})

    assert response.status_code == 200
    assert response.json() == {
        "items": [{key: value for key, value in article.items() if key != "sections"}],
        "next_cursor": None,
    }


async def test_q_finds_a_word_of_the_summary(client, publish):
    await publish(title="One", summary="How ketamine may help")
    await publish(title="Two", summary="Nothing here")

    assert await _slugs(client, q="ketamine") == ["one"]


async def test_q_finds_a_word_of_the_body(client, publish):
    await publish(title="One", sections=_body("Intro.", "Ketamine is an anaesthetic."))
    await publish(title="Two", sections=_body("Nothing here."))

    assert await _slugs(client, q="anaesthetic") == ["one"]


async def test_q_finds_a_word_of_a_section_heading(client, publish):
    await publish(title="One", sections=[{"heading": "What Exactly Is Ketamine?", "blocks": [{"type": "divider"}]}])

    assert await _slugs(client, q="exactly") == ["one"]


async def test_the_last_word_of_q_matches_as_a_prefix(client, publish):
    await publish(title="Ketamine And Depression")
    await publish(title="Deprecated Things")
    await publish(title="Depth")

    assert await _slugs(client, q="ketamine depr") == ["ketamine-and-depression"]


async def test_every_word_of_q_must_match(client, publish):
    await publish(title="Ketamine And Depression")
    await publish(title="Ketamine Alone")

    assert await _slugs(client, q="depression ketamine") == ["ketamine-and-depression"]


async def test_q_ignores_case(client, publish):
    await publish(title="Ketamine")

    assert await _slugs(client, q="KETAMINE") == ["ketamine"]


async def test_q_ignores_accents_where_the_database_can(client, publish):
    if is_postgres() and not await _unaccent_installed():
        pytest.skip("PostgreSQL without the unaccent extension matches accents exactly (docs/search.md)")
    await publish(title="Café Culture", slug="cafe-culture")
    await publish(title="Naive Art", slug="naive-art")

    assert (await _slugs(client, q="cafe"), await _slugs(client, q="NAÏVE")) == (["cafe-culture"], ["naive-art"])


async def test_title_matches_rank_above_summary_matches_above_body_matches(client, publish):
    # Published best first, so that the newest-first tie-break would give the opposite order.
    await publish(title="Ketamine Today", slug="in-title")
    await publish(title="Other", summary="About ketamine", slug="in-summary")
    await publish(title="Another", sections=_body("Ketamine, ketamine and ketamine."), slug="in-body")

    assert await _slugs(client, q="ketamine") == ["in-title", "in-summary", "in-body"]


async def test_a_title_holding_every_word_ranks_above_one_holding_some(client, publish):
    await publish(title="Ketamine Infusion Therapy", slug="all-words")
    await publish(title="Ketamine", sections=_body("Infusion therapy."), slug="some-words")

    assert await _slugs(client, q="ketamine therapy") == ["all-words", "some-words"]


async def test_equal_ranks_are_newest_first(client, publish):
    await publish(title="Ketamine One")
    await publish(title="Ketamine Two")

    assert await _slugs(client, q="ketamine") == ["ketamine-two", "ketamine-one"]


async def test_drafts_are_never_found(client, editor):
    await client.post("/api/v1/articles", json={"title": "Ketamine Draft"}, headers=editor)

    assert await _slugs(client, q="ketamine") == []


async def test_an_unpublished_article_is_no_longer_found(client, publish, editor):
    await publish(title="Ketamine")

    response = await client.post("/api/v1/articles/ketamine/unpublish", headers=editor)

    assert response.status_code == 200
    assert await _slugs(client, q="ketamine") == []


async def test_a_deleted_article_is_no_longer_found(client, publish, editor):
    await publish(title="Ketamine")

    response = await client.delete("/api/v1/articles/ketamine", headers=editor)

    assert response.status_code == 204
    assert await _slugs(client, q="ketamine") == []


async def test_a_new_draft_of_a_published_article_is_not_searched(client, publish, editor):
    await publish(title="Ketamine", sections=_body("Published words."))
    edited = {"title": "Ketamine", "slug": "ketamine", "sections": _body("Draft words.")}
    response = await client.put("/api/v1/articles/ketamine", json=edited, headers=editor | {"If-Match": "*"})
    assert response.status_code == 200

    found = (await _slugs(client, q="published"), await _slugs(client, q="draft"))

    assert found == (["ketamine"], [])


async def test_republishing_searches_the_new_words_only(client, publish, editor):
    await publish(title="Ketamine", sections=_body("Old words."))
    edited = {"title": "Ketamine", "slug": "ketamine", "sections": _body("New words.")}
    await client.put("/api/v1/articles/ketamine", json=edited, headers=editor | {"If-Match": "*"})

    response = await client.post("/api/v1/articles/ketamine/publish", headers=editor)

    assert response.status_code == 200
    assert (await _slugs(client, q="old"), await _slugs(client, q="new")) == ([], ["ketamine"])


async def _search_pages(client, q: str, between_pages=None) -> list[str]:
    seen, cursor = [], None
    while True:
        page = (
            await client.get("/api/v1/articles", params={"q": q, "limit": 1} | ({"cursor": cursor} if cursor else {}))
        ).json()
        seen += [item["slug"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return seen
        if between_pages:
            await between_pages(len(seen))


async def test_paging_a_search_returns_every_hit_once_in_rank_order(client, publish):
    for title, summary in [
        ("Ketamine A", None),
        ("B", "ketamine"),
        ("Ketamine C", None),
        ("D", "ketamine"),
        ("E", None),
    ]:
        await publish(title=title, summary=summary, sections=_body("Ketamine."))

    assert await _search_pages(client, "ketamine") == ["ketamine-c", "ketamine-a", "d", "b", "e"]


async def test_a_search_cursor_keeps_its_place_while_articles_are_published(client, publish):
    for title in ["Ketamine A", "Ketamine B", "Ketamine C", "Ketamine D"]:
        await publish(title=title, sections=_body("Ketamine " * 3))

    async def publish_more(page: int) -> None:
        await publish(title=f"Ketamine News {page}", sections=_body("Ketamine " * 50))
        await publish(title=f"Unrelated {page}", sections=_body("Words " * 200))

    seen = await _search_pages(client, "ketamine", between_pages=publish_more)

    assert seen == ["ketamine-d", "ketamine-c", "ketamine-b", "ketamine-a"]


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ('"ketamine', True),
        ('ketamine "unclosed', False),
        ("ketamine -title", True),
        ("ketamine*", True),
        ("NEAR", True),
        ("NEAR(ketamine, title)", True),
        ("(ketamine", True),
        ("title:ketamine", True),
        ("^ketamine", True),
        ("ketamine AND OR NOT", False),
    ],
)
async def test_query_syntax_characters_are_plain_text(client, publish, q, found):
    await publish(title="Ketamine Near Title")

    response = await client.get("/api/v1/articles", params={"q": q, "fields": "slug"})

    assert response.status_code == 200
    assert response.json() == {"items": [{"slug": "ketamine-near-title"}] if found else [], "next_cursor": None}


@pytest.mark.parametrize("q", ["", "   ", "-- * ()", '"', "___"])
async def test_q_without_words_answers_400(client, q):
    response = await client.get("/api/v1/articles", params={"q": q})

    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["parameter"] == "q"


async def test_q_of_too_many_words_answers_400(client):
    response = await client.get("/api/v1/articles", params={"q": " ".join(["word"] * 33)})

    assert response.status_code == 400
    assert response.json()["detail"] == "q has 33 words: use at most 32"


async def test_q_combines_with_tag_locale_limit_and_fields(client, publish):
    await publish(title="Ketamine Tagged", tags=["health"])
    await publish(title="Ketamine Untagged")
    await publish(title="Ketamine Getaggt", tags=["health"], locale="de")
    await publish(title="Ketamine Also Tagged", tags=["health", "news"])

    response = await client.get(
        "/api/v1/articles", params={"q": "ketamine", "tag": "health", "fields": "slug", "limit": 1}
    )
    rest = await client.get(
        "/api/v1/articles",
        params={"q": "ketamine", "tag": "health", "fields": "slug", "cursor": response.json()["next_cursor"]},
    )

    assert response.json()["items"] == [{"slug": "ketamine-also-tagged"}]
    assert rest.json() == {"items": [{"slug": "ketamine-tagged"}], "next_cursor": None}


async def test_q_with_fields_can_ask_for_sections(client, publish):
    article = await publish(title="Ketamine", sections=[{"heading": "Why?", "blocks": [{"type": "divider"}]}])

    response = await client.get("/api/v1/articles", params={"q": "ketamine", "fields": "slug,sections"})

    assert response.json() == {"items": [{"slug": "ketamine", "sections": article["sections"]}], "next_cursor": None}


async def _first_cursor(client, **params) -> str:
    response = await client.get("/api/v1/articles", params={"limit": 1} | params)
    return str(response.json()["next_cursor"])


async def test_a_cursor_of_another_search_answers_400(client, publish):
    await publish(title="Ketamine One")
    await publish(title="Ketamine Two")
    cursor = await _first_cursor(client, q="ketamine")

    response = await client.get("/api/v1/articles", params={"q": "one", "cursor": cursor})

    assert response.status_code == 400
    assert response.json()["parameter"] == "cursor"
    assert response.json()["detail"] == f"cursor {cursor!r} continues a search for another q: pass the q it came with"


async def test_a_search_cursor_without_q_answers_400(client, publish):
    await publish(title="Ketamine One")
    await publish(title="Ketamine Two")
    cursor = await _first_cursor(client, q="ketamine")

    response = await client.get("/api/v1/articles", params={"cursor": cursor})

    assert response.status_code == 400
    assert (
        response.json()["detail"]
        == f"cursor {cursor!r} continues a search: pass the q it came with, or drop the cursor"
    )


async def test_a_listing_cursor_with_q_answers_400(client, publish):
    await publish(title="Ketamine One")
    await publish(title="Ketamine Two")
    cursor = await _first_cursor(client)

    response = await client.get("/api/v1/articles", params={"q": "ketamine", "cursor": cursor})

    assert response.status_code == 400
    assert response.json()["detail"] == f"cursor {cursor!r} does not continue a search: drop it to start this search"


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "eyJxIjoxfQ",  # {"q":1}
        "eyJxIjoiMDAwMDAwMDAwMDAwMDAwMCIsInJhbmsiOiJ4IiwiaWQiOjF9",  # rank "x"
        "eyJxIjoiMDAwMDAwMDAwMDAwMDAwMCIsInJhbmsiOjEsImlkIjo5OTk5OTk5OTk5OTk5fQ",  # id out of range
    ],
)
async def test_a_malformed_search_cursor_answers_400(client, cursor):
    response = await client.get("/api/v1/articles", params={"q": "ketamine", "cursor": cursor})

    assert response.status_code == 400
    assert response.json()["parameter"] == "cursor"


async def test_a_search_or_tag_page_costs_one_query_or_two_with_sections(client, publish, query_log):
    for n in range(6):
        await publish(title=f"Ketamine {n}", tags=["health"], sections=_body("Text.", "More text."))

    costs = [
        await query_log.count(client, "/api/v1/articles", params)
        for params in (
            {"q": "ketamine", "limit": 2},
            {"q": "ketamine", "limit": 6},
            {"tag": "health", "limit": 6},
            {"q": "ketamine", "tag": "health", "limit": 6},
            {"q": "ketamine", "tag": "health", "limit": 6, "fields": "slug,sections"},
        )
    ]

    assert costs == [1, 1, 1, 1, 2]
