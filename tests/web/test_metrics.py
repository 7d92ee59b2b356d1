"""GET /metrics: Prometheus text with request counts by route template and delivery cache lookups."""

from prometheus_client.parser import text_string_to_metric_families


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def test_metrics_count_requests_by_route_template_and_status(client, publish):
    await publish(title="Hello")
    before = _samples((await client.get("/metrics")).text)
    for _ in range(3):
        await client.get("/api/v1/articles/hello")
    await client.get("/api/v1/articles/nope")

    response = await client.get("/metrics")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    after = _samples(response.text)
    key = ("cms_http_requests_total", (("method", "GET"), ("route", "/api/v1/articles/{slug}"), ("status", "200")))
    missing = ("cms_http_requests_total", (("method", "GET"), ("route", "/api/v1/articles/{slug}"), ("status", "404")))
    assert after[key] - before.get(key, 0) == 3
    assert after[missing] - before.get(missing, 0) == 1


async def test_metrics_count_delivery_cache_hits_and_misses(client, publish):
    await publish(title="Hello")
    before = _samples((await client.get("/metrics")).text)

    await client.get("/api/v1/articles/hello")
    await client.get("/api/v1/articles/hello")

    after = _samples((await client.get("/metrics")).text)
    hits = ("cms_delivery_cache_lookups_total", (("result", "hit"),))
    assert after[hits] - before.get(hits, 0) == 2
