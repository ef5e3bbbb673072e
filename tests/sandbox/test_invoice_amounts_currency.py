"""Foreign-currency invoices balance to the øre in both currencies, with and without rounding, over
real HTTP (a hypothesis property, the companion of :mod:`tests.sandbox.test_invoice_amounts`).

For awkward prices, VAT rates, quantities and discounts, a random exchange rate set through the control
API for the invoice date, and the company's rounding switched on or off, the amounts are recomputed
here with ``Decimal``: the invoice's voucher must balance in NOK and in the currency, every row but the
customer's must be its currency amount at the rate (rounded to øre), ``amountRoundoffCurrency`` must be
what rounds the currency total to whole units (0 when the company does not round — a new company does
not, see the sources in :mod:`tests.sandbox.test_currency`), and a payment of the currency total at a
second rate must leave nothing outstanding in either currency, book the difference as an exchange gain
(8060) or loss (8160) and close the customer's postings.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fixtures.sandbox import SandboxCompany
from tests.sandbox.test_invoice_amounts import RATES, TODAY, _dec, _ore, lines_strategy

Json = dict[str, Any]
rates = st.decimals(min_value="0.0500", max_value="250.0000", places=4)


def _set(company: SandboxCompany, code: str, rate: Decimal, rounding: bool) -> None:
    with company.control() as control:
        control.put(
            "/rates",
            json={
                "companyId": company.company_id,
                "rates": [{"currency": code, "date": TODAY.isoformat(), "rate": float(rate)}],
            },
        ).raise_for_status()
        control.put(
            f"/companies/{company.company_id}/settings", json={"invoiceRounding": rounding}
        ).raise_for_status()


@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    lines=lines_strategy,
    including=st.booleans(),
    code=st.sampled_from(["EUR", "SEK", "USD", "GBP", "DKK"]),
    rate=rates,
    pay_rate=rates,
    rounding=st.booleans(),
)
def test_foreign_invoice_balances_in_both_currencies(
    sandbox_company: SandboxCompany,
    sandbox_client: httpx.Client,
    lines: list[dict[str, Decimal]],
    including: bool,
    code: str,
    rate: Decimal,
    pay_rate: Decimal,
    rounding: bool,
) -> None:
    client = sandbox_client
    _set(sandbox_company, code, rate, rounding)
    vat_ids = {v["number"]: v["id"] for v in client.get("/ledger/vatType").json()["values"]}
    currency = client.get("/currency", params={"code": code}).json()["values"][0]["id"]
    customer = client.post("/customer", json={"name": f"{code} Ltd"}).json()["value"]
    price_field = "unitPriceIncludingVatCurrency" if including else "unitPriceExcludingVatCurrency"
    order = {
        "customer": {"id": customer["id"]},
        "orderDate": TODAY.isoformat(),
        "deliveryDate": TODAY.isoformat(),
        "currency": {"id": currency},
        "isPrioritizeAmountsIncludingVat": including,
        "orderLines": [
            {
                "description": f"Linje {i}",
                "vatType": {"id": vat_ids[line["vat"]]},
                price_field: float(line["price"]),
                "count": float(line["count"]),
                "discount": float(line["discount"]),
            }
            for i, line in enumerate(lines)
        ],
    }
    created = client.post(
        "/invoice",
        params={"sendToCustomer": False},
        json={"invoiceDate": TODAY.isoformat(), "invoiceDueDate": TODAY.isoformat(), "orders": [order]},
    )
    assert created.status_code == 201, created.text
    invoice: Json = created.json()["value"]

    # The currency total from the lines, recomputed here; rounding to whole units when the company rounds.
    total = Decimal(0)
    for line in lines:
        factor = 1 + RATES[line["vat"]] / 100
        chosen = _ore(line["count"] * line["price"] * (1 - line["discount"] / 100))
        total += chosen if including else _ore(chosen * factor)
    roundoff = total.quantize(Decimal(1), rounding=ROUND_HALF_UP) - total if rounding else Decimal(0)
    assert _dec(invoice["amountCurrency"]) == total + roundoff
    assert _dec(invoice["amountRoundoffCurrency"]) == roundoff
    assert invoice["currency"]["id"] == currency

    postings = client.get(
        f"/ledger/voucher/{invoice['voucher']['id']}",
        params={"fields": "postings(amount,amountCurrency,currency(id),account(number))"},
    ).json()["value"]["postings"]
    assert sum(_dec(p["amount"]) for p in postings) == 0
    assert sum(_dec(p["amountCurrency"]) for p in postings) == 0
    assert {p["currency"]["id"] for p in postings} == {currency}
    [receivable] = [p for p in postings if p["account"]["number"] == 1500]
    others = [p for p in postings if p is not receivable]
    for p in others:
        assert _dec(p["amount"]) == _ore(_dec(p["amountCurrency"]) * rate)
    amount = _dec(invoice["amount"])
    assert _dec(receivable["amount"]) == amount and _dec(receivable["amountCurrency"]) == total + roundoff
    assert abs(amount - (total + roundoff) * rate) <= Decimal("0.005") * len(others)
    rounding_rows = [p for p in others if p["account"]["number"] == 7960]
    assert -sum((_dec(p["amount"]) for p in rounding_rows), Decimal(0)) == _dec(invoice["amountRoundoff"])

    if total + roundoff <= 0:
        return
    paid_nok = _ore((total + roundoff) * pay_rate)
    payment_type = client.get("/invoice/paymentType").json()["values"][0]["id"]
    paid = client.put(
        f"/invoice/{invoice['id']}/:payment",
        params={
            "paymentDate": TODAY.isoformat(),
            "paymentTypeId": payment_type,
            "paidAmount": str(paid_nok),
            "paidAmountCurrency": str(total + roundoff),
        },
    )
    assert paid.status_code == 200, paid.text
    value = paid.json()["value"]
    assert _dec(value["amountOutstanding"]) == 0 and _dec(value["amountCurrencyOutstanding"]) == 0
    day = {"dateFrom": TODAY.isoformat(), "dateTo": (TODAY + timedelta(days=1)).isoformat()}
    mine = client.get(
        "/ledger/posting",
        params={
            **day,
            "customerId": customer["id"],
            "fields": "amount,amountCurrency,account(number),closeGroup,voucher",
        },
    ).json()["values"]
    receivables = [p for p in mine if p["account"]["number"] == 1500]
    assert len(receivables) == 2 and all(p.get("closeGroup") for p in receivables)
    # (By the currency: at a tiny rate the NOK of a cent invoice rounds to 0.)
    payment_voucher = next(p["voucher"]["id"] for p in receivables if _dec(p["amountCurrency"]) < 0)
    rows = client.get(
        f"/ledger/voucher/{payment_voucher}", params={"fields": "postings(amount,account(number))"}
    ).json()["value"]["postings"]
    fx = {p["account"]["number"]: _dec(p["amount"]) for p in rows if p["account"]["number"] in (8060, 8160)}
    difference = paid_nok - amount
    if difference > 0:
        assert fx == {8060: -difference}
    elif difference < 0:
        assert fx == {8160: -difference}
    else:
        assert fx == {}
