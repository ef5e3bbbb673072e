"""EUR, SEK and USD invoices exported end to end over the sandbox, and their payment status read back
in both currencies.

The sandbox converts at Norges Bank's rate for the invoice date (its shipped snapshot, read here with
the csv module); what Tripletex does with a foreign-currency invoice and its payment is pinned, with
its public sources, in :mod:`tests.sandbox.test_currency`.
"""

from __future__ import annotations

import csv
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from importlib import resources
from typing import Any

from sqlalchemy import select

from tests.flows.export.conftest import Env, load, payload
from txbridge.flows.export import close_batch, export_batch, refresh_payments
from txbridge.store import IntegrationReference, Invoice, PaymentStatus, ReferenceKind

ORE = Decimal("0.01")
VAT = {
    "ARB-1": Decimal("0.25"),
    "UTL-1": Decimal("0.25"),
    "MAT-1": Decimal("0.15"),
    "TRA-1": Decimal("0.12"),
    "FRI-1": Decimal(0),
}
CURRENCIES = {"500000": "EUR", "500001": "EUR", "500002": "SEK", "500003": "SEK", "500004": "USD"}


def _ore(value: Decimal) -> Decimal:
    return value.quantize(ORE, rounding=ROUND_HALF_UP)


def _snapshot() -> dict[tuple[str, date], Decimal]:
    text = resources.files("txbridge.sandbox.data").joinpath("norges_bank_exr.csv").read_text("utf-8")
    return {
        (r["BASE_CUR"], date.fromisoformat(r["TIME_PERIOD"])): Decimal(r["OBS_VALUE"])
        / 10 ** int(r["UNIT_MULT"])
        for r in csv.DictReader(text.splitlines(), delimiter=";")
    }


def _rate(snapshot: dict[tuple[str, date], Decimal], code: str, day: date) -> Decimal:
    """The newest rate on or before the day (weekends take Friday's)."""
    return max(((d, r) for (c, d), r in snapshot.items() if c == code and d <= day))[1]


def _host_total(invoice: dict[str, Any]) -> Decimal:
    """The invoice's total with VAT in its own currency, recomputed from the host data."""
    total = Decimal(0)
    for line in invoice["lines"]:
        chosen = _ore(
            Decimal(str(line["quantity"]))
            * Decimal(line["unitPrice"])
            * (1 - Decimal(line.get("discount", "0")) / 100)
        )
        total += chosen if invoice["pricesIncludeVat"] else _ore(chosen * (1 + VAT[line["productNumber"]]))
    return total


def _remote(env: Env) -> dict[str, dict[str, Any]]:
    """Tripletex's invoices by host invoice number (from the order marker ``TXB-<number>-…``)."""
    with env.api() as api:
        values = api.get(
            "/invoice",
            params={
                "invoiceDateFrom": "2026-10-01",
                "invoiceDateTo": "2026-11-01",
                "fields": "id,invoiceDate,amount,amountCurrency,amountOutstanding,amountCurrencyOutstanding,"
                "currency(code),orders(number,currency(code))",
            },
        ).json()["values"]
    return {inv["orders"][0]["number"].split("-")[1]: inv for inv in values}


def test_foreign_invoices_exported_and_paid_in_both_currencies(env: Env) -> None:
    data = payload(invoices=6, customers=3)
    for invoice in data["invoices"]:
        invoice["currency"] = CURRENCIES.get(invoice["number"], "NOK")
    load(env, data)
    closed = close_batch(env.db, env.connection_id, "2026-10")
    assert closed.batch_id is not None
    result = export_batch(env.db, env.settings, closed.batch_id)
    assert (result.exported, result.failed) == (6, 0), result.failures
    assert result.stats["by_endpoint"]["GET /currency"] == 3  # EUR, SEK, USD: once each

    snapshot, remote = _snapshot(), _remote(env)
    for host in data["invoices"]:
        sent = remote[host["number"]]
        code = host["currency"]
        total = _host_total(host)
        assert (sent["currency"]["code"], sent["orders"][0]["currency"]["code"]) == (code, code)
        assert Decimal(str(sent["amountCurrency"])) == total, host["number"]
        rate = Decimal(1) if code == "NOK" else _rate(snapshot, code, date.fromisoformat(host["invoiceDate"]))
        assert abs(Decimal(str(sent["amount"])) - total * rate) <= Decimal("0.03"), host["number"]

    # The customers pay: EUR 500000 in full at another rate, SEK 500002 half; the rest nothing yet.
    eur, sek = remote["500000"], remote["500002"]
    with env.api() as api:
        payment_type = api.get("/invoice/paymentType").json()["values"][0]["id"]
        for invoice, share, nok_rate in (
            (eur, Decimal(1), Decimal("12.01")),
            (sek, Decimal("0.5"), Decimal("0.99")),
        ):
            in_currency = _ore(Decimal(str(invoice["amountCurrency"])) * share)
            api.put(
                f"/invoice/{invoice['id']}/:payment",
                params={
                    "paymentDate": "2026-11-02",
                    "paymentTypeId": payment_type,
                    "paidAmount": str(_ore(in_currency * nok_rate)),
                    "paidAmountCurrency": str(in_currency),
                },
            ).raise_for_status()

    refreshed = refresh_payments(env.db, env.settings, env.connection_id)
    assert (refreshed.checked, refreshed.paid, refreshed.outstanding) == (6, 1, 5)
    assert refreshed.api_calls == 2  # the session and one invoice listing
    with env.db.transaction() as session:
        rows = session.execute(
            select(
                Invoice.number,
                IntegrationReference.payment_status,
                IntegrationReference.amount_outstanding,
                IntegrationReference.amount_outstanding_currency,
                IntegrationReference.outstanding_currency,
            )
            .join(IntegrationReference, IntegrationReference.local_id == Invoice.id)
            .where(IntegrationReference.kind == ReferenceKind.INVOICE)
        ).all()
    status = {number: (state, nok, cur, code) for number, state, nok, cur, code in rows}
    assert status["500000"] == (PaymentStatus.PAID, Decimal(0), Decimal(0), "EUR")
    sek_total, sek_nok = Decimal(str(sek["amountCurrency"])), Decimal(str(sek["amount"]))
    paid_sek = _ore(sek_total / 2)
    assert status["500002"] == (
        PaymentStatus.OUTSTANDING,
        sek_nok - _ore(sek_nok * paid_sek / sek_total),
        sek_total - paid_sek,
        "SEK",
    )
    usd = remote["500004"]
    assert status["500004"] == (
        PaymentStatus.OUTSTANDING,
        Decimal(str(usd["amount"])),
        Decimal(str(usd["amountCurrency"])),
        "USD",
    )
    nok = remote["500005"]
    assert status["500005"][1] == status["500005"][2] == Decimal(str(nok["amount"]))
    assert status["500005"][3] == "NOK"


def test_a_currency_the_company_does_not_know_fails_only_its_invoice(env: Env) -> None:
    """CHF passes the intake (an ISO 4217 code) but the sandbox company has no CHF: the export's
    currency check fails that invoice alone, before anything of it is sent."""
    data = payload(invoices=3, customers=2)
    data["invoices"][0]["currency"] = "CHF"
    data["invoices"][1]["currency"] = "EUR"
    load(env, data)
    closed = close_batch(env.db, env.connection_id, "2026-10")
    assert closed.batch_id is not None
    result = export_batch(env.db, env.settings, closed.batch_id)
    assert {f.subject_key: f.error_id for f in result.failures} == {"500000": "currency_not_supported"}
    assert result.exported == 2
    assert set(_remote(env)) == {"500001", "500002"}
