"""Publish now or at a time, unpublish; the scheduler publishes what fell due, exactly once."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

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


async def test_a_schedule_written_with_an_offset_is_published_when_due(client, editor):
    await _create(client, editor)
    at = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)
    written = at.astimezone(timezone(timedelta(hours=-1))).isoformat()  # e.g. 2026-11-30T07:00:00-01:00

    scheduled = await client.post("/api/v1/articles/hello/publish", json={"at": written}, headers=editor)
    published = await publish_due(now=at + timedelta(seconds=1))

    assert scheduled.json()["scheduled_at"] == at.isoformat().replace("+00:00", "Z")
    assert published == ["hello"]
    assert (await client.get("/api/v1/articles/hello")).status_code == 200


async def test_a_schedule_written_with_an_offset_is_not_published_early(client, editor):
    await _create(client, editor)
    at = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)
    written = at.astimezone(timezone(timedelta(hours=-1))).isoformat()

    await client.post("/api/v1/articles/hello/publish", json={"at": written}, headers=editor)

    assert await publish_due(now=at - timedelta(minutes=30)) == []


EXAMPLE = "'2026-12-01T09:00:00Z'"


@pytest.mark.parametrize(
    ("at", "message"),
    [
        ("9999-12-31T23:59:59-14:00", "this time is out of range: use a year from 0001 to 9999 in UTC"),
        ("0001-01-01T00:00:00+14:00", "this time is out of range: use a year from 0001 to 9999 in UTC"),
        ("0", "use an RFC 3339 date and time with an offset, e.g. '2026-12-01T09:00:00Z'"),
        ("1893456000", "use an RFC 3339 date and time with an offset, e.g. '2026-12-01T09:00:00Z'"),
        (1893456000, "use an RFC 3339 date and time with an offset, e.g. '2026-12-01T09:00:00Z'"),
        ("2030-02-30T00:00:00Z", "'2030-02-30T00:00:00Z' is not a date and time that exists: e.g. " + EXAMPLE),
    ],
)
async def test_publish_at_a_time_that_is_not_rfc3339_in_range_answers_422_and_stores_nothing(
    client, editor, at, message
):
    created = await _create(client, editor)

    response = await client.post("/api/v1/articles/hello/publish", json={"at": at}, headers=editor)

    assert response.status_code == 422
    assert response.json()["errors"] == [{"path": "at", "message": message}]
    preview = await client.get("/api/v1/articles/hello", params={"preview": "true"}, headers=editor)
    assert (preview.status_code, preview.headers["etag"]) == (200, created.headers["etag"])
    assert preview.json()["status"] == "draft"
    assert (await client.get("/api/v1/articles/hello/revisions", headers=editor)).status_code == 200
    assert (await client.delete("/api/v1/articles/hello", headers=editor)).status_code == 204


async def test_unpublish_cancels_a_schedule(client, editor):
    await _create(client, editor)
    at = datetime.now(UTC) + timedelta(hours=1)
    await client.post("/api/v1/articles/hello/publish", json={"at": at.isoformat()}, headers=editor)

    await client.post("/api/v1/articles/hello/unpublish", headers=editor)

    assert await publish_due(now=at + timedelta(seconds=1)) == []
