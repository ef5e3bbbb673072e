"""Open posts (``/ledger/posting/openPost``): the postings still open on a date.

An open post is a posting on a reconciled ledger, the customers' (1500) or the suppliers' (2400)
accounts, dated before ``date`` — the spec: «Format is yyyy-MM-dd (to and excl.)» — that was not
closed before it (no close group, or one dated on or after ``date``): the ledger as it stood at the
end of the day before ``date``, so an invoice paid later shows as open until its payment day. The
usual posting filters narrow it; the spec has no ``changedSince`` here.

Listed before the voucher module's routes, so ``/ledger/posting/openPost`` is not read as
``/ledger/posting/{id}``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from fastapi import APIRouter, Response

from txbridge.sandbox.accounting import ref_id
from txbridge.sandbox.context import Ctx, CtxDep, id_list, parse_date_param
from txbridge.sandbox.state import Row

router = APIRouter()
POSTING = "Posting"
RECONCILED_ACCOUNTS = frozenset({1500, 2400})


def _open_before(ctx: Ctx, posting: Row, day: date) -> bool:
    """Open at the end of the day before ``day`` (``date`` is exclusive)."""
    if posting.get("date", "9999") >= day.isoformat():
        return False
    group_id = ref_id(posting.get("closeGroup"))
    if group_id is None:
        return True
    group = ctx.company.table("CloseGroup").get(group_id)
    return group is not None and str(group.get("date", "")) >= day.isoformat()


def _ref_filter(key: str, text: str | None) -> Callable[[Row], bool] | None:
    ids = id_list(text)
    if ids is None:
        return None
    return lambda p: ref_id(p.get(key)) in ids


@router.get("/ledger/posting/openPost")
async def open_posts(
    ctx: CtxDep,
    date: str | None = None,
    accountId: str | None = None,
    supplierId: str | None = None,
    customerId: str | None = None,
    employeeId: str | None = None,
    departmentId: str | None = None,
    projectId: str | None = None,
    productId: str | None = None,
    accountNumberFrom: int | None = None,
    accountNumberTo: int | None = None,
) -> Response:
    day = parse_date_param(date, "date", required=True)
    assert day is not None
    checks = [
        f
        for f in (
            _ref_filter("account", accountId),
            _ref_filter("supplier", supplierId),
            _ref_filter("customer", customerId),
            _ref_filter("employee", employeeId),
            _ref_filter("department", departmentId),
            _ref_filter("project", projectId),
            _ref_filter("product", productId),
        )
        if f is not None
    ]
    low = accountNumberFrom if accountNumberFrom is not None else 0
    high = accountNumberTo if accountNumberTo is not None else 99_999

    def wanted(p: Row) -> bool:
        number = p.get("_accountNumber", 0)
        return (
            number in RECONCILED_ACCOUNTS
            and low <= number <= high
            and all(check(p) for check in checks)
            and _open_before(ctx, p, day)
        )

    rows = sorted(filter(wanted, ctx.company.table(POSTING).values()), key=lambda p: (p["date"], p["id"]))
    return ctx.listing(rows, POSTING)
