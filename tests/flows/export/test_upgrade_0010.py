"""A store from before the outbound engine (migration head 0009, table ``posting``) is upgraded and
exported again over real HTTP: what was exported is not sent again, an invoice whose write landed but
was never recorded is found by its marker, and the rest goes once.

The 0009 store is what a partial export leaves: a batch exported in part (the last three invoices not
sent yet), brought to revision 0009 with the ``posting`` table as that version has it, then put in
the state a crash leaves with SQL on ``posting``: one invoice's write landed in Tripletex but neither
its reference nor its status was recorded (``in_flight`` with its marker), one exported invoice is
pending again with its reference (an administrator's reset), three were never sent (pending)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from tests.fixtures.sandbox import SandboxCompany
from tests.flows.export.conftest import Env, connect_env, load, make_settings, payload
from txbridge.flows.export import close_batch, export_batch
from txbridge.store import Database, ItemStatus, ReferenceKind
from txbridge.store import queries as q
from txbridge.store.database import alembic_config, head_revision

INVOICES = 12


@pytest.fixture
def env(database_url: str, tmp_path: Path, sandbox_company: SandboxCompany) -> Iterator[Env]:
    settings = make_settings(database_url, tmp_path)
    db = Database(settings)
    yield connect_env(db, settings, sandbox_company)
    db.dispose()


def _numbers(env: Env) -> Counter[str]:
    """Invoices in the sandbox per host invoice number (from the marker on their order)."""
    return Counter(marker.split("-")[1] for marker in env.markers())


def test_an_upgraded_store_skips_what_was_exported_and_sends_nothing_twice(env: Env) -> None:
    load(env, payload(invoices=INVOICES))
    closed = close_batch(env.db, env.connection_id, "2026-10")
    assert closed.batch_id is not None
    batch_id = closed.batch_id
    with env.db.transaction() as session:
        items = q.items_of_batch(session, batch_id)
        ids = [item.id for item in items]
        for item in items[-3:]:
            item.status = ItemStatus.REMOVED  # kept out of the first export: never sent
    first = export_batch(env.db, env.settings, batch_id)
    assert first.exported == INVOICES - 3
    assert _numbers(env) == Counter({str(500000 + i): 1 for i in range(INVOICES - 3)})

    with env.db.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0009")
    landed, reset, unsent = ids[INVOICES - 4], ids[INVOICES - 5], ids[-3:]
    with env.db.engine.begin() as c:
        assert (
            c.execute(text("SELECT COUNT(*) FROM posting WHERE status = 'exported'")).scalar() == INVOICES - 3
        )
        c.execute(
            text("UPDATE posting SET status = 'in_flight', exported_at = NULL WHERE id = :id"), {"id": landed}
        )
        c.execute(
            text(
                "DELETE FROM integration_reference WHERE kind = 'invoice' AND local_id = "
                "(SELECT invoice_id FROM posting WHERE id = :id)"
            ),
            {"id": landed},
        )
        c.execute(text("UPDATE posting SET status = 'pending' WHERE id = :id"), {"id": reset})
        for item_id in unsent:
            c.execute(text("UPDATE posting SET status = 'pending' WHERE id = :id"), {"id": item_id})
        c.execute(text("UPDATE batch SET status = 'pending'"))

    env.db.migrate()
    assert env.db.current_revision() == head_revision()
    again = export_batch(env.db, env.settings, batch_id)

    assert again.stopped is None and again.failed == 0
    assert (again.exported, again.skipped, again.reconciled) == (INVOICES - 1, 1, 1)
    # The three never sent went in one call; the landed one was found, not sent again.
    assert again.stats["by_endpoint"].get("POST /invoice/list") == 1
    assert _numbers(env) == Counter({str(500000 + i): 1 for i in range(INVOICES)})
    with env.db.transaction() as session:
        statuses = {item.id: item.status for item in q.items_of_batch(session, batch_id)}
        references = q.references_of(session, env.connection_id, ReferenceKind.INVOICE)
    assert statuses[reset] is ItemStatus.SKIPPED and statuses[landed] is ItemStatus.EXPORTED
    assert len(references) == INVOICES
