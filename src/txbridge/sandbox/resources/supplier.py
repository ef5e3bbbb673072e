"""Supplier: search (with ``changedSince``), get, create (one and `/list`), update (one and `/list`),
delete.

Numbers are given in sequence when not sent and must be unique; ``isSupplier`` is always true; the
supplier's ledger account is the vendor account of the posting rules (2400) unless one is sent. A
supplier with postings cannot be deleted.
"""

from __future__ import annotations

from fastapi import APIRouter, Response

from txbridge.sandbox import crud, errors
from txbridge.sandbox.accounting import account_by_number, ref_id
from txbridge.sandbox.context import Ctx, CtxDep, id_list
from txbridge.sandbox.state import Row

router = APIRouter()
SCHEMA = "Supplier"
FIRST_SUPPLIER_NUMBER = 20_000
VENDOR_ACCOUNT = 2400

_DEFAULTS: Row = {
    "organizationNumber": "",
    "isCustomer": False,
    "isInactive": False,
    "email": "",
    "invoiceEmail": "",
    "overdueNoticeEmail": "",
    "phoneNumber": "",
    "phoneNumberMobile": "",
    "description": "",
    "isPrivateIndividual": False,
    "showProducts": False,
    "isWholesaler": False,
    "language": "NO",
    "locale": "nb_NO",
    "website": "",
    "bankAccounts": [],
    "currency": {"id": 1},
}


def _check(ctx: Ctx, row: Row, own_id: int | None) -> None:
    if not row.get("name"):
        raise errors.validation("name", crud.REQUIRED, errors.VALUE_VALIDATION)
    ctx.ref("Employee", row.get("accountManager"), "accountManager.id")
    ctx.ref("Currency", row.get("currency"), "currency.id")
    ctx.ref("Account", row.get("ledgerAccount"), "ledgerAccount.id")
    number = row.get("supplierNumber")
    if number and any(
        r.get("supplierNumber") == number and r["id"] != own_id for r in ctx.company.table(SCHEMA).values()
    ):
        raise errors.validation(
            "supplierNumber",
            f"Leverandørnummeret {number} er allerede i bruk. "
            f"The supplier number {number} is already in use.",
        )


def _derive(row: Row) -> None:
    row["isSupplier"] = True
    row["displayName"] = f"{row.get('name', '')} ({row.get('supplierNumber')})"


def _create(ctx: Ctx, body: Row) -> Row:
    row: Row = {**_DEFAULTS, **body}
    _check(ctx, row, None)
    if not row.get("supplierNumber"):
        taken = {r.get("supplierNumber") for r in ctx.company.table(SCHEMA).values()}
        number = ctx.company.next_number("supplier", FIRST_SUPPLIER_NUMBER)
        while number in taken:
            number = ctx.company.next_number("supplier", FIRST_SUPPLIER_NUMBER)
        row["supplierNumber"] = number
    if not row.get("ledgerAccount"):
        row["ledgerAccount"] = {"id": account_by_number(ctx.company, VENDOR_ACCOUNT)["id"]}
    row = ctx.insert(SCHEMA, row)
    _derive(row)
    return row


_update = crud.checked_update(SCHEMA, _check, _derive)


def _check_list(ctx: Ctx, bodies: list[Row]) -> None:
    crud.check_unique_in_list(
        bodies, "supplierNumber", "Leverandørnummer gjentas i listen. Duplicate supplier number."
    )


def _check_delete(ctx: Ctx, object_id: int) -> None:
    if any(ref_id(p.get("supplier")) == object_id for p in ctx.company.table("Posting").values()):
        raise errors.validation(
            "id",
            "Leverandøren har posteringer og kan ikke slettes. "
            "The supplier has postings and cannot be deleted.",
        )


SUPPLIERS = crud.Resource(
    SCHEMA, _create, _update, check_change=crud.merged(_check), check_delete=_check_delete
)


@router.get("/supplier")
async def search(
    ctx: CtxDep,
    id: str | None = None,
    supplierNumber: str | None = None,
    organizationNumber: str | None = None,
    email: str | None = None,
    invoiceEmail: str | None = None,
    isInactive: bool | None = None,
    accountManagerId: str | None = None,
    isWholesaler: bool | None = None,
    showProducts: bool | None = None,
) -> Response:
    """Exact matches, as Tripletex's supplier search; ``changedSince`` is applied by the listing."""
    ids, numbers, managers = id_list(id), id_list(supplierNumber), id_list(accountManagerId)
    exact = {"organizationNumber": organizationNumber, "email": email, "invoiceEmail": invoiceEmail}
    flags = {"isInactive": isInactive, "isWholesaler": isWholesaler, "showProducts": showProducts}

    def wanted(r: Row) -> bool:
        return (
            (ids is None or r["id"] in ids)
            and (numbers is None or r.get("supplierNumber") in numbers)
            and (managers is None or ref_id(r.get("accountManager")) in managers)
            and all(v is None or r.get(k) == v for k, v in exact.items())
            and all(v is None or bool(r.get(k)) == v for k, v in flags.items())
        )

    return ctx.listing(filter(wanted, ctx.company.table(SCHEMA).values()), SCHEMA, changed_since=True)


@router.post("/supplier")
async def create(ctx: CtxDep) -> Response:
    return await SUPPLIERS.create_one(ctx)


@router.post("/supplier/list")
async def create_list(ctx: CtxDep) -> Response:
    return await SUPPLIERS.create_list(ctx, precheck=_check_list)


@router.put("/supplier/list")
async def update_list(ctx: CtxDep) -> Response:
    return await SUPPLIERS.update_list(ctx)


@router.get("/supplier/{id}")
async def get(id: int, ctx: CtxDep) -> Response:
    return SUPPLIERS.get_one(ctx, id)


@router.put("/supplier/{id}")
async def update(id: int, ctx: CtxDep) -> Response:
    return await SUPPLIERS.update_one(ctx, id)


@router.delete("/supplier/{id}")
async def delete(id: int, ctx: CtxDep) -> Response:
    return SUPPLIERS.delete_all(ctx, [id])
