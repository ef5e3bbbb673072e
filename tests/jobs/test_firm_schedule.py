"""The firms' statistics import on its schedule (SQLite, embedded runner): the 18:00 Oslo tick, the
firms whose import day it is, and the queued import run to the end."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tests.fixtures.firm_world import Firm, this_month
from tests.flows.firm.conftest import firm_on
from tests.jobs.conftest import QUICK
from txbridge.flows.firm.schedule import import_day
from txbridge.jobs import api, schedules
from txbridge.jobs.runner import EmbeddedRunner
from txbridge.jobs.statistics import fire_imports, firms_due
from txbridge.sandbox.server import SandboxServer
from txbridge.store.models import FirmImportSettings, ImportDayRule

FIELDS = ("vouchers_posted", "inbox_waiting")


@pytest.fixture
def firm(sqlite_url: str, tmp_path: Path, sandbox_server: SandboxServer) -> Iterator[Firm]:
    with firm_on(sqlite_url, tmp_path, sandbox_server, clients=3, months=2, fields=FIELDS) as found:
        yield found


def test_the_evening_tick_imports_the_month_of_firms_whose_import_day_it_is(firm: Firm) -> None:
    month = this_month()
    due_day = import_day(ImportDayRule.LAST_WORKING_DAY, None, month)
    assert firms_due(firm.db, due_day) == [(firm.connection_id, month)]  # no settings: last working day
    assert firms_due(firm.db, date(due_day.year, due_day.month, 1)) == []
    with firm.db.transaction() as session:
        session.add(
            FirmImportSettings(
                firm_connection_id=firm.connection_id, rule=ImportDayRule.DAY_OF_NEXT_MONTH, day_of_month=3
            )
        )
    assert firms_due(firm.db, due_day) == []
    next_third = import_day(ImportDayRule.DAY_OF_NEXT_MONTH, 3, month)
    assert firms_due(firm.db, next_third) == [(firm.connection_id, month)]

    started = fire_imports(firm.db, firm.settings, today=next_third)
    assert len(started) == 1
    # Fired again the same day (a second runner): the same import, not a second one.
    assert fire_imports(firm.db, firm.settings, today=next_third) == started
    runner = EmbeddedRunner(firm.db, firm.settings, options=QUICK)
    runner.run_until_idle()
    assert api.get_job(firm.db, firm.settings, started[0]).state == "succeeded"
    expected = {
        client: {
            m: {k: v for k, v in f.items() if k in FIELDS} for m, f in firm.truth(company, [month]).items()
        }
        for client, company in firm.clients.items()
    }
    assert firm.stored() == expected


def test_the_schedule_is_at_six_in_the_evening_oslo_time() -> None:
    due = schedules.STATISTICS_IMPORTS.last_due(datetime(2026, 12, 1, 17, 30, tzinfo=UTC))
    assert due.astimezone(UTC) == datetime(2026, 12, 1, 17, 0, tzinfo=UTC)  # 18:00 CET
    summer = schedules.STATISTICS_IMPORTS.last_due(datetime(2026, 7, 1, 16, 30, tzinfo=UTC))
    assert summer.astimezone(UTC) == datetime(2026, 7, 1, 16, 0, tzinfo=UTC)  # 18:00 CEST
