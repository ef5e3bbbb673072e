"""Currencies, Norges Bank rates and foreign-currency invoices over real HTTP.

Public sources for the behaviours pinned here (Tripletex's own test environment, tripletex.dev, as
logged in a public trace of an integration run on 2026-03-21, found through code search; quoted by
the figures it shows):

- [FX] an EUR invoice listed with ``currency.code=EUR``, ``amountCurrencyOutstanding=19107`` and
  ``amount=215823.12``: the currency total is kept, the NOK amount is the converted one with øre (not
  rounded to whole kroner); paid with ``PUT /invoice/{id}/:payment?paidAmount=214823.12&
  paidAmountCurrency=19107`` it closed (outstanding 0) and the payment voucher booked the exchange loss
  of 1000 on account 8160 by itself.
- [ROUND] NOK invoices made through the API with øre totals (``"amount": 196031.25``,
  ``"amount": 147890.63``) answer ``"amountRoundoff": 0``: a new company does not round invoice totals;
  rounding to whole units is Tripletex's company setting «Avrunding» (rounding posted on the posting
  rules' ``accountRoundDiffId``), which the control API switches on here.
- The spec (v2.72): ``paidAmountCurrency`` is «Optional, but required for invoices in alternate
  currencies»; the exchange-rate endpoints use «the newest exchange rate available for the given date».
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from importlib import resources
from typing import Any

import httpx
import pytest

from tests.fixtures.sandbox import SandboxCompany

Json = dict[str, Any]
ORE = Decimal("0.01")
INVOICE_DAY = date(2026, 9, 15)  # a Tuesday inside the shipped snapshot
PAY_DAY = date(2026, 10, 20)


def _snapshot_rates() -> dict[tuple[str, date], Decimal]:
    """NOK per unit from the shipped CSV, read here with the csv module (not the sandbox's parser)."""
    text = resources.files("txbridge.sandbox.data").joinpath("norges_bank_exr.csv").read_text("utf-8")
    rows = csv.DictReader(text.splitlines(), delimiter=";")
    return {
        (r["BASE_CUR"], date.fromisoformat(r["TIME_PERIOD"])): Decimal(r["OBS_VALUE"])
        / 10 ** int(r["UNIT_MULT"])
        for r in rows
    }


SNAPSHOT = _snapshot_rates()


def _d(value: Any) -> Decimal:
    return Decimal(str(value))


def _ore(value: Decimal) -> Decimal:
    return value.quantize(ORE, rounding=ROUND_HALF_UP)


def _currency_id(client: httpx.Client, code: str) -> int:
    found: int = client.get("/currency", params={"code": code}).json()["values"][0]["id"]
    return found


def _set_rate(company: SandboxCompany, code: str, day: date, rate: str, unit: int = 1) -> None:
    with company.control() as control:
        response = control.put(
            "/rates",
            json={
                "companyId": company.company_id,
                "rates": [{"currency": code, "date": day.isoformat(), "rate": float(rate), "unit": unit}],
            },
        )
        response.raise_for_status()


def _invoice(
    client: httpx.Client,
    currency: str,
    lines: list[tuple[str, str]],
    *,
    day: date = INVOICE_DAY,
    customer: int | None = None,
) -> Json:
    """An invoice in ``currency`` with lines of (unit price excluding VAT, count) at 25 % VAT."""
    if customer is None:
        customer = client.post("/customer", json={"name": f"Utland {currency} AS"}).json()["value"]["id"]
    order = {
        "customer": {"id": customer},
        "orderDate": day.isoformat(),
        "deliveryDate": day.isoformat(),
        "currency": {"id": _currency_id(client, currency)},
        "orderLines": [
            {
                "description": f"Linje {i}",
                "unitPriceExcludingVatCurrency": float(price),
                "count": float(count),
            }
            for i, (price, count) in enumerate(lines)
        ],
    }
    response = client.post(
        "/invoice",
        params={"sendToCustomer": False},
        json={
            "invoiceDate": day.isoformat(),
            "invoiceDueDate": (day + timedelta(days=14)).isoformat(),
            "orders": [order],
        },
    )
    assert response.status_code == 201, response.text
    invoice: Json = response.json()["value"]
    return invoice


def _postings(client: httpx.Client, voucher_id: int) -> list[Json]:
    voucher = client.get(
        f"/ledger/voucher/{voucher_id}",
        params={"fields": "postings(amount,amountCurrency,currency(code),account(number),customer)"},
    ).json()["value"]
    postings: list[Json] = voucher["postings"]
    return postings


def _payment_type(client: httpx.Client) -> int:
    found: int = client.get("/invoice/paymentType").json()["values"][0]["id"]
    return found


# --- currencies and rates -------------------------------------------------------------------------


def test_currencies_and_search(sandbox_client: httpx.Client) -> None:
    values = sandbox_client.get("/currency").json()["values"]
    assert [c["code"] for c in values] == ["NOK", "SEK", "DKK", "USD", "EUR", "GBP"]
    eur = sandbox_client.get("/currency", params={"code": "EUR"}).json()["values"]
    assert [c["code"] for c in eur] == ["EUR"]
    nok = sandbox_client.get("/currency/1").json()["value"]
    assert (nok["code"], nok["factor"]) == ("NOK", 1)
    assert sandbox_client.get("/currency/999999").status_code == 404


def test_rate_is_the_snapshots_newest_on_or_before_the_date(sandbox_client: httpx.Client) -> None:
    sek, eur = _currency_id(sandbox_client, "SEK"), _currency_id(sandbox_client, "EUR")
    friday, sunday = date(2026, 9, 11), date(2026, 9, 13)
    weekend = sandbox_client.get(f"/currency/{eur}/rate", params={"date": sunday.isoformat()}).json()["value"]
    # No quote on a Sunday: Friday's, the newest available for the date.
    assert (weekend["date"], _d(weekend["rate"])) == (friday.isoformat(), SNAPSHOT[("EUR", friday)])
    assert weekend["sourceCurrency"]["id"] == eur and weekend["targetCurrency"]["id"] == 1
    assert weekend["source"] == "NORGES_BANK"
    # SEK is quoted per 100 (its factor), as Norges Bank does.
    per_100 = sandbox_client.get(f"/currency/{sek}/rate", params={"date": friday.isoformat()}).json()["value"]
    assert _d(per_100["rate"]) == SNAPSHOT[("SEK", friday)] * 100
    assert 90 < per_100["rate"] < 130


def test_rate_refusals(sandbox_client: httpx.Client) -> None:
    sek = _currency_id(sandbox_client, "SEK")
    missing = sandbox_client.get(f"/currency/{sek}/rate")
    assert (missing.status_code, missing.json()["code"]) == (422, 15000)
    assert missing.json()["validationMessages"][0]["field"] == "date"
    too_early = sandbox_client.get(f"/currency/{sek}/rate", params={"date": "2001-01-02"})
    assert too_early.status_code == 422 and "SEK" in too_early.json()["validationMessages"][0]["message"]
    assert sandbox_client.get("/currency/999999/rate", params={"date": "2026-09-01"}).status_code == 404


def test_exchange_rate_endpoints_convert_amounts(sandbox_client: httpx.Client) -> None:
    eur, usd = _currency_id(sandbox_client, "EUR"), _currency_id(sandbox_client, "USD")
    day = date(2026, 10, 1)
    nok = sandbox_client.get(
        f"/currency/{eur}/exchangeRate", params={"amount": "250", "date": day.isoformat()}
    )
    assert nok.status_code == 200, nok.text
    assert _d(nok.json()["value"]) == _ore(250 * SNAPSHOT[("EUR", day)])
    cross = sandbox_client.get(
        f"/currency/{eur}/{usd}/exchangeRate", params={"amount": "250", "date": day.isoformat()}
    ).json()["value"]
    assert _d(cross) == _ore(250 * SNAPSHOT[("EUR", day)] / SNAPSHOT[("USD", day)])
    bad = sandbox_client.get(f"/currency/{eur}/exchangeRate", params={"date": day.isoformat()})
    assert (bad.status_code, bad.json()["validationMessages"][0]["field"]) == (422, "amount")


def test_rates_set_through_the_control_api_for_one_company(
    sandbox_company: SandboxCompany, sandbox_client: httpx.Client
) -> None:
    eur = _currency_id(sandbox_client, "EUR")
    day = date(2026, 9, 16)
    csv_text = (
        "FREQ;Frequency;BASE_CUR;Base Currency;QUOTE_CUR;Quote Currency;TENOR;Tenor;DECIMALS;CALCULATED;"
        "UNIT_MULT;Unit Multiplier;COLLECTION;Collection Indicator;TIME_PERIOD;OBS_VALUE\n"
        f"B;Business;EUR;Euro;NOK;Norwegian krone;SP;Spot;4;false;0;Units;C;ECB concertation time 14:15 CET;"
        f"{day.isoformat()};12.3456\n"
    )
    with sandbox_company.control() as control:
        assert (
            control.put("/rates", json={"companyId": sandbox_company.company_id, "csv": csv_text}).status_code
            == 200
        )
        broken = control.put("/rates", json={"csv": csv_text.replace("12.3456", "tolv")})
        assert broken.status_code == 422 and "line 2" in broken.text
    rate = sandbox_client.get(f"/currency/{eur}/rate", params={"date": day.isoformat()}).json()["value"]
    assert rate["rate"] == 12.3456
    # Another company keeps the snapshot.
    from tests.fixtures.sandbox import new_sandbox_company

    other = new_sandbox_company(sandbox_company)
    with other.client() as other_client:
        theirs = other_client.get(f"/currency/{eur}/rate", params={"date": day.isoformat()}).json()["value"]
    assert _d(theirs["rate"]) == SNAPSHOT[("EUR", day)]


# --- foreign-currency invoices --------------------------------------------------------------------


@pytest.mark.parametrize("code", ["EUR", "SEK", "USD"])
def test_foreign_invoice_in_the_currency_and_in_nok(sandbox_client: httpx.Client, code: str) -> None:
    """[FX] amountCurrency is the currency total, amount the NOK at the invoice date's rate (with øre)."""
    invoice = _invoice(sandbox_client, code, [("1234.56", "3"), ("99.99", "1.5")])
    rate = SNAPSHOT[(code, INVOICE_DAY)]
    net = _ore(Decimal("1234.56") * 3) + _ore(Decimal("99.99") * Decimal("1.5"))
    gross = _ore(Decimal("1234.56") * 3 * Decimal("1.25")) + _ore(
        _ore(Decimal("99.99") * Decimal("1.5")) * Decimal("1.25")
    )
    assert _d(invoice["amountCurrency"]) == gross
    assert _d(invoice["amountExcludingVatCurrency"]) == net
    assert abs(_d(invoice["amount"]) - gross * rate) <= Decimal("0.03")  # øre per converted row
    assert _d(invoice["amountOutstanding"]) == _d(invoice["amount"])
    assert _d(invoice["amountCurrencyOutstanding"]) == gross
    assert invoice["amountRoundoff"] == 0 and invoice["amountRoundoffCurrency"] == 0
    assert invoice["currency"]["id"] == _currency_id(sandbox_client, code)
    postings = _postings(sandbox_client, invoice["voucher"]["id"])
    assert sum(_d(p["amount"]) for p in postings) == 0  # balances in NOK to the øre
    assert sum(_d(p["amountCurrency"]) for p in postings) == 0  # and in the currency
    receivable = next(p for p in postings if p["account"]["number"] == 1500)
    assert (_d(receivable["amount"]), _d(receivable["amountCurrency"])) == (_d(invoice["amount"]), gross)
    assert {p["currency"]["code"] for p in postings} == {code}
    order = sandbox_client.get(
        f"/order/{invoice['orders'][0]['id']}", params={"fields": "currency,orderLines(currency)"}
    )
    assert {line["currency"]["id"] for line in order.json()["value"]["orderLines"]} == {
        invoice["currency"]["id"]
    }


def test_invoice_refused_without_a_rate_and_for_mixed_currencies(sandbox_client: httpx.Client) -> None:
    customer = sandbox_client.post("/customer", json={"name": "Blandet AS"}).json()["value"]["id"]
    early = date(2020, 1, 6)
    order = {
        "customer": {"id": customer},
        "orderDate": early.isoformat(),
        "deliveryDate": early.isoformat(),
        "currency": {"id": _currency_id(sandbox_client, "EUR")},
        "orderLines": [{"description": "x", "unitPriceExcludingVatCurrency": 10}],
    }
    refused = sandbox_client.post(
        "/invoice",
        params={"sendToCustomer": False},
        json={"invoiceDate": early.isoformat(), "invoiceDueDate": early.isoformat(), "orders": [order]},
    )
    assert (refused.status_code, refused.json()["validationMessages"][0]["field"]) == (422, "invoiceDate")
    day = INVOICE_DAY.isoformat()
    eur_order = {**order, "orderDate": day, "deliveryDate": day}
    sek_order = {**eur_order, "currency": {"id": _currency_id(sandbox_client, "SEK")}}
    mixed = sandbox_client.post(
        "/invoice",
        params={"sendToCustomer": False},
        json={"invoiceDate": day, "invoiceDueDate": day, "orders": [eur_order, sek_order]},
    )
    assert mixed.status_code == 422 and mixed.json()["validationMessages"][0]["field"] == "orders[1].currency"
    unknown = sandbox_client.post("/order", json={**eur_order, "currency": {"id": 999999}})
    assert unknown.status_code == 422


def test_foreign_payment_books_the_exchange_difference(sandbox_client: httpx.Client) -> None:
    """[FX] paid in NOK at a later rate: closed in both currencies, the difference on 8160 or 8060."""
    invoice = _invoice(sandbox_client, "EUR", [("1000", "1")])
    booked_nok, eur_total = _d(invoice["amount"]), _d(invoice["amountCurrency"])
    pay_rate = SNAPSHOT[("EUR", PAY_DAY)] - Decimal("0.25")  # the euro fell: a loss
    paid_nok = _ore(eur_total * pay_rate)
    params = {"paymentDate": PAY_DAY.isoformat(), "paymentTypeId": _payment_type(sandbox_client)}
    refused = sandbox_client.put(
        f"/invoice/{invoice['id']}/:payment", params={**params, "paidAmount": str(paid_nok)}
    )
    assert refused.status_code == 422
    assert refused.json()["validationMessages"][0]["field"] == "paidAmountCurrency"
    paid = sandbox_client.put(
        f"/invoice/{invoice['id']}/:payment",
        params={**params, "paidAmount": str(paid_nok), "paidAmountCurrency": str(eur_total)},
    )
    assert paid.status_code == 200, paid.text
    value = paid.json()["value"]
    assert value["amountOutstanding"] == 0 and value["amountCurrencyOutstanding"] == 0
    vouchers = sandbox_client.get(
        "/ledger/posting",
        params={
            "dateFrom": PAY_DAY.isoformat(),
            "dateTo": (PAY_DAY + timedelta(days=1)).isoformat(),
            "fields": "amount,amountCurrency,currency(code),account(number),closeGroup",
        },
    ).json()["values"]
    by_account = {p["account"]["number"]: p for p in vouchers}
    assert _d(by_account[1920]["amount"]) == paid_nok
    assert (_d(by_account[1500]["amount"]), _d(by_account[1500]["amountCurrency"])) == (
        -booked_nok,
        -eur_total,
    )
    assert by_account[1500]["currency"]["code"] == "EUR"
    assert _d(by_account[8160]["amount"]) == booked_nok - paid_nok > 0
    assert 8060 not in by_account
    assert by_account[1500]["closeGroup"] is not None


def test_partial_foreign_payments_and_a_gain(sandbox_client: httpx.Client) -> None:
    invoice = _invoice(sandbox_client, "USD", [("800", "1")])
    booked_nok, usd_total = _d(invoice["amount"]), _d(invoice["amountCurrency"])
    params = {"paymentDate": PAY_DAY.isoformat(), "paymentTypeId": _payment_type(sandbox_client)}
    first_usd = Decimal("400")
    first = sandbox_client.put(
        f"/invoice/{invoice['id']}/:payment",
        params={**params, "paidAmount": str(_ore(first_usd * 11)), "paidAmountCurrency": "400"},
    ).json()["value"]
    share = _ore(booked_nok * first_usd / usd_total)
    assert _d(first["amountCurrencyOutstanding"]) == usd_total - first_usd
    assert _d(first["amountOutstanding"]) == booked_nok - share
    rest = usd_total - first_usd
    second = sandbox_client.put(
        f"/invoice/{invoice['id']}/:payment",
        params={**params, "paidAmount": str(_ore(rest * 11)), "paidAmountCurrency": str(rest)},
    ).json()["value"]
    assert second["amountOutstanding"] == 0 and second["amountCurrencyOutstanding"] == 0
    gains = sandbox_client.get(
        "/ledger/posting",
        params={
            "dateFrom": PAY_DAY.isoformat(),
            "dateTo": (PAY_DAY + timedelta(days=1)).isoformat(),
            "accountNumberFrom": 8060,
            "accountNumberTo": 8060,
            "fields": "amount,account(number)",
        },
    ).json()["values"]
    gain_total = -sum(_d(p["amount"]) for p in gains if p["account"]["number"] == 8060)
    assert gain_total == _ore(usd_total * 11) - booked_nok > 0  # 11 NOK/USD is above the snapshot's rate


def test_credit_note_of_a_foreign_invoice(sandbox_client: httpx.Client) -> None:
    invoice = _invoice(sandbox_client, "SEK", [("5000", "2")])
    note = sandbox_client.put(
        f"/invoice/{invoice['id']}/:createCreditNote",
        params={"date": INVOICE_DAY.isoformat(), "sendToCustomer": False},
    ).json()["value"]
    assert (_d(note["amount"]), _d(note["amountCurrency"])) == (
        -_d(invoice["amount"]),
        -_d(invoice["amountCurrency"]),
    )
    assert note["currency"]["id"] == invoice["currency"]["id"]
    postings = _postings(sandbox_client, note["voucher"]["id"])
    assert sum(_d(p["amount"]) for p in postings) == 0 and sum(_d(p["amountCurrency"]) for p in postings) == 0
    original = sandbox_client.get(f"/invoice/{invoice['id']}").json()["value"]
    assert original["amountOutstanding"] == 0 and original["amountCurrencyOutstanding"] == 0


# --- rounding ---------------------------------------------------------------------------------------


def test_a_new_company_does_not_round_invoice_totals(sandbox_client: httpx.Client) -> None:
    """[ROUND] NOK totals with øre keep them; amountRoundoff 0."""
    invoice = _invoice(sandbox_client, "NOK", [("100.10", "1")])
    assert _d(invoice["amount"]) == Decimal("125.13") and invoice["amountRoundoff"] == 0


@pytest.mark.parametrize(("code", "price"), [("NOK", "100.10"), ("EUR", "10.30"), ("EUR", "10.50")])
def test_rounding_to_whole_units_when_the_company_rounds(
    sandbox_company: SandboxCompany, sandbox_client: httpx.Client, code: str, price: str
) -> None:
    """[ROUND] with «Avrunding» on, the total is rounded to whole units of the invoice currency; the
    difference is a row on the rounding account (7960) and ``amountRoundoff`` in both currencies."""
    with sandbox_company.control() as control:
        response = control.put(
            f"/companies/{sandbox_company.company_id}/settings", json={"invoiceRounding": True}
        )
        assert response.status_code == 200
    invoice = _invoice(sandbox_client, code, [(price, "1")])
    exact = _ore(Decimal(price) * Decimal("1.25"))
    rounded = exact.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    assert _d(invoice["amountCurrency"]) == rounded
    assert _d(invoice["amountRoundoffCurrency"]) == rounded - exact != 0
    postings = _postings(sandbox_client, invoice["voucher"]["id"])
    assert sum(_d(p["amount"]) for p in postings) == 0
    rounding = [p for p in postings if p["account"]["number"] == 7960]
    assert [-_d(p["amountCurrency"]) for p in rounding] == [rounded - exact]
    assert -_d(rounding[0]["amount"]) == _d(invoice["amountRoundoff"])
    if code == "NOK":
        assert _d(invoice["amount"]) == rounded


def test_prepayment_at_invoicing_is_in_the_invoice_currency(sandbox_client: httpx.Client) -> None:
    """The spec: ``paidAmount`` of ``POST /invoice`` is «in invoice currency»."""
    customer = sandbox_client.post("/customer", json={"name": "Forskudd GmbH"}).json()["value"]["id"]
    day = INVOICE_DAY.isoformat()
    order = {
        "customer": {"id": customer},
        "orderDate": day,
        "deliveryDate": day,
        "currency": {"id": _currency_id(sandbox_client, "EUR")},
        "orderLines": [{"description": "Forskudd", "unitPriceExcludingVatCurrency": 80}],
    }
    created = sandbox_client.post(
        "/invoice",
        params={"sendToCustomer": False, "paymentTypeId": _payment_type(sandbox_client), "paidAmount": "100"},
        json={"invoiceDate": day, "invoiceDueDate": day, "orders": [order]},
    )
    assert created.status_code == 201, created.text
    invoice = created.json()["value"]
    assert (
        invoice["amountCurrency"],
        invoice["amountCurrencyOutstanding"],
        invoice["amountOutstanding"],
    ) == (
        100,
        0,
        0,
    )


def test_nok_invoice_paid_with_paid_amount_currency_settles_that(sandbox_client: httpx.Client) -> None:
    """[FX] the same public trace: a NOK invoice of 14575 paid with ``paidAmount=169798.75`` and
    ``paidAmountCurrency=14575`` answered ``amountOutstanding`` 0 and ``amountCurrencyOutstanding`` 0:
    the invoice-currency amount is what is settled; the rest of what reached the bank is a gain."""
    invoice = _invoice(sandbox_client, "NOK", [("11660", "1")])
    assert invoice["amount"] == 14575
    paid = sandbox_client.put(
        f"/invoice/{invoice['id']}/:payment",
        params={
            "paymentDate": PAY_DAY.isoformat(),
            "paymentTypeId": _payment_type(sandbox_client),
            "paidAmount": "169798.75",
            "paidAmountCurrency": "14575",
        },
    ).json()["value"]
    assert (paid["amountOutstanding"], paid["amountCurrencyOutstanding"]) == (0, 0)
    gain = sandbox_client.get(
        "/ledger/posting",
        params={
            "dateFrom": PAY_DAY.isoformat(),
            "dateTo": (PAY_DAY + timedelta(days=1)).isoformat(),
            "accountNumberFrom": 8060,
            "accountNumberTo": 8060,
            "fields": "amount",
        },
    ).json()["values"]
    assert [_d(p["amount"]) for p in gain] == [Decimal("-155223.75")]
