"""``txbridge jobs list|show|retry|cancel`` and ``txbridge worker`` on SQLite (a real process)."""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tests.fixtures.jobs_world import kill, start_worker, stop
from tests.jobs.conftest import QUICK, Shop
from txbridge.cli import _register, app
from txbridge.jobs import api
from txbridge.jobs.runner import EmbeddedRunner


def run(shop: Shop, *args: str) -> Result:
    _register()
    secret = shop.settings.secret_key.get_secret_value() if shop.settings.secret_key else ""
    env = {
        "TXBRIDGE_DATABASE_URL": shop.settings.database_url,
        "TXBRIDGE_SECRET_KEY": secret,
        "COLUMNS": "250",
    }
    return CliRunner().invoke(app, list(args), env=env)


def test_jobs_list_show_cancel_retry(shop: Shop) -> None:
    first = api.start_export(shop.db, shop.settings, shop.batch_ids[0], requested_by="ola")
    second = api.start_export(shop.db, shop.settings, shop.batch_ids[1], requested_by="ola")

    listed = run(shop, "jobs", "list", "--json")
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.output)
    assert [(r["id"], r["state"], r["task"]) for r in rows] == [
        (second.id, "queued", "export_batch"),
        (first.id, "queued", "export_batch"),
    ]
    by_connection = run(shop, "jobs", "list", "--connection", f"c{shop.envs[0].company.company_id}", "--json")
    assert [r["id"] for r in json.loads(by_connection.output)] == [first.id]

    cancelled = run(shop, "jobs", "cancel", str(first.id))
    assert cancelled.exit_code == 0 and "avbrutt" in cancelled.output
    again = run(shop, "jobs", "cancel", str(first.id))
    assert again.exit_code == 2 and "kan ikke avbrytes" in again.output and "cannot" not in again.output

    EmbeddedRunner(shop.db, shop.settings, options=QUICK).run_until_idle()
    shown = run(shop, "jobs", "show", str(second.id))
    assert shown.exit_code == 0, shown.output
    assert "ferdig" in shown.output and "succeeded" not in shown.output  # one language: bokmål
    detail = json.loads(run(shop, "jobs", "show", str(second.id), "--json").output)
    assert detail["state"] == "succeeded" and [r["outcome"] for r in detail["runs"]] == ["succeeded"]

    retried = run(shop, "jobs", "retry", str(first.id), "--actor", "kari")
    assert retried.exit_code == 0, retried.output
    newest = api.list_jobs(shop.db, shop.settings, limit=1)[0]
    assert newest.requested_by == "kari" and newest.batch_id == shop.batch_ids[0] and newest.state == "queued"
    assert run(shop, "jobs", "retry", str(newest.id)).exit_code == 2

    missing = run(shop, "jobs", "show", "999")
    assert missing.exit_code == 2 and "Jobb 999 finnes ikke" in missing.output
    assert "Traceback" not in missing.output
    bad = run(shop, "jobs", "list", "--state", "sleeping")
    assert bad.exit_code == 2 and "Ukjent status" in bad.output


def _wait(predicate: object, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


@pytest.mark.slow
def test_a_killed_sqlite_worker_s_job_is_taken_up_at_the_next_start(shop: Shop, tmp_path: Path) -> None:
    env = shop.envs[0]
    # The invoice write is committed by Tripletex, and its answer held back long enough to kill the worker.
    env.add_fault(method="POST", path="/v2/invoice/list", kind="delay_after_commit", delaySeconds=30, count=1)
    info = api.start_export(shop.db, shop.settings, shop.batch_ids[0], requested_by="ola")
    args = ("--heartbeat", "0.5", "--stalled-after", "60", "--in-flight-grace", "0")
    worker = start_worker(shop.settings, *args, log=tmp_path / "first.log")
    try:
        _wait(lambda: api.get_job(shop.db, shop.settings, info.id).state == "running")
        _wait(lambda: any(m for m in env.markers()))  # the write has landed in Tripletex
        kill(worker)
    finally:
        stop(worker)
    assert api.get_job(shop.db, shop.settings, info.id).state == "running"  # as the dead worker left it

    again = start_worker(shop.settings, *args, log=tmp_path / "second.log")
    try:
        _wait(lambda: api.get_job(shop.db, shop.settings, info.id).state == "succeeded")
    finally:
        stop(again)
    runs = api.job_attempts(shop.db, shop.settings, info.id)
    assert [r.outcome for r in runs] == [None, "succeeded"] and runs[0].pid == worker.pid
    assert sorted(Counter(m.split("-")[1] for m in env.markers()).values()) == [1] * 6
    # The worker's log: JSON lines, those of the job tagged with it and its connection, no token.
    text = (tmp_path / "first.log").read_text() + (tmp_path / "second.log").read_text()
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]
    tagged = [line for line in lines if line.get("tx_job_id") == info.id]
    assert tagged and {line["tx_connection_id"] for line in tagged} == {env.connection_id}
    assert env.company.employee_token not in text and env.company.consumer_token not in text
