"""cms.metrics.Tally: samples added up in the process are written as the same totals one call each would write."""

import asyncio

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

from cms.batching import FLUSH_AFTER
from cms.metrics import Tally

BUCKETS = (0.001, 0.01, 0.1)
DURATIONS = [0.0005, 0.001, 0.002, 0.01, 0.05, 0.1, 0.5, 3.0]


def _metrics(registry: CollectorRegistry) -> tuple[Counter, Histogram]:
    counter = Counter("hits", "hits", ["route"], registry=registry)
    histogram = Histogram("took_seconds", "took", ["route"], buckets=BUCKETS, registry=registry)
    return counter, histogram


def _exposition_without_created(registry: CollectorRegistry) -> list[str]:
    return [line for line in generate_latest(registry).decode().splitlines() if "_created" not in line]


async def test_a_tally_writes_the_totals_that_one_call_per_sample_writes():
    direct, tallied = CollectorRegistry(), CollectorRegistry()
    direct_counter, direct_histogram = _metrics(direct)
    tallied_counter, tallied_histogram = _metrics(tallied)
    tally = Tally()

    for seconds in DURATIONS:
        direct_counter.labels("/a").inc()
        direct_histogram.labels("/a").observe(seconds)
        tally.count(tallied_counter.labels("/a"))
        tally.observe(tallied_histogram.labels("/a"), seconds)
    await asyncio.sleep(FLUSH_AFTER * 2)  # the batch's delay, after which the tally writes

    assert _exposition_without_created(tallied) == _exposition_without_created(direct)


async def test_a_tally_writes_nothing_before_its_batch_is_due_and_everything_after():
    registry = CollectorRegistry()
    counter, _ = _metrics(registry)
    tally = Tally()

    for _ in range(3):
        tally.count(counter.labels("/a"))
    await asyncio.sleep(0)
    before = registry.get_sample_value("hits_total", {"route": "/a"})
    await asyncio.sleep(FLUSH_AFTER * 2)

    assert (before, registry.get_sample_value("hits_total", {"route": "/a"})) == (0.0, 3.0)
