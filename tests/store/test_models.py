from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError, StatementError

from tests.store.conftest import add_invoice
from txbridge.store import (
    BatchItem,
    BatchStatus,
    Connection,
    ConnectionState,
    Customer,
    Database,
    Environment,
    Invoice,
    InvoiceLine,
    ItemStatus,
    ReferenceKind,
    TokenCipher,
    period_bounds,
    period_of,
    queries,
)


def test_connection_defaults_and_tokens_encrypted_at_rest(
    database: Database, cipher: TokenCipher, connection_id: int
) -> None:
    with database.transaction() as session:
        connection = session.get(Connection, connection_id)
        assert connection is not None
        assert connection.state is ConnectionState.PENDING_APPROVAL
        assert connection.send_to_customer is False
        assert connection.batch_size == 100
        assert connection.tripletex_company_id == 0
        assert connection.employee_token(cipher) == "test-employee-0123456789c3f9"
        assert connection.employee_token_hint == "test-…c3f9"
        assert "0123456789" not in repr(connection)
        assert connection.employee_token_encrypted not in repr(connection)
    with database.engine.connect() as conn:
        raw = conn.exec_driver_sql(
            "SELECT consumer_token_encrypted, employee_token_encrypted FROM connection"
        )
        for value in raw.one():
            assert "employee" not in value and "consumer" not in value


def test_decimals_and_timestamps_round_trip_exactly(database: Database, connection_id: int) -> None:
    invoice_id = add_invoice(database, connection_id, "F-1", date(2026, 10, 5))
    oslo = timezone(timedelta(hours=2))
    with database.transaction() as session:
        invoice = session.get(Invoice, invoice_id)
        assert invoice is not None
        invoice.lines.append(
            InvoiceLine(
                line_no=2,
                description="Rabattert",
                quantity=Decimal("3"),
                unit_price=Decimal("0.1"),
                vat_code=31,
                discount_percent=Decimal("12.5"),
            )
        )
        invoice.updated_at = datetime(2026, 10, 5, 12, 0, tzinfo=oslo)
    with database.transaction() as session:
        invoice = session.get(Invoice, invoice_id)
        assert invoice is not None
        first, second = invoice.lines
        assert (first.quantity, first.unit_price) == (Decimal("1.5000"), Decimal("1000.10"))
        assert (second.unit_price, second.discount_percent) == (Decimal("0.10"), Decimal("12.50"))
        assert invoice.updated_at == datetime(2026, 10, 5, 10, 0, tzinfo=UTC)
        assert invoice.updated_at.tzinfo is not None
        assert invoice.period == "2026-10"


def test_naive_timestamp_is_refused(database: Database, connection_id: int) -> None:
    with pytest.raises(StatementError), database.transaction() as session:
        queries.add_log(session, connection_id, "x", now=datetime(2026, 1, 1))


def test_numbers_unique_per_connection(database: Database, connection_id: int) -> None:
    with pytest.raises(IntegrityError), database.transaction() as session:
        session.add(Customer(connection_id=connection_id, number=10001, name="Duplicate"))


def test_foreign_keys_enforced(database: Database, connection_id: int) -> None:
    with pytest.raises(IntegrityError), database.transaction() as session:
        session.add(
            Invoice(
                connection_id=connection_id,
                number="F-X",
                invoice_date=date(2026, 10, 1),
                due_date=date(2026, 10, 1),
                customer_id=999_999,
            )
        )


def test_enum_values_checked_by_database(database: Database, connection_id: int) -> None:
    with pytest.raises(IntegrityError), database.engine.begin() as conn:
        conn.execute(text("UPDATE connection SET state = 'bogus' WHERE id = :id"), {"id": connection_id})


def test_invoice_in_at_most_one_open_batch(database: Database, connection_id: int) -> None:
    invoice_id = add_invoice(database, connection_id, "F-1", date(2026, 10, 5))
    with database.transaction() as session:
        invoice = session.get(Invoice, invoice_id)
        assert invoice is not None
        first = queries.create_batch(session, connection_id, "2026-10", [invoice])
    with pytest.raises(IntegrityError), database.transaction() as session:
        invoice = session.get(Invoice, invoice_id)
        assert invoice is not None
        queries.create_batch(session, connection_id, "2026-10", [invoice])
    # Once an administrator removes it from the first batch, it may go into another.
    with database.transaction() as session:
        posting = session.scalars(select(BatchItem).where(BatchItem.batch_id == first.id)).one()
        posting.status = ItemStatus.REMOVED
    with database.transaction() as session:
        invoice = session.get(Invoice, invoice_id)
        assert invoice is not None
        second = queries.create_batch(session, connection_id, "2026-10", [invoice])
        assert second.status is BatchStatus.PENDING
        assert [p.subject_key for p in second.items] == ["F-1"]


def test_one_reference_per_local_object(database: Database, connection_id: int) -> None:
    with pytest.raises(IntegrityError), database.transaction() as session:
        from txbridge.store import IntegrationReference

        for tripletex_id in (1, 2):
            session.add(
                IntegrationReference(
                    connection_id=connection_id,
                    kind=ReferenceKind.INVOICE,
                    local_id=7,
                    local_number="F-7",
                    tripletex_id=tripletex_id,
                )
            )
            session.flush()


def test_deleting_an_invoice_keeps_its_posting(database: Database, connection_id: int) -> None:
    invoice_id = add_invoice(database, connection_id, "F-9", date(2026, 10, 5))
    with database.transaction() as session:
        invoice = session.get(Invoice, invoice_id)
        assert invoice is not None
        batch = queries.create_batch(session, connection_id, "2026-10", [invoice])
    with database.transaction() as session:
        invoice = session.get(Invoice, invoice_id)
        session.delete(invoice)
    with database.transaction() as session:
        posting = session.scalars(select(BatchItem).where(BatchItem.batch_id == batch.id)).one()
        assert posting.invoice_id is None
        assert posting.subject_key == "F-9"
        assert session.scalars(select(InvoiceLine)).all() == []


def test_period_helpers() -> None:
    assert period_of(date(2026, 10, 31)) == "2026-10"
    assert period_bounds("2026-12") == (date(2026, 12, 1), date(2027, 1, 1))
    with pytest.raises(ValueError):
        period_bounds("2026/10")
    assert BatchStatus.PENDING.label_nb == "Ventende"
    assert Environment("sandbox") is Environment.SANDBOX
