from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.exc import IntegrityError

from tests.store.conftest import add_invoice
from txbridge.store import (
    BatchStatus,
    Database,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    ItemStatus,
    LogLevel,
    PaymentStatus,
    ReferenceKind,
    queries,
)


def test_ready_invoices_in_period_and_in_no_batch(database: Database, connection_id: int) -> None:
    inside = add_invoice(database, connection_id, "F-1", date(2026, 10, 1))
    add_invoice(database, connection_id, "F-2", date(2026, 10, 31))
    add_invoice(database, connection_id, "F-3", date(2026, 9, 30))  # outside the period
    add_invoice(database, connection_id, "F-4", date(2026, 11, 1))  # outside, to-excluding
    add_invoice(database, connection_id, "F-5", date(2026, 10, 15), status=InvoiceStatus.DRAFT)
    with database.transaction() as session:
        ready = queries.invoices_ready_for_batch(session, connection_id, "2026-10")
        assert [i.number for i in ready] == ["F-1", "F-2"]
        queries.create_batch(session, connection_id, "2026-10", [i for i in ready if i.id == inside])
    with database.transaction() as session:
        assert [i.number for i in queries.invoices_ready_for_batch(session, connection_id, "2026-10")] == [
            "F-2"
        ]
        left = [i.number for i in queries.invoices_in_no_batch(session, connection_id)]
        assert left == ["F-3", "F-5", "F-2", "F-4"]
        posting = queries.open_item_of_invoice(session, inside)
        assert posting is not None and posting.status is ItemStatus.PENDING


def test_postings_of_batch_load_everything_the_export_reads(database: Database, connection_id: int) -> None:
    add_invoice(database, connection_id, "F-1", date(2026, 10, 2))
    add_invoice(database, connection_id, "F-2", date(2026, 10, 3))
    with database.transaction() as session:
        batch = queries.create_batch(
            session,
            connection_id,
            "2026-10",
            queries.invoices_ready_for_batch(session, connection_id, "2026-10"),
        )
    with database.session() as session:
        postings = queries.items_of_batch(session, batch.id)
        session.expunge_all()  # detached: any lazy load would raise
    assert [p.subject_key for p in postings] == ["F-1", "F-2"]
    line = postings[0].invoice.lines[0]  # type: ignore[union-attr]
    assert line.product is not None and line.product.product_class is not None
    assert line.product.product_class.account_number == 3000
    assert postings[0].invoice.customer.number == 10001  # type: ignore[union-attr]


def test_intent_then_in_flight_listing(database: Database, connection_id: int) -> None:
    add_invoice(database, connection_id, "F-1", date(2026, 10, 2))
    now = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
    with database.transaction() as session:
        batch = queries.create_batch(
            session,
            connection_id,
            "2026-10",
            queries.invoices_ready_for_batch(session, connection_id, "2026-10"),
        )
        posting = batch.items[0]
        queries.record_intent(session, posting, "txb-1-F-1", now=now)
    with database.transaction() as session:
        (in_flight,) = queries.items_in_flight(session, connection_id)
        assert (in_flight.intent_marker, in_flight.intent_at, in_flight.attempts) == ("txb-1-F-1", now, 1)
        assert queries.items_of_batch(session, batch.id, [ItemStatus.PENDING]) == []


def test_reference_upsert_lookup_and_clear(database: Database, connection_id: int) -> None:
    with database.transaction() as session:
        queries.upsert_reference(
            session,
            connection_id,
            ReferenceKind.INVOICE,
            5,
            "F-5",
            tripletex_id=900,
            tripletex_number="10001",
        )
    with database.transaction() as session:
        updated = queries.upsert_reference(
            session,
            connection_id,
            ReferenceKind.INVOICE,
            5,
            "F-5",
            voucher_number="2026-17",
            payment_status=PaymentStatus.PAID,
            amount_outstanding=Decimal("0"),
        )
        assert (updated.tripletex_id, updated.tripletex_number, updated.voucher_number) == (
            900,
            "10001",
            "2026-17",
        )
        assert queries.references_of(session, connection_id, ReferenceKind.INVOICE, [5, 6]).keys() == {5}
        assert queries.references_of(session, connection_id, ReferenceKind.CUSTOMER) == {}
        with pytest.raises(TypeError):
            queries.upsert_reference(session, connection_id, ReferenceKind.INVOICE, 5, "F-5", password="x")
    with database.transaction() as session:
        assert queries.clear_reference(session, connection_id, ReferenceKind.INVOICE, 5) is True
        assert queries.clear_reference(session, connection_id, ReferenceKind.INVOICE, 5) is False
        assert queries.reference_of(session, connection_id, ReferenceKind.INVOICE, 5) is None


def test_log_newest_first_and_filtered(database: Database, connection_id: int) -> None:
    start = datetime(2026, 11, 1, tzinfo=UTC)
    with database.transaction() as session:
        for minute, key in enumerate(["F-1", "F-2", "F-1"]):
            queries.add_log(
                session,
                connection_id,
                f"entry {minute}",
                level=LogLevel.ERROR,
                message_id="account_not_found",
                object_type="invoice",
                object_key=key,
                now=start + timedelta(minutes=minute),
            )
    with database.transaction() as session:
        entries = queries.log_entries(session, connection_id, object_type="invoice", object_key="F-1")
        assert [e.message for e in entries] == ["entry 2", "entry 0"]
        assert len(queries.log_entries(session, connection_id, limit=2)) == 2


def test_discount_over_100_refused(database: Database, connection_id: int) -> None:
    invoice_id = add_invoice(database, connection_id, "F-1", date(2026, 10, 2))
    with pytest.raises(IntegrityError), database.transaction() as session:
        invoice = session.get(Invoice, invoice_id)
        assert invoice is not None
        invoice.lines.append(
            InvoiceLine(
                line_no=2,
                description="x",
                quantity=Decimal(1),
                unit_price=Decimal(1),
                vat_code=3,
                discount_percent=Decimal("100.01"),
            )
        )


def test_lookups_by_number(database: Database, connection_id: int) -> None:
    with database.transaction() as session:
        assert queries.customer_by_number(session, connection_id, 10001) is not None
        assert queries.customer_by_number(session, connection_id, 1) is None
        assert queries.product_class_by_code(session, connection_id, "SALG") is not None
        assert queries.product_by_number(session, connection_id, "P-1") is not None
        assert queries.connection_by_name(session, "acme") is not None
        assert queries.invoice_by_number(session, connection_id, "nope") is None


def test_export_outcomes_drive_batch_progress_and_status(database: Database, connection_id: int) -> None:
    for day in (1, 2, 3, 4):
        add_invoice(database, connection_id, f"F-{day}", date(2026, 10, day))
    now = datetime(2026, 11, 2, 7, 30, tzinfo=UTC)
    with database.transaction() as session:
        batch = queries.create_batch(
            session,
            connection_id,
            "2026-10",
            queries.invoices_ready_for_batch(session, connection_id, "2026-10"),
        )
        first, second, third, fourth = batch.items
        queries.record_intent(session, first, "txb-F-1", now=now)
        reference = queries.record_exported(
            session, first, connection_id, tripletex_id=501, tripletex_number="1", voucher_number="7", now=now
        )
        queries.record_outcome(
            session, second, ItemStatus.SKIPPED, error_id="invoice_already_exported", message="x", now=now
        )
        queries.record_outcome(
            session, third, ItemStatus.FAILED, error_id="account_not_found", message="Konto 3099", now=now
        )
        queries.refresh_batch(session, batch, now=now)
        # One still pending: the batch is not finished.
        assert (batch.status, batch.progress_percent) == (BatchStatus.PENDING, 50)
        assert reference.local_id == first.invoice_id and first.exported_at == now and first.error_id is None
        queries.record_outcome(session, fourth, ItemStatus.FAILED, error_id="api_unreachable", message="y")
        queries.refresh_batch(session, batch, now=now)
        assert (batch.status, batch.progress_percent) == (BatchStatus.FAILED, 50)
        with pytest.raises(ValueError):
            queries.record_outcome(session, fourth, ItemStatus.EXPORTED, error_id=None, message=None)
    with database.transaction() as session:
        batch = queries.batches(session, connection_id)[0]
        assert queries.reset_batch(session, batch, now=now) == 2
        assert batch.status is BatchStatus.PENDING
        for posting in queries.items_of_batch(session, batch.id, [ItemStatus.PENDING]):
            queries.record_exported(session, posting, connection_id, tripletex_id=None, tripletex_number="9")
        later = now + timedelta(hours=1)
        queries.refresh_batch(session, batch, now=later)
        assert (batch.status, batch.progress_percent, batch.exported_at) == (BatchStatus.EXPORTED, 100, later)
        invoice_refs = queries.references_of(session, connection_id, ReferenceKind.INVOICE)
        assert len(invoice_refs) == 3


def test_upsert_references_creates_updates_and_survives_a_concurrent_writer(
    database: Database, connection_id: int
) -> None:
    with database.transaction() as session:
        queries.upsert_references(
            session,
            connection_id,
            ReferenceKind.CUSTOMER,
            [
                (1, "10001", {"tripletex_id": 11}),
                (2, "10002", {"tripletex_id": 12}),
                (1, "10001", {"tripletex_id": 13}),
            ],
        )
    with database.transaction() as session:
        refs = queries.references_of(session, connection_id, ReferenceKind.CUSTOMER)
        assert {local: ref.tripletex_id for local, ref in refs.items()} == {1: 13, 2: 12}  # last one wins

    # Two exports store the same new reference at once: the second waits, then updates; no error.
    errors: list[BaseException] = []
    first = database.session()
    first.begin()
    queries.upsert_references(first, connection_id, ReferenceKind.INVOICE, [(7, "F-7", {"tripletex_id": 70})])

    def second() -> None:
        try:
            with database.transaction() as session:
                queries.upsert_references(
                    session, connection_id, ReferenceKind.INVOICE, [(7, "F-7", {"tripletex_id": 71})]
                )
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    thread = threading.Thread(target=second)
    thread.start()
    thread.join(timeout=0.3)  # it is blocked by the first writer's uncommitted row
    first.commit()
    first.close()
    thread.join(timeout=30)
    assert not thread.is_alive() and errors == []
    with database.transaction() as session:
        (ref,) = queries.references_of(session, connection_id, ReferenceKind.INVOICE).values()
        assert (ref.local_id, ref.tripletex_id) == (7, 71)
