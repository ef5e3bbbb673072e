"""Firm statistics as jobs: real ``txbridge worker`` processes on PostgreSQL, the sandbox over HTTP.

Import a month (mapping applied), reload 12 months in two parts with a worker killed midway (it
finishes, the values are the sandbox's truth, nothing counted twice), and an expired token stopping
the next import with the catalog's message."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest

from tests.fixtures.firm_world import ALL_FIELDS, Firm, this_month
from tests.fixtures.jobs_world import kill, start_worker, stop
from tests.flows.firm.conftest import firm_on
from tests.jobs.test_workers import FAST, wait_for
from txbridge.flows.firm.reads import last_months, shift_month
from txbridge.flows.views.firm_stats import recent_runs, unseen_notices
from txbridge.jobs import api
from txbridge.sandbox.server import SandboxServer
from txbridge.store import Connection, ConnectionState, LogEntry
from txbridge.store.models import JobAttempt, StatisticClientState, StatisticRunClient

pytestmark = pytest.mark.postgres

SOME = ("sale_entries", "purchase_entries", "bank_transactions", "documents_received")
CLIENTS = 8


@pytest.fixture
def firm(pg_url: str, tmp_path: Path, sandbox_server: SandboxServer) -> Iterator[Firm]:
    with firm_on(pg_url, tmp_path, sandbox_server, clients=CLIENTS, fields=SOME, seed=11) as found:
        yield found


def _truth(firm: Firm, months: list[str], keys: tuple[str, ...]) -> dict[int, dict[str, dict[str, int]]]:
    return firm.expected(months, keys)


def _finished(firm: Firm) -> bool:
    latest = recent_runs(firm.db, firm.connection_id, limit=1)
    return bool(latest) and latest[0].finished_at is not None


def test_import_then_reload_with_a_worker_killed_midway_then_the_token_expires(
    firm: Firm, tmp_path: Path
) -> None:
    month = shift_month(this_month(), -1)
    workers = [start_worker(firm.settings, *FAST, log=tmp_path / "w0.log")]
    try:
        api.start_statistics_import(firm.db, firm.settings, firm.connection_id, month, requested_by="ola")
        wait_for(lambda: _finished(firm), what="the import")
        assert firm.stored() == _truth(firm, [month], SOME)  # mapped fields only

        # Reload all fields, slowed down so the kill lands midway.
        firm.map_fields(ALL_FIELDS)
        accountant = firm.accountant_id
        httpx.post(
            f"{firm.control_url}/faults",
            json={
                "path": "/v2/ledger/posting/openPost*",
                "kind": "delay",
                "delaySeconds": 0.05,
                "count": 100_000,
                "companyId": accountant,
            },
        ).raise_for_status()
        info = api.start_statistics_reload(
            firm.db, firm.settings, firm.connection_id, client_id=None, requested_by="ola", parts=2
        )
        # A second «Reload data» while it runs is the same reload.
        again = api.start_statistics_reload(
            firm.db, firm.settings, firm.connection_id, client_id=None, requested_by="kari", parts=2
        )
        assert again.id == info.id
        workers.append(start_worker(firm.settings, *FAST, log=tmp_path / "w1.log"))
        wait_for(lambda: _progress(firm)[0] >= 2, what="a few clients done")
        kill(workers.pop(0))
        workers.append(start_worker(firm.settings, *FAST, log=tmp_path / "w2.log"))
        wait_for(lambda: _finished(firm), timeout=180, what="the reload")
        reload_done = firm.stored()
        run = recent_runs(firm.db, firm.connection_id, limit=1)[0]
        # The token's date passes: the next import stops on it, with the catalog's message.
        expired = date.today() - timedelta(days=2)
        with firm.db.transaction() as session:
            connection = session.get(Connection, firm.connection_id)
            assert connection is not None
            connection.token_expires_on = expired
        stopped = api.start_statistics_import(
            firm.db, firm.settings, firm.connection_id, month, requested_by="schedule"
        )
        wait_for(lambda: api.get_job(firm.db, firm.settings, stopped.id).state == "failed", what="the job")
    finally:
        httpx.delete(f"{firm.control_url}/faults")
        for worker in workers:
            stop(worker)
    job = api.get_job(firm.db, firm.settings, stopped.id)
    assert job.message is not None and job.message.id == "stats_token_expired"
    assert expired.isoformat() in job.message.nb and expired.isoformat() in job.message.en
    assert firm.stored() == reload_done
    with firm.db.reading() as session:
        assert session.query(LogEntry).filter_by(message_id="stats_token_expired").count() >= 1
        state = session.get(Connection, firm.connection_id).state  # type: ignore[union-attr]
    assert state is ConnectionState.TOKEN_EXPIRED

    months = last_months(this_month(), 12)
    stored = reload_done
    truth = _truth(firm, months, ALL_FIELDS)
    assert {c: {m: stored[c][m] for m in months} for c in stored} == truth
    assert (run.state, run.clients_done, run.clients_failed) == ("succeeded", CLIENTS, 0)
    with firm.db.reading() as session:
        done = session.query(StatisticRunClient).filter_by(run_id=run.run_id).all()
        assert len(done) == CLIENTS and {c.state for c in done} == {StatisticClientState.DONE}
        # The killed worker's job ran again (a second attempt) and finished.
        attempts = session.query(JobAttempt).all()
        assert any(a.number > 1 for a in attempts) or any(a.finished_at is None for a in attempts)
        assert session.query(LogEntry).filter_by(message_id="stats_reload_finished").count() == 1
    assert run.api_calls / (CLIENTS * 12) <= 6
    assert [n.message.id for n in unseen_notices(firm.db, firm.connection_id) if n.message] == [
        "stats_import_finished",
        "stats_reload_finished",
        "stats_token_expired",
    ]


def _progress(firm: Firm) -> tuple[int, int]:
    latest = recent_runs(firm.db, firm.connection_id, limit=1)[0]
    return latest.clients_done, latest.clients_total
