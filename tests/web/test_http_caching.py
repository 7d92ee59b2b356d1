"""HTTP caching of delivery GETs: ETag and 304, Last-Modified, Cache-Control, Vary, Surrogate-Key, gzip."""

import gzip
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

PARAGRAPH = {"type": "paragraph", "spans": "Ketamine infusion therapy is administered as a series of treatments."}


async def test_a_delivery_get_carries_every_caching_header(client, publish):
    article = await publish(title="Hello", sections=[{"blocks": [PARAGRAPH]}])

    response = await client.get("/api/v1/articles/hello")

    assert response.status_code == 200
    assert response.headers["etag"].startswith('"') and response.headers["etag"].endswith('"')
    assert response.headers["cache-control"] == "public, max-age=60, stale-while-revalidate=300, stale-if-error=86400"
    assert response.headers["vary"] == "Accept-Encoding"
    assert response.headers["surrogate-key"] == f"article-{article['id']}"
    published = datetime.fromisoformat(article["updated_at"]).replace(microsecond=0)
    assert response.headers["last-modified"] == format_datetime(published.astimezone(UTC), usegmt=True)


async def test_if_none_match_answers_304_without_body(client, publish):
    await publish(title="Hello")
    first = await client.get("/api/v1/articles/hello")

    again = await client.get("/api/v1/articles/hello", headers={"If-None-Match": first.headers["etag"]})

    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == first.headers["etag"]
    assert again.headers["cache-control"] == first.headers["cache-control"]


async def test_a_304_carries_the_cache_headers_and_no_representation_metadata(client, publish):
    article = await publish(title="Hello")
    first = await client.get("/api/v1/articles/hello", headers={"X-Request-ID": "r-1"})

    again = await client.get(
        "/api/v1/articles/hello", headers={"If-None-Match": first.headers["etag"], "X-Request-ID": "r-2"}
    )

    assert (again.status_code, dict(again.headers)) == (
        304,
        {
            "etag": first.headers["etag"],
            "cache-control": "public, max-age=60, stale-while-revalidate=300, stale-if-error=86400",
            "vary": "Accept-Encoding",
            "surrogate-key": f"article-{article['id']}",
            "x-request-id": "r-2",
        },
    )


async def test_if_none_match_sent_twice_counts_as_one_list(client, publish):
    await publish(title="Hello")
    etag = (await client.get("/api/v1/articles/hello")).headers["etag"]

    response = await client.get(
        "/api/v1/articles/hello", headers=[("If-None-Match", '"other"'), ("If-None-Match", etag)]
    )

    assert response.status_code == 304


async def test_if_none_match_compares_weakly_and_takes_a_list(client, publish):
    await publish(title="Hello")
    etag = (await client.get("/api/v1/articles/hello")).headers["etag"]

    weak = await client.get("/api/v1/articles/hello", headers={"If-None-Match": f"W/{etag}"})
    listed = await client.get("/api/v1/articles/hello", headers={"If-None-Match": f'"other", {etag}'})
    star = await client.get("/api/v1/articles/hello", headers={"If-None-Match": "*"})

    assert (weak.status_code, listed.status_code, star.status_code) == (304, 304, 304)


async def test_a_stale_if_none_match_answers_200(client, publish):
    await publish(title="Hello")

    response = await client.get("/api/v1/articles/hello", headers={"If-None-Match": '"stale"'})

    assert response.status_code == 200


async def test_if_modified_since_answers_304_when_not_modified(client, publish):
    await publish(title="Hello")
    later = format_datetime(datetime.now(UTC) + timedelta(minutes=1), usegmt=True)
    earlier = format_datetime(datetime.now(UTC) - timedelta(days=1), usegmt=True)

    not_modified = await client.get("/api/v1/articles/hello", headers={"If-Modified-Since": later})
    modified = await client.get("/api/v1/articles/hello", headers={"If-Modified-Since": earlier})
    garbage = await client.get("/api/v1/articles/hello", headers={"If-Modified-Since": "yesterday"})

    assert (not_modified.status_code, modified.status_code, garbage.status_code) == (304, 200, 200)


async def test_each_format_and_field_selection_has_its_own_etag(client, publish):
    await publish(title="Hello", sections=[{"blocks": [PARAGRAPH]}])

    etags = {
        (await client.get(f"/api/v1/articles/hello{query}")).headers["etag"]
        for query in ("", "?format=html", "?format=markdown", "?fields=title", "?fields=title,slug")
    }

    assert len(etags) == 5


async def test_a_new_publication_changes_the_etag(client, editor, publish):
    await publish(title="Hello")
    before = await client.get("/api/v1/articles/hello")
    await client.put("/api/v1/articles/hello", json={"title": "Hello Again"}, headers=editor | {"If-Match": "*"})
    await client.post("/api/v1/articles/hello/publish", headers=editor)

    after = await client.get("/api/v1/articles/hello", headers={"If-None-Match": before.headers["etag"]})

    assert after.status_code == 200
    assert after.json()["title"] == "Hello Again"
    assert after.headers["etag"] != before.headers["etag"]


async def test_large_bodies_are_gzipped_for_clients_that_accept_it(client, publish):
    await publish(title="Long", sections=[{"blocks": [PARAGRAPH] * 40}])

    zipped = await client.get("/api/v1/articles/long", headers={"Accept-Encoding": "gzip"})
    plain = await client.get("/api/v1/articles/long", headers={"Accept-Encoding": "identity"})

    assert zipped.headers["content-encoding"] == "gzip"
    assert "content-encoding" not in plain.headers
    assert zipped.content == plain.content  # httpx decodes the gzip body
    assert int(zipped.headers["content-length"]) < len(plain.content) / 3
    assert gzip.decompress(gzip.compress(plain.content)) == plain.content


async def test_the_gzipped_representation_has_its_own_strong_etag(client, publish):
    await publish(title="Long", sections=[{"blocks": [PARAGRAPH] * 40}])

    zipped = await client.get("/api/v1/articles/long", headers={"Accept-Encoding": "gzip"})
    plain = await client.get("/api/v1/articles/long", headers={"Accept-Encoding": "identity"})

    assert zipped.headers["etag"] == plain.headers["etag"][:-1] + '-gzip"'
    assert not zipped.headers["etag"].startswith("W/")


@pytest.mark.parametrize(("accept", "etag_of"), [("gzip", "gzip"), ("identity", "identity")])
async def test_if_none_match_answers_304_only_for_the_representation_it_names(client, publish, accept, etag_of):
    await publish(title="Long", sections=[{"blocks": [PARAGRAPH] * 40}])
    tags = {
        encoding: (await client.get("/api/v1/articles/long", headers={"Accept-Encoding": encoding})).headers["etag"]
        for encoding in ("gzip", "identity")
    }

    same = await client.get(
        "/api/v1/articles/long", headers={"Accept-Encoding": accept, "If-None-Match": tags[etag_of]}
    )
    other = "identity" if accept == "gzip" else "gzip"
    crossed = await client.get(
        "/api/v1/articles/long", headers={"Accept-Encoding": other, "If-None-Match": tags[accept]}
    )

    assert (same.status_code, same.headers["etag"]) == (304, tags[accept])
    assert (crossed.status_code, crossed.headers["etag"]) == (200, tags[other])


@pytest.mark.parametrize(
    ("accept", "encoded"),
    [("gzip;q=0", False), ("gzip;q=0, identity", False), ("identity", False), ("*", True), ("br, gzip;q=0.5", True),
     ("gzip;q=0, *", False), ("deflate, *;q=0.1", True), ("gzip;q=x", False)],
)  # fmt: skip
async def test_gzip_is_sent_only_when_accept_encoding_allows_it(client, publish, accept, encoded):
    await publish(title="Long", sections=[{"blocks": [PARAGRAPH] * 40}])

    response = await client.get("/api/v1/articles/long", headers={"Accept-Encoding": accept})

    assert (response.headers.get("content-encoding") == "gzip") is encoded


async def test_small_bodies_are_not_gzipped(client, publish):
    await publish(title="Hi")

    response = await client.get("/api/v1/articles/hi?fields=title", headers={"Accept-Encoding": "gzip"})

    assert "content-encoding" not in response.headers


async def test_a_section_is_cached_like_its_article(client, publish):
    article = await publish(title="Hello", sections=[{"heading": "Why?", "blocks": [PARAGRAPH]}])
    first = await client.get("/api/v1/articles/hello/sections/why")

    again = await client.get("/api/v1/articles/hello/sections/why", headers={"If-None-Match": first.headers["etag"]})

    assert first.headers["surrogate-key"] == f"article-{article['id']}"
    assert again.status_code == 304


async def test_a_preview_is_never_publicly_cached(client, editor, publish):
    await publish(title="Hello")

    response = await client.get("/api/v1/articles/hello?preview=true", headers=editor)

    assert response.headers["cache-control"] == "private, no-store"
    assert "surrogate-key" not in response.headers


async def test_deleting_an_article_takes_it_off_delivery_at_once(client, editor, publish):
    await publish(title="Hello")
    await client.get("/api/v1/articles/hello")

    await client.delete("/api/v1/articles/hello", headers=editor)

    assert (await client.get("/api/v1/articles/hello")).status_code == 404


async def test_a_listing_page_is_cacheable_and_names_its_articles(client, publish):
    first = await publish(title="First")
    second = await publish(title="Second")
    page = await client.get("/api/v1/articles")

    again = await client.get("/api/v1/articles", headers={"If-None-Match": page.headers["etag"]})

    assert page.headers["surrogate-key"] == f"articles article-{second['id']} article-{first['id']}"
    assert page.headers["cache-control"] == "public, max-age=60, stale-while-revalidate=300, stale-if-error=86400"
    assert again.status_code == 304


async def test_a_listing_page_changes_its_etag_when_an_article_is_published(client, publish):
    await publish(title="First")
    before = await client.get("/api/v1/articles")
    await publish(title="Second")

    after = await client.get("/api/v1/articles", headers={"If-None-Match": before.headers["etag"]})

    assert after.status_code == 200


async def test_the_site_and_the_schema_are_cacheable(client):
    site = await client.get("/api/v1/site")
    schema = await client.get("/api/v1/schema")

    assert (site.headers["surrogate-key"], schema.headers["surrogate-key"]) == ("site", "schema")
    assert (await client.get("/api/v1/schema", headers={"If-None-Match": schema.headers["etag"]})).status_code == 304
