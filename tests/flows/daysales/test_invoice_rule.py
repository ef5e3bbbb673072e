"""POS revenue is booked once: with POS invoicing on, a sale paid by invoice is booked only by its
invoice, so a Z-report listing an «invoice» payment is refused (pure rule), and the set-up never holds
both an account for the «invoice» payment method and POS invoicing on (store)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.flows.daysales.conftest import EVENT, PAYMENT, SALE, chart, day_of, example_day, flat_mapping
from tests.flows.views.conftest import add_connection
from txbridge.flows.daysales import setup as pos
from txbridge.flows.daysales.voucher import INVOICE_PAYMENT, LineIn, VoucherPlan, build, invoice_paid
from txbridge.flows.posinvoice import (
    InvoiceSale,
    PosInvoiceError,
    SaleLine,
    record_sale,
    set_collective_invoice,
    set_invoicing,
)
from txbridge.settings import Settings
from txbridge.store import Database, Invoice, PosAccountGroup, PosSetup

sqlite = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

PAYMENTS = PosAccountGroup.PAYMENT_METHOD
DAY = date(2026, 10, 5)


def _with_invoice_sale() -> tuple[LineIn, ...]:
    """The example day plus a 500.00 sale paid by invoice (the Z-report as a POS might send it)."""
    return (
        *example_day().lines,
        LineIn(SALE, "food", Decimal("500.00"), Decimal(25)),
        LineIn(PAYMENT, INVOICE_PAYMENT, Decimal("300.00")),
        LineIn(PAYMENT, INVOICE_PAYMENT, Decimal("200.00")),
    )


def test_a_day_paid_by_invoice_is_refused_only_with_pos_invoicing() -> None:
    day = day_of(*_with_invoice_sale())
    refused = invoice_paid(day, True)
    assert refused is not None and refused.id == "daysales_invoice_payment_with_pos_invoicing"
    # It names the day, the location and the amount, and says what to send instead.
    assert "2026-10-05 · Storgata" in refused.en and "500.00 NOK" in refused.en
    assert "without the sales paid by invoice" in refused.fix_en and "batch reset" in refused.fix_en
    assert "500.00 kr" in refused.nb and "uten salgene betalt med faktura" in refused.fix_nb
    # Without POS invoicing the «invoice» method keeps working as today: a mapped account, a voucher.
    assert invoice_paid(day, False) is None
    mapping = {**flat_mapping(), (PAYMENTS, INVOICE_PAYMENT): 1920}
    plan = build(day, mapping, chart(), DAY)
    assert isinstance(plan, VoucherPlan) and sum(r.amount_gross for r in plan.rows) == 0
    # A day without invoice payments (or with a zero one) goes as before.
    assert invoice_paid(example_day(), True) is None
    zero = day_of(*example_day().lines, LineIn(PAYMENT, INVOICE_PAYMENT, Decimal("0.00")))
    assert invoice_paid(zero, True) is None
    # Only the «invoice» payment counts: an event or a sale with that code is no invoice payment.
    other = day_of(*example_day().lines, LineIn(EVENT, INVOICE_PAYMENT, Decimal("1.00")))
    assert invoice_paid(other, True) is None


def _setup(database: Database) -> int:
    connection_id = add_connection(database, "kafe")
    pos.save(database, connection_id, start_date=DAY, mappings={PAYMENTS: {"card": 1920}}, by="test")
    return connection_id


@sqlite
def test_invoice_payment_cannot_be_mapped_while_pos_invoicing_is_on(database: Database) -> None:
    connection_id = _setup(database)
    set_invoicing(database, connection_id, True, by="test")
    view = pos.show(database, connection_id)
    assert view.invoicing and INVOICE_PAYMENT not in view.suggested_keys(PAYMENTS)
    with pytest.raises(pos.PosSetupError) as refused:
        pos.save(
            database,
            connection_id,
            mappings={PAYMENTS: {"vipps": 1570, INVOICE_PAYMENT: 1920}},
            by="test",
        )
    assert refused.value.message.id == "pos_invoice_payment_mapped"
    assert "(1920)" in refused.value.message.en and "pos invoicing off" in refused.value.message.fix_en
    # Refused whole: the other mapping of the same save is not stored either.
    assert pos.show(database, connection_id).accounts(PAYMENTS) == {"card": 1920}
    # Removing it (None) is no mapping and is fine; turning invoicing off lets it be mapped again.
    pos.map_account(database, connection_id, PAYMENTS, INVOICE_PAYMENT, None, by="test")
    set_invoicing(database, connection_id, False, by="test")
    pos.map_account(database, connection_id, PAYMENTS, INVOICE_PAYMENT, 1920, by="test")
    assert pos.show(database, connection_id).accounts(PAYMENTS)[INVOICE_PAYMENT] == 1920


@sqlite
def test_pos_invoicing_cannot_be_turned_on_while_invoice_payment_is_mapped(database: Database) -> None:
    connection_id = _setup(database)
    pos.map_account(database, connection_id, PAYMENTS, INVOICE_PAYMENT, 1920, by="test")
    assert INVOICE_PAYMENT in pos.show(database, connection_id).suggested_keys(PAYMENTS)
    with pytest.raises(PosInvoiceError) as refused:
        set_invoicing(database, connection_id, True, by="test")
    message = refused.value.message
    assert message.id == "pos_invoicing_invoice_payment_mapped" and "has account 1920" in message.en
    assert "pos unmap payment_method invoice" in message.fix_en
    assert not pos.show(database, connection_id).invoicing
    pos.map_account(database, connection_id, PAYMENTS, INVOICE_PAYMENT, None, by="test")
    set_invoicing(database, connection_id, True, by="test")
    set_collective_invoice(database, connection_id, True, by="test")
    view = pos.show(database, connection_id)
    assert view.invoicing and view.collective_invoice and view.invoice_payment_conflict is None


@sqlite
def test_a_store_from_before_the_rule_shows_the_conflict(database: Database) -> None:
    """Migration 0019 turns invoicing on for stores that already invoice POS sales; one that also maps
    «invoice» is flagged by the set-up view (and its days are refused by the export)."""
    connection_id = _setup(database)
    pos.map_account(database, connection_id, PAYMENTS, INVOICE_PAYMENT, 1920, by="test")
    with database.transaction() as session:
        setup = session.get(PosSetup, connection_id)
        assert setup is not None
        setup.invoicing = True
    assert pos.show(database, connection_id).invoice_payment_conflict == 1920


@sqlite
def test_a_sale_by_invoice_needs_pos_invoicing(database: Database) -> None:
    connection_id = _setup(database)
    sale = InvoiceSale("S-1", DAY, 1, (SaleLine("Lunsj", Decimal(1), Decimal("100.00"), 3),))
    settings = Settings(database_url="sqlite://")
    # Refused before Tripletex is asked (the connection's address here answers nothing).
    with pytest.raises(PosInvoiceError) as refused:
        record_sale(database, settings, connection_id, sale)
    assert refused.value.message.id == "pos_invoicing_off" and "S-1" in refused.value.message.en
    with database.reading() as session:
        assert session.query(Invoice).count() == 0
