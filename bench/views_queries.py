"""Read models (`txbridge.flows.views`): SELECT statements per call and the best of three times
for a batch of 300 and of 3,000 invoices on SQLite — the statement count does not grow with the
batch (no N+1)."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import event

from txbridge.catalog import render
from txbridge.flows import views
from txbridge.store import (
    Connection,
    Customer,
    Database,
    Environment,
    Invoice,
    ItemStatus,
    LogLevel,
    TokenCipher,
    queries,
)


def _fill(database: Database, size: int) -> tuple[int, int]:
    """A connection and one batch of ``size`` invoices: every other one exported, the rest failed
    (with a catalog message), and a log line for each."""
    with database.transaction() as session:
        connection = Connection(
            name="bench", environment=Environment.SANDBOX, base_url="http://127.0.0.1:1/v2"
        )
        connection.set_tokens(
            TokenCipher(TokenCipher.generate_key()), consumer_token="c" * 20, employee_token="e" * 20
        )
        session.add(connection)
        session.flush()
        customer = Customer(connection_id=connection.id, number=1, name="Kunde AS")
        session.add(customer)
        session.flush()
        invoices = [
            Invoice(
                connection_id=connection.id,
                number=str(100000 + i),
                invoice_date=date(2026, 10, 1),
                due_date=date(2026, 10, 15),
                customer_id=customer.id,
            )
            for i in range(size)
        ]
        session.add_all(invoices)
        session.flush()
        batch = queries.create_batch(session, connection.id, "2026-10", invoices)
        failed = render("account_not_found", account=3099)
        for i, posting in enumerate(batch.items):
            if i % 2:
                queries.record_outcome(
                    session, posting, ItemStatus.FAILED, error_id=failed.id, message=str(failed)
                )
            else:
                queries.record_exported(
                    session, posting, connection.id, tripletex_id=i, tripletex_number=str(i)
                )
            queries.add_log(
                session,
                connection.id,
                failed.nb,
                level=LogLevel.ERROR,
                message_id=failed.id,
                object_type="invoice",
                object_key=posting.subject_key,
                detail=failed.en,
            )
        queries.refresh_batch(session, batch)
        return connection.id, batch.id


def _measure(database: Database, call: Callable[[], Any]) -> tuple[int, float]:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(database.engine, "before_cursor_execute", count)
    call()
    event.remove(database.engine, "before_cursor_execute", count)
    best = float("inf")
    for _ in range(3):  # best of three: the machine is shared
        started = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - started)
    return len(statements), best


def _calls(database: Database, connection_id: int, batch_id: int, size: int) -> dict[str, Callable[[], Any]]:
    return {
        "batches.batch_detail (all postings)": lambda: views.batches.batch_detail(
            database, batch_id, limit=size
        ),
        "batches.batch_detail (failed, 100)": lambda: views.batches.batch_detail(
            database, batch_id, status=ItemStatus.FAILED
        ),
        "batches.list_batches": lambda: views.batches.list_batches(database, connection_id),
        "log.list_log (batch, 1000)": lambda: views.log.list_log(
            database, connection_id=connection_id, batch_id=batch_id, limit=1000
        ),
        "invoices.find_invoice": lambda: views.invoices.find_invoice(database, connection_id, "100001"),
        "connections.list_connections": lambda: views.connections.list_connections(database),
    }


def main() -> None:
    print(f"{'view':<40} {'invoices':>8} {'SELECTs':>8} {'ms':>8}")
    for size in (300, 3000):
        with tempfile.TemporaryDirectory() as folder:
            database = Database.from_url(f"sqlite:///{Path(folder) / 'bench.db'}")
            database.migrate()
            connection_id, batch_id = _fill(database, size)
            calls = _calls(database, connection_id, batch_id, size)
            for name, call in calls.items():
                selects, seconds = _measure(database, call)
                print(f"{name:<40} {size:>8} {selects:>8} {seconds * 1000:>8.1f}", flush=True)
            database.dispose()


if __name__ == "__main__":
    main()
