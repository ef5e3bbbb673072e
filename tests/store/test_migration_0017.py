"""Migration 0017 (POS invoicing): a store at 0014 keeps its batches and items (SQLite's CHECKs are
widened without rebuilding ``batch``, whose ON DELETE CASCADE would take the items); the new kinds
and the invoice's collective link are accepted afterwards, the old rules still hold; down and up."""

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


def _insert(db: Database, sql: str) -> None:
    with db.engine.begin() as c:
        c.execute(text(sql))


def test_a_store_at_0014_keeps_its_batches_and_takes_the_new_kinds(empty_url: str) -> None:
    db = Database.from_url(empty_url)
    db.migrate("0014")
    _insert(
        db,
        "INSERT INTO connection (id, name, environment, base_url, consumer_token_encrypted, "
        "employee_token_encrypted, consumer_token_hint, employee_token_hint, tripletex_company_id, "
        "state, consecutive_failures, send_to_customer, prices_include_vat, batch_size, created_at, "
        "updated_at) VALUES (1, 'acme', 'sandbox', 'http://127.0.0.1:1/v2', 'x', 'x', 'h', 'h', 0, "
        "'active', 0, false, false, 100, '2026-10-01', '2026-10-01')",
    )
    _insert(
        db,
        "INSERT INTO batch (id, connection_id, kind, period, status, progress_percent, created_at, "
        "updated_at) VALUES (5, 1, 'invoice', '2026-10', 'pending', 0, '2026-10-01', '2026-10-01')",
    )
    _insert(
        db,
        "INSERT INTO batch_item (id, batch_id, kind, subject_key, status, attempts, intent_marker, "
        "created_at, updated_at) VALUES (7, 5, 'invoice', 'F-1', 'in_flight', 1, 'TXB-F-1-7.1', "
        "'2026-10-01', '2026-10-01')",
    )
    db.migrate()
    with db.engine.connect() as c:
        assert c.execute(text("SELECT id, intent_marker FROM batch_item")).all() == [(7, "TXB-F-1-7.1")]
    _insert(
        db,
        "INSERT INTO batch (id, connection_id, kind, period, status, progress_percent, created_at, "
        "updated_at) VALUES (6, 1, 'collective_invoice', '2026-10', 'pending', 0, '2026-10-01', "
        "'2026-10-01')",
    )
    _insert(
        db,
        "INSERT INTO batch_item (id, batch_id, kind, subject_key, status, attempts, created_at, updated_at) "
        "VALUES (8, 6, 'pos_order', 'POS-1', 'pending', 0, '2026-10-01', '2026-10-01')",
    )
    with pytest.raises(IntegrityError):  # still only the kinds this version knows
        _insert(
            db,
            "INSERT INTO batch (id, connection_id, kind, period, status, progress_percent, created_at, "
            "updated_at) VALUES (9, 1, 'travel', '2026-10', 'pending', 0, '2026-10-01', '2026-10-01')",
        )
    with db.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0014")
    with db.engine.connect() as c:
        assert c.execute(text("SELECT id FROM batch ORDER BY id")).scalars().all() == [5]
        assert c.execute(text("SELECT id FROM batch_item")).scalars().all() == [7]
    db.migrate()
    db.dispose()
