"""A store filled directly (no Tripletex needed): connections, batches of any size with postings in
every status, references and log entries, and a counter of the SELECT statements a view runs."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event

from txbridge.catalog import render
from txbridge.store import (
    Connection,
    ConnectionState,
    Customer,
    Database,
    Environment,
    Invoice,
    ItemStatus,
    LogLevel,
    TokenCipher,
    queries,
)

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


@dataclass
class Selects:
    """SELECT statements run on the database since the last :meth:`reset`."""

    statements: list[str] = field(default_factory=list)

    def reset(self) -> None:
        self.statements.clear()

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def selects(database: Database) -> Iterator[Selects]:
    seen = Selects()

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.statements.append(statement)

    event.listen(database.engine, "before_cursor_execute", before)
    yield seen
    event.remove(database.engine, "before_cursor_execute", before)


def add_connection(database: Database, name: str, *, expires: date | None = None) -> int:
    cipher = TokenCipher(TokenCipher.generate_key())
    with database.transaction() as session:
        connection = Connection(
            name=name,
            environment=Environment.SANDBOX,
            base_url="http://127.0.0.1:1/v2",
            company_name=f"{name.title()} AS",
            state=ConnectionState.ACTIVE,
            token_expires_on=expires,
        )
        connection.set_tokens(
            cipher, consumer_token="consumer-abcdefghijklmnop", employee_token="test-employee-0123456789c3f9"
        )
        session.add(connection)
        session.flush()
        session.add(Customer(connection_id=connection.id, number=10001, name="Fjord AS"))
        return connection.id


_STATUSES = (ItemStatus.EXPORTED, ItemStatus.FAILED, ItemStatus.PENDING, ItemStatus.SKIPPED)


def add_batch(database: Database, connection_id: int, size: int, *, first: int = 100000) -> int:
    """A batch of ``size`` invoices; posting i is exported, failed, pending or skipped in turn. Exported
    ones get a reference (Tripletex invoice ``9000+i``); failed ones the «account not found» message;
    each invoice gets a log line, and the batch one."""
    with database.transaction() as session:
        customer = queries.customer_by_number(session, connection_id, 10001)
        assert customer is not None
        invoices = [
            Invoice(
                connection_id=connection_id,
                number=str(first + i),
                invoice_date=date(2026, 10, 1 + i % 28),
                due_date=date(2026, 11, 30),
                customer_id=customer.id,
            )
            for i in range(size)
        ]
        session.add_all(invoices)
        session.flush()
        batch = queries.create_batch(session, connection_id, "2026-10", invoices, now=T0)
        for i, posting in enumerate(sorted(batch.items, key=lambda p: p.id)):
            status = _STATUSES[i % len(_STATUSES)]
            if status is ItemStatus.EXPORTED:
                queries.record_intent(session, posting, f"TXB-{posting.subject_key}-{posting.id}.1")
                queries.record_exported(
                    session, posting, connection_id, tripletex_id=i + 1, tripletex_number=str(9000 + i)
                )
            elif status is ItemStatus.FAILED:
                queries.record_intent(session, posting, f"TXB-{posting.subject_key}-{posting.id}.1")
                message = render("account_not_found", account=3099)
                queries.record_outcome(session, posting, status, error_id=message.id, message=str(message))
            elif status is ItemStatus.SKIPPED:
                number = posting.subject_key
                message = render("invoice_already_exported", invoice=number, tripletex_number="77")
                queries.record_outcome(session, posting, status, error_id=message.id, message=str(message))
            level = LogLevel.ERROR if status is ItemStatus.FAILED else LogLevel.INFO
            logged = render("account_not_found", account=3099)
            error_detail = f"{logged.en} — {logged.cause_en} / {logged.cause_nb}"
            queries.add_log(
                session,
                connection_id,
                logged.nb if level is LogLevel.ERROR else f"Faktura {posting.subject_key} / Invoice",
                level=level,
                message_id=logged.id if level is LogLevel.ERROR else None,
                object_type="invoice",
                object_key=posting.subject_key,
                detail=error_detail if level is LogLevel.ERROR else None,
                now=T0 + timedelta(seconds=i),
            )
        queries.refresh_batch(session, batch)
        queries.add_log(
            session,
            connection_id,
            f"Bunt {batch.id} avsluttet / Batch {batch.id} closed",
            object_type="batch",
            object_key=str(batch.id),
            now=T0 + timedelta(hours=1),
        )
        return batch.id
