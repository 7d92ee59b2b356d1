"""Prometheus metrics, shared by every layer that counts something.

With several workers, `cms serve` sets PROMETHEUS_MULTIPROC_DIR before they start, so each worker writes its
samples to files there and /metrics adds them up (prometheus-client's multiprocess mode).
"""

import bisect
import os
from collections import defaultdict

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest, multiprocess

from cms.batching import Batch

REQUESTS = Counter("cms_http_requests", "HTTP requests answered", ["method", "route", "status"])
LATENCY = Histogram(
    "cms_http_request_duration_seconds",
    "Time to answer an HTTP request",
    ["method", "route"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)
CACHE_LOOKUPS = Counter("cms_delivery_cache_lookups", "Delivery cache lookups", ["result"])
SIGN_INS = Counter("cms_sign_ins", "Sign-ins to the editor's page by outcome", ["outcome"])
VARIANTS = Counter("cms_asset_variants", "Image variants made (first requests), by outcome", ["outcome"])
EVENTS_WRITTEN = Counter("cms_events_written", "Events written to the log", ["type"])
OPEN_STREAMS = Gauge("cms_event_streams_open", "Open event streams (GET /api/v1/events)", multiprocess_mode="livesum")
WEBHOOK_DELIVERIES = Counter(
    "cms_webhook_deliveries", "Webhook delivery attempts by outcome (succeeded, retry, failed, disabled)", ["outcome"]
)
WEBHOOK_QUEUE = Gauge("cms_webhook_queue", "Webhook deliveries pending", multiprocess_mode="livemax")
CACHE_BYTES = Gauge("cms_delivery_cache_bytes", "Memory held by the delivery cache", multiprocess_mode="livesum")


class Tally:
    """Samples of the hot path, added up in this process and written to the metric values in batches
    (cms/batching.py).

    In multiprocess mode each `inc()` and `observe()` takes a lock and writes a memory-mapped file: four of them
    per cached hit cost more than answering it. Here a sample is a dict update; the writes happen at most every
    50 ms, for all the requests since, and /metrics flushes this worker's first. The totals written are the same
    as one call per sample would give.
    """

    def __init__(self) -> None:
        self._counts: defaultdict[Counter, int] = defaultdict(int)
        self._durations: dict[Histogram, tuple[list[int], list[float]]] = {}
        self._batch = Batch(self.flush)

    def count(self, counter: Counter) -> None:
        """`counter.inc()`, soon: `counter` is a labelled child (`REQUESTS.labels(...)`)."""
        self._counts[counter] += 1
        self._batch.soon()

    def observe(self, histogram: Histogram, seconds: float) -> None:
        """`histogram.observe(seconds)`, soon: `histogram` is a labelled child."""
        pending = self._durations.get(histogram)
        if pending is None:
            pending = self._durations[histogram] = ([0] * len(histogram._upper_bounds), [0.0])
        pending[0][bisect.bisect_left(histogram._upper_bounds, seconds)] += 1  # the first bound >= seconds
        pending[1][0] += seconds
        self._batch.soon()

    def flush(self) -> None:
        counts, durations = self._counts, self._durations
        self._counts, self._durations = defaultdict(int), {}
        for counter, count in counts.items():
            counter.inc(count)
        for histogram, (buckets, total) in durations.items():
            # prometheus-client observes one value per call; its buckets and sum are values we add to in bulk.
            for value, count in zip(histogram._buckets, buckets, strict=True):
                if count:
                    value.inc(count)
            histogram._sum.inc(total[0])


TALLY = Tally()
"""The process's tally; `exposition()` writes it out first, so /metrics always includes this worker's samples."""


def exposition() -> bytes:
    """Every worker's samples when they run in multiprocess mode, else this process's."""
    TALLY.flush()
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry)
    return generate_latest()
