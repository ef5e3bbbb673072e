"""Customer: CRUD, ``/customer/list`` and the searches Tripletex offers.

The worked pattern for resource modules (see :mod:`txbridge.sandbox.resources`).
"""

from __future__ import annotations

from fastapi import APIRouter, Response

from txbridge.sandbox import errors
from txbridge.sandbox.context import Ctx, CtxDep, id_list
from txbridge.sandbox.state import Row

router = APIRouter()
SCHEMA = "Customer"
FIRST_CUSTOMER_NUMBER = 10_000

_DEFAULTS: Row = {
    "organizationNumber": "",
    "isSupplier": False,
    "isCustomer": True,
    "isInactive": False,
    "email": "",
    "invoiceEmail": "",
    "overdueNoticeEmail": "",
    "phoneNumber": "",
    "phoneNumberMobile": "",
    "description": "",
    "language": "NO",
    "isPrivateIndividual": False,
    "singleCustomerInvoice": False,
    "invoiceSendMethod": "EMAIL",
    "emailAttachmentType": "LINK",
    "invoicesDueIn": 14,
    "invoicesDueInType": "DAYS",
    "currency": {"id": 1},
}


def _check_number(ctx: Ctx, number: int, own_id: int | None) -> None:
    for other in ctx.company.table(SCHEMA).values():
        if other.get("customerNumber") == number and other["id"] != own_id:
            raise errors.validation(
                "customerNumber",
                f"Kundenummeret {number} er allerede i bruk. The customer number {number} is already in use.",
            )


def _display_name(row: Row) -> None:
    row["displayName"] = f"{row.get('name', '')} ({row.get('customerNumber')})"


def _create(ctx: Ctx, body: Row, taken: set[int] | None = None) -> Row:
    if not body.get("name"):
        raise errors.validation("name", "Kan ikke være null. Cannot be null.", errors.VALUE_VALIDATION)
    ctx.ref("Employee", body.get("accountManager"), "accountManager")
    ctx.ref("Department", body.get("department"), "department")
    number = body.get("customerNumber")
    if number:
        _check_number(ctx, number, None)
    else:
        if taken is None:
            taken = {r["customerNumber"] for r in ctx.company.table(SCHEMA).values()}
        number = ctx.company.next_number("customer", FIRST_CUSTOMER_NUMBER)
        while number in taken:
            number = ctx.company.next_number("customer", FIRST_CUSTOMER_NUMBER)
    if taken is not None:
        taken.add(number)
    row = {**_DEFAULTS, **body, "customerNumber": number}
    row = ctx.insert(SCHEMA, row)
    _display_name(row)
    return row


def _update(ctx: Ctx, object_id: int, body: Row) -> Row:
    row = ctx.get(SCHEMA, object_id)
    if body.get("customerNumber"):
        _check_number(ctx, body["customerNumber"], object_id)
    if "name" in body and not body["name"]:
        raise errors.validation("name", "Kan ikke være tom. Cannot be empty.", errors.VALUE_VALIDATION)
    ctx.update(SCHEMA, row, body)
    _display_name(row)
    return row


@router.get("/customer")
async def search(
    ctx: CtxDep,
    id: str | None = None,
    customerAccountNumber: str | None = None,
    organizationNumber: str | None = None,
    email: str | None = None,
    invoiceEmail: str | None = None,
    customerName: str | None = None,
    phoneNumberMobile: str | None = None,
    isInactive: bool | None = None,
    accountManagerId: str | None = None,
) -> Response:
    ids = id_list(id)
    managers = id_list(accountManagerId)
    name = customerName.lower() if customerName else None

    def wanted(r: Row) -> bool:
        return (
            (ids is None or r["id"] in ids)
            and (customerAccountNumber is None or str(r.get("customerNumber")) == customerAccountNumber)
            and (organizationNumber is None or r.get("organizationNumber") == organizationNumber)
            and (email is None or r.get("email") == email)
            and (invoiceEmail is None or r.get("invoiceEmail") == invoiceEmail)
            and (name is None or name in str(r.get("name", "")).lower())
            and (phoneNumberMobile is None or r.get("phoneNumberMobile") == phoneNumberMobile)
            and (isInactive is None or r.get("isInactive") == isInactive)
            and (managers is None or (r.get("accountManager") or {}).get("id") in managers)
        )

    return ctx.listing(filter(wanted, ctx.company.table(SCHEMA).values()), SCHEMA)


@router.post("/customer")
async def create(ctx: CtxDep) -> Response:
    body = await ctx.body(SCHEMA)
    with ctx.state.lock:
        row = _create(ctx, body)
    ctx.emit("customer.create", SCHEMA, row)
    return ctx.single(row, SCHEMA, status=201)


@router.post("/customer/list")
async def create_list(ctx: CtxDep) -> Response:
    bodies = await ctx.body_list(SCHEMA)
    with ctx.state.lock:
        # All or nothing: check every item before inserting any.
        numbers = [b.get("customerNumber") for b in bodies if b.get("customerNumber")]
        if len(numbers) != len(set(numbers)):
            raise errors.validation(
                "customerNumber", "Kundenummer gjentas i listen. Duplicate customer number."
            )
        for b in bodies:
            if not b.get("name"):
                raise errors.validation(
                    "name", "Kan ikke være null. Cannot be null.", errors.VALUE_VALIDATION
                )
            if b.get("customerNumber"):
                _check_number(ctx, b["customerNumber"], None)
        taken = {r["customerNumber"] for r in ctx.company.table(SCHEMA).values()}
        rows = [_create(ctx, b, taken) for b in bodies]
    for row in rows:
        ctx.emit("customer.create", SCHEMA, row)
    return ctx.created_list(rows, SCHEMA)


@router.put("/customer/list")
async def update_list(ctx: CtxDep) -> Response:
    bodies = await ctx.body_list(SCHEMA)
    with ctx.state.lock:
        for b in bodies:
            if not isinstance(b.get("id"), int):
                raise errors.validation("id", "Kan ikke være null. Cannot be null.", errors.VALUE_VALIDATION)
            row = ctx.get(SCHEMA, b["id"])
            if b.get("version") is not None and b["version"] != row["version"]:
                raise errors.stale_version(SCHEMA, row["id"], b["version"], row["version"])
        rows = [_update(ctx, b.pop("id"), b) for b in bodies]
    for row in rows:
        ctx.emit("customer.update", SCHEMA, row)
    return ctx.created_list(rows, SCHEMA, status=200)


@router.get("/customer/{id}")
async def get(id: int, ctx: CtxDep) -> Response:
    return ctx.single(ctx.get(SCHEMA, id), SCHEMA)


@router.put("/customer/{id}")
async def update(id: int, ctx: CtxDep) -> Response:
    body = await ctx.body(SCHEMA)
    with ctx.state.lock:
        row = _update(ctx, id, body)
    ctx.emit("customer.update", SCHEMA, row)
    return ctx.single(row, SCHEMA)


@router.delete("/customer/{id}")
async def delete(id: int, ctx: CtxDep) -> Response:
    with ctx.state.lock:
        ctx.get(SCHEMA, id)
        if any((o.get("customer") or {}).get("id") == id for o in ctx.company.table("Order").values()):
            raise errors.validation(
                "id", "Kunden er i bruk og kan ikke slettes. The customer is in use and cannot be deleted."
            )
        del ctx.company.table(SCHEMA)[id]
    ctx.emit("customer.delete", SCHEMA, None, id)
    return Response(status_code=204)
