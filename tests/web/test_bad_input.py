"""Bad input gets a clear problem+json and changes nothing: 400, 412, 413, 415, 422 with paths; never a 5xx, merging
writes (`Prefer: merge`) included."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cms.config import Settings


@pytest.fixture
async def article(client, editor):
    created = await client.post(
        "/api/v1/articles",
        json={"title": "Hello", "sections": [{"heading": "Why?", "blocks": [{"type": "paragraph", "spans": "x"}]}]},
        headers=editor,
    )
    assert created.status_code == 201
    return created


async def _stored(client, editor) -> tuple[bytes, str]:
    """The draft's bytes and its revision list: what must not change after a refused write."""
    draft = await client.get("/api/v1/articles/hello?preview=true", headers=editor)
    history = await client.get("/api/v1/articles/hello/revisions", headers=editor)
    return draft.content, history.text


async def test_malformed_json_answers_400_and_changes_nothing(client, editor, article):
    before = await _stored(client, editor)

    response = await client.put(
        "/api/v1/articles/hello",
        content=b'{"title": "Hi",',
        headers=editor | {"If-Match": article.headers["etag"], "Content-Type": "application/json"},
    )

    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"].startswith("the body is not valid JSON")
    assert await _stored(client, editor) == before


async def test_malformed_merge_patch_answers_400(client, editor, article):
    response = await client.patch(
        "/api/v1/articles/hello",
        content=b"{nope",
        headers=editor | {"If-Match": article.headers["etag"], "Content-Type": "application/merge-patch+json"},
    )

    assert response.status_code == 400


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", "multipart/form-data; boundary=x", ""])
async def test_a_wrong_content_type_answers_415(client, editor, content_type):
    response = await client.post(
        "/api/v1/articles", content=b'{"title": "Hi"}', headers=editor | {"Content-Type": content_type}
    )

    assert response.status_code == 415
    assert response.headers["content-type"] == "application/problem+json"


async def test_an_oversized_body_answers_413(client, editor):
    body = json.dumps({"title": "Big", "summary": "x" * (3 * 1024 * 1024)}).encode()

    response = await client.post(
        "/api/v1/articles", content=body, headers=editor | {"Content-Type": "application/json"}
    )

    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert (await client.get("/api/v1/articles/big?preview=true", headers=editor)).status_code == 404


async def test_an_oversized_chunked_body_answers_413_while_reading(client, editor):
    limit = Settings().max_body_bytes
    sent = 0

    async def chunks():
        nonlocal sent
        for _ in range(100):
            sent += 64 * 1024
            yield b" " * (64 * 1024)

    response = await client.post(
        "/api/v1/articles", content=chunks(), headers=editor | {"Content-Type": "application/json"}
    )

    assert response.status_code == 413
    assert sent < 100 * 64 * 1024
    assert sent <= limit + 2 * 64 * 1024


async def test_invalid_content_answers_422_with_the_exact_path(client, editor, article):
    body = {
        "title": "Hello",
        "sections": [
            {"blocks": [{"type": "paragraph", "spans": "ok"}]},
            {"heading": "Bad", "blocks": [{"type": "heading", "level": 2, "spans": "x"}]},
        ],
    }

    response = await client.put(
        "/api/v1/articles/hello", json=body, headers=editor | {"If-Match": article.headers["etag"]}
    )

    assert response.status_code == 422
    assert response.json() == {
        "type": "about:blank",
        "title": "Unprocessable Content",
        "status": 422,
        "detail": "the content is not valid: see errors",
        "errors": [{"path": "sections/1/blocks/0/level", "message": "Input should be greater than or equal to 3"}],
    }


@pytest.mark.parametrize("href", ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,x", "//evil.example"])
async def test_unsafe_links_are_refused(client, editor, href):
    body = {"title": "Links", "sections": [{"blocks": [{"type": "paragraph", "spans": [{"text": "x", "href": href}]}]}]}

    response = await client.post("/api/v1/articles", json=body, headers=editor)

    assert response.status_code == 422
    assert [e["path"] for e in response.json()["errors"]] == ["sections/0/blocks/0/spans/0/href"]


async def test_html_blocks_are_sanitised_on_write(client, editor):
    html = '<p onclick="steal()">Hi <a href="javascript:x">there</a><script>alert(1)</script></p>'
    body = {"title": "Html", "sections": [{"blocks": [{"type": "html", "html": html}]}]}

    response = await client.post("/api/v1/articles", json=body, headers=editor)

    assert response.status_code == 201
    assert response.json()["sections"][0]["blocks"][0]["html"] == '<p>Hi <a rel="noopener noreferrer">there</a></p>'


async def test_markdown_with_bad_front_matter_answers_422(client, editor):
    response = await client.post(
        "/api/v1/articles", content=b"---\nweight: 3\n---\n# Hi\n", headers=editor | {"Content-Type": "text/markdown"}
    )

    assert response.status_code == 422
    assert [e["path"] for e in response.json()["errors"]] == ["front_matter/weight"]


async def test_markdown_that_is_not_utf8_answers_400(client, editor):
    response = await client.post(
        "/api/v1/articles", content=b"# Caf\xe9\n", headers=editor | {"Content-Type": "text/markdown"}
    )

    assert response.status_code == 400


async def test_nul_characters_are_refused_with_422(client, editor):
    response = await client.post("/api/v1/articles", json={"title": "a\u0000b"}, headers=editor)

    assert response.status_code == 422


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
ARTICLE_KEYS = st.sampled_from(["title", "slug", "tags", "summary", "author", "sections", "locale", "status"])
ARTICLE_LIKE = st.dictionaries(ARTICLE_KEYS, JSON_VALUES, max_size=5)
BODIES = st.one_of(
    JSON_VALUES.map(lambda v: json.dumps(v).encode()),
    ARTICLE_LIKE.map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=60),
)
WRITES = st.sampled_from(
    [
        ("PUT", "/api/v1/articles/hello", "application/json"),
        ("PATCH", "/api/v1/articles/hello", "application/merge-patch+json"),
        ("POST", "/api/v1/articles/hello/sections", "application/json"),
        ("PUT", "/api/v1/articles/hello/sections/why", "application/json"),
        ("POST", "/api/v1/articles/hello/publish", "application/json"),
        ("POST", "/api/v1/articles", "text/markdown"),
    ]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=BODIES, write=WRITES)
async def test_generated_malformed_bodies_never_answer_5xx_and_leave_the_article_unchanged(
    client, editor, article, body, write
):
    method, path, content_type = write
    before = await _stored(client, editor)
    headers = editor | {"If-Match": '"stale.0"', "Content-Type": content_type}

    response = await client.request(method, path, content=body, headers=headers)

    assert response.status_code < 500, response.text
    if method != "POST" or path.endswith("/publish"):
        assert await _stored(client, editor) == before


HUGE = "9" * 5000  # beyond Python's 4 300-digit limit for int()


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        (f"/api/v1/articles?limit={HUGE}", "limit"),
        (f"/api/v1/articles/hello/revisions?limit={HUGE}", "limit"),
        (f"/api/v1/articles/hello/revisions?cursor={HUGE}", "cursor"),
        (f"/api/v1/articles/hello/revisions/{HUGE}", "n"),
        ("/api/v1/articles/hello/revisions/2147483648", "n"),
    ],
)
async def test_numbers_too_long_or_too_large_answer_400_naming_the_parameter(client, editor, article, path, parameter):
    response = await client.get(path, headers=editor)

    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["parameter"] == parameter


@pytest.mark.parametrize("version", [HUGE, str(2**31), str(2**63), str(2**64)])
@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("PUT", "/api/v1/articles/hello", {"title": "Changed"}),
        ("PATCH", "/api/v1/articles/hello", {"title": "Changed"}),
        ("POST", "/api/v1/articles/hello/publish", None),
        ("POST", "/api/v1/articles/hello/revisions/1/restore", None),
        ("DELETE", "/api/v1/articles/hello", None),
    ],
)
async def test_an_if_match_version_beyond_any_draft_answers_412_and_changes_nothing(
    client, editor, article, version, method, path, body
):
    before = await _stored(client, editor)
    uid = article.json()["id"]

    response = await client.request(method, path, json=body, headers=editor | {"If-Match": f'"{uid}.{version}"'})

    assert response.status_code == 412
    assert response.headers["etag"] == article.headers["etag"]
    assert await _stored(client, editor) == before


PREFERS = st.sampled_from(["merge", "MERGE", "merge, return=minimal", "merge;x=1", "respond-async", "merge=1", ""])
TAGS = st.sampled_from(["old", "current", "bogus", "huge", "other-id", "star", "weak-old"])
EDITS = st.lists(
    st.sampled_from(["title", "heading", "anchor", "text", "delete-block", "delete-section", "add-block", "tags"]),
    max_size=3,
)


def edited(draft: dict, edits: list[str]) -> bytes:
    """The fixture's first version with some edits, as a client that read it would send it back."""
    body = {name: draft[name] for name in ("title", "slug", "tags", "summary", "author", "sections")}
    section = body["sections"][0]
    for edit in edits:
        match edit:
            case "title" | "tags":
                body[edit] = "Mine" if edit == "title" else ["mine"]
            case "heading" | "anchor":
                section[edit] = "mine" if section else None
            case "text" if section["blocks"]:
                section["blocks"][0]["spans"] = "mine"
            case "delete-block" if section["blocks"]:
                del section["blocks"][0]
            case "add-block":
                section["blocks"].append({"type": "paragraph", "spans": "added"})
            case "delete-section":
                body["sections"] = []
    return json.dumps(body).encode()


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=BODIES | EDITS, write=WRITES, prefer=PREFERS, tag=TAGS)
async def test_generated_merging_writes_never_answer_5xx_and_change_nothing_unless_they_succeed(
    client, editor, article, body, write, prefer, tag
):
    method, path, content_type = write
    old = article.headers["etag"]
    draft = await client.get("/api/v1/articles/hello?preview=true", headers=editor)
    if draft.json()["version"] == 1:  # somebody saved since the first version: merging has work to do
        theirs = draft.json() | {"title": "Theirs", "sections": [draft.json()["sections"][0] | {"heading": "Theirs"}]}
        saved = await client.put("/api/v1/articles/hello", json=theirs, headers=editor | {"If-Match": old})
        assert saved.status_code == 200, saved.text
    current = (await client.get("/api/v1/articles/hello?preview=true", headers=editor)).headers["etag"]
    uid = article.json()["id"]
    if_match = {"old": old, "current": current, "bogus": '"nope"', "huge": f'"{uid}.{"9" * 40}"',
                "other-id": f'"{"0" * 32}.1"', "star": "*", "weak-old": f"W/{old}"}[tag]  # fmt: skip
    before = await _stored(client, editor)
    headers = editor | {"If-Match": if_match, "Content-Type": content_type, "Prefer": prefer}
    content = edited(article.json(), body) if isinstance(body, list) else body

    response = await client.request(method, path, content=content, headers=headers)

    assert response.status_code < 500, response.text
    if response.status_code >= 400 and path != "/api/v1/articles":
        assert response.headers["content-type"] == "application/problem+json"
        assert await _stored(client, editor) == before
