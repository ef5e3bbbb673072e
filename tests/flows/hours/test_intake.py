"""Hours through the intake: the Python API, JSON and CSV files — the same rules as every kind, and an
hour's state towards Tripletex after a change or a delete in the host."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from typer.testing import CliRunner

import txbridge.cli.intake  # noqa: F401  (registers the command)
from txbridge.cli import app
from txbridge.flows.hours.entries import settle_exported
from txbridge.flows.intake import import_data, import_file
from txbridge.store import Database, HoursEntry, HoursState, IntegrationReference, ReferenceKind


def hour(host_id: str = "s-1", **overrides: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": host_id,
        "employeeNumber": "101",
        "projectNumber": "P-10",
        "activityNumber": "30",
        "date": "2026-10-05",
        "hours": "7.5",
        "comment": "Grunnmur",
    }
    item.update(overrides)
    return {key: value for key, value in item.items() if value is not None}


def entries(database: Database) -> dict[str, HoursEntry]:
    with database.transaction() as session:
        return {entry.host_id: entry for entry in session.scalars(select(HoursEntry))}


def test_hours_are_stored_exactly_and_bad_ones_named(database: Database, connection_id: int) -> None:
    report = import_data(
        database,
        connection_id,
        {
            "hours": [
                hour("s-1", hours="7,25"),
                hour(
                    "s-2",
                    employeeNumber=None,
                    employeeEmail="kari@example.no",
                    activityNumber=None,
                    activityName="Montasje",
                    projectNumber=None,
                ),
                hour("s-3", hours="24,5"),
                hour("s-4", employeeNumber=None),
                hour("s-5", activityNumber=None),
                hour("s-6", date="05/10/2026"),
                hour("s-7", hours="0,125"),
                hour("s-1", hours=2),
            ]
        },
    )
    counts = report.counts["hours"]
    assert (counts.created, counts.rejected) == (1, 7)
    by_item = {r.item: (r.field, r.message.id) for r in report.rejections_of("hours")}
    assert by_item == {
        "hours[2] s-3": ("hours", "intake_value_too_large"),
        "hours[3] s-4": (None, "hours_employee_missing"),
        "hours[4] s-5": (None, "hours_activity_missing"),
        "hours[5] s-6": ("date", "intake_date_ambiguous"),
        "hours[6] s-7": ("hours", "intake_too_many_decimals"),
        "hours[0] s-1": (None, "intake_duplicate_in_file"),
        "hours[7] s-1": (None, "intake_duplicate_in_file"),
    }
    stored = entries(database)["s-2"]
    assert (stored.employee_email, stored.activity_name, stored.project_number) == (
        "kari@example.no",
        "Montasje",
        None,
    )
    assert stored.hours == Decimal("7.50") and stored.state is HoursState.READY


def test_csv_of_hours_reads_norwegian_dates_and_decimals(
    database: Database, connection_id: int, tmp_path: Path
) -> None:
    path = tmp_path / "timer.csv"
    path.write_bytes(
        "id;employeeNumber;projectNumber;activityName;date;hours;comment\n"
        "s-1;101;P-10;Montasje;05.10.2026;7,5;Grunnmur – støp\n"
        "s-2;101;P-10;Montasje;06.10.2026;tre;\n".encode("cp1252")
    )
    report = import_file(database, connection_id, path)
    assert report.counts["hours"].created == 1
    (rejection,) = report.rejections_of("hours")
    assert (rejection.field, rejection.rows, rejection.message.id) == ("hours", (3,), "intake_number_invalid")
    assert "hours (rad 3)" in rejection.message.nb
    stored = entries(database)["s-1"]
    assert (stored.comment, stored.hours, str(stored.work_date)) == (
        "Grunnmur – støp",
        Decimal("7.50"),
        "2026-10-05",
    )


def test_change_and_delete_after_export_become_corrections(database: Database, connection_id: int) -> None:
    import_data(database, connection_id, {"hours": [hour("s-1"), hour("s-2"), hour("s-3")]})
    with database.transaction() as session:
        for entry in session.scalars(select(HoursEntry).where(HoursEntry.host_id.in_(["s-1", "s-2"]))):
            session.add(
                IntegrationReference(
                    connection_id=connection_id,
                    kind=ReferenceKind.TIMESHEET_ENTRY,
                    local_id=entry.id,
                    local_number=entry.host_id,
                    tripletex_id=9000 + entry.id,
                )
            )
        settle_exported(session, connection_id)
    assert {e.host_id: e.state for e in entries(database).values()} == {
        "s-1": HoursState.EXPORTED,
        "s-2": HoursState.EXPORTED,
        "s-3": HoursState.READY,
    }
    report = import_data(
        database,
        connection_id,
        {"hours": [hour("s-1", hours="8"), hour("s-2", deleted=True), hour("s-3", deleted="ja")]},
    )
    assert report.counts["hours"].updated == 3
    assert {e.host_id: e.state for e in entries(database).values()} == {
        "s-1": HoursState.CHANGED,
        "s-2": HoursState.DELETED,
        "s-3": HoursState.GONE,  # never in Tripletex: nothing to delete there
    }
    # Changed back to what Tripletex has: nothing left to correct.
    report = import_data(database, connection_id, {"hours": [hour("s-1", hours="7.50")]})
    assert report.counts["hours"].updated == 1
    assert entries(database)["s-1"].state is HoursState.EXPORTED
    again = import_data(database, connection_id, {"hours": [hour("s-1", hours="7.5")]})
    assert again.counts["hours"].unchanged == 1


def test_txbridge_import_takes_a_csv_of_hours(
    tmp_path: Path, database: Database, database_url: str, connection_id: int
) -> None:
    path = tmp_path / "timer.csv"
    path.write_text(
        'id,employeeEmail,activityName,date,hours\ns-1,kari@example.no,Administrasjon,02.11.2026,"7,5"\n'
        "s-2,kari@example.no,,03.11.2026,8\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        app, ["import", str(path)], env={"TXBRIDGE_DATABASE_URL": database_url, "COLUMNS": "200"}
    )
    assert result.exit_code == 1, result.output
    assert "Timer" in result.output and "hours[1] s-2" in result.output
    assert "mangler aktivitet" in result.output
    assert entries(database)["s-1"].hours == Decimal("7.50")


def test_the_hosts_own_employee_and_project_ids_are_kept(database: Database, connection_id: int) -> None:
    linked_only = hour(
        "s-1", employeeNumber=None, projectNumber=None, employeeId="emp-7f3a", projectId="prj-1"
    )
    nobody = hour("s-2", employeeNumber=None)
    report = import_data(database, connection_id, {"hours": [linked_only, nobody]})
    assert report.counts["hours"].created == 1
    assert [r.message.id for r in report.rejections] == ["hours_employee_missing"]
    stored = entries(database)["s-1"]
    assert (stored.employee_host_id, stored.employee_number, stored.project_host_id) == (
        "emp-7f3a",
        None,
        "prj-1",
    )
    assert import_data(database, connection_id, {"hours": [linked_only]}).counts["hours"].unchanged == 1
