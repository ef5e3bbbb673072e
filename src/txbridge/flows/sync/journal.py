"""What the sync writes beside the objects themselves: sync-log entries and change-feed entries.
Both are written in the caller's transaction, with the change they describe."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session

from txbridge.catalog import render
from txbridge.store import (
    ChangeAction,
    ChangeFeedEntry,
    SyncDirection,
    SyncLogEntry,
    SyncOutcome,
    SyncResource,
)


def log(
    session: Session,
    connection_id: int,
    resource: SyncResource,
    *,
    direction: SyncDirection,
    outcome: SyncOutcome,
    rule: str,
    host_id: str | None = None,
    host_name: str | None = None,
    tripletex_id: int | None = None,
    tripletex_name: str | None = None,
    message: Mapping[str, object] | None = None,
    **params: Any,
) -> SyncLogEntry:
    """One sync-log entry; ``rule`` is a catalog id rendered with ``params`` (checked here, so an
    entry never holds a message the catalog cannot show)."""
    params = {**(message or {}), **params}
    render(rule, **params)
    entry = SyncLogEntry(
        connection_id=connection_id,
        resource=resource,
        direction=direction,
        outcome=outcome,
        rule=rule,
        host_id=host_id,
        host_name=host_name,
        tripletex_id=tripletex_id,
        tripletex_name=tripletex_name,
        params={k: str(v) for k, v in params.items()},
    )
    session.add(entry)
    return entry


#: The namespace of the change feed's advisory lock on PostgreSQL (the second key is the connection).
FEED_LOCK = 0x7478_6366  # "txcf"
#: ``session.info`` key of the entries announced in a transaction, numbered when it commits.
_PENDING = "change_feed_pending"


def announce(
    session: Session,
    connection_id: int,
    resource: SyncResource,
    action: ChangeAction,
    *,
    tripletex_id: int,
    host_id: str | None,
    version: int | None,
    data: Mapping[str, Any] | None,
) -> ChangeFeedEntry:
    """Append a change-feed entry to the caller's transaction. Its ``seq`` is given when the
    transaction commits (see :func:`_number_pending`), so read it after the commit."""
    entry = ChangeFeedEntry(
        connection_id=connection_id,
        resource=resource,
        action=action,
        tripletex_id=tripletex_id,
        host_id=host_id,
        tripletex_version=version,
        data=dict(data) if data is not None else None,
    )
    session.info.setdefault(_PENDING, []).append(entry)
    return entry


@event.listens_for(Session, "before_commit")
def _number_pending(session: Session) -> None:
    """Number a transaction's feed entries as it commits, for every writer (initial sync, webhook
    events, reconcile, push): the connection's feed lock — an advisory transaction lock on
    PostgreSQL, SQLite's one writer there — then the highest number + 1 on, in the order announced.

    The lock is taken last, after every row the transaction writes, and held only for this insert
    and the commit: a writer holding it never waits for a row lock, so a writer holding row locks
    that waits for it cannot close a cycle (the deadlock of taking it mid-transaction, between
    row writes). Numbers still follow commit order: a reader that saw N never misses a later-committed
    N-1."""
    pending: list[ChangeFeedEntry] | None = session.info.pop(_PENDING, None)
    if not pending:
        return
    postgres = session.get_bind().dialect.name == "postgresql"
    for connection_id in sorted({e.connection_id for e in pending}):  # one order for every writer
        if postgres:
            session.execute(
                text("SELECT pg_advisory_xact_lock(:ns, :id)"), {"ns": FEED_LOCK, "id": connection_id}
            )
        last = int(
            session.scalar(
                select(func.max(ChangeFeedEntry.seq)).where(ChangeFeedEntry.connection_id == connection_id)
            )
            or 0
        )
        for entry in pending:
            if entry.connection_id == connection_id:
                last += 1
                entry.seq = last
                session.add(entry)
    session.flush()


@event.listens_for(Session, "after_soft_rollback")
def _forget_pending(session: Session, _previous: object) -> None:
    session.info.pop(_PENDING, None)
