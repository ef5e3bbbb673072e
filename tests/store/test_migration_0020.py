"""Migration 0020 (the POS set-up's «Enable invoicing»): an existing set-up keeps taking sales by
invoice (the switch comes on), a new one may turn it off; down and up again."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import text

from txbridge.store import Database
from txbridge.store.database import alembic_config

CONNECTION = (
    "INSERT INTO connection (id, name, environment, base_url, consumer_token_encrypted, "
    "employee_token_encrypted, consumer_token_hint, employee_token_hint, tripletex_company_id, state, "
    "consecutive_failures, send_to_customer, prices_include_vat, batch_size, created_at, updated_at) "
    "VALUES (1, 'acme', 'sandbox', 'http://127.0.0.1:1/v2', 'x', 'x', 'h', 'h', 0, 'active', 0, false, "
    "false, 100, '2026-10-01', '2026-10-01')"
)


def test_an_existing_set_up_keeps_invoicing_on(tmp_path: Path) -> None:
    db = Database.from_url(f"sqlite:///{tmp_path / 'old.db'}")
    db.migrate("0017")
    with db.engine.begin() as c:
        c.execute(text(CONNECTION))
        c.execute(
            text(
                "INSERT INTO pos_setup (connection_id, sales_start_date, collective_invoice, created_at, "
                "updated_at) VALUES (1, '2026-10-01', true, '2026-10-01', '2026-10-01')"
            )
        )
    db.migrate("0020")
    with db.engine.begin() as c:
        assert c.execute(text("SELECT invoicing, collective_invoice FROM pos_setup")).one() == (1, 1)
        c.execute(text("UPDATE pos_setup SET invoicing = false"))
        command.downgrade(alembic_config(c), "0017")
    db.migrate("0020")
    with db.engine.connect() as c:
        assert c.execute(text("SELECT invoicing, sales_start_date FROM pos_setup")).one() == (1, "2026-10-01")
    db.dispose()
