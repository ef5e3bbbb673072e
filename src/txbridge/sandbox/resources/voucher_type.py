"""Voucher types (``/ledger/voucherType``): search by name and get; read only, as in Tripletex.

Tripletex's standard voucher types by their Norwegian names; a voucher may name one
(``voucherType: {id}``). The ids are the sandbox's own (Tripletex's differ per installation).
"""

from __future__ import annotations

from fastapi import APIRouter, Response

from txbridge.sandbox import errors
from txbridge.sandbox.context import Ctx, CtxDep
from txbridge.sandbox.state import CompanyState, Row, SandboxState

router = APIRouter()
SCHEMA = "VoucherType"

NAMES: tuple[str, ...] = (
    "Utgående faktura",
    "Leverandørfaktura",
    "Innbetaling",
    "Utbetaling",
    "Lønnsbilag",
    "Reiseregning",
    "Ansattutlegg",
    "Mva-melding",
    "Purring",
    "Tollfaktura",
    "Åpningsbalanse",
    "Memorialbilag",
)


def company_voucher_types(state: SandboxState, company: CompanyState) -> dict[int, Row]:
    """A company's voucher types, made on first use."""
    table = company.table(SCHEMA)
    if not table:
        with state.lock:
            for name in NAMES:
                row_id = state.new_id()
                table[row_id] = {"id": row_id, "version": 0, "name": name, "displayName": name}
    return table


def voucher_types(ctx: Ctx) -> dict[int, Row]:
    return company_voucher_types(ctx.state, ctx.company)


def voucher_type_id(state: SandboxState, company: CompanyState, name: str) -> int:
    """The id of the company's voucher type named ``name`` (one of :data:`NAMES`)."""
    for row in company_voucher_types(state, company).values():
        if row["name"] == name:
            return int(row["id"])
    raise KeyError(name)


def voucher_type_ref(ctx: Ctx, value: Row) -> int:
    """The id of a voucher type a voucher body names; 422 naming ``voucherType`` if unknown."""
    wanted = value.get("id")
    if not isinstance(wanted, int) or wanted not in voucher_types(ctx):
        raise errors.validation("voucherType", f"Bilagstypen finnes ikke / voucher type not found: {wanted}.")
    return wanted


@router.get("/ledger/voucherType")
async def search(ctx: CtxDep, name: str | None = None) -> Response:
    """``name`` is a case-insensitive part of the name."""
    wanted = (name or "").lower()
    rows = [r for r in voucher_types(ctx).values() if wanted in r["name"].lower()]
    return ctx.listing(rows, SCHEMA)


@router.get("/ledger/voucherType/{id}")
async def get(id: int, ctx: CtxDep) -> Response:
    voucher_types(ctx)
    return ctx.single(ctx.get(SCHEMA, id), SCHEMA)
