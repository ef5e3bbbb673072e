"""Currency: search, get, the NOK rate of a currency on a date, and the two exchange-rate conversions.

Rates come from the sandbox's Norges Bank table (:mod:`txbridge.sandbox.rates`): for a date, the newest
rate published on or before it, as Tripletex uses them. ``rate`` is NOK per ``factor`` units (100 for
SEK and DKK), as Norges Bank quotes them.
"""

from __future__ import annotations

from datetime import date as Date
from decimal import Decimal

from fastapi import APIRouter, Query, Response

from txbridge.sandbox import errors
from txbridge.sandbox.accounting import money, out
from txbridge.sandbox.context import Ctx, CtxDep, TxJSONResponse, id_list, parse_date_param
from txbridge.sandbox.query import parse_fields
from txbridge.sandbox.rates import Observation, sandbox_rates
from txbridge.sandbox.state import Row

router = APIRouter()
SCHEMA = "Currency"
NOK_ID = 1


def rate_of(ctx: Ctx, currency: Row, day: Date, where: str = "date") -> Observation:
    """The currency's rate to NOK for ``day``; 422 naming ``where`` when the table has none that early."""
    found = sandbox_rates(ctx.state).table(ctx.company.id).rate_on(currency["code"], day)
    if found is None:
        raise errors.validation(
            where,
            f"Fant ingen valutakurs for {currency['code']} på {day.isoformat()} eller før. "
            f"No exchange rate for {currency['code']} on or before {day.isoformat()}.",
        )
    return found


def to_nok(ctx: Ctx, currency: Row, amount: Decimal, day: Date, where: str = "date") -> Decimal:
    """``amount`` in ``currency`` as NOK on ``day``, rounded to øre."""
    if currency["id"] == NOK_ID:
        return money(amount)
    return money(amount * rate_of(ctx, currency, day, where).per_unit)


def _required_date(text: str | None) -> Date:
    day = parse_date_param(text, "date", required=True)
    assert day is not None
    return day


def _amount(text: str | None) -> Decimal:
    if text is None or text == "":
        raise errors.validation("amount", "Kan ikke være null. Cannot be null.", errors.VALUE_VALIDATION)
    try:
        return Decimal(text)
    except ArithmeticError:
        raise errors.validation("amount", "Må være et tall. Must be a number.", errors.PARAM) from None


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
async def rate(id: int, ctx: CtxDep, date: str | None = Query(None)) -> Response:
    day = _required_date(date)
    currency = ctx.get(SCHEMA, id)
    found = rate_of(ctx, currency, day)
    factor = int(currency.get("factor") or 1)
    value: Row = {
        "id": id,
        "sourceCurrency": {"id": id},
        "targetCurrency": {"id": NOK_ID},
        "rate": float(round(found.per_unit * factor, 6)),
        "source": "NORGES_BANK",
        "date": found.day.isoformat(),
    }
    tree = parse_fields(ctx.request.query_params.get("fields"))
    ctx.renderer.check("CurrencyExchangeRate", tree)
    return TxJSONResponse({"value": ctx.renderer.render(value, "CurrencyExchangeRate", tree)})


@router.get("/currency/{fromCurrencyID}/exchangeRate")
async def amount_in_company_currency(
    fromCurrencyID: int, ctx: CtxDep, amount: str | None = None, date: str | None = None
) -> Response:
    """``amount`` of the currency in NOK for the date."""
    value, day = _amount(amount), _required_date(date)
    currency = ctx.get(SCHEMA, fromCurrencyID)
    return TxJSONResponse({"value": out(to_nok(ctx, currency, value, day))})


@router.get("/currency/{fromCurrencyID}/{toCurrencyID}/exchangeRate")
async def convert(
    fromCurrencyID: int, toCurrencyID: int, ctx: CtxDep, amount: str | None = None, date: str | None = None
) -> Response:
    """``amount`` of one currency in another, through NOK, for the date."""
    value, day = _amount(amount), _required_date(date)
    source, target = ctx.get(SCHEMA, fromCurrencyID), ctx.get(SCHEMA, toCurrencyID)
    nok = value * (rate_of(ctx, source, day).per_unit if source["id"] != NOK_ID else 1)
    target_rate = rate_of(ctx, target, day).per_unit if target["id"] != NOK_ID else Decimal(1)
    return TxJSONResponse({"value": out(money(nok / target_rate))})


@router.get("/currency/{id}")
async def get(id: int, ctx: CtxDep) -> Response:
    return ctx.single(ctx.get(SCHEMA, id), SCHEMA)
