"""Migration 0019 (POS invoicing's switch, customer copies by Tripletex id): a store at 0017 keeps its
customers and invoices; a connection that already invoices POS sales (a ``POS-`` invoice, or
collective invoice on) gets invoicing on, the others off; a Tripletex id names one copy per
connection while host customers (no id) are many; down and up."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from txbridge.store import Database
from txbridge.store.database import alembic_config


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
    else:
        yield request.getfixturevalue("empty_postgres_url")


Statement = tuple[str, dict[str, object]]
_NOW = {"day": "2026-10-01", "at": "2026-10-01 08:00:00"}


def _run(db: Database, *statements: Statement) -> None:
    with db.engine.begin() as c:
        for sql, params in statements:
            c.execute(text(sql), params)


def _connection(n: int) -> Statement:
    return (
        "INSERT INTO connection (id, name, environment, base_url, consumer_token_encrypted, "
        "employee_token_encrypted, consumer_token_hint, employee_token_hint, tripletex_company_id, "
        "state, consecutive_failures, send_to_customer, prices_include_vat, batch_size, created_at, "
        "updated_at) VALUES (:n, :name, 'sandbox', 'http://127.0.0.1:1/v2', 'x', 'x', 'h', 'h', 0, "
        "'active', 0, false, false, 100, :at, :at)",
        {"n": n, "name": f"c{n}", **_NOW},
    )


def _pos_setup(n: int, collective: bool) -> Statement:
    return (
        "INSERT INTO pos_setup (connection_id, sales_start_date, collective_invoice, created_at, "
        "updated_at) VALUES (:n, :day, :collective, :at, :at)",
        {"n": n, "collective": collective, **_NOW},
    )


_CUSTOMER = (
    "INSERT INTO customer (id, connection_id, number, name, country_code, is_private_person, {extra}"
    "created_at, updated_at) VALUES (:id, :connection, :number, 'K', 'NO', false, {value}:at, :at)"
)


def _customer(id_: int, connection: int, number: int, tripletex_id: int | None = None) -> Statement:
    params = {"id": id_, "connection": connection, "number": number, "tripletex_id": tripletex_id, **_NOW}
    return _CUSTOMER.format(extra="tripletex_id, ", value=":tripletex_id, "), params


def _old_customer(id_: int, connection: int, number: int) -> Statement:
    """A customer as 0017 knows it (no Tripletex id column yet)."""
    return _CUSTOMER.format(extra="", value=""), {
        "id": id_,
        "connection": connection,
        "number": number,
        **_NOW,
    }


def test_a_store_at_0017_gets_invoicing_where_it_invoices_pos_sales(empty_url: str) -> None:
    db = Database.from_url(empty_url)
    db.migrate("0017")
    _run(
        db,
        *(_connection(n) for n in (1, 2, 3)),
        _pos_setup(1, False),
        _pos_setup(2, True),
        _pos_setup(3, False),
        _old_customer(10, 1, 10001),
        _old_customer(11, 3, 10001),
        (
            "INSERT INTO invoice (id, connection_id, number, invoice_date, due_date, customer_id, currency, "
            "prices_include_vat, status, created_at, updated_at) VALUES (20, 1, 'POS-S-1', :day, :day, 10, "
            "'NOK', true, 'ready', :at, :at), "
            "(21, 3, 'F-1', :day, :day, 11, 'NOK', false, 'ready', :at, :at)",
            _NOW,
        ),
    )
    db.migrate()
    with db.engine.connect() as c:
        on = c.execute(text("SELECT connection_id, invoicing FROM pos_setup ORDER BY connection_id")).all()
        assert [(n, bool(flag)) for n, flag in on] == [(1, True), (2, True), (3, False)]
        customers = c.execute(text("SELECT id, number, tripletex_id FROM customer ORDER BY id")).all()
        assert customers == [(10, 10001, None), (11, 10001, None)]
        assert c.execute(text("SELECT id FROM invoice ORDER BY id")).scalars().all() == [20, 21]
    # Host customers carry no Tripletex id (any number of them); a copy's id is one row per connection.
    _run(db, _customer(12, 1, -77, 77), _customer(13, 3, -77, 77), _customer(15, 1, 10002))
    with pytest.raises(IntegrityError):
        _run(db, _customer(14, 1, -78, 77))
    with db.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0017")
    with db.engine.connect() as c:
        assert c.execute(text("SELECT id FROM customer ORDER BY id")).scalars().all() == [10, 11, 12, 13, 15]
    db.migrate()
    db.dispose()
