"""Publish now or at a time, unpublish; the scheduler publishes what fell due, exactly once."""

from datetime import UTC, datetime, timedelta

from cms.services.publishing import publish_due


async def _create(client, editor, title="Hello"):
    response = await client.post("/api/v1/articles", json={"title": title}, headers=editor)
    assert response.status_code == 201
    return response


async def test_publish_now_serves_the_draft_on_delivery(client, editor):
    await _create(client, editor)

    response = await client.post("/api/v1/articles/hello/publish", headers=editor)

    assert response.status_code == 200
    state = response.json()
    assert (state["status"], state["version"], state["published_version"], state["scheduled_at"]) == (
        "published", 1, 1, None,
    )  # fmt: skip
    assert datetime.fromisoformat(state["published_at"]) <= datetime.now(UTC)
    assert (await client.get("/api/v1/articles/hello")).json()["status"] == "published"


async def test_publish_with_a_stale_if_match_answers_412_and_publishes_nothing(client, editor):
    await _create(client, editor)

    response = await client.post("/api/v1/articles/hello/publish", headers=editor | {"If-Match": '"x.9"'})

    assert response.status_code == 412
    assert (await client.get("/api/v1/articles/hello")).status_code == 404


async def test_publish_with_the_current_if_match_publishes(client, editor):
    created = await _create(client, editor)

    response = await client.post(
        "/api/v1/articles/hello/publish", headers=editor | {"If-Match": created.headers["etag"]}
    )

    assert response.status_code == 200


async def test_republishing_serves_the_new_draft_and_keeps_published_at(client, editor):
    await _create(client, editor)
    first = (await client.post("/api/v1/articles/hello/publish", headers=editor)).json()
    await client.put("/api/v1/articles/hello", json={"title": "Edited"}, headers=editor | {"If-Match": "*"})

    second = (await client.post("/api/v1/articles/hello/publish", headers=editor)).json()

    assert (second["published_version"], second["published_at"]) == (2, first["published_at"])
    assert (await client.get("/api/v1/articles/hello")).json()["title"] == "Edited"


async def test_unpublish_takes_the_article_off_delivery_and_keeps_the_draft(client, editor):
    await _create(client, editor)
    await client.post("/api/v1/articles/hello/publish", headers=editor)

    response = await client.post("/api/v1/articles/hello/unpublish", headers=editor)

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["published_version"]) == ("draft", None)
    assert (await client.get("/api/v1/articles/hello")).status_code == 404
    assert (await client.get("/api/v1/articles/hello?preview=true", headers=editor)).status_code == 200


async def test_publish_at_a_future_time_schedules_it(client, editor):
    await _create(client, editor)
    at = datetime.now(UTC) + timedelta(hours=1)

    response = await client.post("/api/v1/articles/hello/publish", json={"at": at.isoformat()}, headers=editor)

    assert response.status_code == 200
    state = response.json()
    assert (state["status"], state["published_version"]) == ("scheduled", None)
    assert datetime.fromisoformat(state["scheduled_at"]) == at
    assert (await client.get("/api/v1/articles/hello")).status_code == 404


async def test_a_due_schedule_is_published_once_with_the_scheduled_version(client, editor):
    await _create(client, editor)
    at = datetime.now(UTC) + timedelta(hours=1)
    await client.post("/api/v1/articles/hello/publish", json={"at": at.isoformat()}, headers=editor)
    await client.put("/api/v1/articles/hello", json={"title": "Later Edit"}, headers=editor | {"If-Match": "*"})

    first = await publish_due(now=at + timedelta(seconds=1))
    again = await publish_due(now=at + timedelta(seconds=2))

    assert (first, again) == (["hello"], [])
    published = (await client.get("/api/v1/articles/hello")).json()
    assert (published["title"], published["version"]) == ("Hello", 1)


async def test_a_schedule_not_yet_due_is_left_alone(client, editor):
    await _create(client, editor)
    at = datetime.now(UTC) + timedelta(hours=1)
    await client.post("/api/v1/articles/hello/publish", json={"at": at.isoformat()}, headers=editor)

    assert await publish_due(now=at - timedelta(seconds=1)) == []


async def test_publish_at_a_past_time_publishes_now(client, editor):
    await _create(client, editor)

    response = await client.post("/api/v1/articles/hello/publish", json={"at": "2020-01-01T00:00:00Z"}, headers=editor)

    assert response.json()["status"] == "published"


async def test_publish_at_without_an_offset_answers_422(client, editor):
    await _create(client, editor)

    response = await client.post("/api/v1/articles/hello/publish", json={"at": "2030-01-01T00:00:00"}, headers=editor)

    assert response.status_code == 422
    assert [e["path"] for e in response.json()["errors"]] == ["at"]


async def test_unpublish_cancels_a_schedule(client, editor):
    await _create(client, editor)
    at = datetime.now(UTC) + timedelta(hours=1)
    await client.post("/api/v1/articles/hello/publish", json={"at": at.isoformat()}, headers=editor)

    await client.post("/api/v1/articles/hello/unpublish", headers=editor)

    assert await publish_due(now=at + timedelta(seconds=1)) == []
