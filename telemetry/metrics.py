"""Parley's Prometheus metrics: what operators graph and alert on.

Every metric is defined here, once per process, and the layers that see an
event update it (an increment or an observe, nothing else on a hot path).
Labels are few and bounded: operation names are normalised and capped
(`operation_label`), channels, outcomes and limits are enums; no ids.

Processes: by default each process serves its own numbers and Prometheus
scrapes every process (one port per process, as `make cluster` and container
deployments run). Several workers behind one port (`gunicorn -w`, `uvicorn
--workers`) set `PROMETHEUS_MULTIPROC_DIR` to an empty folder before they
start: prometheus-client then keeps each worker's numbers in files there and
`/metrics` adds them up (see README, Running in production).
"""

from __future__ import annotations

import os
import re

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client import REGISTRY as PROCESS_REGISTRY
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
# Distinct operation names one process labels before it counts the rest as "other".
MAX_OPERATION_NAMES = 200
_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,63}")

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
LAG_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
REPLAY_BUCKETS = (0, 1, 5, 10, 50, 100, 500, 1000, 5000, 10000)

HTTP_REQUESTS = Histogram(
    "parley_http_request_duration_seconds",
    "GraphQL over HTTP requests by operation name and outcome (the _count is the request count).",
    ["operation", "outcome"],
    buckets=LATENCY_BUCKETS,
)
HTTP_IN_PROGRESS = Gauge(
    "parley_http_requests_in_progress",
    "HTTP requests being served now.",
    multiprocess_mode="livesum",
)
WEBSOCKETS_OPEN = Gauge(
    "parley_websocket_connections",
    "Open GraphQL WebSocket connections.",
    multiprocess_mode="livesum",
)
SUBSCRIPTIONS_OPEN = Gauge(
    "parley_subscriptions",
    "Live subscriptions (listeners of an account's events).",
    multiprocess_mode="livesum",
)
DELIVERY_LAG = Histogram(
    "parley_delivery_lag_seconds",
    "From an event's commit to its frame being written to a subscriber.",
    buckets=LAG_BUCKETS,
)
REPLAY_SIZE = Histogram(
    "parley_replay_events",
    "Events replayed from the log when a subscription resumes with a cursor.",
    buckets=REPLAY_BUCKETS,
)
SUBSCRIBER_OVERFLOWS = Counter(
    "parley_subscriber_overflows_total",
    "Subscriptions whose queue overflowed (the WebSocket is closed with 4008).",
)
NOTIFIER_BACKLOG = Gauge(
    "parley_notifier_backlog",
    "Push and email deliveries that are due and not yet sent, by channel.",
    ["channel"],
    multiprocess_mode="livemax",
)
NOTIFIER_OUTCOMES = Counter(
    "parley_notifier_outcomes_total",
    "Push and email delivery attempts by channel and outcome.",
    ["channel", "outcome"],
)
RATE_LIMIT_REFUSALS = Counter(
    "parley_rate_limit_refusals_total",
    "Requests refused by a rate limit, by limit.",
    ["limit"],
)
DATABASE_ERRORS = Counter(
    "parley_database_errors_total",
    "Database failures, by where they surfaced (graphql, health, notifier).",
    ["source"],
)
PERSISTED_QUERIES = Counter(
    "parley_persisted_queries_total",
    "Automatic persisted queries by outcome (hit, miss, registered, refused).",
    ["outcome"],
)
REDIS_ERRORS = Counter(
    "parley_redis_errors_total",
    "Redis failures, by component (bus_outage, publish).",
    ["component"],
)


class OperationNames:
    """Operation names as label values: well-formed, and at most MAX_OPERATION_NAMES of them."""

    def __init__(self, limit: int = MAX_OPERATION_NAMES) -> None:
        self.limit = limit
        self._seen: set[str] = set()

    def label(self, name: str | None) -> str:
        if not name:
            return "anonymous"
        if name in self._seen:
            return name
        if not _NAME.fullmatch(name):
            return "invalid"
        if len(self._seen) >= self.limit:
            return "other"
        self._seen.add(name)
        return name


def multiprocess() -> bool:
    return bool(os.environ.get(MULTIPROCESS_DIR))


def exposition() -> tuple[bytes, str]:
    """The metrics text and its media type: this process's, or every worker's added up."""
    if multiprocess():
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(PROCESS_REGISTRY), CONTENT_TYPE_LATEST


def process_exited() -> None:
    """A worker's live gauges stop counting once it stops (multiprocess mode only)."""
    if multiprocess():
        mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]
