from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from tests.flows.views.conftest import T0, Selects, add_batch, add_connection
from txbridge.flows.export import BatchNotFoundError
from txbridge.flows.outbound.kind import Outgoing
from txbridge.flows.outbound.kinds import plugin_for
from txbridge.flows.views import batches
from txbridge.store import (
    BatchItem,
    BatchStatus,
    CollectiveInvoice,
    Database,
    DaySale,
    HoursEntry,
    Invoice,
    ItemStatus,
    OutboundKind,
    queries,
)
from txbridge.tripletex import models as m
from txbridge.tripletex.models import TimesheetEntry


def test_batch_detail_counts_numbers_and_messages(database: Database) -> None:
    connection = add_connection(database, "acme")
    batch_id = add_batch(database, connection, 8)
    detail = batches.batch_detail(database, batch_id)
    row = detail.batch
    assert (row.exported, row.failed, row.skipped, row.waiting, row.total) == (2, 2, 2, 2, 8)
    assert row.status is BatchStatus.PENDING and row.percent == 50
    assert detail.postings.total == 8 and [p.invoice_number for p in detail.postings.items][:2] == [
        "100000",
        "100001",
    ]
    exported = detail.postings.items[0]
    assert exported.status is ItemStatus.EXPORTED and exported.tripletex_invoice_number == "9000"
    assert exported.attempts == 1 and exported.message is None
    failed = detail.postings.items[1]
    assert failed.status is ItemStatus.FAILED and failed.attempts == 1
    assert failed.message is not None and failed.message.id == "account_not_found"
    assert failed.message.text("en") == "Account 3099 was not found in Tripletex"
    assert failed.message.text("nb") == "Konto 3099 ble ikke funnet i Tripletex"
    # The stored text is re-read into the catalog message, so the fix can name this batch.
    assert f"`txbridge batch reset {batch_id}`" in failed.message.fix("nb", batch=batch_id)
    skipped = detail.postings.items[3]
    assert skipped.message is not None and skipped.message.id == "invoice_already_exported"
    assert "Tripletex invoice 77" in skipped.message.text("en")


def test_batch_detail_filters_and_pages(database: Database) -> None:
    connection = add_connection(database, "acme")
    batch_id = add_batch(database, connection, 12)
    failed = batches.batch_detail(database, batch_id, status=ItemStatus.FAILED)
    assert failed.postings.total == 3 and {p.status for p in failed.postings.items} == {ItemStatus.FAILED}
    page = batches.batch_detail(database, batch_id, offset=10, limit=5)
    assert page.postings.total == 12 and len(page.postings.items) == 2 and not page.postings.has_more
    both = batches.batch_detail(database, batch_id, status=[ItemStatus.FAILED, ItemStatus.SKIPPED])
    assert both.postings.total == 6


def test_another_connections_batch_is_not_found(database: Database) -> None:
    mine = add_connection(database, "acme")
    theirs = add_connection(database, "other")
    batch_id = add_batch(database, theirs, 2)
    with pytest.raises(BatchNotFoundError) as raised:
        batches.batch_detail(database, batch_id, connection_id=mine)
    assert raised.value.message.id == "batch_not_found"
    with pytest.raises(BatchNotFoundError):
        batches.batch_detail(database, 999)
    assert batches.batch_rows(database, mine, [batch_id]) == []


def test_list_batches_newest_first_with_counts_and_latest(database: Database) -> None:
    connection = add_connection(database, "acme")
    first = add_batch(database, connection, 4, first=100000)
    second = add_batch(database, connection, 1, first=200000)  # one exported posting: done
    page = batches.list_batches(database, connection)
    assert [b.id for b in page.items] == [second, first] and page.total == 2
    assert page.items[0].status is BatchStatus.EXPORTED and page.items[0].exported == 1
    assert page.items[1].failed == 1
    assert batches.latest_batch(database, connection) == second
    assert batches.latest_batch(database, connection, unfinished=True) == first
    assert batches.latest_batch(database, add_connection(database, "empty")) is None
    assert batches.list_batches(database, connection, offset=1, limit=1).items[0].id == first


def test_query_count_does_not_grow_with_the_batch(database: Database, selects: Selects) -> None:
    connection = add_connection(database, "acme")
    small = add_batch(database, connection, 3, first=100000)
    large = add_batch(database, connection, 120, first=200000)

    counts = []
    for batch_id in (small, large):
        selects.reset()
        detail = batches.batch_detail(database, batch_id, limit=1000)
        assert len(detail.postings.items) in (3, 120)
        counts.append(selects.count)
    assert counts[0] == counts[1] <= 4, selects.statements

    selects.reset()
    batches.list_batches(database, connection)
    few = selects.count
    for n in range(8):
        add_batch(database, connection, 5, first=300000 + 10 * n)
    selects.reset()
    assert batches.list_batches(database, connection).total == 10
    assert selects.count == few <= 3, selects.statements


def _subject(session: Session, connection_id: int, kind: OutboundKind) -> tuple[dict[str, int], str]:
    """One local subject of the kind: its item's subject column and key."""
    customer = queries.customer_by_number(session, connection_id, 10001)
    assert customer is not None
    if kind is OutboundKind.HOURS:
        hour = HoursEntry(connection_id=connection_id, host_id="H-1", work_date=date(2026, 10, 5), hours=7)
        session.add(hour)
        session.flush()
        return {"hours_entry_id": hour.id}, "H-1"
    if kind is OutboundKind.DAY_SALES:
        day = DaySale(
            connection_id=connection_id,
            host_id="Z-1",
            location="Storgata",
            business_date=date(2026, 10, 5),
            digest="0" * 64,
        )
        session.add(day)
        session.flush()
        return {"day_sale_id": day.id}, "2026-10-05 · Storgata"
    if kind is OutboundKind.COLLECTIVE_INVOICE:
        group = CollectiveInvoice(
            connection_id=connection_id,
            customer_id=customer.id,
            period="2026-10",
            invoice_date=date(2026, 10, 31),
        )
        session.add(group)
        session.flush()
        return {"collective_invoice_id": group.id}, "2026-10 · 10001"
    sale = Invoice(
        connection_id=connection_id,
        number=f"POS-{kind.value}",
        invoice_date=date(2026, 10, 5),
        due_date=date(2026, 10, 19),
        customer_id=customer.id,
    )
    session.add(sale)
    session.flush()
    return {"invoice_id": sale.id}, sale.number


#: What Tripletex answered for each kind's document, and the number a user must see for it.
_FOUND: dict[OutboundKind, tuple[object, str]] = {
    OutboundKind.INVOICE: (
        m.Invoice(id=501, invoiceNumber=9001, voucher=m.Voucher(id=601, number=12)),
        "9001",
    ),
    OutboundKind.HOURS: (TimesheetEntry(id=4711, version=0), "4711"),
    OutboundKind.DAY_SALES: (m.Voucher(id=602, number=34, year=2026), "34-2026"),
    OutboundKind.POS_ORDER: (m.Order(id=701, number="77"), "77"),
    OutboundKind.COLLECTIVE_INVOICE: (m.Invoice(id=502, invoiceNumber=9002), "9002"),
}


def test_each_kind_shows_its_own_tripletex_number(database: Database) -> None:
    """Hours show the timesheet entry's id, day sales the voucher number, POS orders the order number,
    collective invoices and invoices the invoice number: as the kind stores and says it."""
    connection_id = add_connection(database, "acme")
    for kind, (found, shown) in _FOUND.items():
        plugin = plugin_for(kind)
        with database.transaction() as session:
            column, key = _subject(session, connection_id, kind)
            batch = queries.create_batch(session, connection_id, "2026-10", [], now=T0)
            batch.kind = kind
            item = BatchItem(
                batch_id=batch.id,
                kind=kind,
                subject_key=key,
                status=ItemStatus.EXPORTED,
                attempts=1,
                created_at=T0,
                updated_at=T0,
                **column,
            )
            session.add(item)
            session.flush()
            (subject_id,) = column.values()
            row = plugin.reference_of(Outgoing(item.id, subject_id, key, "TXB-marker"), found)
            queries.upsert_references(
                session, connection_id, plugin.reference_kind, [(row.local_id, row.local_number, row.values)]
            )
            batch_id = batch.id
        detail = batches.batch_detail(database, batch_id)
        (posting,) = detail.postings.items
        assert (kind, posting.tripletex_number) == (kind, shown)
        assert detail.batch.kind is kind and detail.batch.reference_label == plugin.reference_label
