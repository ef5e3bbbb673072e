"""Invoice amounts balance to the øre for awkward prices, over real HTTP (a hypothesis property).

Prices with or without VAT at 25, 15, 12 and 0 %, quantities with decimals and discounts: the amounts
are recomputed here with ``Decimal`` (independently of the sandbox's own code) and the invoice's voucher
must balance exactly, its VAT postings must be the difference between the amounts with and without VAT,
and a payment of the amount must leave nothing outstanding and close the customer postings.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fixtures.sandbox import oslo_today

ORE = Decimal("0.01")
# VAT number -> rate in percent (Tripletex's output VAT types).
RATES = {"3": Decimal(25), "31": Decimal(15), "33": Decimal(12), "5": Decimal(0), "6": Decimal(0)}
TODAY = oslo_today()
Json = dict[str, Any]


def _ore(value: Decimal) -> Decimal:
    return value.quantize(ORE, rounding=ROUND_HALF_UP)


def _dec(value: Any) -> Decimal:
    return Decimal(str(value))


lines_strategy = st.lists(
    st.fixed_dictionaries(
        {
            "vat": st.sampled_from(sorted(RATES)),
            "price": st.decimals(min_value="0.01", max_value="99999.99", places=2),
            "count": st.decimals(min_value="0.01", max_value="999.99", places=2),
            "discount": st.decimals(min_value="0", max_value="99.99", places=2),
        }
    ),
    min_size=1,
    max_size=6,
)


@settings(
    max_examples=60,
    deadline=None,
    database=None,
    # One company for every example: each checks only its own invoice.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(lines=lines_strategy, including=st.booleans())
def test_invoice_amounts_balance_to_the_ore(
    sandbox_client: httpx.Client, lines: list[dict[str, Decimal]], including: bool
) -> None:
    client = sandbox_client
    vat_ids = {v["number"]: v["id"] for v in client.get("/ledger/vatType").json()["values"]}
    customer = client.post("/customer", json={"name": "Øre AS"}).json()["value"]
    price_field = "unitPriceIncludingVatCurrency" if including else "unitPriceExcludingVatCurrency"
    order = {
        "customer": {"id": customer["id"]},
        "orderDate": TODAY.isoformat(),
        "deliveryDate": TODAY.isoformat(),
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
    body = {
        "invoiceDate": TODAY.isoformat(),
        "invoiceDueDate": (TODAY + timedelta(days=14)).isoformat(),
        "orders": [order],
    }
    created = client.post("/invoice", json=body, params={"sendToCustomer": False})
    assert created.status_code == 201, created.text
    invoice: Json = created.json()["value"]

    # Each line: the price the order is in gives the line amount, the other side is derived by the rate.
    stored = client.get(
        f"/order/{invoice['orders'][0]['id']}",
        params={"fields": "orderLines(amountExcludingVatCurrency,amountIncludingVatCurrency)"},
    ).json()["value"]["orderLines"]
    assert len(stored) == len(lines)
    for sent, got in zip(lines, stored, strict=True):
        factor = 1 + RATES[sent["vat"]] / 100
        chosen = _ore(sent["count"] * sent["price"] * (1 - sent["discount"] / 100))
        excl, incl = _dec(got["amountExcludingVatCurrency"]), _dec(got["amountIncludingVatCurrency"])
        assert excl == _ore(excl) and incl == _ore(incl)
        if including:
            assert incl == chosen and excl == _ore(incl / factor)
        else:
            assert excl == chosen and incl == _ore(excl * factor)

    amount, net = _dec(invoice["amount"]), _dec(invoice["amountExcludingVat"])
    assert amount == sum((_dec(line["amountIncludingVatCurrency"]) for line in stored), Decimal(0))
    assert net == sum((_dec(line["amountExcludingVatCurrency"]) for line in stored), Decimal(0))
    assert _dec(invoice["amountOutstanding"]) == amount

    postings = client.get(
        f"/ledger/voucher/{invoice['voucher']['id']}",
        params={"fields": "postings(amount,systemGenerated,account(number))"},
    ).json()["value"]["postings"]
    assert sum((_dec(p["amount"]) for p in postings), Decimal(0)) == 0
    [receivable] = [p for p in postings if p["account"]["number"] == 1500]
    assert _dec(receivable["amount"]) == amount
    vat = [_dec(p["amount"]) for p in postings if p["account"]["number"] // 100 == 27]
    assert -sum(vat, Decimal(0)) == amount - net

    if amount > 0:
        payment_type = client.get("/invoice/paymentType").json()["values"][0]
        paid = client.put(
            f"/invoice/{invoice['id']}/:payment",
            params={
                "paymentDate": TODAY.isoformat(),
                "paymentTypeId": payment_type["id"],
                "paidAmount": str(amount),
            },
        )
        assert paid.status_code == 200, paid.text
        assert _dec(paid.json()["value"]["amountOutstanding"]) == 0
        customer_postings = client.get(
            "/ledger/posting",
            params={
                "dateFrom": TODAY.isoformat(),
                "dateTo": (TODAY + timedelta(days=1)).isoformat(),
                "customerId": customer["id"],
                "accountNumberFrom": 1500,
                "accountNumberTo": 1500,
                "fields": "amount,closeGroup",
            },
        ).json()["values"]
        assert len(customer_postings) == 2
        assert len({(p.get("closeGroup") or {}).get("id") for p in customer_postings} - {None}) == 1
        assert all(p.get("closeGroup") for p in customer_postings)
