"""Day sales and POS invoicing on one connection, over the sandbox (real HTTP): the POS's revenue is
booked exactly once — cash and card in the day vouchers, sales by invoice by their invoices — and a
Z-report that lists invoice payments fails only its day (a first export and a correction alike), with
the troubleshooter saying why. And POS invoicing's copy of a Tripletex customer never touches the
host's customer with the same number."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from tests.flows.daysales.conftest import MAPPING
from tests.flows.export.conftest import Env
from tests.flows.posinvoice.conftest import tripletex_customer
from txbridge.flows.daysales import import_day_sales
from txbridge.flows.daysales import setup as pos
from txbridge.flows.daysales.batches import close_day_sales
from txbridge.flows.diagnose import diagnose_invoice
from txbridge.flows.diagnose.day_sales import DayCheck, diagnose_day_sale
from txbridge.flows.diagnose.model import Check
from txbridge.flows.export import close_batch, export_batch
from txbridge.flows.export.batches import reset_batch
from txbridge.flows.intake.importer import import_data
from txbridge.flows.posinvoice import InvoiceSale, SaleLine, record_sale, set_invoicing
from txbridge.store import BatchItem, Customer, DaySale, ItemStatus

WHERE = "Storgata"
REFUSED = "daysales_invoice_payment_with_pos_invoicing"
#: Gross amounts whose VAT splits to whole kroner: 125.00 at 25 % and 115.00 at 15 % are 100.00 net.
LUNCH = SaleLine("Lunsj", Decimal(1), Decimal("250.00"), 3)
RATES = {3: Decimal(25)}


def _z(
    host_id: str, day: int, sales: list[tuple[str, bool, str]], payments: dict[str, str]
) -> dict[str, Any]:
    lines: list[dict[str, Any]] = [
        {"type": "sale", "code": "food", "vatRate": rate, "takeaway": takeaway, "amount": amount}
        for rate, takeaway, amount in sales
    ]
    lines += [{"type": "payment", "code": code, "amount": amount} for code, amount in payments.items()]
    return {"hostId": host_id, "location": WHERE, "date": date(2026, 10, day).isoformat(), "lines": lines}


def _net(gross: Decimal, rate: Decimal) -> Decimal:
    return (gross * 100 / (100 + rate)).quantize(Decimal("0.01"))


def _revenue_credits(env: Env) -> Decimal:
    """Credits on the revenue accounts (3000–3999) of October in Tripletex's ledger: the day vouchers
    and the invoices alike."""
    with env.api() as api:
        response = api.get(
            "/ledger/posting",
            params={
                "dateFrom": "2026-10-01",
                "dateTo": "2026-11-01",
                "accountNumberFrom": 3000,
                "accountNumberTo": 3999,
                "fields": "amount",
                "count": 10000,
            },
        )
        response.raise_for_status()
    return -sum((Decimal(str(p["amount"])) for p in response.json()["values"]), Decimal(0))


def _items(env: Env, batch_id: int) -> dict[str, tuple[ItemStatus, str | None]]:
    with env.db.reading() as session:
        rows = session.scalars(select(BatchItem).where(BatchItem.batch_id == batch_id)).all()
        return {row.subject_key: (row.status, row.message) for row in rows}


def _day_diagnosis(env: Env, day: int) -> str | None:
    found = diagnose_day_sale(env.db, env.settings, env.connection_id, WHERE, date(2026, 10, day))
    assert found.failed_check is not None and found.failed_check.check is DayCheck.MAPPING
    return None if found.answer is None else found.answer.id


def test_pos_revenue_is_booked_once_and_a_day_with_invoice_payments_fails_alone(env: Env) -> None:
    pos.save(env.db, env.connection_id, start_date=date(2026, 10, 1), mappings=MAPPING, by="test")
    set_invoicing(env.db, env.connection_id, True, by="test")
    customer = int(tripletex_customer(env, "Fjordkafé AS", "923456783")["id"])
    days = [
        _z("Z-5", 5, [("25", False, "125.00")], {"card": "125.00"}),
        _z("Z-6", 6, [("25", False, "250.00"), ("15", True, "115.00")], {"cash": "365.00"}),
        # Day 7 as a POS that lists its invoice sale too: the invoice books it, so the day is refused.
        _z(
            "Z-7",
            7,
            [("25", False, "125.00"), ("25", False, "250.00")],
            {"card": "125.00", "invoice": "250.00"},
        ),
    ]
    assert import_day_sales(env.db, env.connection_id, days).all_accepted
    for host_id, day in (("S-6", 6), ("S-7", 7)):
        record_sale(
            env.db,
            env.settings,
            env.connection_id,
            InvoiceSale(host_id, date(2026, 10, day), customer, [LUNCH]),
        )

    day_batch = close_day_sales(env.db, env.connection_id, "2026-10").batch_id
    assert day_batch is not None
    export_batch(env.db, env.settings, day_batch)
    items = _items(env, day_batch)
    assert items[f"2026-10-07 · {WHERE}"][0] is ItemStatus.FAILED
    assert "250.00" in (items[f"2026-10-07 · {WHERE}"][1] or "")
    assert {key: status for key, (status, _) in items.items() if not key.startswith("2026-10-07")} == {
        f"2026-10-05 · {WHERE}": ItemStatus.EXPORTED,
        f"2026-10-06 · {WHERE}": ItemStatus.EXPORTED,
    }
    assert _day_diagnosis(env, 7) == REFUSED
    invoice_batch = close_batch(env.db, env.connection_id, "2026-10").batch_id
    assert invoice_batch is not None
    assert export_batch(env.db, env.settings, invoice_batch).failed == 0

    # The POS sends day 7 again without its invoice sale; reset and export as the fix says.
    day7 = _z("Z-7", 7, [("25", False, "125.00")], {"card": "125.00"})
    assert import_day_sales(env.db, env.connection_id, [day7]).all_accepted
    reset_batch(env.db, day_batch, actor="test")
    export_batch(env.db, env.settings, day_batch)
    assert {status for status, _ in _items(env, day_batch).values()} == {ItemStatus.EXPORTED}

    # Every sale of the POS once: the Z-reports' (net) and the invoices' (net).
    z_sales = sum(
        (
            _net(Decimal(x["amount"]), Decimal(x["vatRate"]))
            for d in (*days[:2], day7)
            for x in d["lines"]
            if x["type"] == "sale"
        ),
        Decimal(0),
    )
    invoiced = 2 * _net(LUNCH.quantity * LUNCH.unit_price, RATES[LUNCH.vat_code])
    assert z_sales == Decimal("500.00") and invoiced == Decimal("400.00")
    assert _revenue_credits(env) == z_sales + invoiced

    # A correction listing an invoice payment fails too, and its posted voucher is not reversed.
    day5 = _z(
        "Z-5", 5, [("25", False, "125.00"), ("25", False, "250.00")], {"card": "125.00", "invoice": "250.00"}
    )
    assert import_day_sales(env.db, env.connection_id, [day5]).all_accepted
    correction = close_day_sales(env.db, env.connection_id, "2026-10").batch_id
    assert correction is not None
    export_batch(env.db, env.settings, correction)
    ((status, _),) = _items(env, correction).values()
    assert status is ItemStatus.FAILED
    with env.db.reading() as session:
        voucher_id = session.scalars(
            select(DaySale.replaces_voucher_id).where(DaySale.host_id == "Z-5")
        ).one()
    with env.api() as api:
        voucher = api.get(f"/ledger/voucher/{voucher_id}", params={"fields": "id,reverseVoucher(id)"}).json()
    assert voucher["value"]["reverseVoucher"] is None
    assert _day_diagnosis(env, 5) == REFUSED
    assert _revenue_credits(env) == z_sales + invoiced


def test_a_tripletex_customer_never_overwrites_the_host_customer_with_its_number(env: Env) -> None:
    pos.save(env.db, env.connection_id, start_date=date(2026, 10, 1), by="test")
    set_invoicing(env.db, env.connection_id, True, by="test")
    picked = tripletex_customer(env, "Fjordkafé AS", "923456783")
    number, tripletex_id = int(picked["customerNumber"]), int(picked["id"])
    host = {"number": number, "name": "Vertens Kunde AS", "email": "vert@kunde.no"}
    assert import_data(env.db, env.connection_id, {"customers": [host]}).all_accepted
    for n in (1, 2):
        sale = InvoiceSale(f"S-{n}", date(2026, 10, 6), tripletex_id, [LUNCH])
        assert record_sale(env.db, env.settings, env.connection_id, sale).customer.number == number

    with env.db.reading() as session:
        rows = {c.tripletex_id: c for c in session.scalars(select(Customer)).all()}
        mine = rows[None]
        assert (mine.number, mine.name, mine.email, mine.organization_number) == (
            number,
            "Vertens Kunde AS",
            "vert@kunde.no",
            None,
        )
        copy = rows[tripletex_id]  # one copy for both sales, apart from the host's numbers
        assert len(rows) == 2 and copy.number < 1 and copy.shown_number == number
        assert copy.name == "Fjordkafé AS" and copy.organization_number == "923456783"

    batch = close_batch(env.db, env.connection_id, "2026-10").batch_id
    assert batch is not None
    assert export_batch(env.db, env.settings, batch).failed == 0
    with env.api() as api:
        invoices = api.get(
            "/invoice",
            params={"invoiceDateFrom": "2026-10-01", "invoiceDateTo": "2026-11-01", "fields": "customer(id)"},
        ).json()["values"]
        same_number = api.get("/customer", params={"customerAccountNumber": str(number), "fields": "id"})
    assert [i["customer"]["id"] for i in invoices] == [tripletex_id, tripletex_id]
    assert [c["id"] for c in same_number.json()["values"]] == [tripletex_id]  # nothing made from the host's


def test_the_troubleshooter_checks_a_pos_customer_by_its_tripletex_id(env: Env) -> None:
    pos.save(env.db, env.connection_id, start_date=date(2026, 10, 1), by="test")
    set_invoicing(env.db, env.connection_id, True, by="test")
    picked = int(tripletex_customer(env, "Fjordkafé AS", "923456783")["id"])
    record_sale(
        env.db, env.settings, env.connection_id, InvoiceSale("S-1", date(2026, 10, 6), picked, [LUNCH])
    )
    with env.api() as api:
        api.delete(f"/customer/{picked}").raise_for_status()  # deleted in Tripletex after the sale
    batch = close_batch(env.db, env.connection_id, "2026-10").batch_id
    assert batch is not None
    assert export_batch(env.db, env.settings, batch).failed == 1
    found = diagnose_invoice(env.db, env.settings, env.connection_id, "POS-S-1")
    assert found.failed_check is not None and found.failed_check.check is Check.CUSTOMER
    assert found.failed_check.message is not None and found.failed_check.message.id == "pos_customer_unknown"
