"""Project: search, get, create (one and `/list`), update (one and `/list`), delete (one and lists).

Rules as Tripletex applies them: a name and a project manager (an employee) are required; the start
date defaults to today; the number is generated when missing and must be unique; the end date may not
come before the start date; referenced customer, department and main project must exist; a project
with hours registered cannot be deleted.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Query, Response

from txbridge.sandbox import crud, errors
from txbridge.sandbox.context import Ctx, CtxDep, id_list, parse_date_param
from txbridge.sandbox.state import Row

router = APIRouter()
SCHEMA = "Project"


def _date(row: Row, name: str) -> date | None:
    value = row.get(name)
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise errors.validation(
            name, "Ugyldig dato (YYYY-MM-DD). Invalid date.", errors.VALUE_VALIDATION
        ) from None


def _check(ctx: Ctx, row: Row, own_id: int | None) -> None:
    crud.require(row, ("name", "projectManager.id"))
    ctx.ref("Employee", row.get("projectManager"), "projectManager.id")
    ctx.ref("Customer", row.get("customer"), "customer.id")
    ctx.ref("Department", row.get("department"), "department.id")
    main = ctx.ref(SCHEMA, row.get("mainProject"), "mainProject.id")
    if main is not None and own_id is not None and main["id"] == own_id:
        raise errors.validation(
            "mainProject.id",
            "Et prosjekt kan ikke være sitt eget hovedprosjekt. A project cannot be its own main project.",
        )
    start, end = _date(row, "startDate"), _date(row, "endDate")
    if start and end and end < start:
        raise errors.validation(
            "endDate", "Sluttdato kan ikke være før startdato. The end date cannot be before the start date."
        )
    number = row.get("number")
    if number:
        for other in ctx.company.table(SCHEMA).values():
            if other["id"] != own_id and other.get("number") == number:
                raise errors.validation(
                    "number",
                    f"Prosjektnummeret {number} er allerede i bruk. "
                    f"The project number {number} is already in use.",
                )


def _display_name(row: Row) -> None:
    row["displayName"] = f"{row.get('number')} {row.get('name', '')}"


def _create(ctx: Ctx, body: Row) -> Row:
    row: Row = {
        "description": "",
        "startDate": ctx.today().isoformat(),
        "isClosed": False,
        "isReadyForInvoicing": False,
        "isInternal": body.get("customer") is None,
        "isOffer": False,
        "isFixedPrice": False,
        "displayNameFormat": "NAME_STANDARD",
        "reference": "",
        "externalAccountsNumber": "",
        "currency": {"id": 1},
        **body,
    }
    _check(ctx, row, None)
    if not row.get("number"):
        taken = {r.get("number") for r in ctx.company.table(SCHEMA).values()}
        number = str(ctx.company.next_number("project"))
        while number in taken:
            number = str(ctx.company.next_number("project"))
        row["number"] = number
    row = ctx.insert(SCHEMA, row)
    _display_name(row)
    return row


_update = crud.checked_update(SCHEMA, _check, _display_name)


def _check_delete(ctx: Ctx, object_id: int) -> None:
    if any(
        (e.get("project") or {}).get("id") == object_id for e in ctx.company.table("TimesheetEntry").values()
    ):
        raise errors.validation(
            None,
            "Prosjektet har timeføringer og kan ikke slettes. "
            "The project has hours registered and cannot be deleted.",
        )


PROJECTS = crud.Resource(
    SCHEMA,
    _create,
    _update,
    event="project",
    check_change=crud.merged(_check),
    check_delete=_check_delete,
)


def _in_range(value: object, start: date | None, end: date | None) -> bool:
    if start is None and end is None:
        return True
    if not value:
        return False
    day = date.fromisoformat(str(value)[:10])
    return (start is None or day >= start) and (end is None or day < end)


@router.get("/project")
async def search(
    ctx: CtxDep,
    id: str | None = None,
    name: str | None = None,
    number: str | None = None,
    isOffer: bool | None = None,
    projectManagerId: str | None = None,
    departmentId: str | None = None,
    startDateFrom: str | None = None,
    startDateTo: str | None = None,
    endDateFrom: str | None = None,
    endDateTo: str | None = None,
    isClosed: bool | None = None,
    isFixedPrice: bool | None = None,
    customerId: str | None = None,
    externalAccountsNumber: str | None = None,
) -> Response:
    ids = id_list(id)
    managers = id_list(projectManagerId)
    departments = id_list(departmentId)
    customers = id_list(customerId)
    start_from = parse_date_param(startDateFrom, "startDateFrom")
    start_to = parse_date_param(startDateTo, "startDateTo")
    end_from = parse_date_param(endDateFrom, "endDateFrom")
    end_to = parse_date_param(endDateTo, "endDateTo")

    def ref_in(r: Row, key: str, wanted: set[int] | None) -> bool:
        return wanted is None or (r.get(key) or {}).get("id") in wanted

    rows = [
        r
        for r in ctx.company.table(SCHEMA).values()
        if (ids is None or r["id"] in ids)
        and (name is None or name.lower() in str(r.get("name", "")).lower())
        and (number is None or r.get("number") == number)
        and (isOffer is None or bool(r.get("isOffer")) == isOffer)
        and ref_in(r, "projectManager", managers)
        and ref_in(r, "department", departments)
        and ref_in(r, "customer", customers)
        and _in_range(r.get("startDate"), start_from, start_to)
        and _in_range(r.get("endDate"), end_from, end_to)
        and (isClosed is None or bool(r.get("isClosed")) == isClosed)
        and (isFixedPrice is None or bool(r.get("isFixedPrice")) == isFixedPrice)
        and (
            externalAccountsNumber is None
            or externalAccountsNumber.lower() in str(r.get("externalAccountsNumber", "")).lower()
        )
    ]
    return ctx.listing(rows, SCHEMA)


@router.post("/project")
async def create(ctx: CtxDep) -> Response:
    return await PROJECTS.create_one(ctx)


@router.post("/project/list")
async def create_list(ctx: CtxDep) -> Response:
    return await PROJECTS.create_list(ctx)


@router.put("/project/list")
async def update_list(ctx: CtxDep) -> Response:
    return await PROJECTS.update_list(ctx)


@router.delete("/project/list")
async def delete_by_ids(ctx: CtxDep, ids: str = Query()) -> Response:
    return PROJECTS.delete_all(ctx, sorted(id_list(ids) or set()))


@router.delete("/project")
async def delete_list(ctx: CtxDep) -> Response:
    data = await ctx.json()
    if not isinstance(data, list) or not all(
        isinstance(p, dict) and isinstance(p.get("id"), int) for p in data
    ):
        raise errors.validation(
            None, "Forventet en liste av prosjekter med id. Expected projects with ids.", errors.MAPPING
        )
    return PROJECTS.delete_all(ctx, [p["id"] for p in data])


@router.get("/project/{id}")
async def get(id: int, ctx: CtxDep) -> Response:
    return PROJECTS.get_one(ctx, id)


@router.put("/project/{id}")
async def update(id: int, ctx: CtxDep) -> Response:
    return await PROJECTS.update_one(ctx, id)


@router.delete("/project/{id}")
async def delete(id: int, ctx: CtxDep) -> Response:
    return PROJECTS.delete_all(ctx, [id])
