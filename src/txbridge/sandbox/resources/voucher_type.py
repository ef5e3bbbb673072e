"""Voucher types (``/ledger/voucherType``): search by name and get; read only, as in Tripletex.

Tripletex's standard voucher types by their Norwegian names; a voucher may name one
(``voucherType: {id}``). The ids are the sandbox's own (Tripletex's differ per installation).
"""

from __future__ import annotations

from fastapi import APIRouter, Response

from txbridge.sandbox.context import Ctx, CtxDep
from txbridge.sandbox.state import Row

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


def voucher_types(ctx: Ctx) -> dict[int, Row]:
    """The company's voucher types, made on first use."""
    table = ctx.company.table(SCHEMA)
    if not table:
        with ctx.state.lock:
            for name in NAMES:
                row_id = ctx.state.new_id()
                table[row_id] = {"id": row_id, "version": 0, "name": name, "displayName": name}
    return table


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
