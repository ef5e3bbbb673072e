"""The calls the hours export makes to Tripletex, and what Tripletex's refusals mean for one hour.

Reads per export: employees, projects and activities once each (paged), and ``>forTimeSheet`` once
per project the hours name. Writes: ``POST /timesheet/entry/list`` for new entries (one call per
chunk), ``PUT /timesheet/entry/{id}`` with ``version`` for a changed hour and ``DELETE`` with
``version`` for a deleted one. After an unknown outcome: one search of the chunk's date window and
employees for comments holding the marker prefix."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from txbridge.catalog import Bilingual, Message, render
from txbridge.flows.hours.mapping import (
    ACTIVITY_FIELDS,
    EMPLOYEE_FIELDS,
    NO_LINKS,
    PROJECT_FIELDS,
    Directory,
    Links,
    Resolved,
    build_directory,
    employee_label,
    projects_needed,
)
from txbridge.flows.hours.marker import PREFIX, markers_in, with_marker
from txbridge.store import HoursEntry
from txbridge.tripletex import APIStatusError, NotFoundError, Tripletex
from txbridge.tripletex.models import TimesheetEntry

#: Entries per ``POST /timesheet/entry/list`` (Tripletex documents no limit; 100 keeps a refused
#: chunk's bisection short and one answer small).
MAX_CHUNK = 100
ENTRY_FIELDS = "id,version,date,hours,comment,employee(id),project(id),activity(id)"
#: Words of Tripletex's answer for an approved (locked) month, bokmål and English.
_LOCKED_WORDS = ("godkjent", "låst", "approved", "locked")


def read_directory(client: Tripletex, entries: Iterable[HoursEntry], links: Links = NO_LINKS) -> Directory:
    """Tripletex's employees, projects and activities, and the activities usable on each project
    the hours name."""
    directory = build_directory(
        client.employees.iter(fields=EMPLOYEE_FIELDS),
        client.projects.iter(fields=PROJECT_FIELDS),
        client.activities.iter(fields=ACTIVITY_FIELDS),
        links,
    )
    for project_id in sorted(projects_needed(entries, directory)):
        found = client.request(
            "GET", "/activity/>forTimeSheet", params={"projectId": project_id, "fields": "id", "count": 10000}
        )
        offered = frozenset(int(row["id"]) for row in found.get("values", []))
        # Asked for the token's owner and today (one call per project, not per employee and day):
        # none offered says the project is closed to them today, not which activities it has. Then
        # the project's dates are checked here and Tripletex judges each hour at the write.
        if offered:
            directory.usable[project_id] = offered
    return directory


def entry_body(entry: HoursEntry, resolved: Resolved, mark: str) -> dict[str, Any]:
    """A timesheet entry as Tripletex takes it; the marker ends the comment."""
    body: dict[str, Any] = {
        "employee": {"id": resolved.employee_id},
        "activity": {"id": resolved.activity_id},
        "date": entry.work_date.isoformat(),
        "hours": str(entry.hours),
        "comment": with_marker(entry.comment, mark),
    }
    if resolved.project_id is not None:
        body["project"] = {"id": resolved.project_id}
    return body


def create_entries(client: Tripletex, bodies: Sequence[Mapping[str, Any]]) -> list[TimesheetEntry]:
    """One ``POST /timesheet/entry/list``; the answers in the order sent."""
    return client.timesheet_entries.create_many(list(bodies), chunk=len(bodies) or 1)


def find_marked(
    client: Tripletex, employee_ids: Iterable[int] | None, days: Iterable[date]
) -> dict[str, TimesheetEntry]:
    """Entries carrying an hours marker in the window of these days, by marker; only these employees'
    when given (a run that has not read the directory yet looks at all employees)."""
    window = sorted(days)
    employees = None if employee_ids is None else sorted(set(employee_ids))
    if not window or employees == []:
        return {}
    search: dict[str, Any] = {
        "dateFrom": window[0].isoformat(),
        "dateTo": (window[-1] + timedelta(days=1)).isoformat(),
        "comment": PREFIX,
    }
    if employees:
        search["employeeId"] = ",".join(str(e) for e in employees)
    found: dict[str, TimesheetEntry] = {}
    for entry in client.timesheet_entries.iter(fields=ENTRY_FIELDS, **search):
        for mark in markers_in(entry.comment):
            found.setdefault(mark, entry)
    return found


def update_entry(
    client: Tripletex, tripletex_id: int, version: int | None, body: Mapping[str, Any]
) -> TimesheetEntry:
    """``PUT /timesheet/entry/{id}`` with the version the export last saw (409 if it moved on)."""
    return client.timesheet_entries.update(dict(body), id=tripletex_id, version=version)


def delete_entry(client: Tripletex, tripletex_id: int, version: int | None) -> None:
    """``DELETE /timesheet/entry/{id}``; an entry already gone is what was wanted."""
    params = {"version": version} if version is not None else None
    try:
        client.request("DELETE", f"/timesheet/entry/{tripletex_id}", params=params)
    except NotFoundError:
        return


def is_locked_month(exc: APIStatusError) -> bool:
    """Tripletex's refusal of a change in an approved month: 400 (or 422) naming it approved/locked."""
    if exc.status not in (400, 422):
        return False
    text = " ".join(
        [exc.message or "", exc.developer_message or ""] + [str(v) for v in exc.validation_messages]
    )
    return any(word in text.lower() for word in _LOCKED_WORDS)


def refusal(entry: HoursEntry, exc: APIStatusError) -> Message:
    """What Tripletex's refusal of one hour means, as the catalog says it."""
    hours, employee, day = entry.host_id, employee_label(entry), entry.work_date.isoformat()
    if is_locked_month(exc):
        return render("hours_month_locked", hours=hours, employee=employee, month=day[:7])
    if exc.status == 409 and exc.code == 14000:
        return render("hours_entry_exists", hours=hours, employee=employee, date=day)
    fields = {v.field for v in exc.validation_messages}
    if exc.status == 422 and "activity" in fields:
        activity = entry.activity_number or entry.activity_name or "?"
        return render(
            "hours_activity_not_on_project",
            hours=hours,
            activity=activity,
            project=entry.project_number or "-",
        )
    if exc.status == 422 and "hours" in fields and "24" in " ".join(str(v) for v in exc.validation_messages):
        return render("hours_over_24", hours=hours, employee=employee, date=day)
    reason = "; ".join(p for p in [exc.message, *(str(v) for v in exc.validation_messages)] if p)
    return render("hours_rejected", hours=hours, reason=Bilingual(reason, reason))
