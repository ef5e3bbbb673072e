"""One export of a batch at a time: the second one says who runs the first and touches nothing; a
holder that died does not block the batch for ever. Each test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import functools
import os
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.flows.export.conftest import Env
from tests.flows.export.test_faults import assert_exactly_once, closed_batch, no_sleep
from txbridge.flows.export import (
    BatchLease,
    ExportAlreadyRunningError,
    ExportProgress,
    export_batch,
    lease_holder,
)
from txbridge.store import BatchItem, BatchStatus, Connection, ExportLease, LogEntry
from txbridge.store.models import utcnow


def store_snapshot(env: Env) -> tuple[object, ...]:
    """Everything an export could change in the store."""
    with env.db.transaction() as session:
        postings = session.execute(
            select(BatchItem.id, BatchItem.status, BatchItem.attempts, BatchItem.intent_marker).order_by(
                BatchItem.id
            )
        ).all()
        logs = session.scalar(select(func.count()).select_from(LogEntry))
        connection = session.get(Connection, env.connection_id)
        assert connection is not None
        return (tuple(postings), logs, connection.consecutive_failures, connection.state)


def test_a_second_export_of_a_running_batch_names_the_holder_and_touches_nothing(env: Env) -> None:
    batch_id = closed_batch(env, invoices=30, chunk=5)
    # Slow invoice writes keep the first export running while the second one starts.
    env.add_fault(method="POST", path="/v2/invoice/list", kind="delay", delaySeconds=0.3, count=6)
    sending = threading.Event()
    first: list[object] = []

    def on_progress(step: ExportProgress) -> None:
        if step.phase == "products":
            sending.set()

    def run_first() -> None:
        first.append(
            export_batch(
                env.db, env.settings, batch_id, sleep=no_sleep, progress=on_progress, requested_by="ola"
            )
        )

    thread = threading.Thread(target=run_first)
    thread.start()
    assert sending.wait(30)
    before = store_snapshot(env)
    with pytest.raises(ExportAlreadyRunningError) as refused:
        export_batch(env.db, env.settings, batch_id, sleep=no_sleep, requested_by="kari")
    still_running = thread.is_alive()
    snapshot_after = store_snapshot(env)
    thread.join(60)

    message = refused.value.message
    assert message.id == "export_already_running"
    host, pid = socket.gethostname(), os.getpid()
    assert f"ola, prosess {pid} på {host}" in message.nb
    assert f"ola, process {pid} on {host}" in message.en
    assert f"`txbridge batch show {batch_id}`" in message.fix_en
    assert still_running  # said at once, not after waiting for the first run to end
    # The first export goes on meanwhile (postings and log move); the refused one counted no failure
    # on the connection. That it touches nothing at all: test_a_refused_export_changes_nothing_at_all.
    assert snapshot_after[2:] == before[2:]
    assert len(first) == 1 and first[0].status is BatchStatus.EXPORTED  # type: ignore[attr-defined]
    assert_exactly_once(env, 30)
    assert lease_holder(env.db, batch_id) is None  # given back at the end


def test_a_refused_export_changes_nothing_at_all(env: Env) -> None:
    batch_id = closed_batch(env, invoices=4)
    before, calls_before = store_snapshot(env), env.stats_total()
    with BatchLease(env.db, batch_id, holder="job 12"):
        with pytest.raises(ExportAlreadyRunningError) as refused:
            export_batch(env.db, env.settings, batch_id, sleep=no_sleep)
        assert refused.value.holder.holder == "job 12"
        assert store_snapshot(env) == before
        assert env.stats_total() == calls_before  # not even a session was made
    assert export_batch(env.db, env.settings, batch_id, sleep=no_sleep).status is BatchStatus.EXPORTED


def test_exports_racing_for_the_lease_let_exactly_one_through(env: Env) -> None:
    batch_id = closed_batch(env, invoices=2)
    racers = 6
    barrier = threading.Barrier(racers)
    won: list[BatchLease] = []
    refused: list[ExportAlreadyRunningError] = []

    def race(n: int) -> None:
        lease = BatchLease(env.db, batch_id, holder=f"racer {n}")
        barrier.wait()
        try:
            won.append(lease.acquire())
        except ExportAlreadyRunningError as exc:
            refused.append(exc)

    threads = [threading.Thread(target=race, args=(n,)) for n in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(won) == 1 and len(refused) == racers - 1
    assert {exc.holder.holder for exc in refused} == {won[0].holder}
    won[0].release()
    assert lease_holder(env.db, batch_id) is None


def _plant_lease(env: Env, batch_id: int, *, host: str, pid: int, heartbeat_age: float) -> None:
    """A lease as a holder elsewhere left it."""
    moment = utcnow() - timedelta(seconds=heartbeat_age)
    with env.db.transaction() as session:
        session.add(
            ExportLease(
                batch_id=batch_id,
                token="0" * 32,
                holder="per",
                host=host,
                pid=pid,
                since=moment - timedelta(minutes=5),
                heartbeat_at=moment,
            )
        )


def test_a_lease_of_a_process_that_died_on_this_host_is_taken_over_at_once(env: Env) -> None:
    batch_id = closed_batch(env, invoices=3)
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    _plant_lease(env, batch_id, host=socket.gethostname(), pid=int(gone.stdout), heartbeat_age=1)
    result = export_batch(env.db, env.settings, batch_id, sleep=no_sleep)
    assert result.status is BatchStatus.EXPORTED
    assert_exactly_once(env, 3)


def test_a_lease_from_another_host_blocks_until_its_heartbeat_is_stale(env: Env) -> None:
    batch_id = closed_batch(env, invoices=3)
    _plant_lease(env, batch_id, host="worker-2.example", pid=4242, heartbeat_age=30)
    with pytest.raises(ExportAlreadyRunningError) as refused:
        export_batch(env.db, env.settings, batch_id, sleep=no_sleep, lease_stale_after=90)
    assert "process 4242 on worker-2.example" in refused.value.message.en
    assert env.markers() == []
    # Ninety seconds without a heartbeat: the holder is taken to be dead.
    result = export_batch(env.db, env.settings, batch_id, sleep=no_sleep, lease_stale_after=20)
    assert result.status is BatchStatus.EXPORTED
    assert_exactly_once(env, 3)


def test_the_holder_keeps_its_lease_fresh_and_notices_when_it_is_taken_over(env: Env) -> None:
    batch_id = closed_batch(env, invoices=1)
    lease = BatchLease(env.db, batch_id, heartbeat_every=0.05).acquire()
    try:
        first = lease_holder(env.db, batch_id)
        assert first is not None
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            now = lease_holder(env.db, batch_id)
            if now is not None and now.heartbeat_at > first.heartbeat_at:
                break
            time.sleep(0.05)
        else:
            raise AssertionError("the heartbeat never moved")
        assert not lease.lost
        # Another export took the lease over (this process was frozen past the stale time).
        with env.db.transaction() as session:
            row = session.get(ExportLease, batch_id)
            assert row is not None
            row.token = "f" * 32
        lease.refresh()
        assert lease.lost
    finally:
        lease.release()
    assert lease_holder(env.db, batch_id) is not None  # not ours to delete


def test_a_run_whose_lease_was_taken_over_stops_before_its_next_chunk(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    from txbridge.flows.outbound import engine

    monkeypatch.setattr(engine, "BatchLease", functools.partial(BatchLease, heartbeat_every=0.02))
    batch_id = closed_batch(env, invoices=20, chunk=5)
    taken = threading.Event()

    def take_over(step: ExportProgress) -> None:
        if step.phase == "invoices" and not taken.is_set():
            taken.set()
            with env.db.transaction() as session:
                row = session.get(ExportLease, batch_id)
                assert row is not None
                row.token, row.holder, row.heartbeat_at = "f" * 32, "kari", utcnow()
            time.sleep(0.3)  # a few heartbeats: the run learns the lease is no longer its own

    result = export_batch(env.db, env.settings, batch_id, sleep=no_sleep, progress=take_over)

    assert result.stopped is not None and result.stopped.id == "export_already_running"
    assert "kari" in result.stopped.en
    assert 0 < result.exported < 20 and result.status is BatchStatus.PENDING
    assert len(env.markers()) == result.exported  # what went is recorded; nothing is in flight
