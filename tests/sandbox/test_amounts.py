"""Amounts Tripletex refuses (issue 8): invoice payments and voucher postings' currency amounts, over
real HTTP on loopback.

Sources, per behaviour:

- [SPEC] the spec v2.72: ``PUT /invoice/{id}/:payment`` ``paidAmount`` is «Amount paid by customer
  in the company currency», ``paidAmountCurrency`` «Amount paid by customer in the invoice currency.
  Optional, but required for invoices in alternate currencies»; a Posting's ``amountGrossCurrency``
  is «the posting gross amount in posting currency».
- [NOK] integrators' public notes for agents run against Tripletex's test environment (found through
  code search, 2026): «amountGrossCurrency MUST equal amountGross — mismatch causes 422» and
  «amountGross and amountGrossCurrency must be equal for NOK»; Tripletex's own minimal voucher
  example (tripletex-api2 issue #15, tlxtellef) sends both equal on NOK postings.
- [SHAPE] a real 422 on a posting field (tripletex-api2 issue #112): code 18000 «Validering feilet.»,
  ``field`` without the index (``postings.account.name``), ``path`` with it (``postings[0]…``).
- [WORDING] No public record gives Tripletex's message text for these refusals (nor, for a zero
  payment, whether it refuses it at all): the texts are the sandbox's own, in bokmål and English,
  following what the spec's descriptions imply (README, Sandbox «Known limits»).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx

from tests.sandbox.test_currency import INVOICE_DAY, PAY_DAY, _currency_id, _invoice, _payment_type

Json = dict[str, Any]
DAY = INVOICE_DAY.isoformat()


def _refused(response: httpx.Response) -> list[Json]:
    """A 422/18000 «Validering feilet.» [SHAPE]; its validation messages."""
    assert response.status_code == 422, response.text
    body = response.json()
    assert (body["code"], body["message"]) == (18000, "Validering feilet.")
    messages: list[Json] = body["validationMessages"]
    return messages


def _pay(client: httpx.Client, invoice_id: int, **amounts: str) -> httpx.Response:
    params = {"paymentDate": PAY_DAY.isoformat(), "paymentTypeId": _payment_type(client), **amounts}
    return client.put(f"/invoice/{invoice_id}/:payment", params=params)


# --- invoice payments ------------------------------------------------------------------------------


def test_a_zero_payment_is_refused_and_books_nothing(sandbox_client: httpx.Client) -> None:
    """[SPEC] «Amount paid by customer»: zero pays nothing. [WORDING] the sandbox's own."""
    invoice = _invoice(sandbox_client, "NOK", [("1000", "1")])
    messages = _refused(_pay(sandbox_client, invoice["id"], paidAmount="0"))
    assert [(m["field"], m["path"], m["rootId"]) for m in messages] == [("paidAmount", None, None)]
    after = sandbox_client.get(f"/invoice/{invoice['id']}").json()["value"]
    assert after["amountOutstanding"] == invoice["amountOutstanding"] == 1250
    assert after["sumRemits"] == 0
    # The same invoice paid for real afterwards closes: the refusal left nothing half-done.
    assert _pay(sandbox_client, invoice["id"], paidAmount="1250").json()["value"]["amountOutstanding"] == 0


def test_a_zero_prepayment_refuses_the_invoice_whole(sandbox_client: httpx.Client) -> None:
    """[SPEC] the same ``paidAmount`` on ``POST /invoice`` (a prepaid invoice): refused before anything
    is written, so no invoice is left behind. [WORDING] the sandbox's own."""
    customer = sandbox_client.post("/customer", json={"name": "Forskudd AS"}).json()["value"]["id"]
    order = {
        "customer": {"id": customer},
        "orderDate": DAY,
        "deliveryDate": DAY,
        "orderLines": [{"description": "Vare", "unitPriceExcludingVatCurrency": 100.0, "count": 1.0}],
    }
    response = sandbox_client.post(
        "/invoice",
        params={"sendToCustomer": False, "paymentTypeId": _payment_type(sandbox_client), "paidAmount": "0"},
        json={"invoiceDate": DAY, "invoiceDueDate": DAY, "orders": [order]},
    )
    assert [m["field"] for m in _refused(response)] == ["paidAmount"]
    listed = sandbox_client.get(
        "/invoice",
        params={"invoiceDateFrom": "2000-01-01", "invoiceDateTo": "2100-01-01", "customerId": customer},
    )
    assert listed.json()["fullResultSize"] == 0


def test_a_foreign_invoice_paid_with_zero_or_the_other_sign_in_its_currency(
    sandbox_client: httpx.Client,
) -> None:
    """[SPEC] ``paidAmountCurrency`` is the same payment in the invoice currency: not zero, not of the
    other sign. Each failing parameter is named at once. [WORDING] the sandbox's own."""
    invoice = _invoice(sandbox_client, "EUR", [("100", "1")])
    zero = _refused(_pay(sandbox_client, invoice["id"], paidAmount="1400", paidAmountCurrency="0"))
    assert [m["field"] for m in zero] == ["paidAmountCurrency"]
    both = _refused(_pay(sandbox_client, invoice["id"], paidAmount="0", paidAmountCurrency="0"))
    assert [m["field"] for m in both] == ["paidAmount", "paidAmountCurrency"]
    signs = _refused(_pay(sandbox_client, invoice["id"], paidAmount="1400", paidAmountCurrency="-125"))
    assert [m["field"] for m in signs] == ["paidAmountCurrency"]
    after = sandbox_client.get(f"/invoice/{invoice['id']}").json()["value"]
    assert after["amountCurrencyOutstanding"] == invoice["amountCurrencyOutstanding"] == 125


def test_a_negative_payment_still_reverses_one(sandbox_client: httpx.Client) -> None:
    """Integrators' public notes: «For reversal, paidAmount is negative» — not refused."""
    invoice = _invoice(sandbox_client, "NOK", [("1000", "1")])
    assert _pay(sandbox_client, invoice["id"], paidAmount="1250").status_code == 200
    reversed_ = _pay(sandbox_client, invoice["id"], paidAmount="-1250")
    assert reversed_.status_code == 200, reversed_.text
    assert reversed_.json()["value"]["amountOutstanding"] == 1250


# --- voucher postings' currency amounts ------------------------------------------------------------


def _accounts(client: httpx.Client) -> dict[int, int]:
    values = client.get("/ledger/account", params={"number": "1920,1900"}).json()["values"]
    return {a["number"]: a["id"] for a in values}


def _posting(account: int, row: int, **amounts: Any) -> Json:
    return {"row": row, "account": {"id": account}, "description": "Valuta", **amounts}


def test_nok_postings_whose_currency_amount_differs_are_refused_naming_each(
    sandbox_client: httpx.Client,
) -> None:
    """[NOK] a NOK posting's currency amount is its NOK amount; [SHAPE] field and path; every failing
    posting named at once. [WORDING] the sandbox's own."""
    accounts = _accounts(sandbox_client)
    body = {
        "date": DAY,
        "description": "Ulik valuta",
        "postings": [
            _posting(accounts[1920], 1, amountGross=100, amountGrossCurrency=10),
            _posting(accounts[1900], 2, amountGross=-100, amountGrossCurrency=-100),
            _posting(accounts[1920], 3, amountGross=50, amountGrossCurrency=50, amount=50, amountCurrency=5),
            _posting(accounts[1900], 4, amountGross=-50, currency={"id": 1}, amountGrossCurrency=-40),
        ],
    }
    messages = _refused(sandbox_client.post("/ledger/voucher", json=body))
    assert [(m["field"], m["path"]) for m in messages] == [
        ("postings.amountGrossCurrency", "postings[0].amountGrossCurrency"),
        ("postings.amountCurrency", "postings[2].amountCurrency"),
        ("postings.amountGrossCurrency", "postings[3].amountGrossCurrency"),
    ]
    assert "Rad 1" in messages[0]["message"] and "amountGross" in messages[0]["message"]
    listed = sandbox_client.get("/ledger/voucher", params={"dateFrom": DAY, "dateTo": "2100-01-01"})
    assert all(v["description"] != "Ulik valuta" for v in listed.json()["values"])
    # Equal amounts (Tripletex's own example) and NOK amounts alone are booked as before.
    body["postings"] = [
        _posting(accounts[1920], 1, amountGross=100, amountGrossCurrency=100),
        _posting(accounts[1900], 1, amountGross=-100),
    ]
    assert sandbox_client.post("/ledger/voucher", json=body).status_code == 201


def test_a_foreign_posting_needs_its_currency_amount_and_keeps_it(sandbox_client: httpx.Client) -> None:
    """[SPEC] «amountGrossCurrency: in posting currency»: a posting in EUR without its EUR amount (or
    without its NOK amount) is refused; with both, both are booked with the currency. [WORDING] the
    sandbox's own."""
    accounts = _accounts(sandbox_client)
    eur = {"id": _currency_id(sandbox_client, "EUR")}
    missing = {
        "date": DAY,
        "postings": [
            _posting(accounts[1920], 1, currency=eur, amountGross=1150),
            _posting(accounts[1900], 2, currency=eur, amountGrossCurrency=-100),
        ],
    }
    messages = _refused(sandbox_client.post("/ledger/voucher", json=missing))
    assert [(m["field"], m["path"]) for m in messages] == [
        ("postings.amountGrossCurrency", "postings[0].amountGrossCurrency"),
        ("postings.amountGross", "postings[1].amountGross"),
    ]
    assert "EUR" in messages[0]["message"]
    signs = {
        "date": DAY,
        "postings": [
            _posting(accounts[1920], 1, currency=eur, amountGross=1150, amountGrossCurrency=-100),
            _posting(accounts[1900], 2, amountGross=-1150),
        ],
    }
    assert [m["path"] for m in _refused(sandbox_client.post("/ledger/voucher", json=signs))] == [
        "postings[0].amountGrossCurrency"
    ]
    booked = sandbox_client.post(
        "/ledger/voucher",
        json={
            "date": DAY,
            "description": "Innbetaling i euro",
            "postings": [
                _posting(accounts[1920], 1, currency=eur, amountGross=1150, amountGrossCurrency=100),
                _posting(accounts[1900], 2, amountGross=-1150, amountGrossCurrency=-1150),
            ],
        },
    )
    assert booked.status_code == 201, booked.text
    voucher = sandbox_client.get(
        f"/ledger/voucher/{booked.json()['value']['id']}",
        params={"fields": "postings(row,amountGross,amountGrossCurrency,amountCurrency,currency(code))"},
    ).json()["value"]
    rows = sorted(voucher["postings"], key=lambda p: p["row"])
    assert [(p["amountGross"], p["amountGrossCurrency"], p["currency"]["code"]) for p in rows] == [
        (1150, 100, "EUR"),
        (-1150, -1150, "NOK"),
    ]
    assert Decimal(str(rows[0]["amountCurrency"])) == 100
    # Reversing it reverses the currency amounts too (not the NOK amounts put in their place).
    reversal = sandbox_client.put(
        f"/ledger/voucher/{booked.json()['value']['id']}/:reverse", params={"date": DAY}
    ).json()["value"]
    undone = sandbox_client.get(
        f"/ledger/voucher/{reversal['id']}",
        params={"fields": "postings(row,amountGross,amountGrossCurrency,currency(code))"},
    ).json()["value"]
    assert sorted(
        (p["amountGross"], p["amountGrossCurrency"], p["currency"]["code"]) for p in undone["postings"]
    ) == [(-1150, -100, "EUR"), (1150, 1150, "NOK")]


def test_the_list_update_refuses_a_currency_amount_and_changes_no_voucher(
    sandbox_client: httpx.Client,
) -> None:
    """``PUT /ledger/voucher/list`` checks postings as ``POST`` does [NOK], before changing any."""
    accounts = _accounts(sandbox_client)

    def made(description: str) -> Json:
        body = {
            "date": DAY,
            "description": description,
            "postings": [
                _posting(accounts[1920], 1, amountGross=10),
                _posting(accounts[1900], 2, amountGross=-10),
            ],
        }
        value: Json = sandbox_client.post("/ledger/voucher", json=body).json()["value"]
        return value

    first, second = made("Første"), made("Andre")
    update = [
        {"id": first["id"], "description": "Endret"},
        {
            "id": second["id"],
            "postings": [
                _posting(accounts[1920], 1, amountGross=20, amountGrossCurrency=20),
                _posting(accounts[1900], 2, amountGross=-20, amountGrossCurrency=-2),
            ],
        },
    ]
    messages = _refused(sandbox_client.put("/ledger/voucher/list", json=update))
    assert [m["path"] for m in messages] == ["postings[1].amountGrossCurrency"]
    assert sandbox_client.get(f"/ledger/voucher/{first['id']}").json()["value"]["description"] == "Første"
