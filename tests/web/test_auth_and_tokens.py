"""Bearer tokens: 401 without a valid one, 403 without the scope; token management (admin) and revocation."""

import pytest

ARTICLE = {"title": "Hello"}


async def test_a_write_without_a_token_answers_401_with_a_bearer_challenge(client):
    response = await client.post("/api/v1/articles", json=ARTICLE)

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="cms"'
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "about:blank",
        "title": "Unauthorized",
        "status": 401,
        "detail": "this route needs a token: send 'Authorization: Bearer <token>'",
    }


@pytest.mark.parametrize("header", ["Bearer cms_not-a-real-token", "Basic dXNlcjpwYXNz", "Bearer", "cms_x"])
async def test_a_bad_token_answers_401(client, header):
    response = await client.post("/api/v1/articles", json=ARTICLE, headers={"Authorization": header})

    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith('Bearer realm="cms"')


async def test_a_token_without_the_scope_answers_403(client, token):
    reader = await token("preview", name="reader")

    response = await client.post("/api/v1/articles", json=ARTICLE, headers={"Authorization": f"Bearer {reader}"})

    assert response.status_code == 403
    assert response.json()["detail"] == "token 'reader' lacks the 'write' scope this route needs"


async def test_preview_needs_the_preview_scope(client, token, publish):
    await publish(title="Hello")
    writer = await token("write", name="writer")

    response = await client.get("/api/v1/articles/hello?preview=true", headers={"Authorization": f"Bearer {writer}"})

    assert response.status_code == 403


async def test_an_admin_creates_a_token_whose_secret_is_shown_once(client, token):
    admin = {"Authorization": f"Bearer {await token('admin')}"}

    created = await client.post("/api/v1/tokens", json={"name": "site", "scopes": ["preview"]}, headers=admin)
    listed = await client.get("/api/v1/tokens", headers=admin)

    assert created.status_code == 201
    body = created.json()
    assert list(body) == ["id", "name", "scopes", "created_at", "token"]
    assert (body["name"], body["scopes"]) == ("site", ["preview"])
    assert body["token"].startswith("cms_")
    assert created.headers["location"] == f"/api/v1/tokens/{body['id']}"
    assert {"id": body["id"], "name": "site", "scopes": ["preview"], "created_at": body["created_at"]} in (
        listed.json()["items"]
    )
    assert body["token"] not in listed.text


async def test_a_created_token_works_at_once(client, token):
    admin = {"Authorization": f"Bearer {await token('admin')}"}
    secret = (await client.post("/api/v1/tokens", json={"name": "w", "scopes": ["write"]}, headers=admin)).json()

    response = await client.post(
        "/api/v1/articles", json=ARTICLE, headers={"Authorization": f"Bearer {secret['token']}"}
    )

    assert response.status_code == 201


async def test_a_revoked_token_is_refused_immediately(client, token):
    admin = {"Authorization": f"Bearer {await token('admin')}"}
    created = (await client.post("/api/v1/tokens", json={"name": "w", "scopes": ["write"]}, headers=admin)).json()
    writer = {"Authorization": f"Bearer {created['token']}"}

    revoked = await client.delete(f"/api/v1/tokens/{created['id']}", headers=admin)
    response = await client.post("/api/v1/articles", json=ARTICLE, headers=writer)

    assert revoked.status_code == 204
    assert response.status_code == 401
    assert created["id"] not in (await client.get("/api/v1/tokens", headers=admin)).text


async def test_revoking_an_unknown_token_answers_404(client, token):
    admin = {"Authorization": f"Bearer {await token('admin')}"}

    response = await client.delete("/api/v1/tokens/nope", headers=admin)

    assert response.status_code == 404


async def test_token_routes_need_the_admin_scope(client, editor):
    response = await client.get("/api/v1/tokens", headers=editor)

    assert response.status_code == 403


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"name": "x", "scopes": ["root"]}, "scopes/0"),
        ({"name": "x", "scopes": []}, "scopes"),
        ({"name": "", "scopes": ["write"]}, "name"),
        ({"name": "x", "scopes": ["write"], "expires": 1}, "expires"),
    ],
)
async def test_an_invalid_token_request_answers_422_with_the_path(client, token, body, path):
    admin = {"Authorization": f"Bearer {await token('admin')}"}

    response = await client.post("/api/v1/tokens", json=body, headers=admin)

    assert response.status_code == 422
    assert [error["path"] for error in response.json()["errors"]] == [path]


@pytest.mark.parametrize("name", ["   ", "\t\n", "bad\x00name", "line\nbreak", "x" * 101])
async def test_a_token_name_blank_or_with_control_characters_answers_422_and_creates_nothing(client, token, name):
    admin = {"Authorization": f"Bearer {await token('admin', name='admin')}"}

    response = await client.post("/api/v1/tokens", json={"name": name, "scopes": ["write"]}, headers=admin)

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    message = f"name {name!r} is not valid: use 1 to 100 printable characters, e.g. 'website-build'"
    assert response.json()["errors"] == [{"path": "name", "message": message}]
    listed = (await client.get("/api/v1/tokens", headers=admin)).json()["items"]
    assert [t["name"] for t in listed] == ["admin"]


async def test_a_token_name_is_stored_trimmed(client, token):
    admin = {"Authorization": f"Bearer {await token('admin')}"}

    response = await client.post("/api/v1/tokens", json={"name": "  site build  ", "scopes": ["write"]}, headers=admin)

    assert (response.status_code, response.json()["name"]) == (201, "site build")
