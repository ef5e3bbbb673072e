"""Contact (a customer's contact person): search, get, create (one and `/list`), update, delete by ids.

The spec has no single ``DELETE /contact/{id}``; ``DELETE /contact/list?ids=1,2`` removes several,
all or nothing. ``firstName`` is required; ``customer``, ``department`` and the mobile number's
country must exist.
"""

from __future__ import annotations

from fastapi import APIRouter, Response

from txbridge.sandbox import crud, errors
from txbridge.sandbox.accounting import ref_id
from txbridge.sandbox.context import Ctx, CtxDep, id_list
from txbridge.sandbox.resources.country import countries
from txbridge.sandbox.state import Row

router = APIRouter()
SCHEMA = "Contact"

_DEFAULTS: Row = {
    "firstName": "",
    "lastName": "",
    "email": "",
    "phoneNumberMobile": "",
    "phoneNumberWork": "",
    "isInactive": False,
}


def _check(ctx: Ctx, row: Row, own_id: int | None) -> None:
    if not row.get("firstName"):
        raise errors.validation("firstName", crud.REQUIRED, errors.VALUE_VALIDATION)
    ctx.ref("Customer", row.get("customer"), "customer.id")
    ctx.ref("Department", row.get("department"), "department.id")
    countries(ctx)
    ctx.ref("Country", row.get("phoneNumberMobileCountry"), "phoneNumberMobileCountry.id")


def _display_name(row: Row) -> None:
    row["displayName"] = f"{row.get('firstName', '')} {row.get('lastName', '')}".strip()


def _create(ctx: Ctx, body: Row) -> Row:
    row: Row = {**_DEFAULTS, **body}
    _check(ctx, row, None)
    row = ctx.insert(SCHEMA, row)
    _display_name(row)
    return row


_update = crud.checked_update(SCHEMA, _check, _display_name)

CONTACTS = crud.Resource(SCHEMA, _create, _update, check_change=crud.merged(_check))


@router.get("/contact")
async def search(
    ctx: CtxDep,
    id: str | None = None,
    firstName: str | None = None,
    lastName: str | None = None,
    email: str | None = None,
    customerId: str | None = None,
    departmentId: str | None = None,
) -> Response:
    """Names match a case-insensitive part, ``email`` exactly, as Tripletex's contact search."""
    ids, customers, departments = id_list(id), id_list(customerId), id_list(departmentId)

    def part(wanted: str | None, value: object) -> bool:
        return wanted is None or wanted.lower() in str(value or "").lower()

    rows = [
        r
        for r in ctx.company.table(SCHEMA).values()
        if (ids is None or r["id"] in ids)
        and part(firstName, r.get("firstName"))
        and part(lastName, r.get("lastName"))
        and (email is None or r.get("email") == email)
        and (customers is None or ref_id(r.get("customer")) in customers)
        and (departments is None or ref_id(r.get("department")) in departments)
    ]
    return ctx.listing(rows, SCHEMA)


@router.post("/contact")
async def create(ctx: CtxDep) -> Response:
    return await CONTACTS.create_one(ctx)


@router.post("/contact/list")
async def create_list(ctx: CtxDep) -> Response:
    return await CONTACTS.create_list(ctx)


@router.delete("/contact/list")
async def delete_list(ctx: CtxDep, ids: str | None = None) -> Response:
    wanted = id_list(ids)
    if not wanted:
        raise errors.validation("ids", crud.REQUIRED, errors.VALUE_VALIDATION)
    return CONTACTS.delete_all(ctx, sorted(wanted))


@router.get("/contact/{id}")
async def get(id: int, ctx: CtxDep) -> Response:
    return CONTACTS.get_one(ctx, id)


@router.put("/contact/{id}")
async def update(id: int, ctx: CtxDep) -> Response:
    return await CONTACTS.update_one(ctx, id)
