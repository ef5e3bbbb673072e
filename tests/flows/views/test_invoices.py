from __future__ import annotations

from datetime import date

from tests.flows.views.conftest import Selects, add_batch, add_connection
from txbridge.flows.views.invoices import Whereabouts, find_invoice
from txbridge.store import Customer, Database, Invoice, ItemStatus, queries


def test_each_place_an_invoice_can_be(database: Database, selects: Selects) -> None:
    connection = add_connection(database, "acme")
    batch_id = add_batch(database, connection, 4)  # 100000 exported, 100001 failed, 100002 pending, …
    with database.transaction() as session:
        customer = session.query(Customer).one()
        session.add(
            Invoice(
                connection_id=connection,
                number="555",
                invoice_date=date(2026, 10, 1),
                due_date=date(2026, 10, 15),
                customer_id=customer.id,
            )
        )

    selects.reset()
    exported = find_invoice(database, connection, "100000")
    assert selects.count == 1, selects.statements
    assert exported.where is Whereabouts.EXPORTED and exported.tripletex_invoice_number == "9000"
    assert exported.batch_id == batch_id and exported.period == "2026-10"

    failed = find_invoice(database, connection, "100001")
    assert failed.where is Whereabouts.FAILED and failed.attempts == 1
    assert failed.message is not None and failed.message.id == "account_not_found"

    pending = find_invoice(database, connection, "100002")
    assert pending.where is Whereabouts.PENDING and pending.posting_status is ItemStatus.PENDING

    assert find_invoice(database, connection, "555").where is Whereabouts.NOT_IN_BATCH
    assert find_invoice(database, connection, "nope").where is Whereabouts.UNKNOWN
    other = add_connection(database, "other")
    assert find_invoice(database, other, "100000").where is Whereabouts.UNKNOWN

    # A removed posting frees the invoice: it is in no batch again.
    with database.transaction() as session:
        invoice = queries.invoice_by_number(session, connection, "100002")
        assert invoice is not None
        posting = queries.open_item_of_invoice(session, invoice.id)
        assert posting is not None
        posting.status = ItemStatus.REMOVED
    assert find_invoice(database, connection, "100002").where is Whereabouts.NOT_IN_BATCH
