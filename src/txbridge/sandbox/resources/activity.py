"""Activity: search, get, create (one and `/list`) and `>forTimeSheet` (per project, employee and day).

Tripletex makes project-specific activities through `project/projectActivity`, so `POST /activity`
refuses `PROJECT_SPECIFIC_ACTIVITY`; the type flags (`isGeneral`, `isProjectActivity`, `isTask`) follow
`activityType`.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Query, Response

from txbridge.sandbox import crud, errors
from txbridge.sandbox.accounting import ref_id
from txbridge.sandbox.context import Ctx, CtxDep, id_list, parse_date_param
from txbridge.sandbox.state import Row

router = APIRouter()
SCHEMA = "Activity"
CREATABLE_TYPES = ("GENERAL_ACTIVITY", "PROJECT_GENERAL_ACTIVITY", "TASK")


def _create(ctx: Ctx, body: Row) -> Row:
    crud.require(body, ("name", "activityType"))
    kind = body.get("activityType")
    if kind not in CREATABLE_TYPES:
        raise errors.validation(
            "activityType",
            "Prosjektspesifikke aktiviteter opprettes via project/projectActivity. "
            "Project specific activities are created through project/projectActivity.",
        )
    number = body.get("number")
    if number and any(r.get("number") == number for r in ctx.company.table(SCHEMA).values()):
        raise errors.validation(
            "number", f"Aktivitetsnummeret {number} er i bruk. The activity number {number} is in use."
        )
    row: Row = {
        "number": "",
        "description": "",
        "isChargeable": False,
        "rate": 0,
        "costPercentage": 0,
        **body,
        "isProjectActivity": kind != "GENERAL_ACTIVITY",
        "isGeneral": kind == "GENERAL_ACTIVITY",
        "isTask": kind == "TASK",
        "isDisabled": False,
        "deletable": True,
    }
    row = ctx.insert(SCHEMA, row)
    row["displayName"] = f"{row['number']} {row['name']}".strip()
    return row


ACTIVITIES = crud.Resource(SCHEMA, _create, event="activity")


@router.get("/activity")
async def search(
    ctx: CtxDep,
    id: str | None = None,
    name: str | None = None,
    number: str | None = None,
    description: str | None = None,
    isProjectActivity: bool | None = None,
    isGeneral: bool | None = None,
    isChargeable: bool | None = None,
    isTask: bool | None = None,
    isInactive: bool | None = None,
) -> Response:
    ids = id_list(id)

    def flag(r: Row, key: str, wanted: bool | None) -> bool:
        return wanted is None or bool(r.get(key)) == wanted

    rows = [
        r
        for r in ctx.company.table(SCHEMA).values()
        if (ids is None or r["id"] in ids)
        and (name is None or name.lower() in str(r.get("name", "")).lower())
        and (number is None or r.get("number") == number)
        and (description is None or description.lower() in str(r.get("description", "")).lower())
        and flag(r, "isProjectActivity", isProjectActivity)
        and flag(r, "isGeneral", isGeneral)
        and flag(r, "isChargeable", isChargeable)
        and flag(r, "isTask", isTask)
        and flag(r, "isDisabled", isInactive)
    ]
    return ctx.listing(rows, SCHEMA)


def project_activity_ids(ctx: Ctx, project: Row) -> set[int]:
    """The activities the project lists (``projectActivities``; open ones only)."""
    found: set[int] = set()
    table = ctx.company.table("ProjectActivity")
    for ref in project.get("projectActivities") or []:
        link_id = ref_id(ref)
        link = table.get(link_id) if link_id is not None else None
        if link is None or link.get("isClosed"):
            continue
        activity_id = ref_id(link.get("activity"))
        if activity_id is not None:
            found.add(activity_id)
    return found


def participant_ids(ctx: Ctx, project: Row) -> set[int]:
    """The project's participants (``participants``: inline ``{"employee": {"id"}}`` or a stored
    ``ProjectParticipant``) and its manager."""
    found = {i for i in [ref_id(project.get("projectManager"))] if i is not None}
    table = ctx.company.table("ProjectParticipant")
    for ref in project.get("participants") or []:
        stored = table.get(ref_id(ref) or 0) if isinstance(ref, dict) else None
        employee = ref_id((stored or ref).get("employee")) if isinstance(ref, dict) else None
        if employee is not None:
            found.add(employee)
    return found


def open_for(ctx: Ctx, project: Row, employee_id: int | None, day: date) -> bool:
    """Whether the employee may register hours on the project that day (Tripletex's help on why hours
    cannot be registered: a start date ahead, an end date passed or the project closed, «only
    project participants» set and the employee not one)."""
    if project.get("isClosed"):
        return False
    start, end = project.get("startDate"), project.get("endDate")
    if (start and day < date.fromisoformat(str(start)[:10])) or (
        end and day > date.fromisoformat(str(end)[:10])
    ):
        return False
    return not project.get("forParticipantsOnly") or employee_id in participant_ids(ctx, project)


@router.get("/activity/>forTimeSheet")
async def for_time_sheet(
    ctx: CtxDep, projectId: int = Query(), employeeId: int | None = None, date: str | None = None
) -> Response:
    """The activities this employee (default: the token's owner) may register hours on for this
    project on this day (default: today); general activities for project 0. A project the employee
    cannot register on that day offers none."""
    day = parse_date_param(date, "date") or ctx.today()
    employee = employeeId if employeeId is not None else ctx.session.employee_id
    if employeeId is not None:
        ctx.get("Employee", employeeId)
    usable: set[int] = set()
    if projectId:
        project = ctx.get("Project", projectId)
        if not open_for(ctx, project, employee, day):
            return ctx.listing([], SCHEMA)
        usable = project_activity_ids(ctx, project)
    project_activity = projectId != 0
    rows = [
        r
        for r in ctx.company.table(SCHEMA).values()
        if not r.get("isDisabled")
        and bool(r.get("isProjectActivity")) == project_activity
        and (not usable or r["id"] in usable)
    ]
    return ctx.listing(rows, SCHEMA)


@router.post("/activity")
async def create(ctx: CtxDep) -> Response:
    return await ACTIVITIES.create_one(ctx)


@router.post("/activity/list")
async def create_list(ctx: CtxDep) -> Response:
    return await ACTIVITIES.create_list(ctx)


@router.get("/activity/{id}")
async def get(id: int, ctx: CtxDep) -> Response:
    return ACTIVITIES.get_one(ctx, id)
