"""Accounting periods (``/ledger/accountingPeriod``): one per month, read only as in Tripletex, and the
two locks a posting meets: a **closed period** (``isClosed``) takes no voucher, and a **reported VAT
term** takes no posting with VAT. Tripletex's API shows neither lock being set (the accountant does
that in Tripletex), so the sandbox's control API sets them:
``PUT /_sandbox/companies/{id}/periods {"closed": ["2026-08"], "vatReportedThrough": "2026-08-31"}``.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Response

from txbridge.sandbox import errors
from txbridge.sandbox.context import Ctx, CtxDep, id_list, parse_date_param
from txbridge.sandbox.state import CompanyState, Row, SandboxState

router = APIRouter()
SCHEMA = "AccountingPeriod"
FIRST_YEAR, LAST_YEAR = 2015, 2040
#: ``company.extra`` key: the last day of the last VAT term that is reported (ISO date), if any.
VAT_REPORTED_THROUGH = "vatReportedThrough"


def periods(state: SandboxState, company: CompanyState) -> dict[int, Row]:
    """The company's monthly periods, made on first use."""
    table = company.table(SCHEMA)
    if not table:
        for year in range(FIRST_YEAR, LAST_YEAR + 1):
            for month in range(1, 13):
                row_id = state.new_id()
                end = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
                table[row_id] = {
                    "id": row_id,
                    "version": 0,
                    "name": f"{year:04d}-{month:02d}",
                    "number": month,
                    "start": date(year, month, 1).isoformat(),
                    "end": end.isoformat(),
                    "isClosed": False,
                }
    return table


def set_locks(
    state: SandboxState, company: CompanyState, closed: list[str], vat_reported_through: str | None
) -> None:
    """Close exactly the ``YYYY-MM`` periods in ``closed`` and set the last reported VAT day."""
    wanted = set(closed)
    for row in periods(state, company).values():
        row["isClosed"] = row["name"] in wanted
    company.extra[VAT_REPORTED_THROUGH] = vat_reported_through


def refuse_locked(ctx: Ctx, day: str, *, has_vat: bool) -> None:
    """Raise Tripletex's 422 for a voucher dated in a closed period, or with VAT in a reported term."""
    for row in periods(ctx.state, ctx.company).values():
        if row["isClosed"] and row["start"] <= day < row["end"]:
            raise errors.validation(
                "date",
                f"Perioden {row['name']} er stengt for postering. The period {row['name']} is closed.",
            )
    reported = ctx.company.extra.get(VAT_REPORTED_THROUGH)
    if has_vat and reported and day <= reported:
        raise errors.validation(
            "date",
            f"Mva-terminen til og med {reported} er rapportert; bilag med mva kan ikke føres i den. "
            f"The VAT term through {reported} is reported; vouchers with VAT cannot be posted in it.",
        )


@router.get("/ledger/accountingPeriod")
async def search(
    ctx: CtxDep,
    id: str | None = None,
    numberFrom: int | None = None,
    numberTo: int | None = None,
    startFrom: str | None = None,
    startTo: str | None = None,
    endFrom: str | None = None,
    endTo: str | None = None,
) -> Response:
    ids = id_list(id)
    start_from, start_to = parse_date_param(startFrom, "startFrom"), parse_date_param(startTo, "startTo")
    end_from, end_to = parse_date_param(endFrom, "endFrom"), parse_date_param(endTo, "endTo")

    def inside(value: str, low: date | None, high: date | None) -> bool:
        return (low is None or value >= low.isoformat()) and (high is None or value < high.isoformat())

    with ctx.state.lock:
        rows = [
            r
            for r in periods(ctx.state, ctx.company).values()
            if (ids is None or r["id"] in ids)
            and (numberFrom is None or r["number"] >= numberFrom)
            and (numberTo is None or r["number"] < numberTo)
            and inside(r["start"], start_from, start_to)
            and inside(r["end"], end_from, end_to)
        ]
    return ctx.listing(rows, SCHEMA, changed_since=False)


@router.get("/ledger/accountingPeriod/{id}")
async def get(id: int, ctx: CtxDep) -> Response:
    with ctx.state.lock:
        periods(ctx.state, ctx.company)
    return ctx.single(ctx.get(SCHEMA, id), SCHEMA)
