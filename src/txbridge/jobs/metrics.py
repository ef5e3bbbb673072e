"""``/metrics`` for Prometheus (prometheus-client).

Two kinds of figures:

* counted by this process as its jobs run: job runs and their latency per task, time waited in the
  queue, API calls and 429s per connection, export items by outcome;
* read from the store at scrape time (the same from every process): jobs by task and state, postings
  by status.

Serve them from a worker with ``txbridge worker --metrics-port 9100`` (:func:`serve`), or mount
:func:`asgi_app` in a web app (``app.mount("/metrics", asgi_app(db))``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, make_asgi_app
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from txbridge.jobs import records
from txbridge.store import BatchItem, Database

_LATENCY_BUCKETS = (0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, float("inf"))

#: Counted by this process (collectors may sit in several registries).
JOB_RUNS = Counter(
    "txbridge_job_runs",
    "Job runs by task and outcome (succeeded, failed, retry, skipped, busy)",
    ["task", "outcome"],
    registry=None,
)
JOB_DURATION = Histogram(
    "txbridge_job_duration_seconds",
    "How long one run of a job took, by task",
    ["task"],
    buckets=_LATENCY_BUCKETS,
    registry=None,
)
JOB_WAIT = Histogram(
    "txbridge_job_wait_seconds",
    "From queued to the start of a run, by task",
    ["task"],
    buckets=_LATENCY_BUCKETS,
    registry=None,
)
API_CALLS = Counter(
    "txbridge_api_calls", "Tripletex API calls made by jobs, per connection", ["connection"], registry=None
)
API_RATE_LIMITED = Counter(
    "txbridge_api_rate_limited",
    "Tripletex 429 answers met by jobs, per connection",
    ["connection"],
    registry=None,
)
EXPORT_ITEMS = Counter(
    "txbridge_export_items",
    "Export items handled by jobs, by outcome (exported, failed, skipped)",
    ["status"],
    registry=None,
)
PROCESS_COLLECTORS: tuple[Collector, ...] = (
    JOB_RUNS,
    JOB_DURATION,
    JOB_WAIT,
    API_CALLS,
    API_RATE_LIMITED,
    EXPORT_ITEMS,
)


def observe_job(task: str, outcome: str, seconds: float) -> None:
    JOB_RUNS.labels(task, outcome).inc()
    JOB_DURATION.labels(task).observe(seconds)


def observe_wait(task: str, seconds: float) -> None:
    JOB_WAIT.labels(task).observe(max(0.0, seconds))


def count_api(connection_id: int | None, calls: int, rate_limited: int) -> None:
    label = str(connection_id) if connection_id is not None else "-"
    API_CALLS.labels(label).inc(calls)
    API_RATE_LIMITED.labels(label).inc(rate_limited)


def count_items(status: str, count: int) -> None:
    EXPORT_ITEMS.labels(status).inc(count)


class StoreCollector(Collector):
    """Jobs by task and state, postings by status: read from the store at each scrape."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def collect(self) -> Iterable[Metric]:
        jobs = GaugeMetricFamily(
            "txbridge_jobs", "Jobs in the store by task and state", labels=["task", "state"]
        )
        postings = GaugeMetricFamily(
            "txbridge_export_postings", "Export postings in the store by status", labels=["status"]
        )
        with self.db.reading() as session:
            for task, state, count in records.count_by_state_and_task(session):
                jobs.add_metric([task, state], count)
            for status, count in session.execute(
                select(BatchItem.status, func.count()).group_by(BatchItem.status)
            ).all():
                postings.add_metric([str(getattr(status, "value", status))], int(count))
        yield jobs
        yield postings

    def describe(self) -> Iterable[Metric]:
        return []


def registry(db: Database | None = None) -> CollectorRegistry:
    """This process's counters, and the store's figures when ``db`` is given."""
    found = CollectorRegistry(auto_describe=True)
    for collector in PROCESS_COLLECTORS:
        found.register(collector)
    if db is not None:
        found.register(StoreCollector(db))
    return found


def render(db: Database | None = None) -> bytes:
    """The text Prometheus scrapes."""
    return generate_latest(registry(db))


def asgi_app(db: Database | None = None) -> Any:
    """An ASGI app answering ``GET`` with the metrics (mount it at ``/metrics``)."""
    return make_asgi_app(registry(db))


def serve(db: Database | None, port: int, address: str = "127.0.0.1") -> Any:
    """Serve ``/metrics`` on ``address:port`` from a background thread; returns the server."""
    from prometheus_client import start_http_server

    server, _thread = start_http_server(port, address, registry=registry(db))
    return server
