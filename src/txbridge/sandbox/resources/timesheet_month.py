"""Monthly timesheet status (``/timesheet/month``): get, by month number (one or a list of months),
and the four transitions ``:complete``, ``:approve``, ``:reopen``, ``:unapprove``.

A month moves open → completed (the employee delivers it) → approved (the approver locks it).
Approving also completes; ``:unapprove`` takes an approved month back to completed; ``:reopen`` takes a
completed month back to open and is refused for an approved one (unapprove first). An approved month
locks its entries up to ``approvedUntilDate`` (the end of the month unless given): creating, changing
or deleting one is refused with 400/4000 and a text saying the timesheet is approved and locked,
which is how Tripletex answers (integrators' public code recognises a locked period by status 400 and
the words «godkjent»/«låst», «approved»/«locked»).

Transitions take ``id`` (a month status id) or ``employeeIds`` (default: the token's owner) with
``monthYear`` (``2020-01``; ``2020-01-01`` is accepted as well) and answer the changed months.
"""

from __future__ import annotations

import calendar
from datetime import date

from fastapi import APIRouter, Response

from txbridge.sandbox import errors
from txbridge.sandbox.accounting import ref_id
from txbridge.sandbox.context import Ctx, CtxDep, id_list, parse_date_param
from txbridge.sandbox.state import Row

router = APIRouter()
SCHEMA = "MonthlyStatus"
ENTRY = "TimesheetEntry"
_INDEX = "_monthIndex"  # company.extra: (employee id, "YYYY-MM") -> month status id


def _month(text: str, where: str) -> str:
    """``YYYY-MM`` from ``2020-01`` or ``2020-01-01``."""
    try:
        parsed = date.fromisoformat(text.strip()[:7] + "-01")
    except ValueError:
        raise errors.validation(where, "Ugyldig måned (YYYY-MM). Invalid month.", errors.PARAM) from None
    return parsed.isoformat()[:7]


def _last_day(month: str) -> date:
    year, number = int(month[:4]), int(month[5:7])
    return date(year, number, calendar.monthrange(year, number)[1])


def _status(ctx: Ctx, employee_id: int, month: str) -> Row:
    """The month's status row for the employee, made (open) on first use."""
    index: dict[tuple[int, str], int] = ctx.company.extra.setdefault(_INDEX, {})
    found = index.get((employee_id, month))
    if found is not None:
        return ctx.get(SCHEMA, found)
    row = ctx.insert(
        SCHEMA,
        {
            "employee": {"id": employee_id},
            "monthYear": f"{month}-01",
            "completed": False,
            "approved": False,
            "hoursPayout": 0,
            "vacationPayout": 0,
        },
    )
    index[(employee_id, month)] = row["id"]
    return row


def _with_entries(ctx: Ctx, row: Row) -> Row:
    """The status with its month's entries (read each time, so they are current)."""
    employee_id, month = ref_id(row["employee"]), row["monthYear"][:7]
    row["timesheetEntries"] = [
        {"id": e["id"]}
        for e in sorted(ctx.company.table(ENTRY).values(), key=lambda e: (e.get("date", ""), e["id"]))
        if ref_id(e.get("employee")) == employee_id and str(e.get("date", ""))[:7] == month
    ]
    return row


def check_entry_unlocked(ctx: Ctx, entry: Row) -> None:
    """Refuse a change to an entry in an approved month (up to its ``approvedUntilDate``)."""
    employee_id, day = ref_id(entry.get("employee")), str(entry.get("date") or "")
    if employee_id is None or len(day) < 10:
        return
    index: dict[tuple[int, str], int] = ctx.company.extra.get(_INDEX, {})
    status_id = index.get((employee_id, day[:7]))
    status = ctx.company.table(SCHEMA).get(status_id) if status_id is not None else None
    if status is None or not status.get("approved"):
        return
    if day <= str(status.get("approvedUntilDate") or day):
        raise errors.TripletexError(
            400,
            4000,
            f"Timelisten for {day[:7]} er godkjent og låst. "
            f"The timesheet for {day[:7]} is approved and locked.",
            f"Timesheet month {day[:7]} of employee {employee_id} is approved (locked); unapprove it first.",
        )


def _targets(ctx: Ctx, id: str | None, employee_ids: str | None, month_year: str | None) -> list[Row]:
    """The month statuses a transition names: ``id`` wins; else employees × month."""
    ids = id_list(id)
    if ids:
        return [ctx.get(SCHEMA, i) for i in sorted(ids)]
    if not month_year:
        raise errors.validation("monthYear", "Kan ikke være null. Cannot be null.", errors.VALUE_VALIDATION)
    month = _month(month_year, "monthYear")
    employees = id_list(employee_ids) or {ctx.session.employee_id}
    for employee_id in employees:
        ctx.get("Employee", employee_id)
    return [_status(ctx, e, month) for e in sorted(employees)]


def _refuse(row: Row, why: str) -> errors.TripletexError:
    month = row["monthYear"][:7]
    return errors.validation("monthYear", f"{month}: {why}")


def _apply(ctx: Ctx, changes: list[tuple[Row, dict[str, object]]]) -> Response:
    """Apply checked changes (each stamps the row's version) and answer the months."""
    with ctx.state.lock:
        for row, change in changes:
            ctx.update(SCHEMA, row, dict(change))
    return ctx.created_list([_with_entries(ctx, row) for row, _ in changes], SCHEMA, status=200)


def _transition(ctx: Ctx, rows: list[Row], change: dict[str, object]) -> Response:
    return _apply(ctx, [(row, change) for row in rows])


@router.put("/timesheet/month/:complete")
async def complete(
    ctx: CtxDep, id: str | None = None, employeeIds: str | None = None, monthYear: str | None = None
) -> Response:
    rows = _targets(ctx, id, employeeIds, monthYear)
    for row in rows:
        if row.get("approved"):
            raise _refuse(row, "Måneden er allerede godkjent. The month is already approved.")
    return _transition(ctx, rows, {"completed": True})


@router.put("/timesheet/month/:approve")
async def approve(
    ctx: CtxDep,
    id: str | None = None,
    employeeIds: str | None = None,
    monthYear: str | None = None,
    approvedUntilDate: str | None = None,
) -> Response:
    rows = _targets(ctx, id, employeeIds, monthYear)
    until = parse_date_param(approvedUntilDate, "approvedUntilDate")
    changes: list[tuple[Row, dict[str, object]]] = []
    for row in rows:
        last = _last_day(row["monthYear"][:7])
        if until is not None and not (last.replace(day=1) <= until <= last):
            raise errors.validation(
                "approvedUntilDate", "Datoen må være i måneden. The date must be in the month."
            )
        changes.append(
            (
                row,
                {
                    "completed": True,
                    "approved": True,
                    "approvedDate": ctx.today().isoformat(),
                    "approvedUntilDate": (until or last).isoformat(),
                    "approvedBy": {"id": ctx.session.employee_id},
                },
            )
        )
    return _apply(ctx, changes)


@router.put("/timesheet/month/:unapprove")
async def unapprove(
    ctx: CtxDep, id: str | None = None, employeeIds: str | None = None, monthYear: str | None = None
) -> Response:
    rows = _targets(ctx, id, employeeIds, monthYear)
    for row in rows:
        if not row.get("approved"):
            raise _refuse(row, "Måneden er ikke godkjent. The month is not approved.")
    return _transition(
        ctx, rows, {"approved": False, "approvedDate": None, "approvedUntilDate": None, "approvedBy": None}
    )


@router.put("/timesheet/month/:reopen")
async def reopen(
    ctx: CtxDep, id: str | None = None, employeeIds: str | None = None, monthYear: str | None = None
) -> Response:
    rows = _targets(ctx, id, employeeIds, monthYear)
    for row in rows:
        if row.get("approved"):
            raise _refuse(
                row,
                "Måneden er godkjent; fjern godkjenningen først. The month is approved; unapprove it first.",
            )
    return _transition(ctx, rows, {"completed": False})


def _by_months(ctx: Ctx, employee_ids: str | None, months: list[str]) -> Response:
    employees = id_list(employee_ids) or {ctx.session.employee_id}
    with ctx.state.lock:
        for employee_id in employees:
            ctx.get("Employee", employee_id)
        rows = [_with_entries(ctx, _status(ctx, e, m)) for e in sorted(employees) for m in months]
    return ctx.listing(rows, SCHEMA)


@router.get("/timesheet/month/byMonthNumber")
async def by_month_number(
    ctx: CtxDep, employeeIds: str | None = None, monthYear: str | None = None
) -> Response:
    if not monthYear:
        raise errors.validation("monthYear", "Kan ikke være null. Cannot be null.", errors.VALUE_VALIDATION)
    return _by_months(ctx, employeeIds, [_month(monthYear, "monthYear")])


@router.get("/timesheet/month/byMonthNumberList")
async def by_month_number_list(
    ctx: CtxDep, employeeIds: str | None = None, monthYearList: str | None = None
) -> Response:
    if not monthYearList:
        raise errors.validation(
            "monthYearList", "Kan ikke være null. Cannot be null.", errors.VALUE_VALIDATION
        )
    months = [_month(m, "monthYearList") for m in monthYearList.split(",") if m.strip()]
    return _by_months(ctx, employeeIds, months)


@router.get("/timesheet/month/{id}")
async def get(id: int, ctx: CtxDep) -> Response:
    return ctx.single(_with_entries(ctx, ctx.get(SCHEMA, id)), SCHEMA)
