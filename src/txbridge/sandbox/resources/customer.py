"""Customer: CRUD, ``/customer/list`` and the searches Tripletex offers.

The worked pattern for resource modules (see :mod:`txbridge.sandbox.resources`).
"""

from __future__ import annotations

from fastapi import APIRouter, Response

from txbridge.sandbox import crud, errors
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
        raise errors.validation("name", crud.REQUIRED, errors.VALUE_VALIDATION)
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


def _check_list(ctx: Ctx, bodies: list[Row]) -> None:
    """Numbers unique within the list and free, names present: checked before any is created."""
    crud.check_unique_in_list(
        bodies, "customerNumber", "Kundenummer gjentas i listen. Duplicate customer number."
    )
    for b in bodies:
        if not b.get("name"):
            raise errors.validation("name", crud.REQUIRED, errors.VALUE_VALIDATION)
        if b.get("customerNumber"):
            _check_number(ctx, b["customerNumber"], None)


def _list_creator() -> crud.Create:
    """Creates one list's customers, collecting the numbers in use once instead of per customer."""
    taken: set[int] | None = None

    def create(ctx: Ctx, body: Row) -> Row:
        nonlocal taken
        if taken is None:
            taken = {r["customerNumber"] for r in ctx.company.table(SCHEMA).values()}
        return _create(ctx, body, taken)

    return create


def _check_delete(ctx: Ctx, object_id: int) -> None:
    if any((o.get("customer") or {}).get("id") == object_id for o in ctx.company.table("Order").values()):
        raise errors.validation(
            "id", "Kunden er i bruk og kan ikke slettes. The customer is in use and cannot be deleted."
        )


CUSTOMERS = crud.Resource(SCHEMA, _create, _update, event="customer", check_delete=_check_delete)


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
    numbers = id_list(customerAccountNumber)  # the spec: «List of customer numbers»
    managers = id_list(accountManagerId)
    name = customerName.lower() if customerName else None

    def wanted(r: Row) -> bool:
        return (
            (ids is None or r["id"] in ids)
            and (numbers is None or r.get("customerNumber") in numbers)
            and (organizationNumber is None or r.get("organizationNumber") == organizationNumber)
            and (email is None or r.get("email") == email)
            and (invoiceEmail is None or r.get("invoiceEmail") == invoiceEmail)
            and (name is None or name in str(r.get("name", "")).lower())
            and (phoneNumberMobile is None or r.get("phoneNumberMobile") == phoneNumberMobile)
            and (isInactive is None or r.get("isInactive") == isInactive)
            and (managers is None or (r.get("accountManager") or {}).get("id") in managers)
        )

    return ctx.listing(filter(wanted, ctx.company.table(SCHEMA).values()), SCHEMA, changed_since=True)


@router.post("/customer")
async def create(ctx: CtxDep) -> Response:
    return await CUSTOMERS.create_one(ctx)


@router.post("/customer/list")
async def create_list(ctx: CtxDep) -> Response:
    return await CUSTOMERS.create_list(ctx, precheck=_check_list, create=_list_creator())


@router.put("/customer/list")
async def update_list(ctx: CtxDep) -> Response:
    return await CUSTOMERS.update_list(ctx)


@router.get("/customer/{id}")
async def get(id: int, ctx: CtxDep) -> Response:
    return CUSTOMERS.get_one(ctx, id)


@router.put("/customer/{id}")
async def update(id: int, ctx: CtxDep) -> Response:
    return await CUSTOMERS.update_one(ctx, id)


@router.delete("/customer/{id}")
async def delete(id: int, ctx: CtxDep) -> Response:
    return CUSTOMERS.delete_all(ctx, [id])
