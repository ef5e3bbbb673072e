"""Department: search, `/query`, get, create (one and `/list`), update (one and `/list`), delete.

A department still used by an employee or a project cannot be deleted (Tripletex answers 422).
"""

from __future__ import annotations

from fastapi import APIRouter, Response

from txbridge.sandbox import crud, errors
from txbridge.sandbox.context import Ctx, CtxDep, id_list
from txbridge.sandbox.state import Row

router = APIRouter()
SCHEMA = "Department"


def _check(ctx: Ctx, row: Row, own_id: int | None) -> None:
    if not row.get("name"):
        raise errors.validation("name", crud.REQUIRED, errors.VALUE_VALIDATION)
    ctx.ref("Employee", row.get("departmentManager"), "departmentManager.id")
    number = row.get("departmentNumber")
    if number:
        for other in ctx.company.table(SCHEMA).values():
            if other["id"] != own_id and other.get("departmentNumber") == number:
                raise errors.validation(
                    "departmentNumber",
                    f"Avdelingsnummeret {number} er allerede i bruk. "
                    f"The department number {number} is already in use.",
                )


def _display_name(row: Row) -> None:
    number = row.get("departmentNumber")
    row["displayName"] = f"{number} {row.get('name', '')}" if number else str(row.get("name", ""))


def _create(ctx: Ctx, body: Row) -> Row:
    row: Row = {"departmentNumber": "", "isInactive": False, **body}
    _check(ctx, row, None)
    row = ctx.insert(SCHEMA, row)
    _display_name(row)
    return row


_update = crud.checked_update(SCHEMA, _check, _display_name)


def _check_delete(ctx: Ctx, object_id: int) -> None:
    for schema in ("Employee", "Project"):
        if any(
            (r.get("department") or {}).get("id") == object_id for r in ctx.company.table(schema).values()
        ):
            raise errors.validation(
                None,
                "Avdelingen er i bruk og kan ikke slettes. The department is in use and cannot be deleted.",
            )


DEPARTMENTS = crud.Resource(
    SCHEMA,
    _create,
    _update,
    event="department",
    check_change=crud.merged(_check),
    check_delete=_check_delete,
)


def _listing(ctx: Ctx, wanted: list[Row]) -> Response:
    return ctx.listing(wanted, SCHEMA)


@router.get("/department")
async def search(
    ctx: CtxDep,
    id: str | None = None,
    name: str | None = None,
    departmentNumber: str | None = None,
    departmentManagerId: str | None = None,
    isInactive: bool | None = None,
) -> Response:
    ids = id_list(id)
    managers = id_list(departmentManagerId)
    rows = [
        r
        for r in ctx.company.table(SCHEMA).values()
        if (ids is None or r["id"] in ids)
        and (name is None or name.lower() in str(r.get("name", "")).lower())
        and (departmentNumber is None or r.get("departmentNumber") == departmentNumber)
        and (managers is None or (r.get("departmentManager") or {}).get("id") in managers)
        and (isInactive is None or bool(r.get("isInactive")) == isInactive)
    ]
    return _listing(ctx, rows)


@router.get("/department/query")
async def query(
    ctx: CtxDep, id: str | None = None, query: str | None = None, isInactive: bool | None = None
) -> Response:
    """Wildcard search on name and number, as the department picker in Tripletex."""
    ids = id_list(id)
    text = (query or "").lower()
    rows = [
        r
        for r in ctx.company.table(SCHEMA).values()
        if (ids is None or r["id"] in ids)
        and (text in str(r.get("name", "")).lower() or text in str(r.get("departmentNumber", "")).lower())
        and (isInactive is None or bool(r.get("isInactive")) == isInactive)
    ]
    return _listing(ctx, rows)


@router.post("/department")
async def create(ctx: CtxDep) -> Response:
    return await DEPARTMENTS.create_one(ctx)


@router.post("/department/list")
async def create_list(ctx: CtxDep) -> Response:
    return await DEPARTMENTS.create_list(ctx)


@router.put("/department/list")
async def update_list(ctx: CtxDep) -> Response:
    return await DEPARTMENTS.update_list(ctx)


@router.get("/department/{id}")
async def get(id: int, ctx: CtxDep) -> Response:
    return DEPARTMENTS.get_one(ctx, id)


@router.put("/department/{id}")
async def update(id: int, ctx: CtxDep) -> Response:
    return await DEPARTMENTS.update_one(ctx, id)


@router.delete("/department/{id}")
async def delete(id: int, ctx: CtxDep) -> Response:
    return DEPARTMENTS.delete_all(ctx, [id])
