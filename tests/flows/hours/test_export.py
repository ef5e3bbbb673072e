"""Hours exported end to end over the sandbox (real HTTP), on SQLite and PostgreSQL: few calls,
each bad hour failing alone with the catalog's message, and corrections after the export — an
update with version, a delete, and a change in an approved month that fails saying what to do."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.sandbox import SandboxCompany
from tests.flows.export.conftest import Env, connect_env, make_settings
from txbridge.flows.export import export_batch
from txbridge.flows.hours.batches import close_hours_batch
from txbridge.flows.intake import import_data
from txbridge.samples.hours import Team, hours_items, make_team
from txbridge.store import BatchItem, Database, HoursEntry, HoursState, ItemStatus


@pytest.fixture
def env(database_url: str, tmp_path: Path, sandbox_company: SandboxCompany) -> Iterator[Env]:
    settings = make_settings(database_url, tmp_path)
    db = Database(settings)
    yield connect_env(db, settings, sandbox_company)
    db.dispose()


@pytest.fixture
def team(env: Env) -> Team:
    with env.api() as api:
        return make_team(api, employees=5, projects=4, start=date(2026, 1, 1))


def sandbox_entries(env: Env) -> list[dict[str, Any]]:
    with env.api() as api:
        response = api.get(
            "/timesheet/entry",
            params={
                "dateFrom": "2026-01-01",
                "dateTo": "2027-01-01",
                "count": 10000,
                "fields": "id,version,date,hours,comment,employee(id),project(id),activity(id)",
            },
        )
        response.raise_for_status()
        values: list[dict[str, Any]] = response.json()["values"]
        return values


def items(env: Env, batch_id: int) -> dict[str, BatchItem]:
    with env.db.transaction() as session:
        return {i.subject_key: i for i in session.query(BatchItem).filter(BatchItem.batch_id == batch_id)}


def test_a_month_of_hours_goes_once_with_its_defects_named(env: Env, team: Team) -> None:
    good = hours_items(team, count=60, start=date(2026, 10, 1))
    first = good[0]
    bad = [
        {**first, "id": "bad-employee", "employeeNumber": "999", "date": "2026-10-20"},
        {
            **first,
            "id": "bad-activity",
            "projectNumber": "1003",
            "activityNumber": "11",
            "date": "2026-10-21",
        },
        {**first, "id": "bad-samekey"},  # same employee, date, activity and project as svenn-1
        {
            **first,
            "id": "bad-24",
            "date": "2026-10-22",
            "hours": "20",
            "activityNumber": "10",
            "projectNumber": "1001",
        },
        {
            **first,
            "id": "bad-24b",
            "date": "2026-10-22",
            "hours": "5",
            "activityNumber": "12",
            "projectNumber": "1001",
        },
    ]
    report = import_data(env.db, env.connection_id, {"hours": good + bad})
    assert report.all_accepted, report.rejections
    closed = close_hours_batch(env.db, env.connection_id, "2026-10")
    assert closed.batch_id is not None
    result = export_batch(env.db, env.settings, closed.batch_id)
    assert result.stopped is None
    assert (result.exported, result.failed) == (61, 4)
    # 3 listings, >forTimeSheet per project, 1 POST per 100 entries.
    assert result.api_calls <= 3 + 4 + 1 + 1
    failed = {k: i.error_id for k, i in items(env, closed.batch_id).items() if i.status is ItemStatus.FAILED}
    assert failed == {
        "bad-employee": "hours_employee_not_found",
        "bad-activity": "hours_activity_not_on_project",
        "bad-samekey": "hours_same_key",
        "bad-24b": "hours_over_24",
    }
    markers = [e["comment"].rsplit("[", 1)[1] for e in sandbox_entries(env)]
    assert len(markers) == len(set(markers)) == result.exported

    # Exporting again sends nothing.
    again = export_batch(env.db, env.settings, closed.batch_id)
    assert again.api_calls <= 1 and len(sandbox_entries(env)) == result.exported


def test_corrections_update_delete_and_stop_at_an_approved_month(env: Env, team: Team) -> None:
    hours = hours_items(team, count=10, start=date(2026, 10, 1))
    import_data(env.db, env.connection_id, {"hours": hours})
    first = close_hours_batch(env.db, env.connection_id, "2026-10")
    assert first.batch_id is not None
    assert export_batch(env.db, env.settings, first.batch_id).exported == 10

    changed = {**hours[0], "hours": "3.5", "comment": "Flyttet"}
    deleted = {**hours[1], "deleted": True}
    locked = {**hours[2], "hours": "1"}
    report = import_data(env.db, env.connection_id, {"hours": [changed, deleted, locked]})
    assert report.counts["hours"].updated == 3
    # The employee of hours[2] (the third employee's first day) has October approved in Tripletex.
    with env.api() as api:
        employee = api.get("/employee", params={"employeeNumber": team.employees[2][0], "fields": "id"})
        approve = {"employeeIds": employee.json()["values"][0]["id"], "monthYear": "2026-10"}
        api.put("/timesheet/month/:approve", params=approve).raise_for_status()

    second = close_hours_batch(env.db, env.connection_id, "2026-10")
    assert second.batch_id is not None and second.corrections == 3 and second.new == 0
    result = export_batch(env.db, env.settings, second.batch_id)
    outcome = {k: (i.status, i.error_id) for k, i in items(env, second.batch_id).items()}
    assert outcome[hours[0]["id"]] == (ItemStatus.EXPORTED, None)
    assert outcome[hours[1]["id"]] == (ItemStatus.EXPORTED, None)
    assert outcome[hours[2]["id"]] == (ItemStatus.FAILED, "hours_correction_locked")
    assert result.failed == 1
    after = sandbox_entries(env)
    assert len(after) == 9
    moved = next(e for e in after if e["comment"].startswith("Flyttet"))
    assert moved["hours"] == 3.5
    with env.db.transaction() as session:
        states = {e.host_id: e.state for e in session.query(HoursEntry)}
    assert (states[hours[0]["id"]], states[hours[1]["id"]], states[hours[2]["id"]]) == (
        HoursState.EXPORTED,
        HoursState.GONE,
        HoursState.CHANGED,
    )
