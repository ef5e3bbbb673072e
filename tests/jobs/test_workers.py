"""procrastinate on real PostgreSQL with real ``txbridge worker`` processes and the sandbox over HTTP."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from tests.fixtures.jobs_world import start_worker, stop, work_jobs, worker_env
from tests.fixtures.postgres import _free_port as free_port
from tests.jobs.conftest import make_shop
from txbridge.jobs import api, engine
from txbridge.sandbox.server import SandboxServer

pytestmark = pytest.mark.postgres

FAST = ("--heartbeat", "0.5", "--stalled-after", "4", "--retry-base", "1")


def wait_for(predicate: object, timeout: float = 60, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_worker_needs_db_upgrade_and_says_so_which_applies_procrastinates_schema(
    empty_postgres_url: str, tmp_path: Path
) -> None:
    from tests.flows.export.conftest import make_settings
    from txbridge.store import Database

    settings = make_settings(empty_postgres_url, tmp_path)
    # Our migrations only, as an older `db upgrade` left it: procrastinate's schema is missing.
    migrated = Database(settings)
    migrated.migrate()
    migrated.dispose()

    def txbridge(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "txbridge", *args],
            env={**worker_env(settings), "COLUMNS": "200"},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    refused = txbridge("worker")
    assert refused.returncode == 2, refused.stderr
    assert "txbridge db upgrade" in refused.stderr and "Traceback" not in refused.stdout + refused.stderr
    db = Database(settings)
    assert not engine.schema_applied(db)
    upgraded = txbridge("db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stdout + upgraded.stderr
    assert engine.schema_applied(db)
    assert txbridge("db", "status").returncode == 0
    db.dispose()


def test_workers_run_exports_with_one_job_per_connection(
    pg_url: str, tmp_path: Path, sandbox_server: SandboxServer
) -> None:
    shop = make_shop(pg_url, tmp_path, sandbox_server, 3, invoices=8)
    # The database is as `txbridge db upgrade` leaves it: procrastinate's schema is there, and applying
    # it again does nothing.
    assert engine.schema_applied(shop.db)
    assert engine.apply_schema(shop.db, shop.settings) is False
    ids = [api.start_export(shop.db, shop.settings, b, requested_by="ola").id for b in shop.batch_ids]
    ids += [
        api.start_payments_refresh(shop.db, shop.settings, e.connection_id, requested_by="ola").id
        for e in shop.envs
    ]
    # A second start of the same export is the same job, and procrastinate has one job for it.
    assert api.start_export(shop.db, shop.settings, shop.batch_ids[0], requested_by="kari").id == ids[0]
    locks = Counter(j["lock"] for j in engine.engine_jobs(shop.settings))
    assert locks == Counter({f"connection:{e.connection_id}": 2 for e in shop.envs})

    port = free_port()
    workers = [
        start_worker(
            shop.settings, *FAST, "--concurrency", "2", "--metrics-port", str(port), log=tmp_path / "w0.log"
        ),
        start_worker(shop.settings, *FAST, log=tmp_path / "w1.log"),
    ]
    try:
        wait_for(
            lambda: {api.get_job(shop.db, shop.settings, i).state for i in ids} <= {"succeeded", "failed"},
            what="the jobs",
        )
        scraped = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
    finally:
        for worker in workers:
            stop(worker)
    assert 'txbridge_jobs{state="succeeded",task="export_batch"} 3.0' in scraped
    assert 'txbridge_jobs{state="succeeded",task="refresh_payments"} 3.0' in scraped
    assert "txbridge_job_duration_seconds_bucket" in scraped
    # The operators' log: JSON lines only (procrastinate's own warnings too), jobs tagged.
    lines = [
        json.loads(x) for w in ("w0", "w1") for x in (tmp_path / f"{w}.log").read_text().splitlines() if x
    ]
    assert {line["tx_job_id"] for line in lines if "tx_job_id" in line} == set(ids)
    assert {api.get_job(shop.db, shop.settings, i).state for i in ids} == {"succeeded"}
    assert {j["status"] for j in work_jobs(shop.settings)} == {"succeeded"}
    for env in shop.envs:
        assert sorted(Counter(m.split("-")[1] for m in env.markers()).values()) == [1] * 8
    shop.db.dispose()


def test_schedules_are_procrastinate_periodic_tasks_in_oslo_time(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from tests.flows.export.conftest import make_settings

    app = engine.make_app(make_settings("postgresql+psycopg://u@127.0.0.1:1/x", tmp_path))
    periodic = {p.periodic_id: p for p in app.periodic_registry.periodic_tasks.values()}
    assert set(periodic) == {
        "payments_refresh",
        "token_expiry_check",
        "statistics_imports",
        "nightly_reconcile",
        "webhook_subscriptions",
        "inbox_prune",
    }
    winter = datetime(2026, 12, 1, 12, 0, tzinfo=UTC).timestamp()
    summer = datetime(2026, 7, 1, 12, 0, tzinfo=UTC).timestamp()
    refresh = periodic["payments_refresh"].croniter
    assert datetime.fromtimestamp(refresh.get_next(float, start_time=winter), UTC).hour == 5  # 06:00 CET
    assert datetime.fromtimestamp(refresh.get_next(float, start_time=summer), UTC).hour == 4  # 06:00 CEST


def test_cancel_reaches_procrastinate_and_orphans_are_deferred(pg_url: str, tmp_path: Path) -> None:
    from datetime import timedelta

    from sqlalchemy import update

    from tests.flows.export.conftest import make_settings
    from txbridge.jobs import records
    from txbridge.jobs.model import TaskName
    from txbridge.store import Database
    from txbridge.store.models import Job, utcnow

    settings = make_settings(pg_url, tmp_path)
    db = Database(settings)
    engine.apply_schema(db, settings)
    queued = api.start_token_expiry_check(db, settings, requested_by="ola")
    assert api.cancel_job(db, settings, queued.id).state == "cancelled"
    assert [j["status"] for j in engine.engine_jobs(settings)] == ["cancelled"]

    # A starter that died between its two steps left a job row procrastinate never heard of.
    orphan, _ = records.enqueue(
        db, TaskName.CHECK_TOKEN_EXPIRY, connection_id=None, batch_id=None, requested_by="x"
    )
    assert engine.requeue_orphans(db, settings) == []  # too young: its starter may still be deferring it
    with db.transaction() as session:
        session.execute(
            update(Job).where(Job.id == orphan.id).values(queued_at=utcnow() - timedelta(minutes=5))
        )
    assert engine.requeue_orphans(db, settings) == [orphan.id]
    assert sorted(j["status"] for j in engine.engine_jobs(settings)) == ["cancelled", "todo"]
    assert engine.requeue_orphans(db, settings) == []
    db.dispose()
