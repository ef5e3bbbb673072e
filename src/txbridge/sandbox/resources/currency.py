"""Currency: search, get, and the NOK rate of a currency on a date.

Tripletex fetches rates from Norges Bank twice a day; offline, each currency has one fixed NOK rate
per `factor` units (from the standard data), the same on every date, so tests are deterministic.
"""

from __future__ import annotations

from fastapi import APIRouter, Query, Response

from txbridge.sandbox.context import CtxDep, TxJSONResponse, id_list, parse_date_param
from txbridge.sandbox.query import parse_fields
from txbridge.sandbox.state import Row

router = APIRouter()
SCHEMA = "Currency"
NOK_ID = 1


@router.get("/currency")
async def search(ctx: CtxDep, id: str | None = None, code: str | None = None) -> Response:
    ids = id_list(id)
    codes = {c.strip().upper() for c in code.split(",")} if code else None
    rows = [
        r
        for r in ctx.company.table(SCHEMA).values()
        if (ids is None or r["id"] in ids) and (codes is None or r.get("code") in codes)
    ]
    return ctx.listing(rows, SCHEMA)


@router.get("/currency/{id}/rate")
async def rate(id: int, ctx: CtxDep, date: str = Query()) -> Response:
    day = parse_date_param(date, "date", required=True)
    assert day is not None
    currency = ctx.get(SCHEMA, id)
    value: Row = {
        "id": id,
        "sourceCurrency": {"id": id},
        "targetCurrency": {"id": NOK_ID},
        "rate": currency.get("_nokRate", 1),
        "source": "NORGES_BANK",
        "date": day.isoformat(),
    }
    tree = parse_fields(ctx.request.query_params.get("fields"))
    ctx.renderer.check("CurrencyExchangeRate", tree)
    return TxJSONResponse({"value": ctx.renderer.render(value, "CurrencyExchangeRate", tree)})


@router.get("/currency/{id}")
async def get(id: int, ctx: CtxDep) -> Response:
    return ctx.single(ctx.get(SCHEMA, id), SCHEMA)
