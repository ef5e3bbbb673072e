"""The embedded runner on SQLite with the jobs API: the guarantees that matter on one machine."""

from __future__ import annotations

import dataclasses
import itertools
import logging
import socket
from collections import Counter
from datetime import datetime

import pytest
from sqlalchemy import select

from tests.jobs.conftest import ONE_RUN, QUICK, Shop
from txbridge.flows import connections
from txbridge.jobs import api, records
from txbridge.jobs.model import JobError
from txbridge.jobs.retry import RetryPolicy
from txbridge.jobs.runner import EmbeddedRunner
from txbridge.store import ConnectionState
from txbridge.store.models import Job, JobAttempt, JobState


def runner(shop: Shop, **options: object) -> EmbeddedRunner:
    return EmbeddedRunner(shop.db, shop.settings, options=dataclasses.replace(QUICK, **options))


def markers(shop: Shop, index: int) -> Counter[str]:
    return Counter(m.split("-")[1] for m in shop.envs[index].markers())


def test_an_export_job_runs_once_and_says_so(shop: Shop) -> None:
    info = api.start_export(shop.db, shop.settings, shop.batch_ids[0], requested_by="ola")
    assert (info.state, info.task, info.batch_id, info.requested_by) == (
        "queued",
        "export_batch",
        shop.batch_ids[0],
        "ola",
    )
    assert info.connection_id == shop.envs[0].connection_id and info.attempts == 0

    assert runner(shop).run_until_idle() == 1

    done = api.get_job(shop.db, shop.settings, info.id)
    assert done.state == "succeeded" and done.attempts == 1 and done.message is None
    assert (
        done.started_at is not None and done.finished_at is not None and done.finished_at >= done.started_at
    )
    assert sorted(markers(shop, 0).values()) == [1] * 6
    [attempt] = api.job_attempts(shop.db, shop.settings, info.id)
    assert attempt.outcome == "succeeded" and attempt.host == socket.gethostname()


def test_a_second_export_of_one_batch_is_the_same_job_until_it_ends(shop: Shop) -> None:
    first = api.start_export(shop.db, shop.settings, shop.batch_ids[0], requested_by="ola")
    again = api.start_export(shop.db, shop.settings, shop.batch_ids[0], requested_by="kari")
    assert again.id == first.id and again.requested_by == "ola"
    runner(shop).run_until_idle()
    after = api.start_export(shop.db, shop.settings, shop.batch_ids[0], requested_by="kari")
    assert after.id != first.id and after.state == "queued"


def test_unknown_batch_and_job_are_catalog_errors(shop: Shop) -> None:
    with pytest.raises(JobError) as batch:
        api.start_export(shop.db, shop.settings, 999, requested_by="ola")
    assert batch.value.message.id == "batch_not_found"
    with pytest.raises(JobError) as job:
        api.get_job(shop.db, shop.settings, 999)
    assert job.value.message.id == "job_not_found"


def test_one_running_job_per_connection_while_others_run(shop: Shop) -> None:
    first_conn, second_conn = (e.connection_id for e in shop.envs)
    export = api.start_export(shop.db, shop.settings, shop.batch_ids[0], requested_by="ola")
    payments = api.start_payments_refresh(shop.db, shop.settings, first_conn, requested_by="ola")
    other = api.start_export(shop.db, shop.settings, shop.batch_ids[1], requested_by="ola")

    claimed = records.claim_next(shop.db, worker="here:1", stale_after=30)
    assert claimed is not None and claimed.job_id == export.id
    # The payments refresh of the same connection waits; the other connection's export may go.
    second = records.claim_next(shop.db, worker="here:2", stale_after=30)
    assert second is not None and second.job_id == other.id and second.connection_id == second_conn
    assert records.claim_next(shop.db, worker="here:3", stale_after=30) is None
    assert api.get_job(shop.db, shop.settings, payments.id).state == "queued"

    records.finish(shop.db, claimed, JobState.SUCCEEDED, None)
    third = records.claim_next(shop.db, worker="here:3", stale_after=30)
    assert third is not None and third.job_id == payments.id


def test_runner_threads_never_overlap_jobs_of_one_connection(shop: Shop) -> None:
    ids = [api.start_export(shop.db, shop.settings, b, requested_by="t").id for b in shop.batch_ids]
    ids += [
        api.start_payments_refresh(shop.db, shop.settings, e.connection_id, requested_by="t").id
        for e in shop.envs
    ]
    with api.embedded_worker(shop.db, shop.settings, concurrency=3, options=QUICK):
        _wait_finished(shop, ids)
    assert {api.get_job(shop.db, shop.settings, i).state for i in ids} == {"succeeded"}
    with shop.db.reading() as session:
        rows = session.execute(
            select(JobAttempt.connection_id, JobAttempt.started_at, JobAttempt.finished_at).order_by(
                JobAttempt.started_at
            )
        ).all()
    by_connection: dict[int | None, list[tuple[datetime, datetime | None]]] = {}
    for connection_id, started, finished in rows:
        by_connection.setdefault(connection_id, []).append((started, finished))
    assert all(len(runs) == 2 for runs in by_connection.values())
    for runs in by_connection.values():
        for (_, before_end), (after_start, _) in itertools.pairwise(runs):
            assert before_end is not None and before_end <= after_start
    for index in range(2):
        assert sorted(markers(shop, index).values()) == [1] * 6


def _wait_finished(shop: Shop, ids: list[int], timeout: float = 60) -> None:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        states = {api.get_job(shop.db, shop.settings, i).state for i in ids}
        if states <= {"succeeded", "failed", "cancelled"}:
            return
        time.sleep(0.1)
    raise AssertionError(f"jobs still not finished: {states}")


def test_transient_failure_is_retried_with_backoff_then_succeeds(shop: Shop) -> None:
    env = shop.envs[0]
    # Tripletex answers 500 to the chart of accounts longer than the client retries: the export stops,
    # the job waits its backoff.
    env.add_fault(method="GET", path="/v2/ledger/account*", kind="status", status=500, count=ONE_RUN)
    info = api.start_export(shop.db, shop.settings, shop.batch_ids[0], requested_by="ola")
    slow = runner(shop, retry=RetryPolicy(max_attempts=3, base_seconds=3600))
    assert slow.run_once() is not None
    waiting = api.get_job(shop.db, shop.settings, info.id)
    assert waiting.state == "queued" and waiting.attempts == 1
    assert waiting.message is not None and waiting.message.id == "tripletex_server_error"
    assert waiting.not_before is not None and waiting.not_before > waiting.queued_at
    assert slow.run_once() is None  # not due yet

    _backoff_over(shop, info.id)
    assert runner(shop).run_until_idle() == 1
    done = api.get_job(shop.db, shop.settings, info.id)
    assert done.state == "succeeded" and done.attempts == 2
    assert [a.outcome for a in api.job_attempts(shop.db, shop.settings, info.id)] == ["retry", "succeeded"]
    assert sorted(markers(shop, 0).values()) == [1] * 6


def _backoff_over(shop: Shop, job_id: int) -> None:
    with shop.db.transaction() as session:
        job = session.get(Job, job_id)
        assert job is not None
        job.not_before = job.queued_at


def test_a_failure_a_person_must_fix_is_not_retried(shop: Shop) -> None:
    env = shop.envs[0]
    with shop.db.transaction() as session:
        from txbridge.store import Connection

        connection = session.get(Connection, env.connection_id)
        assert connection is not None
        connection.state = ConnectionState.PENDING_APPROVAL
    info = api.start_export(shop.db, shop.settings, shop.batch_ids[0], requested_by="ola")
    assert runner(shop).run_until_idle() == 1
    failed = api.get_job(shop.db, shop.settings, info.id)
    assert failed.state == "failed" and failed.attempts == 1
    assert failed.message is not None and failed.message.id == "connection_pending_approval"
    assert env.markers() == []


def test_retries_are_bounded(shop: Shop) -> None:
    env = shop.envs[0]
    env.add_fault(method="GET", path="/v2/ledger/account*", kind="status", status=500, count=2 * ONE_RUN)
    info = api.start_export(shop.db, shop.settings, shop.batch_ids[0], requested_by="ola")
    assert runner(shop, retry=RetryPolicy(max_attempts=2, base_seconds=0)).run_until_idle() == 2
    failed = api.get_job(shop.db, shop.settings, info.id)
    assert failed.state == "failed" and failed.attempts == 2
    assert failed.message is not None and failed.message.id == "tripletex_server_error"


def test_a_connection_that_keeps_failing_reaches_the_error_state_not_a_loop(shop: Shop) -> None:
    env = shop.envs[0]
    env.add_fault(method="GET", path="/v2/ledger/account*", kind="status", status=500, count=10 * ONE_RUN)
    info = api.start_export(shop.db, shop.settings, shop.batch_ids[0], requested_by="ola")
    # Up to 10 tries allowed, but the fifth failure in a row puts the connection in the error state.
    assert runner(shop, retry=RetryPolicy(max_attempts=10, base_seconds=0)).run_until_idle() == 6
    failed = api.get_job(shop.db, shop.settings, info.id)
    assert failed.state == "failed" and failed.message is not None
    assert failed.message.id == "integration_error_state"
    with shop.db.reading() as session:
        from txbridge.store import Connection

        connection = session.get(Connection, env.connection_id)
        assert connection is not None and connection.state is ConnectionState.ERROR


def test_cancel_and_retry(shop: Shop) -> None:
    info = api.start_export(shop.db, shop.settings, shop.batch_ids[0], requested_by="ola")
    cancelled = api.cancel_job(shop.db, shop.settings, info.id)
    assert cancelled.state == "cancelled"
    assert runner(shop).run_until_idle() == 0
    with pytest.raises(JobError) as twice:
        api.cancel_job(shop.db, shop.settings, info.id)
    assert twice.value.message.id == "job_not_cancellable"

    again = api.retry_job(shop.db, shop.settings, info.id, requested_by="kari")
    assert again.id != info.id and again.state == "queued" and again.requested_by == "kari"
    with pytest.raises(JobError) as queued:
        api.retry_job(shop.db, shop.settings, again.id, requested_by="kari")
    assert queued.value.message.id == "job_not_retryable"
    runner(shop).run_until_idle()
    assert api.get_job(shop.db, shop.settings, again.id).state == "succeeded"
    assert [j.id for j in api.list_jobs(shop.db, shop.settings, state="succeeded")] == [again.id]
    assert [j.id for j in api.list_jobs(shop.db, shop.settings, batch_id=shop.batch_ids[0])] == [
        again.id,
        info.id,
    ]
    assert api.list_jobs(shop.db, shop.settings, batch_id=shop.batch_ids[1]) == []
    assert [
        j.id for j in api.list_jobs(shop.db, shop.settings, connection_id=shop.envs[1].connection_id)
    ] == []


def test_a_job_of_a_dead_runner_is_taken_up_at_the_next_start(shop: Shop) -> None:
    info = api.start_export(shop.db, shop.settings, shop.batch_ids[0], requested_by="ola")
    dead_pid = 2**22 + 12345  # above any pid this machine hands out
    claimed = records.claim_next(shop.db, worker=f"{socket.gethostname()}:{dead_pid}", stale_after=30)
    assert claimed is not None
    # A live runner elsewhere with a fresh heartbeat keeps its job.
    other = api.start_export(shop.db, shop.settings, shop.batch_ids[1], requested_by="ola")
    records.claim_next(shop.db, worker="elsewhere:1", stale_after=30)

    fresh = runner(shop)
    assert fresh.recover() == [info.id]
    assert api.get_job(shop.db, shop.settings, other.id).state == "running"
    assert fresh.run_until_idle() == 1
    done = api.get_job(shop.db, shop.settings, info.id)
    assert done.state == "succeeded" and done.attempts == 2
    first, second = api.job_attempts(shop.db, shop.settings, info.id)
    assert first.pid == dead_pid and first.finished_at is None and second.outcome == "succeeded"


def test_log_lines_carry_the_job_and_connection(shop: Shop, caplog: pytest.LogCaptureFixture) -> None:
    from txbridge.jobs import logs

    logs.install()
    info = api.start_export(shop.db, shop.settings, shop.batch_ids[0], requested_by="ola")
    with caplog.at_level(logging.DEBUG, logger="txbridge"):
        runner(shop).run_until_idle()
    tagged = [r for r in caplog.records if getattr(r, "tx_job_id", None) == info.id]
    assert tagged and all(getattr(r, "tx_connection_id", None) == shop.envs[0].connection_id for r in tagged)
    assert any(r.name.startswith("txbridge.tripletex") for r in tagged)  # the client's own lines too
    secret = shop.envs[0].company.employee_token
    assert not any(secret in r.getMessage() for r in caplog.records)


def test_connection_state_error_is_told_by_the_catalog(shop: Shop) -> None:
    # The error state's message is what a failed job shows, so the web can explain it.
    connection_id = shop.envs[0].connection_id
    connections.record_failure(shop.db, shop.settings, connection_id, RuntimeError("x"))
    info = api.start_payments_refresh(shop.db, shop.settings, connection_id, requested_by="ola")
    assert runner(shop).run_until_idle() == 1
    assert api.get_job(shop.db, shop.settings, info.id).state == "succeeded"


def test_a_job_a_live_runner_holds_is_not_run_twice(shop: Shop) -> None:
    from txbridge.jobs.tasks import execute

    info = api.start_export(shop.db, shop.settings, shop.batch_ids[0], requested_by="ola")
    assert records.claim_next(shop.db, worker="elsewhere:7", stale_after=30) is not None
    # Another engine hands the same job to this process while the first runner still heartbeats.
    outcome = execute(shop.db, shop.settings, info.id, QUICK)
    assert outcome.verdict == "busy" and outcome.message is not None
    assert outcome.message.id == "job_still_running" and "elsewhere:7" in outcome.message.en
    assert api.get_job(shop.db, shop.settings, info.id).attempts == 1
    assert shop.envs[0].markers() == []


def test_an_export_job_waits_while_another_export_holds_the_batch(shop: Shop) -> None:
    from txbridge.flows.outbound.lease import BatchLease

    info = api.start_export(shop.db, shop.settings, shop.batch_ids[0], requested_by="ola")
    with BatchLease(shop.db, shop.batch_ids[0], holder="kari (txbridge batch export)"):
        assert runner(shop, retry=RetryPolicy(base_seconds=3600)).run_until_idle() == 1
        waiting = api.get_job(shop.db, shop.settings, info.id)
        assert waiting.state == "queued" and waiting.message is not None
        assert waiting.message.id == "export_already_running" and "kari" in waiting.message.en
        assert shop.envs[0].markers() == []
    _backoff_over(shop, info.id)
    assert runner(shop).run_until_idle() == 1
    assert api.get_job(shop.db, shop.settings, info.id).state == "succeeded"
    assert sorted(markers(shop, 0).values()) == [1] * 6
