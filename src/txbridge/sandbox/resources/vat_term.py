"""VAT term size settings (``/vatTermSizeSettings``): how long the company's VAT terms are, from
which date. Read only here; a company without rows reports two-monthly terms (the usual size)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from txbridge.sandbox.context import Ctx, CtxDep
from txbridge.sandbox.state import Row

router = APIRouter()
SCHEMA = "VatTermSizeSettings"


def term_settings(ctx: Ctx) -> dict[int, Row]:
    table = ctx.company.table(SCHEMA)
    if not table:
        with ctx.state.lock:
            row_id = ctx.state.new_id()
            table[row_id] = {
                "id": row_id,
                "version": 0,
                "reportType": "GENERAL_INDUSTRY",
                "fromDate": "2000-01-01",
                "termSize": "TWO_MONTHS",
            }
    return table


@router.get("/vatTermSizeSettings")
async def search(ctx: CtxDep) -> Response:
    rows = sorted(term_settings(ctx).values(), key=lambda r: r["fromDate"])
    return ctx.listing(rows, SCHEMA, changed_since=False)


@router.get("/vatTermSizeSettings/{id}")
async def get(id: int, ctx: CtxDep) -> Response:
    term_settings(ctx)
    return ctx.single(ctx.get(SCHEMA, id), SCHEMA)
