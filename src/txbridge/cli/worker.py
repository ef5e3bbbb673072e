"""``txbridge worker``: run jobs until stopped (SIGTERM / Ctrl-C).

On PostgreSQL it is a procrastinate worker: start any number of them, on any number of machines.
On SQLite it runs the embedded runner in this process (one machine). Logs are JSON lines on stderr
with the job and connection of each line; ``--metrics-port`` serves ``/metrics`` for Prometheus."""

from __future__ import annotations

import logging
import os
import signal
import threading
from typing import Annotated

import typer

from txbridge.cli import app
from txbridge.cli.connection import console, fail, open_store, settings
from txbridge.cli.ui import h
from txbridge.flows.outbound.reconcile import DEFAULT_IN_FLIGHT_GRACE
from txbridge.jobs import api
from txbridge.jobs.model import JobError
from txbridge.jobs.retry import RetryPolicy
from txbridge.jobs.runner import EmbeddedRunner
from txbridge.jobs.tasks import RunOptions
from txbridge.settings import Settings
from txbridge.store import Database


def _operators_log() -> None:
    """A worker is for operators: its log says what it does (INFO unless a level was chosen), and
    procrastinate's own warnings and errors come as the same JSON lines rather than bare text."""
    ours = logging.getLogger("txbridge")
    handlers = [h for h in ours.handlers if getattr(h, "txbridge_cli", False)]
    if not os.environ.get("TXBRIDGE_LOG_LEVEL"):
        for handler in handlers:
            handler.setLevel(min(handler.level, logging.INFO))
        if ours.getEffectiveLevel() > logging.INFO:
            ours.setLevel(logging.INFO)
    engine_log = logging.getLogger("procrastinate")
    engine_log.setLevel(logging.WARNING)
    for handler in handlers:
        if handler not in engine_log.handlers:
            engine_log.addHandler(handler)
    engine_log.propagate = False


@app.command(
    help=h(
        "Kjør jobber til den stoppes (PostgreSQL: procrastinate; SQLite: i prosessen).",
        "Run jobs until stopped (PostgreSQL: procrastinate; SQLite: in-process).",
    )
)
def worker(
    concurrency: Annotated[int, typer.Option(min=1, max=64, help=h("Jobber samtidig.", "Jobs at once."))] = 1,
    metrics_port: Annotated[int | None, typer.Option(help="Port for /metrics (Prometheus).")] = None,
    metrics_host: Annotated[str, typer.Option(help=h("Adresse.", "Address for /metrics."))] = "127.0.0.1",
    heartbeat: Annotated[
        float, typer.Option(min=0.1, help=h("Sekunder mellom livstegn.", "Heartbeat."))
    ] = 5.0,
    stalled_after: Annotated[
        float, typer.Option(min=1, help=h("Så lenge stille = død, jobben tas opp.", "Silent = dead after."))
    ] = 30.0,
    retry_base: Annotated[
        float, typer.Option(min=0, help=h("Første ventetid.", "First retry backoff."))
    ] = 10.0,
    max_attempts: Annotated[int, typer.Option(min=1, help=h("Forsøk i alt.", "Attempts in all."))] = 6,
    in_flight_grace: Annotated[
        float, typer.Option(min=0, help=h("Sekunder en sendt skriving kan være underveis.", "Write grace."))
    ] = DEFAULT_IN_FLIGHT_GRACE,
) -> None:
    out = console()
    cfg = settings()
    # One of many processes: the token key must come from settings (never a key file made here).
    cfg = cfg.model_copy(update={"worker_mode": True}) if cfg.database_url.startswith("postgresql") else cfg
    _operators_log()
    run_options = RunOptions(
        heartbeat_seconds=heartbeat,
        stale_after=stalled_after,
        retry=RetryPolicy(max_attempts=max_attempts, base_seconds=retry_base),
        in_flight_grace=in_flight_grace,
    )
    with open_store(cfg) as database:
        if metrics_port is not None:
            from txbridge.jobs import metrics

            metrics.serve(database, metrics_port, metrics_host)
        if not api.uses_procrastinate(database):
            _run_embedded(database, cfg, concurrency, run_options)
            return
        # procrastinate is imported only here, so other commands start without it.
        from txbridge.jobs.engine import WorkerOptions, run_worker

        try:
            run_worker(
                database,
                cfg,
                WorkerOptions(
                    concurrency=concurrency,
                    heartbeat_seconds=heartbeat,
                    stalled_after=stalled_after,
                    run_options=run_options,
                ),
            )
        except JobError as exc:
            fail(out, exc.message)


def _run_embedded(database: Database, cfg: Settings, concurrency: int, options: RunOptions) -> None:
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    with EmbeddedRunner(database, cfg, concurrency=concurrency, options=options):
        stop.wait()
