"""Timesheet entries: search (date range required), get, create/update (one and `/list`), delete,
and `>totalHours`.

The rules Tripletex applies to an entry:
- employee, activity, date and hours are required; hours lie in [0, 24];
- an employee's hours on one day add up to at most 24;
- a project activity needs a project, a general activity may not have one;
- the activity must be usable on the project: one the project lists among its activities (a project
  that lists none takes every project activity, as the sandbox's projects made without activities
  do), and not disabled;
- the project must be open and the date within its start and end date;
- a project for participants only (``forParticipantsOnly``) takes hours of its participants and
  manager only;
- one entry per employee, date, activity and project: a second one is a conflict (409/14000) — update
  the existing entry instead;
- chargeable follows the activity; the hourly rate is the activity's.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Query, Response

from txbridge.sandbox import crud, errors
from txbridge.sandbox.context import (
    Ctx,
    CtxDep,
    TxJSONResponse,
    id_list,
    in_range,
    parse_date_param,
    parse_date_range,
)
from txbridge.sandbox.resources.activity import participant_ids, project_activity_ids
from txbridge.sandbox.resources.timesheet_month import check_entry_unlocked
from txbridge.sandbox.state import Row

router = APIRouter()
SCHEMA = "TimesheetEntry"
MAX_HOURS_PER_DAY = 24


def _day(value: object) -> date:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise errors.validation(
            "date", "Ugyldig dato (YYYY-MM-DD). Invalid date.", errors.VALUE_VALIDATION
        ) from None


def _ref_id(row: Row, key: str) -> int | None:
    value = row.get(key)
    return value.get("id") if isinstance(value, dict) else None


_DAY_INDEX = "_timesheetDays"  # company.extra: (employee id, date) -> entry ids (a superset)


def _day_index(ctx: Ctx) -> dict[tuple[int | None, str], set[int]]:
    """Entries by employee and day, so the per-day rules do not read every entry of the company. It
    may hold ids of entries since deleted, moved or rolled back: readers check each row."""
    index: dict[tuple[int | None, str], set[int]] | None = ctx.company.extra.get(_DAY_INDEX)
    if index is None:
        index = {}
        for row in ctx.company.table(SCHEMA).values():
            index.setdefault((_ref_id(row, "employee"), str(row.get("date"))), set()).add(row["id"])
        ctx.company.extra[_DAY_INDEX] = index
    return index


def _index(ctx: Ctx, row: Row) -> None:
    _day_index(ctx).setdefault((_ref_id(row, "employee"), str(row.get("date"))), set()).add(row["id"])


def _same_day(ctx: Ctx, employee_id: int | None, day: str) -> list[Row]:
    table = ctx.company.table(SCHEMA)
    rows = (table.get(i) for i in sorted(_day_index(ctx).get((employee_id, day), ())))
    return [
        r for r in rows if r is not None and _ref_id(r, "employee") == employee_id and r.get("date") == day
    ]


def _check(ctx: Ctx, row: Row, own_id: int | None) -> None:
    crud.require(row, ("employee.id", "activity.id", "date", "hours"))
    ctx.ref("Employee", row.get("employee"), "employee.id")
    activity = ctx.ref("Activity", row.get("activity"), "activity.id")
    project = ctx.ref("Project", row.get("project"), "project.id")
    assert activity is not None
    day = _day(row["date"])
    hours = float(row["hours"])
    if not 0 <= hours <= MAX_HOURS_PER_DAY:
        raise errors.validation("hours", "Timer må være mellom 0 og 24. Hours must be between 0 and 24.")
    if activity.get("isProjectActivity") and project is None:
        raise errors.validation(
            "project.id",
            "Aktiviteten krever et prosjekt. The activity is a project activity and needs a project.",
        )
    if not activity.get("isProjectActivity") and project is not None:
        raise errors.validation(
            "activity.id",
            "Aktiviteten kan ikke føres på prosjekt. "
            "The activity is a general activity and cannot be on a project.",
        )
    if activity.get("isDisabled"):
        raise errors.validation("activity.id", "Aktiviteten er deaktivert. The activity is disabled.")
    if project is not None and activity.get("isProjectActivity"):
        usable = project_activity_ids(ctx, project)
        if usable and activity["id"] not in usable:
            # Tripletex's shape (422, 18000, a validation message on ``activity``); its exact wording
            # for this case is not in the public material, so the text is the sandbox's own.
            raise errors.validation(
                "activity",
                "Aktiviteten er ikke knyttet til prosjektet. The activity is not linked to the project.",
            )
    if project is not None:
        if project.get("isClosed"):
            raise errors.validation("project.id", "Prosjektet er avsluttet. The project is closed.")
        if project.get("forParticipantsOnly") and _ref_id(row, "employee") not in participant_ids(
            ctx, project
        ):
            # Wording not public either: the sandbox's own, after Tripletex's help text.
            raise errors.validation(
                "employee",
                "Kun prosjektdeltagere kan registrere timer på prosjektet. "
                "Only project participants can register hours on the project.",
            )
        start, end = project.get("startDate"), project.get("endDate")
        if (start and day < _day(start)) or (end and day > _day(end)):
            raise errors.validation(
                "date", "Datoen er utenfor prosjektets periode. The date is outside the project's period."
            )
    employee_id, activity_id, project_id = (
        _ref_id(row, "employee"),
        _ref_id(row, "activity"),
        _ref_id(row, "project"),
    )
    day_total = hours
    for other in _same_day(ctx, employee_id, day.isoformat()):
        if other["id"] == own_id:
            continue
        if _ref_id(other, "activity") == activity_id and _ref_id(other, "project") == project_id:
            raise errors.TripletexError(
                409,
                14000,
                "Det finnes allerede en timeføring for denne ansatte, dagen, aktiviteten og prosjektet. "
                "An entry for this employee, date, activity and project already exists.",
                f"Duplicate timesheet entry: existing id {other['id']}",
            )
        day_total += float(other.get("hours") or 0)
    if day_total > MAX_HOURS_PER_DAY:
        raise errors.validation(
            "hours",
            f"Summen av timer på {day.isoformat()} overstiger 24. The hours on {day.isoformat()} exceed 24.",
        )
    row["date"] = day.isoformat()
    check_entry_unlocked(ctx, row)  # an approved month locks its entries


def _derive(ctx: Ctx, row: Row) -> None:
    """Read-only fields Tripletex computes from the activity."""
    activity = ctx.get("Activity", row["activity"]["id"])
    chargeable = bool(activity.get("isChargeable")) and row.get("project") is not None
    row["chargeable"] = chargeable
    row["chargeableHours"] = row["hours"] if chargeable else 0
    row["hourlyRate"] = activity.get("rate", 0) if chargeable else 0
    row["locked"] = False


def _create(ctx: Ctx, body: Row) -> Row:
    row: Row = {"comment": "", **body}
    _check(ctx, row, None)
    row = ctx.insert(SCHEMA, row)
    _index(ctx, row)
    _derive(ctx, row)
    return row


def _update(ctx: Ctx, object_id: int, body: Row) -> Row:
    row = ctx.get(SCHEMA, object_id)
    check_entry_unlocked(ctx, row)
    merged = {**row, **body}
    _check(ctx, merged, object_id)
    body["date"] = merged["date"]
    ctx.update(SCHEMA, row, body)
    _index(ctx, row)
    _derive(ctx, row)
    return row


# Tripletex sends no webhook events for timesheet entries.
ENTRIES = crud.Resource(SCHEMA, _create, _update)


@router.get("/timesheet/entry")
async def search(
    ctx: CtxDep,
    dateFrom: str | None = None,
    dateTo: str | None = None,
    id: str | None = None,
    employeeId: str | None = None,
    projectId: str | None = None,
    activityId: str | None = None,
    comment: str | None = None,
) -> Response:
    start, end = parse_date_range(dateFrom, dateTo, "dateFrom", "dateTo")
    ids, employees, projects, activities = (
        id_list(id),
        id_list(employeeId),
        id_list(projectId),
        id_list(activityId),
    )
    rows = [
        r
        for r in ctx.company.table(SCHEMA).values()
        if in_range(r.get("date"), start, end)
        and (ids is None or r["id"] in ids)
        and (employees is None or _ref_id(r, "employee") in employees)
        and (projects is None or _ref_id(r, "project") in projects)
        and (activities is None or _ref_id(r, "activity") in activities)
        and (comment is None or comment.lower() in str(r.get("comment", "")).lower())
    ]
    rows.sort(key=lambda r: (r["date"], r["id"]))
    return ctx.listing(rows, SCHEMA)


@router.get("/timesheet/entry/>totalHours")
async def total_hours(
    ctx: CtxDep, employeeId: int | None = None, startDate: str | None = None, endDate: str | None = None
) -> Response:
    """Sum of hours for an employee (default: the caller) from startDate up to, not including, endDate."""
    employee = employeeId if employeeId is not None else ctx.session.employee_id
    start = parse_date_param(startDate, "startDate")
    end = parse_date_param(endDate, "endDate")
    total = sum(
        float(r.get("hours") or 0)
        for r in ctx.company.table(SCHEMA).values()
        if _ref_id(r, "employee") == employee and in_range(r.get("date"), start, end)
    )
    return TxJSONResponse({"value": total})


@router.post("/timesheet/entry")
async def create(ctx: CtxDep) -> Response:
    return await ENTRIES.create_one(ctx)


@router.post("/timesheet/entry/list")
async def create_list(ctx: CtxDep) -> Response:
    return await ENTRIES.create_list(ctx)


@router.put("/timesheet/entry/list")
async def update_list(ctx: CtxDep) -> Response:
    return await ENTRIES.update_list(ctx)


@router.get("/timesheet/entry/{id}")
async def get(id: int, ctx: CtxDep) -> Response:
    return ENTRIES.get_one(ctx, id)


@router.put("/timesheet/entry/{id}")
async def update(id: int, ctx: CtxDep) -> Response:
    return await ENTRIES.update_one(ctx, id)


@router.delete("/timesheet/entry/{id}")
async def delete(id: int, ctx: CtxDep, version: int | None = Query(None)) -> Response:
    with ctx.state.lock:
        row = ctx.get(SCHEMA, id)
        check_entry_unlocked(ctx, row)
        if version is not None and version != row["version"]:
            raise errors.stale_version(SCHEMA, id, version, row["version"])
        del ctx.company.table(SCHEMA)[id]
    return Response(status_code=204)
