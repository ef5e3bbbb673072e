"""The voucher rules a POS day meets, over real HTTP: closed periods and reported VAT terms refuse
postings (422, 18000, field ``date``), ``>externalVoucherNumber`` finds a voucher, ``:reverse`` undoes
it once, accounting periods are listed with ``isClosed``; and every balanced day the builder makes is
accepted with its VAT split out to the øre."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from tests.fixtures.sandbox import SandboxCompany
from tests.flows.daysales.conftest import balanced_days, example_day, flat_mapping
from txbridge.flows.daysales.voucher import ChartView, DayIn, VoucherPlan, build
from txbridge.tripletex import RateLimiterRegistry, Tripletex, UnprocessableEntityError

DAY = date(2026, 10, 5)


@pytest.fixture
def tx(sandbox_company: SandboxCompany) -> Iterator[Tripletex]:
    with Tripletex(
        consumer_token=sandbox_company.consumer_token,
        employee_token=sandbox_company.employee_token,
        base_url=sandbox_company.base_url,
        rate_limiters=RateLimiterRegistry(),
    ) as client:
        yield client


def _chart(tx: Tripletex) -> ChartView:
    accounts = list(tx.ledger.accounts.iter(fields="id,number,name,vatType(id)"))
    return ChartView(accounts, list(tx.ledger.vat_types.iter(fields="id,number,percentage")))


def _body(tx: Tripletex, day: DayIn, when: date = DAY) -> dict[str, Any]:
    plan = build(day, flat_mapping(), _chart(tx), when)
    assert isinstance(plan, VoucherPlan), plan
    return plan.body()


def _lock(company: SandboxCompany, closed: list[str], vat_through: str | None = None) -> None:
    with company.control() as control:
        body = {"closed": closed, "vatReportedThrough": vat_through}
        control.put(f"/companies/{company.company_id}/periods", json=body).raise_for_status()


def test_a_day_is_posted_found_by_its_external_number_and_reversed_once(tx: Tripletex) -> None:
    voucher = tx.ledger.vouchers.create(_body(tx, example_day()))
    assert voucher.id is not None
    found = tx.ledger.vouchers.by_external_number("TXB-DS-7.1", fields="id,externalVoucherNumber")
    assert [v.id for v in found] == [voucher.id]
    postings = tx.ledger.postings.list(
        date_from=DAY, date_to=date(2026, 10, 6), fields="amountGross,amount,account(number),row"
    ).values
    by_account: dict[int, Decimal] = {}
    for p in postings:
        assert p.account is not None and p.account.number is not None
        by_account[p.account.number] = by_account.get(p.account.number, Decimal(0)) + (p.amount or 0)
    assert by_account[3000] == Decimal("-1000.00") and by_account[2700] == Decimal("-250.00")
    assert by_account[3001] == Decimal("-373.91") and by_account[2701] == Decimal("-56.09")
    reversal = tx.ledger.vouchers.reverse(voucher.id, day=date(2026, 10, 31))
    assert reversal.id != voucher.id
    assert tx.ledger.vouchers.get(voucher.id, fields="reverseVoucher").reverseVoucher is not None
    with pytest.raises(UnprocessableEntityError):
        tx.ledger.vouchers.reverse(voucher.id, day=date(2026, 10, 31))
    # The reversal carries no external number: a search for the day's marker still finds one voucher.
    assert len(tx.ledger.vouchers.by_external_number("TXB-DS-7.1")) == 1


def test_closed_periods_and_reported_vat_terms_refuse_postings(
    tx: Tripletex, sandbox_company: SandboxCompany
) -> None:
    first = tx.ledger.vouchers.create(_body(tx, example_day()))
    assert first.id is not None
    _lock(sandbox_company, ["2026-10"])
    periods = tx.ledger.accounting_periods.list(
        start_from=date(2026, 9, 1), start_to=date(2026, 12, 1), fields="name,start,end,isClosed"
    ).values
    assert [(p.name, p.isClosed) for p in periods] == [
        ("2026-09", False),
        ("2026-10", True),
        ("2026-11", False),
    ]
    assert periods[1].start == date(2026, 10, 1) and periods[1].end == date(2026, 11, 1)
    with pytest.raises(UnprocessableEntityError) as refused:
        tx.ledger.vouchers.create(_body(tx, example_day()))
    assert refused.value.code == 18000
    assert [v.field for v in refused.value.validation_messages] == ["date"]
    with pytest.raises(UnprocessableEntityError):
        tx.ledger.vouchers.reverse(first.id, day=date(2026, 10, 31))
    # VAT reported through October: a voucher with VAT is refused there, one without VAT is not.
    _lock(sandbox_company, [], "2026-10-31")
    with pytest.raises(UnprocessableEntityError):
        tx.ledger.vouchers.create(_body(tx, example_day()))
    no_vat = {
        "date": "2026-10-20",
        "description": "Overføring",
        "postings": [
            {"row": 1, "account": {"id": _chart(tx).accounts[1900].id}, "amountGross": -100},
            {"row": 2, "account": {"id": _chart(tx).accounts[1920].id}, "amountGross": 100},
        ],
    }
    assert tx.ledger.vouchers.create(no_vat).id is not None
    assert tx.ledger.vouchers.reverse(first.id, day=date(2026, 11, 1)).id is not None


def test_rows_from_1_and_the_customer_on_customer_ledger_rows(tx: Tripletex) -> None:
    chart = _chart(tx)
    rows = [
        {"row": 0, "account": {"id": chart.accounts[1900].id}, "amountGross": 100},
        {"row": 1, "account": {"id": chart.accounts[1500].id}, "amountGross": -100},
    ]
    for body_rows, field in (
        (rows, "postings[0].row"),
        ([{**rows[0], "row": 2}, rows[1]], "postings[1].customer"),
    ):
        with pytest.raises(UnprocessableEntityError) as refused:
            tx.ledger.vouchers.create({"date": "2026-10-05", "description": "x", "postings": body_rows})
        assert [v.field for v in refused.value.validation_messages] == [field]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(day=balanced_days())
def test_every_balanced_day_is_accepted_with_its_vat_to_the_ore(tx: Tripletex, day: DayIn) -> None:
    body = _body(tx, day)
    del body["externalVoucherNumber"]
    voucher = tx.ledger.vouchers.create(body, fields="id,postings(amount,amountGross,row,systemGenerated)")
    postings = voucher.postings or []
    # The ledger balances to the øre: net amounts and the VAT Tripletex split out of them.
    assert sum((p.amount or 0) for p in postings) == 0
    assert sum((p.amountGross or 0) for p in postings if not p.systemGenerated) == 0
    assert {p.row for p in postings} == {p["row"] for p in body["postings"]}
