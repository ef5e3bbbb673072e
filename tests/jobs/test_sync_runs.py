"""The initial sync and a push of host changes as jobs on PostgreSQL: procrastinate tasks under the
connection's lock (one job of a connection at a time), one queued or running start per connection,
and — with a real ``txbridge worker`` process (``make test-long``) — run to the end against the
sandbox. The embedded runner (SQLite) runs the same tasks in tests/web/api/test_sync_runs.py."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fixtures.jobs_world import start_worker, stop
from tests.fixtures.sandbox import SandboxCompany
from tests.flows.export.conftest import make_settings
from tests.web.sync_runs_data import HOST_ONLY, overlapping_connection
from txbridge.flows.sync import SyncResource, receive
from txbridge.flows.views.sync import sync_status
from txbridge.jobs import api, engine
from txbridge.settings import Settings
from txbridge.store import Database

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg(pg_url: str, tmp_path: Path) -> Iterator[tuple[Database, Settings]]:
    settings = make_settings(pg_url, tmp_path)
    db = Database(settings)
    engine.apply_schema(db, settings)
    yield db, settings
    db.dispose()


def test_sync_tasks_are_procrastinate_tasks_locked_per_connection(
    pg: tuple[Database, Settings], sandbox_company: SandboxCompany
) -> None:
    db, settings = pg
    assert {"txbridge.sync_initial", "txbridge.sync_push"} <= set(engine.make_app(settings).tasks)
    connection_id = overlapping_connection(db, settings, sandbox_company)
    with pytest.raises(api.JobError) as early:
        api.start_sync_push(db, settings, connection_id, requested_by="ola")
    assert early.value.message.id == "sync_initial_not_done"
    job = api.start_initial_sync(db, settings, connection_id, requested_by="ola")
    with pytest.raises(api.JobAlreadyActive) as busy:
        api.start_initial_sync(db, settings, connection_id, requested_by="kari")
    assert busy.value.job.id == job.id and busy.value.message.id == "sync_initial_already_running"
    (deferred,) = engine.engine_jobs(settings)
    assert deferred["task"] == "txbridge.sync_initial" and deferred["lock"] == f"connection:{connection_id}"


def _wait_succeeded(db: Database, settings: Settings, job_id: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = api.get_job(db, settings, job_id).state
        if state == "succeeded":
            return
        assert state in ("queued", "running"), api.get_job(db, settings, job_id)
        time.sleep(0.3)
    raise AssertionError(f"job {job_id} did not finish")


@pytest.mark.long
def test_a_worker_process_runs_the_initial_sync_and_a_push(
    pg: tuple[Database, Settings], sandbox_company: SandboxCompany, tmp_path: Path
) -> None:
    db, settings = pg
    connection_id = overlapping_connection(db, settings, sandbox_company)
    worker = start_worker(settings, "--heartbeat", "0.5", log=tmp_path / "worker.log")
    try:
        initial = api.start_initial_sync(db, settings, connection_id, requested_by="ola")
        _wait_succeeded(db, settings, initial.id)
        status = sync_status(db, connection_id)
        assert status.phase == "done" and status.held == 1
        receive(db, connection_id, SyncResource.CUSTOMER, [{"host_id": HOST_ONLY, "phone": "22 33 44 55"}])
        push = api.start_sync_push(db, settings, connection_id, requested_by="ola")
        _wait_succeeded(db, settings, push.id)
    finally:
        stop(worker)
    assert {j["status"] for j in engine.engine_jobs(settings)} == {"succeeded"}
