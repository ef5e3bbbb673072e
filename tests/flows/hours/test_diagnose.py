"""The troubleshooter for hours, over the sandbox: each check fails on its own fault and says the fix."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

import txbridge.cli.diagnose  # noqa: F401  (registers the command)
from tests.fixtures.sandbox import SandboxCompany
from tests.flows.export.conftest import Env, connect_env, make_settings
from txbridge.cli import app
from txbridge.flows.diagnose.hours import diagnose_hours
from txbridge.flows.diagnose.model import CheckStatus, HoursCheck, Outcome
from txbridge.flows.intake import import_data
from txbridge.samples.hours import make_team
from txbridge.store import Database


@pytest.fixture
def env(tmp_path: Path, sandbox_company: SandboxCompany) -> Iterator[Env]:
    settings = make_settings(f"sqlite:///{tmp_path / 'store.db'}", tmp_path)
    db = Database(settings)
    db.migrate()
    made = connect_env(db, settings, sandbox_company)
    with made.api() as api:
        make_team(api, employees=2, projects=3, start=date(2026, 1, 1))
    yield made
    db.dispose()


def hour(host_id: str, **changes: object) -> dict[str, object]:
    item: dict[str, object] = {
        "id": host_id,
        "employeeNumber": "101",
        "projectNumber": "1001",
        "activityNumber": "10",
        "date": "2026-10-05",
        "hours": "7.5",
    }
    item.update(changes)
    return {k: v for k, v in item.items() if v is not None}


def test_each_fault_stops_at_its_check(env: Env) -> None:
    import_data(
        env.db,
        env.connection_id,
        {
            "hours": [
                hour("ok"),
                hour("no-employee", employeeNumber="999"),
                hour("no-project", projectNumber="77"),
                hour("bad-activity", projectNumber="1003", activityNumber="11"),
                hour("locked", employeeNumber="102"),
                hour("gone", deleted=True),
            ]
        },
    )
    with env.api() as api:
        employee = api.get("/employee", params={"employeeNumber": "102", "fields": "id"}).json()["values"][0]
        api.put(
            "/timesheet/month/:approve", params={"employeeIds": employee["id"], "monthYear": "2026-10"}
        ).raise_for_status()

    def failed(host_id: str) -> tuple[HoursCheck | None, str | None]:
        diagnosis = diagnose_hours(env.db, env.settings, env.connection_id, host_id)
        check = diagnosis.failed_check
        if check is None:
            return None, None
        assert check.message is not None and check.message.fix_nb
        assert isinstance(check.check, HoursCheck)
        return check.check, check.message.id

    assert failed("missing") == (HoursCheck.IN_STORE, "hours_not_found")
    assert failed("gone") == (HoursCheck.IN_STORE, "hours_deleted_in_host")
    assert failed("no-employee") == (HoursCheck.EMPLOYEE, "hours_employee_not_found")
    assert failed("no-project") == (HoursCheck.PROJECT, "hours_project_not_found")
    assert failed("bad-activity") == (HoursCheck.ACTIVITY, "hours_activity_not_on_project")
    assert failed("locked") == (HoursCheck.MONTH_OPEN, "hours_month_locked")
    ok = diagnose_hours(env.db, env.settings, env.connection_id, "ok")
    assert ok.outcome is Outcome.NO_FAULT_FOUND
    assert all(c.status is CheckStatus.PASSED for c in ok.checks)
    assert ok.to_dict()["checks"][7]["name"] == "integration_state"


def test_txbridge_diagnose_hours(env: Env) -> None:
    import_data(env.db, env.connection_id, {"hours": [hour("no-employee", employeeNumber="999")]})
    secret = env.settings.secret_key
    assert secret is not None
    variables = {
        "TXBRIDGE_DATABASE_URL": env.settings.database_url,
        "TXBRIDGE_SECRET_KEY": secret.get_secret_value(),
        "COLUMNS": "200",
    }
    result = CliRunner().invoke(app, ["diagnose", "hours", "no-employee"], env=variables)
    assert result.exit_code == 1, result.output
    assert "ansatt 999 finnes ikke i Tripletex" in result.output and "Finnes den ansatte" in result.output
    result = CliRunner().invoke(app, ["diagnose", "hours", "no-employee", "--json"], env=variables)
    assert json.loads(result.output)["checks"][3]["status"] == "failed"
