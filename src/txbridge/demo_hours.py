"""The demo's hours: a small team's October in Tripletex, from a time-tracking host (Svenn).

Five employees and four projects are made in the demo company; 110 approved hours and four bad ones
are imported, closed into an hours batch and exported; the troubleshooter explains each bad one.
Then the host changes one exported hour, deletes another and changes a third whose month the
approver has meanwhile approved in Tripletex: a second batch updates, deletes, and refuses the
third saying what to do."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import httpx

from txbridge.cli.ui import Out
from txbridge.flows.diagnose.hours import HoursDiagnosis, diagnose_hours
from txbridge.flows.export import ExportResult, export_batch
from txbridge.flows.hours.batches import close_hours_batch
from txbridge.flows.intake import import_data
from txbridge.flows.views.messages import posting_message
from txbridge.samples.hours import hours_items, make_team
from txbridge.settings import Settings
from txbridge.store import Database

PERIOD = "2026-10"
#: The deliberate defects and what the troubleshooter must say about each.
DEFECTS = {
    "svenn-feil-ansatt": "hours_employee_not_found",
    "svenn-feil-aktivitet": "hours_activity_not_on_project",
    "svenn-dobbel": "hours_same_key",
    "svenn-over-24": "hours_over_24",
}


@dataclass
class HoursDemoResult:
    exported: ExportResult
    corrected: ExportResult
    diagnoses: dict[str, HoursDiagnosis] = field(default_factory=dict)
    #: Entries in Tripletex per host hour (by marker), after both batches.
    entries_per_hour: dict[str, int] = field(default_factory=dict)

    @property
    def exported_once(self) -> bool:
        return bool(self.entries_per_hour) and all(n == 1 for n in self.entries_per_hour.values())


def run_hours_demo(
    out: Out, database: Database, settings: Settings, connection_id: int, api: httpx.Client
) -> HoursDemoResult:
    out.rule("[bold]" + out.t("Timer fra Svenn", "Hours from Svenn"))
    team = make_team(api, employees=5, projects=4, start=date(2026, 1, 1))
    good = hours_items(team, count=110, start=date(2026, 10, 1))
    first = good[0]
    # Another project and activity for the same employee and day: together over 24 hours.
    other = next(
        (p, a)
        for p in team.project_numbers
        for a in team.projects[p]
        if (p, a) != (first["projectNumber"], first["activityNumber"])
    )
    bad = [
        {**first, "id": "svenn-feil-ansatt", "employeeNumber": "199", "date": "2026-10-30"},
        {**first, "id": "svenn-feil-aktivitet", "projectNumber": "1003", "activityNumber": "11"},
        {**first, "id": "svenn-dobbel"},
        {
            **first,
            "id": "svenn-over-24",
            "projectNumber": other[0],
            "activityNumber": other[1],
            "hours": "24",
        },
    ]
    imported = import_data(database, connection_id, {"hours": good + bad})
    closed = close_hours_batch(database, connection_id, PERIOD)
    assert closed.batch_id is not None
    exported = export_batch(database, settings, closed.batch_id)
    out.print(
        out.t(
            f"Importert {imported.counts['hours'].created} timer; bunt {closed.batch_id}: "
            f"{exported.exported} eksportert, {exported.failed} feilet ({exported.api_calls} API-kall)",
            f"Imported {imported.counts['hours'].created} hours; batch {closed.batch_id}: "
            f"{exported.exported} exported, {exported.failed} failed ({exported.api_calls} API calls)",
        )
    )
    diagnoses = {
        f.subject_key: diagnose_hours(database, settings, connection_id, f.subject_key)
        for f in exported.failures
    }
    for host_id, diagnosis in diagnoses.items():
        if diagnosis.answer is not None:
            out.print(f"  [bold]{host_id}[/]: {out.text(diagnosis.answer)}")
            out.print(f"    → {out.fix(diagnosis.answer)}")

    # After the export: the host changes one hour, deletes one, and changes one in a month the
    # approver has approved in Tripletex meanwhile.
    changed, deleted, locked = good[1], good[2], good[4]
    number = team.employees[4][0]  # good[4] is the fifth employee's first day
    employee = api.get("/employee", params={"employeeNumber": number, "fields": "id"}).json()["values"][0][
        "id"
    ]
    api.put(
        "/timesheet/month/:approve", params={"employeeIds": employee, "monthYear": PERIOD}
    ).raise_for_status()
    import_data(
        database,
        connection_id,
        {
            "hours": [
                {**changed, "hours": "4", "comment": "Rettet i Svenn"},
                {**deleted, "deleted": True},
                {**locked, "hours": "2"},
            ]
        },
    )
    second = close_hours_batch(database, connection_id, PERIOD)
    assert second.batch_id is not None
    corrected = export_batch(database, settings, second.batch_id)
    out.print(
        out.t(
            f"Rettinger i bunt {second.batch_id}: {corrected.exported} sendt (endret/slettet), "
            f"{corrected.failed} stoppet",
            f"Corrections in batch {second.batch_id}: {corrected.exported} sent (changed/deleted), "
            f"{corrected.failed} stopped",
        )
    )
    for failure in corrected.failures:
        diagnosis = diagnose_hours(database, settings, connection_id, failure.subject_key)
        diagnoses[failure.subject_key] = diagnosis
        # The item stores «bokmål / English»: shown as the catalog message, in the demo's language.
        message = posting_message(failure.error_id, failure.message)
        if message is not None:
            out.print(f"  [bold]{failure.subject_key}[/]: {out.text(message)}")
            out.print(f"    → {out.fix(message, second.batch_id)}")
    entries = api.get(
        "/timesheet/entry",
        params={
            "dateFrom": "2026-10-01",
            "dateTo": "2026-11-01",
            "comment": "[TXB-H",
            "count": 10000,
            "fields": "comment",
        },
    ).json()["values"]
    counts: dict[str, int] = {}
    for entry in entries:
        mark = entry["comment"].rsplit("[TXB-H", 1)[1].split("-")[0]
        counts[mark] = counts.get(mark, 0) + 1
    return HoursDemoResult(exported, corrected, diagnoses, counts)
