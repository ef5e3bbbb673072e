"""Migration 0010 (posting → batch_item with a kind): a store at 0009, filled as that version wrote
it, keeps its batches, items (same ids, so markers still point at them) and references; new items
get ids after the old ones; the kind's CHECK holds; a downgrade gives the old table back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from txbridge.store import Database
from txbridge.store.database import alembic_config

_ROWS = [
    # id, invoice number, status, marker
    (7, "F-1", "exported", "TXB-F-1-7.1"),
    (8, "F-2", "in_flight", "TXB-F-2-8.1"),
    (9, "F-3", "failed", None),
]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
    else:
        yield request.getfixturevalue("empty_postgres_url")


def _fill_as_0009(db: Database) -> None:
    """What today's version (migration head 0009) writes for a connection with one batch."""
    with db.engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO connection (id, name, environment, base_url, consumer_token_encrypted, "
                "employee_token_encrypted, consumer_token_hint, employee_token_hint, tripletex_company_id, "
                "state, consecutive_failures, send_to_customer, prices_include_vat, batch_size, created_at, "
                "updated_at) VALUES (1, 'acme', 'sandbox', 'http://127.0.0.1:1/v2', 'x', 'x', 'h', 'h', 0, "
                "'active', 0, false, false, 100, '2026-10-01', '2026-10-01')"
            )
        )
        c.execute(
            text(
                "INSERT INTO batch (id, connection_id, period, status, progress_percent, created_at, "
                "updated_at) VALUES (5, 1, '2026-10', 'pending', 33, '2026-10-01', '2026-10-01')"
            )
        )
        for item_id, number, status, marker in _ROWS:
            c.execute(
                text(
                    "INSERT INTO posting (id, batch_id, invoice_id, invoice_number, status, attempts, "
                    "intent_marker, created_at, updated_at) VALUES (:id, 5, NULL, :number, :status, 1, "
                    ":marker, '2026-10-01', '2026-10-01')"
                ),
                {"id": item_id, "number": number, "status": status, "marker": marker},
            )
        c.execute(
            text(
                "INSERT INTO integration_reference (connection_id, kind, local_id, local_number, "
                "tripletex_id, tripletex_number, created_at, updated_at) VALUES (1, 'invoice', 70, 'F-1', "
                "900, '10001', '2026-10-01', '2026-10-01')"
            )
        )


def test_a_store_at_0009_keeps_batches_items_and_references(empty_url: str) -> None:
    db = Database.from_url(empty_url)
    db.migrate("0009")
    _fill_as_0009(db)
    db.migrate()
    with db.engine.begin() as c:
        items = c.execute(
            text("SELECT id, batch_id, kind, subject_key, status, intent_marker FROM batch_item ORDER BY id")
        ).all()
        assert [tuple(row) for row in items] == [
            (item_id, 5, "invoice", number, status, marker) for item_id, number, status, marker in _ROWS
        ]
        assert c.execute(text("SELECT id, kind, progress_percent FROM batch")).one() == (5, "invoice", 33)
        assert c.execute(text("SELECT local_number, tripletex_number FROM integration_reference")).one() == (
            "F-1",
            "10001",
        )
        # New items continue after the copied ids (PostgreSQL's sequence was moved on).
        c.execute(
            text(
                "INSERT INTO batch_item (batch_id, subject_key, status, attempts, created_at, updated_at) "
                "VALUES (5, 'F-4', 'pending', 0, '2026-10-02', '2026-10-02')"
            )
        )
        assert c.execute(text("SELECT MAX(id), MIN(kind) FROM batch_item")).one() == (10, "invoice")
    with pytest.raises(IntegrityError), db.engine.begin() as c:
        c.execute(text("UPDATE batch SET kind = 'letters'"))
    with db.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0009")
    with db.engine.begin() as c:
        back = c.execute(text("SELECT id, invoice_number, status FROM posting ORDER BY id")).all()
    assert [tuple(row) for row in back] == [(i, n, s) for i, n, s, _ in _ROWS] + [(10, "F-4", "pending")]
    db.dispose()
