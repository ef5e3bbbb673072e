"""Payslips (``/salary/payslip``): read only. The salary period is the payslip's ``year`` and
``month``; ``yearFrom``/``yearTo`` and ``monthFrom``/``monthTo`` are from-and-including,
to-excluding, each on its own number (as the spec lists them), ``voucherDateFrom``/``To`` on ``date``."""

from __future__ import annotations

from fastapi import APIRouter, Response

from txbridge.sandbox.accounting import ref_id
from txbridge.sandbox.context import CtxDep, id_list, in_range, parse_date_param
from txbridge.sandbox.state import Row

router = APIRouter()
SCHEMA = "Payslip"


def _between(value: int, low: int | None, high: int | None) -> bool:
    return (low is None or value >= low) and (high is None or value < high)


@router.get("/salary/payslip")
async def search(
    ctx: CtxDep,
    id: str | None = None,
    employeeId: str | None = None,
    wageTransactionId: str | None = None,
    activityId: str | None = None,
    yearFrom: int | None = None,
    yearTo: int | None = None,
    monthFrom: int | None = None,
    monthTo: int | None = None,
    voucherDateFrom: str | None = None,
    voucherDateTo: str | None = None,
    comment: str | None = None,
) -> Response:
    ids = id_list(id)
    employees = id_list(employeeId)
    start = parse_date_param(voucherDateFrom, "voucherDateFrom")
    end = parse_date_param(voucherDateTo, "voucherDateTo")

    def wanted(r: Row) -> bool:
        return (
            (ids is None or r["id"] in ids)
            and (employees is None or ref_id(r.get("employee")) in employees)
            and _between(r["year"], yearFrom, yearTo)
            and _between(r["month"], monthFrom, monthTo)
            and ((start is None and end is None) or in_range(r.get("date"), start, end))
        )

    rows = sorted(filter(wanted, ctx.company.table(SCHEMA).values()), key=lambda r: r["id"])
    return ctx.listing(rows, SCHEMA, changed_since=False)


@router.get("/salary/payslip/{id}")
async def get(id: int, ctx: CtxDep) -> Response:
    return ctx.single(ctx.get(SCHEMA, id), SCHEMA)
