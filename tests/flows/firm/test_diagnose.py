"""The statistics troubleshooter: seed 004's causes, each found by its check, over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest

from tests.fixtures.firm_world import Firm, this_month
from tests.flows.firm.conftest import firm_on
from txbridge.flows.diagnose.model import CheckStatus
from txbridge.flows.diagnose.statistics import (
    StatisticsCheck,
    check_pasted_token,
    diagnose_statistics,
)
from txbridge.flows.firm.reads import shift_month
from txbridge.sandbox.server import SandboxServer
from txbridge.store import Connection, Environment
from txbridge.store.models import FirmClient, FirmImportSettings, ImportDayRule


@pytest.fixture
def firm(sqlite_template: Path, tmp_path: Path, sandbox_server: SandboxServer) -> Iterator[Firm]:
    import shutil

    shutil.copyfile(sqlite_template, tmp_path / "t.db")
    url = f"sqlite:///{tmp_path / 't.db'}"
    with firm_on(
        url, tmp_path, sandbox_server, clients=2, months=2, link=1, fields=("sale_entries",)
    ) as found:
        yield found


def _failed(firm: Firm, **kwargs: object) -> tuple[StatisticsCheck, str] | None:
    answer = diagnose_statistics(firm.db, firm.settings, firm.connection_id, **kwargs)  # type: ignore[arg-type]
    failed = answer.failed
    if failed is None:
        return None
    assert failed.message is not None
    assert [c.status for c in answer.checks[failed.check :]] == [CheckStatus.NOT_RUN] * (4 - failed.check)
    return failed.check, failed.message.id


def _clients(firm: Firm) -> tuple[int, int]:
    with firm.db.reading() as session:
        rows = [(c.id, c.tripletex_company_id) for c in session.query(FirmClient).order_by(FirmClient.id)]
    linked = next(i for i, company in rows if company is not None)
    unlinked = next(i for i, company in rows if company is None)
    return linked, unlinked


def test_each_cause_is_found_by_its_check(firm: Firm) -> None:
    linked, unlinked = _clients(firm)
    assert _failed(firm, client_id=linked, field_key="sale_entries") is None
    assert _failed(firm, client_id=unlinked) == (StatisticsCheck.CLIENT_LINKED, "stats_client_not_linked")
    assert _failed(firm, client_id=linked, field_key="open_items") == (
        StatisticsCheck.FIELDS_MAPPED,
        "stats_field_not_mapped",
    )
    with firm.db.transaction() as session:
        session.add(
            FirmImportSettings(
                firm_connection_id=firm.connection_id, rule=ImportDayRule.DAY_OF_NEXT_MONTH, day_of_month=28
            )
        )
    this = this_month()
    assert _failed(firm, client_id=linked, month=this, today=date.today()) == (
        StatisticsCheck.IMPORT_DAY,
        "stats_import_day_not_reached",
    )
    assert _failed(firm, client_id=linked, month=shift_month(this, -3), today=date.today()) is None
    firm.map_fields(())
    assert _failed(firm, client_id=linked) == (StatisticsCheck.FIELDS_MAPPED, "stats_no_fields_mapped")


def test_the_token_checks_expiry_date_then_tripletex(firm: Firm) -> None:
    with firm.db.transaction() as session:
        connection = session.get(Connection, firm.connection_id)
        assert connection is not None
        connection.token_expires_on = date.today() - timedelta(days=1)
    assert _failed(firm) == (StatisticsCheck.TOKEN, "stats_token_expired")
    with firm.db.transaction() as session:
        connection = session.get(Connection, firm.connection_id)
        assert connection is not None
        connection.token_expires_on = date.today() + timedelta(days=30)
    httpx.post(
        f"{firm.control_url}/firm/deactivate-employee", json={"employeeToken": firm.employee_token}
    ).raise_for_status()
    assert _failed(firm) == (StatisticsCheck.TOKEN, "stats_employee_deactivated")


def test_a_pasted_token_with_whitespace_or_of_the_other_environment() -> None:
    assert check_pasted_token(" test-abc\n", Environment.TEST).id == "stats_token_whitespace"  # type: ignore[union-attr]
    wrong = check_pasted_token("test-abc", Environment.PRODUCTION)
    assert wrong is not None and wrong.id == "stats_wrong_environment" and "test" in wrong.en
    assert check_pasted_token("eyJ0b2tlbklkIjoy", Environment.TEST) is not None
    assert check_pasted_token("test-abc", Environment.TEST) is None
    assert check_pasted_token("test-abc", Environment.SANDBOX) is None
