"""The firm's field mapping as the statistics import reads it, and the firm tables' migration."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect

from txbridge.flows.firm.mapping import mapped_fields
from txbridge.settings import Settings
from txbridge.store import Connection, Database, Environment, TokenCipher
from txbridge.store.database import alembic_config
from txbridge.store.models import FirmConnection, FirmCustomField, FirmFieldMapping


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(Settings(database_url=database_url))
    yield database
    database.dispose()


def firm(db: Database, name: str = "regnskap") -> int:
    cipher = TokenCipher(TokenCipher.generate_key())
    with db.transaction() as session:
        connection = Connection(name=name, environment=Environment.SANDBOX, base_url="http://sandbox/v2")
        connection.set_tokens(cipher, consumer_token="c" * 20, employee_token="e" * 20)
        session.add(connection)
        session.flush()
        session.add(FirmConnection(connection_id=connection.id))
        return connection.id


def test_mapped_fields_names_only_the_mapped_fields_of_that_firm(db: Database) -> None:
    ours, other = firm(db), firm(db, "annen")
    with db.transaction() as session:
        sales = FirmCustomField(firm_connection_id=ours, name="Salgsbilag")
        bank = FirmCustomField(firm_connection_id=ours, name="Banktransaksjoner")
        theirs = FirmCustomField(firm_connection_id=other, name="Salg")
        session.add_all([sales, bank, theirs])
        session.flush()
        session.add_all(
            [
                FirmFieldMapping(firm_connection_id=ours, field_key="sale_entries", custom_field_id=sales.id),
                FirmFieldMapping(
                    firm_connection_id=ours, field_key="bank_transactions", custom_field_id=bank.id
                ),
                FirmFieldMapping(
                    firm_connection_id=other, field_key="sale_entries", custom_field_id=theirs.id
                ),
            ]
        )
    assert mapped_fields(db, ours) == {"bank_transactions": "Banktransaksjoner", "sale_entries": "Salgsbilag"}
    assert mapped_fields(db, other) == {"sale_entries": "Salg"}
    assert mapped_fields(db, 9999) == {}


def test_the_firm_tables_go_down_to_0009_and_up_again(tmp_path: Path) -> None:
    database = Database.from_url(f"sqlite:///{tmp_path / 'firm.db'}")
    try:
        database.migrate()
        firm_tables = {t for t in inspect(database.engine).get_table_names() if t.startswith("firm_")}
        assert "firm_client" in firm_tables and "firm_field_mapping" in firm_tables
        with database.engine.begin() as connection:
            command.downgrade(alembic_config(connection), "0009")
        assert not {t for t in inspect(database.engine).get_table_names() if t.startswith("firm_")}
        database.migrate()
        assert {t for t in inspect(database.engine).get_table_names() if t.startswith("firm_")} == firm_tables
    finally:
        database.dispose()
