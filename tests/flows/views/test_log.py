from __future__ import annotations

from datetime import timedelta

from tests.flows.views.conftest import T0, Selects, add_batch, add_connection
from txbridge.flows.export import clear_reference
from txbridge.flows.views.log import list_log
from txbridge.store import Database, LogLevel


def test_filters_and_messages(database: Database) -> None:
    connection = add_connection(database, "acme")
    first = add_batch(database, connection, 4, first=100000)
    second = add_batch(database, connection, 4, first=200000)
    everything = list_log(database, connection_id=connection)
    assert everything.total == 10 and everything.items[0].object_key in {str(first), str(second)}

    errors = list_log(database, connection_id=connection, level=LogLevel.ERROR)
    assert errors.total == 2 and {row.level for row in errors.items} == {LogLevel.ERROR}
    row = errors.items[0]
    assert row.message.id == "account_not_found" and row.message.cause("en").startswith("The account number")
    assert row.batch_id in {first, second}
    assert f"`txbridge batch reset {row.batch_id}`" in row.message.fix("en", batch=row.batch_id)

    one_batch = list_log(database, connection_id=connection, batch_id=first)
    assert one_batch.total == 5
    assert {r.object_key for r in one_batch.items} == {str(first), "100000", "100001", "100002", "100003"}

    invoice = list_log(database, connection_id=connection, invoice="200001")
    assert invoice.total == 1 and invoice.items[0].batch_id == second

    plain = list_log(database, connection_id=connection, invoice="100000").items[0].message
    assert plain.id == "log_note" and plain.text("nb") == "Faktura 100000" and plain.text("en") == "Invoice"

    recent = list_log(database, connection_id=connection, since=T0 + timedelta(minutes=30))
    assert recent.total == 2 and all(r.object_type == "batch" for r in recent.items)
    page = list_log(database, connection_id=connection, offset=8, limit=5)
    assert len(page.items) == 2 and page.total == 10


def test_an_administrators_action_names_the_actor(database: Database) -> None:
    connection = add_connection(database, "acme")
    add_batch(database, connection, 1)
    assert clear_reference(database, connection, "100000", actor="kari")
    row = list_log(database, connection_id=connection, invoice="100000").items[0]
    assert row.message.id == "reference_cleared" and row.actor == "kari"
    assert "kari" in row.message.text("en") and "(at " not in row.message.text("en")


def test_query_count_does_not_grow_with_the_log(database: Database, selects: Selects) -> None:
    connection = add_connection(database, "acme")
    batch = add_batch(database, connection, 3, first=100000)
    selects.reset()
    list_log(database, connection_id=connection, batch_id=batch, limit=500)
    few = selects.count
    batch = add_batch(database, connection, 150, first=200000)
    selects.reset()
    assert len(list_log(database, connection_id=connection, batch_id=batch, limit=500).items) == 151
    assert selects.count == few <= 3, selects.statements
