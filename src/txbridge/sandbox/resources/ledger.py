"""Chart of accounts, VAT types and posting rules: ``ledger/account``, ``ledger/vatType``,
``ledger/postingRules``."""

from __future__ import annotations

from fastapi import APIRouter, Response
from stdnum.no import kontonr

from txbridge.sandbox import crud, errors
from txbridge.sandbox.context import Ctx, CtxDep, id_list
from txbridge.sandbox.state import Row

router = APIRouter()
ACCOUNT = "Account"
VAT_TYPE = "VatType"


def _numbers(text: str | None) -> set[int] | None:
    """``number=1500,1920`` and ranges ``3000-3999`` as Tripletex accepts them."""
    if not text:
        return None
    out: set[int] = set()
    try:
        for part in text.split(","):
            part = part.strip()
            if "-" in part:
                low, high = part.split("-", 1)
                out.update(range(int(low), int(high) + 1))
            elif part:
                out.add(int(part))
    except ValueError:
        raise errors.validation(
            "number", "Må være kontonummer. Must be account numbers.", errors.PARAM
        ) from None
    return out


@router.get("/ledger/account")
async def search_accounts(
    ctx: CtxDep,
    id: str | None = None,
    number: str | None = None,
    isBankAccount: bool | None = None,
    isInactive: bool | None = None,
    isApplicableForSupplierInvoice: bool | None = None,
    ledgerType: str | None = None,
    isBalanceAccount: bool | None = None,
) -> Response:
    ids = id_list(id)
    numbers = _numbers(number)

    def wanted(a: Row) -> bool:
        return (
            (ids is None or a["id"] in ids)
            and (numbers is None or a["number"] in numbers)
            and (isBankAccount is None or a.get("isBankAccount") == isBankAccount)
            and (isInactive is None or a.get("isInactive") == isInactive)
            and (
                isApplicableForSupplierInvoice is None
                or a.get("isApplicableForSupplierInvoice") == isApplicableForSupplierInvoice
            )
            and (ledgerType is None or a.get("ledgerType") == ledgerType)
            and (isBalanceAccount is None or (a["number"] < 3000) == isBalanceAccount)
        )

    rows = sorted(filter(wanted, ctx.company.table(ACCOUNT).values()), key=lambda a: a["number"])
    return ctx.listing(rows, ACCOUNT)


def _check_bank_account_number(body: Row) -> None:
    """A Norwegian bank account number must pass its MOD11 check digit (python-stdnum's
    ``no.kontonr``); Tripletex refuses others on the bank account (issue 8's observation of the real
    API; its exact message is not in public material, so this one is the sandbox's)."""
    given = body.get("bankAccountNumber")
    if given and not kontonr.is_valid(str(given)):
        raise errors.validation(
            "bankAccountNumber",
            f"Ugyldig kontonummer: {given}. "
            "Invalid bank account number (11 digits with a MOD11 check digit).",
        )
    if given:
        body["bankAccountNumber"] = kontonr.compact(str(given))


def _create_account(ctx: Ctx, body: Row) -> Row:
    _check_bank_account_number(body)
    number = body.get("number")
    if not isinstance(number, int) or not 1000 <= number <= 99999:
        raise errors.validation(
            "number", "Kontonummer må være 4–5 siffer. Account number must be 4–5 digits."
        )
    if not body.get("name"):
        raise errors.validation("name", crud.REQUIRED, errors.VALUE_VALIDATION)
    if any(a["number"] == number for a in ctx.company.table(ACCOUNT).values()):
        raise errors.validation(
            "number", f"Kontonummer {number} finnes allerede. Account {number} already exists."
        )
    vat = ctx.ref(VAT_TYPE, body.get("vatType"), "vatType")
    defaults: Row = {
        "numberPretty": str(number),
        "description": "",
        "ledgerType": "GENERAL",
        "vatLocked": False,
        "currency": {"id": 1},
        "isCloseable": False,
        "isApplicableForSupplierInvoice": False,
        "requireReconciliation": False,
        "isInactive": False,
        "isBankAccount": False,
        "isInvoiceAccount": False,
        "bankAccountNumber": "",
        "requiresDepartment": False,
        "requiresProject": False,
        "isPostingsExist": False,
    }
    row = ctx.insert(ACCOUNT, {**defaults, **body})
    if vat is None:
        row["vatType"] = {
            "id": next(v["id"] for v in ctx.company.table(VAT_TYPE).values() if v["number"] == "0")
        }
    row["displayName"] = f"{number} {row['name']}"
    return row


def _update_account(ctx: Ctx, object_id: int, body: Row) -> Row:
    _check_bank_account_number(body)
    row = ctx.get(ACCOUNT, object_id)
    if "number" in body and body["number"] != row["number"]:
        raise errors.validation("number", "Kontonummer kan ikke endres. The account number cannot change.")
    if "vatType" in body:
        vat = ctx.ref(VAT_TYPE, body["vatType"], "vatType")
        if row.get("vatLocked") and vat is not None and vat["id"] != row["vatType"]["id"]:
            raise errors.validation(
                "vatType", "Kontoen er låst til sin mva-kode. The account's VAT type is locked."
            )
    ctx.update(ACCOUNT, row, body)
    row["displayName"] = f"{row['number']} {row['name']}"
    return row


ACCOUNTS = crud.Resource(ACCOUNT, _create_account, _update_account, event="account")


@router.post("/ledger/account")
async def create_account(ctx: CtxDep) -> Response:
    return await ACCOUNTS.create_one(ctx)


@router.post("/ledger/account/list")
async def create_accounts(ctx: CtxDep) -> Response:
    return await ACCOUNTS.create_list(ctx)


@router.get("/ledger/account/{id}")
async def get_account(id: int, ctx: CtxDep) -> Response:
    return ACCOUNTS.get_one(ctx, id)


@router.put("/ledger/account/{id}")
async def update_account(id: int, ctx: CtxDep) -> Response:
    """E.g. give the bank account (1920) its bank account number so invoicing is allowed."""
    return await ACCOUNTS.update_one(ctx, id)


@router.get("/ledger/vatType")
async def search_vat_types(
    ctx: CtxDep,
    id: str | None = None,
    number: str | None = None,
    typeOfVat: str | None = None,
    vatDate: str | None = None,
) -> Response:
    ids = id_list(id)
    numbers = {n.strip() for n in number.split(",")} if number else None
    wanted_direction = {"OUTGOING": "OUTGOING", "INCOMING": "INCOMING"}.get((typeOfVat or "").upper())

    def wanted(v: Row) -> bool:
        return (
            (ids is None or v["id"] in ids)
            and (numbers is None or v["number"] in numbers)
            and (wanted_direction is None or v.get("_direction") == wanted_direction)
        )

    rows = sorted(filter(wanted, ctx.company.table(VAT_TYPE).values()), key=lambda v: v["id"])
    return ctx.listing(rows, VAT_TYPE)


@router.get("/ledger/vatType/{id}")
async def get_vat_type(id: int, ctx: CtxDep) -> Response:
    return ctx.single(ctx.get(VAT_TYPE, id), VAT_TYPE)


@router.get("/ledger/postingRules")
async def posting_rules(ctx: CtxDep) -> Response:
    [rules] = ctx.company.table("PostingRules").values()
    return ctx.single(rules, "PostingRules")
