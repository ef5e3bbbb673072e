from __future__ import annotations

import pytest

from tests.flows.views.conftest import Selects, add_batch, add_connection
from txbridge.flows.export import BatchNotFoundError
from txbridge.flows.views import batches
from txbridge.store import BatchStatus, Database, ItemStatus


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
