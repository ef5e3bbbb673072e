"""Bank statements and their transactions (``/bank/statement``, ``/bank/statement/transaction``):
read only, as an accountant's integration sees them once statements are imported.

A statement belongs to one bank ledger account (``accountId`` filters on it, though the schema does
not show it); its transactions are listed per statement only (``bankStatementId`` is required and
there is no date filter, as in Tripletex: counting a month walks the statements)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from txbridge.sandbox import errors
from txbridge.sandbox.accounting import ref_id
from txbridge.sandbox.context import CtxDep, id_list
from txbridge.sandbox.state import Row

router = APIRouter()
STATEMENT = "BankStatement"
TRANSACTION = "BankTransaction"


@router.get("/bank/statement")
async def statements(
    ctx: CtxDep, id: str | None = None, accountId: str | None = None, fileFormats: str | None = None
) -> Response:
    ids = id_list(id)
    accounts = id_list(accountId)

    def wanted(r: Row) -> bool:
        return (ids is None or r["id"] in ids) and (accounts is None or r.get("_accountId") in accounts)

    rows = sorted(filter(wanted, ctx.company.table(STATEMENT).values()), key=lambda r: r["id"])
    return ctx.listing(rows, STATEMENT, changed_since=False)


@router.get("/bank/statement/transaction")
async def transactions(ctx: CtxDep, bankStatementId: int | None = None) -> Response:
    if bankStatementId is None:
        raise errors.TripletexError(
            422,
            15000,
            "Validation failed",
            None,
            [errors.ValidationMessage("bankStatementId", "Kan ikke være null.")],
        )
    rows = sorted(
        (
            r
            for r in ctx.company.table(TRANSACTION).values()
            if ref_id(r.get("bankStatement")) == bankStatementId
        ),
        key=lambda r: (r["postedDate"], r["id"]),
    )
    return ctx.listing(rows, TRANSACTION, changed_since=False)


@router.get("/bank/statement/transaction/{id}")
async def transaction(id: int, ctx: CtxDep) -> Response:
    return ctx.single(ctx.get(TRANSACTION, id), TRANSACTION)


@router.get("/bank/statement/{id}")
async def statement(id: int, ctx: CtxDep) -> Response:
    return ctx.single(ctx.get(STATEMENT, id), STATEMENT)
