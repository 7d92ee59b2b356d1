"""Prometheus metrics, shared by every layer that counts something.

With several workers, `cms serve` sets PROMETHEUS_MULTIPROC_DIR before they start, so each worker writes its
samples to files there and /metrics adds them up (prometheus-client's multiprocess mode).
"""

import os

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest, multiprocess

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


def exposition() -> bytes:
    """Every worker's samples when they run in multiprocess mode, else this process's."""
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry)
    return generate_latest()
