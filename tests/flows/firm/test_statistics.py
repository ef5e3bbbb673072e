"""The import and the runs in this process, on SQLite and PostgreSQL, against the sandbox over HTTP:
mapping applied, values equal to the sandbox's truth, overwritten on reload, per-client locks, a
worker stopped midway taken over without counting anything twice, the seed's «no data» causes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.fixtures.firm_world import ALL_FIELDS, Firm, this_month
from tests.flows.firm.conftest import firm_on
from txbridge.flows.firm import runs
from txbridge.flows.firm.reads import last_months, shift_month
from txbridge.flows.firm.statistics import StatisticsError, import_month, work_run
from txbridge.flows.views.firm_stats import month_values, recent_runs, unseen_notices
from txbridge.sandbox.server import SandboxServer
from txbridge.store import LogEntry
from txbridge.store.models import StatisticClientLock, StatisticRunKind

SOME = ("sale_entries", "bank_transactions", "documents_received", "open_items")
LAST = shift_month(this_month(), -1)


@pytest.fixture
def firm(database_url: str, tmp_path: Path, sandbox_server: SandboxServer) -> Iterator[Firm]:
    with firm_on(database_url, tmp_path, sandbox_server, clients=4, link=3, fields=SOME) as found:
        yield found


def _expected(firm: Firm, months: list[str], keys: tuple[str, ...]) -> dict[int, dict[str, dict[str, int]]]:
    return {
        client_id: {
            m: {k: v for k, v in fields.items() if k in keys}
            for m, fields in firm.truth(company, months).items()
        }
        for client_id, company in firm.clients.items()
    }


def test_import_a_month_stores_the_mapped_fields_of_linked_clients_equal_to_the_truth(firm: Firm) -> None:
    result = import_month(firm.db, firm.settings, firm.connection_id, LAST)
    assert (result.clients_done, result.clients_failed) == (3, 0)  # the 4th is not linked
    assert firm.stored() == _expected(firm, [LAST], SOME)
    assert result.values_written == 3 * len(SOME)
    # Mapped fields only: sale/vouchers share one read, bank two+, documents one more, open items one.
    assert result.api_calls <= 3 * 6
    values = month_values(firm.db, firm.connection_id, [LAST])
    assert set(values) == set(firm.clients) and set(values[next(iter(firm.clients))][LAST]) == set(SOME)
    # Done: the run's notice waits for the user, and the log says so.
    notices = unseen_notices(firm.db, firm.connection_id)
    assert [n.message.id for n in notices if n.message] == ["stats_import_finished"]
    runs.mark_notice_seen(firm.db, notices[0].run_id)
    assert unseen_notices(firm.db, firm.connection_id) == []
    with firm.db.reading() as session:
        assert session.query(LogEntry).filter_by(message_id="stats_import_finished").count() == 1


def test_again_unchanged_is_answered_304_and_a_reload_overwrites_with_all_mapped_fields(firm: Firm) -> None:
    first = import_month(firm.db, firm.settings, firm.connection_id, LAST)
    again = import_month(firm.db, firm.settings, firm.connection_id, LAST)
    assert again.api_calls == first.api_calls
    # Every read answered 304 but those with no rows (Tripletex gives them no digest).
    assert again.not_modified + again.empty_answers == again.api_calls
    assert again.not_modified > again.empty_answers
    firm.map_fields(ALL_FIELDS)
    months = last_months(this_month(), 12)
    run_id = runs.create_run(firm.db, firm.connection_id, StatisticRunKind.RELOAD, months)
    summary = work_run(firm.db, firm.settings, run_id)
    assert summary.clients == 3
    assert firm.stored() == _expected(firm, months, ALL_FIELDS)
    assert summary.api_calls / (3 * 12) <= 6
    assert recent_runs(firm.db, firm.connection_id)[0].state == "succeeded"


def test_a_worker_stopped_midway_is_taken_over_and_nothing_counts_twice(firm: Firm) -> None:
    months = last_months(this_month(), 3)
    run_id = runs.create_run(firm.db, firm.connection_id, StatisticRunKind.RELOAD, months)

    class Killed(Exception):
        pass

    seen: list[int] = []

    def die_on_second(client_id: int) -> None:
        seen.append(client_id)
        if len(seen) == 2:
            raise Killed

    with pytest.raises(Killed):
        work_run(firm.db, firm.settings, run_id, holder="dead", on_client=die_on_second)
    # The dead worker holds its second client: a live one leaves it while the lock is fresh …
    with firm.db.reading() as session:
        assert [lock.holder for lock in session.query(StatisticClientLock)] == ["dead"]
    live = work_run(firm.db, firm.settings, run_id, holder="live")
    assert live.clients == 1
    # … and takes it over once the lock is stale.
    with firm.db.transaction() as session:
        lock = session.query(StatisticClientLock).one()
        lock.heartbeat_at = lock.heartbeat_at - timedelta(minutes=5)
    taken = work_run(firm.db, firm.settings, run_id, holder="live")
    assert taken.clients == 1
    assert firm.stored() == _expected(firm, months, SOME)
    progress = recent_runs(firm.db, firm.connection_id)[0]
    assert (progress.clients_done, progress.clients_failed, progress.state) == (3, 0, "succeeded")


def test_the_seeds_no_data_causes_are_catalog_messages(firm: Firm) -> None:
    with pytest.raises(StatisticsError) as bad_month:
        import_month(firm.db, firm.settings, firm.connection_id, "2026-13")
    assert bad_month.value.message.id == "stats_month_invalid"
    unlinked = next(iter(set(_all_clients(firm)) - set(firm.clients)))
    with pytest.raises(StatisticsError) as not_linked:
        import_month(firm.db, firm.settings, firm.connection_id, LAST, client_ids=[unlinked])
    assert not_linked.value.message.id == "stats_client_not_linked"
    firm.map_fields(())
    with pytest.raises(StatisticsError) as nothing_mapped:
        import_month(firm.db, firm.settings, firm.connection_id, LAST)
    assert nothing_mapped.value.message.id == "stats_no_fields_mapped"


def test_an_expired_token_stops_the_import_on_its_date_without_a_call(firm: Firm) -> None:
    from txbridge.store import Connection

    with firm.db.transaction() as session:
        connection = session.get(Connection, firm.connection_id)
        assert connection is not None
        connection.token_expires_on = date.today() - timedelta(days=3)
    with pytest.raises(StatisticsError) as stopped:
        import_month(firm.db, firm.settings, firm.connection_id, LAST)
    message = stopped.value.message
    assert message.id == "stats_token_expired"
    assert (date.today() - timedelta(days=3)).isoformat() in message.en
    assert firm.stored() == {}
    assert recent_runs(firm.db, firm.connection_id)[0].state == "failed"


def _all_clients(firm: Firm) -> list[int]:
    from txbridge.store.models import FirmClient

    with firm.db.reading() as session:
        return [c.id for c in session.query(FirmClient).filter_by(firm_connection_id=firm.connection_id)]
