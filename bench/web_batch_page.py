"""The admin UI's batch page on a 10,000-posting batch: server time per page and SQL statements per
page, against a 100-posting batch (the count must not grow with the batch).

A SQLite store is filled directly (10,000 invoices, one batch: exported postings with Tripletex
invoice numbers, failed ones with catalog messages); the app is driven in-process (Starlette's
TestClient, so the time is the server's: routing, read model, template). Each page is fetched 5
times, best and median printed. Pages: the first, one in the middle, the last, and the failed filter.
Target: < 300 ms per page; statements per page equal for both batch sizes.

Run: ``.venv/bin/python bench/web_batch_page.py [--size 10000]``; ``make bench``.
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event, insert, select

from txbridge.catalog import render
from txbridge.flows import accounts
from txbridge.settings import Settings
from txbridge.store import (
    Batch,
    BatchItem,
    BatchStatus,
    Connection,
    Customer,
    Database,
    Environment,
    IntegrationReference,
    Invoice,
    ItemStatus,
    ReferenceKind,
    TokenCipher,
    UserRole,
)
from txbridge.store.models import utcnow
from txbridge.web import create_app
from txbridge.web.config import WebSettings

PASSWORD = "bench password 123"  # noqa: S105 - a throwaway user in a temporary store
ROUNDS = 5


def fill(db: Database, size: int, name: str) -> int:
    """A connection with ``size`` invoices in one batch; every 20th posting failed. The batch's id."""
    cipher = TokenCipher(TokenCipher.generate_key())
    now = utcnow()
    with db.transaction() as session:
        connection = Connection(name=name, environment=Environment.SANDBOX, base_url="http://127.0.0.1:9/v2")
        connection.set_tokens(
            cipher, consumer_token="consumer-" + "a" * 30, employee_token="employee-" + "b" * 30
        )
        session.add(connection)
        session.flush()
        customer = Customer(connection_id=connection.id, number=10001, name="Kunde AS")
        session.add(customer)
        session.flush()
        session.execute(
            insert(Invoice),
            [
                {
                    "connection_id": connection.id,
                    "number": f"{n:07d}",
                    "invoice_date": date(2026, 10, 5),
                    "due_date": date(2026, 10, 19),
                    "customer_id": customer.id,
                    "created_at": now,
                    "updated_at": now,
                }
                for n in range(size)
            ],
        )
        invoices = session.execute(
            select(Invoice.id, Invoice.number)
            .where(Invoice.connection_id == connection.id)
            .order_by(Invoice.id)
        ).all()
        batch = Batch(
            connection_id=connection.id, period="2026-10", status=BatchStatus.FAILED, progress_percent=95
        )
        session.add(batch)
        session.flush()
        failure = render("account_not_found", account=3099)
        postings, references = [], []
        for i, (invoice_id, number) in enumerate(invoices):
            failed = i % 20 == 0
            postings.append(
                {
                    "batch_id": batch.id,
                    "invoice_id": invoice_id,
                    "subject_key": number,
                    "status": ItemStatus.FAILED if failed else ItemStatus.EXPORTED,
                    "error_id": failure.id if failed else None,
                    "message": str(failure) if failed else None,
                    "attempts": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            if not failed:
                references.append(
                    {
                        "connection_id": connection.id,
                        "kind": ReferenceKind.INVOICE,
                        "local_id": invoice_id,
                        "local_number": number,
                        "tripletex_id": 500_000 + i,
                        "tripletex_number": str(1 + i),
                        "created_at": now,
                        "updated_at": now,
                    }
                )
        session.execute(insert(BatchItem), postings)
        session.execute(insert(IntegrationReference), references)
        return batch.id


def measure(client: TestClient, db: Database, path: str) -> tuple[float, float, int]:
    statements = 0

    def count(*_args: Any) -> None:
        nonlocal statements
        statements += 1

    times = []
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        for _ in range(ROUNDS):
            statements = 0
            started = time.perf_counter()
            response = client.get(path)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200, response.text[:500]
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return min(times) * 1000, statistics.median(times) * 1000, statements


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="txbridge-web-bench-") as folder:
        settings = Settings(
            database_url=f"sqlite:///{Path(folder) / 'bench.db'}",
            secret_key=TokenCipher.generate_key().decode(),
        )
        db = Database.open(settings)
        started = time.perf_counter()
        small = fill(db, 100, "small")
        large = fill(db, args.size, "large")
        print(f"store filled: 100 + {args.size:,} postings in {time.perf_counter() - started:.1f} s")
        accounts.add_user(db, "bench", PASSWORD, role=UserRole.ADMIN)
        app = create_app(settings, web=WebSettings(postings_per_page=100), db=db)
        with TestClient(app) as client:
            page = client.get("/sign-in")
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
            assert token
            client.post(
                "/sign-in", data={"username": "bench", "password": PASSWORD, "csrf_token": token.group(1)}
            )
            print(f"{'page':<44} {'best ms':>8} {'median ms':>10} {'statements':>11}")
            rows = [
                ("100-posting batch, first page", f"/batches/{small}"),
                (f"{args.size:,}-posting batch, first page", f"/batches/{large}"),
                (f"{args.size:,}-posting batch, middle page", f"/batches/{large}?offset={args.size // 2}"),
                (f"{args.size:,}-posting batch, last page", f"/batches/{large}?offset={args.size - 100}"),
                (f"{args.size:,}-posting batch, failed only", f"/batches/{large}?status=failed"),
            ]
            counts = []
            for label, path in rows:
                best, median, statements = measure(client, db, path)
                counts.append(statements)
                print(f"{label:<44} {best:8.1f} {median:10.1f} {statements:11d}")
        db.dispose()
    same = len(set(counts)) == 1
    print(
        f"statements per page the same for 100 and {args.size:,} postings: "
        f"{'yes' if same else 'NO'} (target: yes)"
    )
    print("target: < 300 ms per page")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
