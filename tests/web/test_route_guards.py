"""Every management route: 401 without a token, 403 without its scope, 428 where If-Match is required."""

import pytest

WRITE_ROUTES = [
    ("POST", "/api/v1/articles"),
    ("PUT", "/api/v1/articles/hello"),
    ("PATCH", "/api/v1/articles/hello"),
    ("DELETE", "/api/v1/articles/hello"),
    ("POST", "/api/v1/articles/hello/sections"),
    ("PUT", "/api/v1/articles/hello/sections/intro"),
    ("DELETE", "/api/v1/articles/hello/sections/intro"),
    ("POST", "/api/v1/articles/hello/publish"),
    ("POST", "/api/v1/articles/hello/unpublish"),
    ("POST", "/api/v1/articles/hello/revisions/1/restore"),
]
PREVIEW_ROUTES = [
    ("GET", "/api/v1/articles/hello?preview=true"),
    ("GET", "/api/v1/articles/hello/sections/intro?preview=true"),
    ("GET", "/api/v1/articles/hello/revisions"),
    ("GET", "/api/v1/articles/hello/revisions/1"),
]
ADMIN_ROUTES = [("GET", "/api/v1/tokens"), ("POST", "/api/v1/tokens"), ("DELETE", "/api/v1/tokens/x")]
IF_MATCH_REQUIRED = [
    ("PUT", "/api/v1/articles/hello", {"title": "X"}),
    ("PATCH", "/api/v1/articles/hello", {"title": "X"}),
    ("POST", "/api/v1/articles/hello/sections", {"heading": "X"}),
    ("PUT", "/api/v1/articles/hello/sections/intro", {"heading": "X"}),
    ("DELETE", "/api/v1/articles/hello/sections/intro", None),
]


@pytest.fixture
async def article(client, editor):
    body = {"title": "Hello", "sections": [{"blocks": [{"type": "divider"}]}]}
    assert (await client.post("/api/v1/articles", json=body, headers=editor)).status_code == 201


@pytest.mark.parametrize(("method", "path"), WRITE_ROUTES + PREVIEW_ROUTES + ADMIN_ROUTES)
async def test_every_management_route_answers_401_without_a_token(client, article, method, path):
    response = await client.request(method, path, json={})

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="cms"'
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("method", "path", "scope"),
    [(*route, "write") for route in WRITE_ROUTES]
    + [(*route, "preview") for route in PREVIEW_ROUTES]
    + [(*route, "admin") for route in ADMIN_ROUTES],
)
async def test_every_management_route_answers_403_without_its_scope(client, token, article, method, path, scope):
    others = [other for other in ("preview", "write", "admin") if other != scope]
    headers = {"Authorization": f"Bearer {await token(*others)}"}

    response = await client.request(method, path, json={}, headers=headers)

    assert response.status_code == 403
    assert response.json()["detail"] == f"token 'test' lacks the {scope!r} scope this route needs"


@pytest.mark.parametrize(("method", "path", "body"), IF_MATCH_REQUIRED)
async def test_writes_to_a_draft_without_if_match_answer_428_and_change_nothing(
    client, editor, article, method, path, body
):
    before = await client.get("/api/v1/articles/hello?preview=true", headers=editor)

    response = await client.request(method, path, json=body, headers=editor)

    assert response.status_code == 428
    assert response.json()["header"] == "If-Match"
    after = await client.get("/api/v1/articles/hello?preview=true", headers=editor)
    assert after.content == before.content


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PUT", "/api/v1/articles/" + "a" * 121),
        ("GET", "/api/v1/articles/" + "a" * 121 + "?preview=true"),
        ("POST", "/api/v1/articles/Not_A_Slug/publish"),
        ("DELETE", "/api/v1/tokens/" + "0" * 33),
    ],
)
async def test_names_no_article_or_token_could_have_answer_404(client, token, method, path):
    headers = {"Authorization": f"Bearer {await token('preview', 'write', 'admin')}", "If-Match": "*"}

    body = {"title": "X"} if method == "PUT" else None

    response = await client.request(method, path, json=body, headers=headers)

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
