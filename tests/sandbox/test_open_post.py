"""Open posts (``/ledger/posting/openPost``) over real HTTP: customer postings open on a date."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx

INVOICE_DAY = date(2026, 9, 1)
PAY_DAY = date(2026, 9, 20)


def _invoice(client: httpx.Client, name: str) -> dict[str, Any]:
    customer = client.post("/customer", json={"name": name}).json()["value"]["id"]
    order = {
        "customer": {"id": customer},
        "orderDate": INVOICE_DAY.isoformat(),
        "deliveryDate": INVOICE_DAY.isoformat(),
        "orderLines": [{"description": "Arbeid", "unitPriceExcludingVatCurrency": 1000}],
    }
    response = client.post(
        "/invoice",
        params={"sendToCustomer": False},
        json={
            "invoiceDate": INVOICE_DAY.isoformat(),
            "invoiceDueDate": PAY_DAY.isoformat(),
            "orders": [order],
        },
    )
    assert response.status_code == 201, response.text
    invoice: dict[str, Any] = response.json()["value"]
    return invoice


def test_open_on_a_date_until_paid(sandbox_client: httpx.Client) -> None:
    paid = _invoice(sandbox_client, "Betaler AS")
    unpaid = _invoice(sandbox_client, "Skylder AS")
    payment_type = sandbox_client.get("/invoice/paymentType").json()["values"][0]["id"]
    sandbox_client.put(
        f"/invoice/{paid['id']}/:payment",
        params={
            "paymentDate": PAY_DAY.isoformat(),
            "paymentTypeId": payment_type,
            "paidAmount": paid["amount"],
        },
    ).raise_for_status()

    def open_customers(day: date, **params: object) -> list[int]:
        response = sandbox_client.get(
            "/ledger/posting/openPost",
            params={"date": day.isoformat(), "fields": "customer,amount", **params},
        )
        assert response.status_code == 200, response.text
        return sorted(p["customer"]["id"] for p in response.json()["values"])

    both = sorted([paid["customer"]["id"], unpaid["customer"]["id"]])
    # ``date`` is «to and excl.» (the spec): the ledger at the end of the day before it.
    assert open_customers(INVOICE_DAY) == []  # dated on the invoice day itself: not yet
    assert open_customers(INVOICE_DAY + timedelta(days=1)) == both
    assert open_customers(PAY_DAY.replace(day=10)) == both  # before the payment: both open
    assert open_customers(PAY_DAY) == both  # the payment day is excluded
    assert open_customers(PAY_DAY + timedelta(days=1)) == [unpaid["customer"]["id"]]
    assert open_customers(INVOICE_DAY.replace(day=1, month=8)) == []  # before the invoices
    only = open_customers(PAY_DAY.replace(day=10), customerId=paid["customer"]["id"])
    assert only == [paid["customer"]["id"]]
    assert open_customers(PAY_DAY.replace(day=10), accountNumberFrom=2000) == []


def test_open_post_needs_a_date(sandbox_client: httpx.Client) -> None:
    missing = sandbox_client.get("/ledger/posting/openPost")
    assert (missing.status_code, missing.json()["validationMessages"][0]["field"]) == (422, "date")
    assert sandbox_client.get("/ledger/posting/openPost", params={"date": "x"}).status_code == 422
