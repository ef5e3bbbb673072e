"""What the sync writes beside the objects themselves: sync-log entries and change-feed entries.
Both are written in the caller's transaction, with the change they describe."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select, text
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


def next_seq(session: Session, connection_id: int) -> int:
    """The connection's next change-feed number, for every writer (initial sync, webhook events,
    reconcile, push). The first number a transaction takes holds the connection's feed lock until
    it commits — an advisory lock on PostgreSQL, SQLite's one writer lock there — so the highest
    number read is the highest committed: two writers wait in turn instead of meeting on one number,
    and a reader that saw N never misses a later-committed N-1. Then counted on in the transaction."""
    taken: dict[int, int] = session.info.setdefault("change_feed_seq", {})
    if connection_id not in taken:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(
                text("SELECT pg_advisory_xact_lock(:ns, :id)"), {"ns": FEED_LOCK, "id": connection_id}
            )
        last = session.scalar(
            select(func.max(ChangeFeedEntry.seq)).where(ChangeFeedEntry.connection_id == connection_id)
        )
        taken[connection_id] = int(last or 0)
    taken[connection_id] += 1
    return taken[connection_id]


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
) -> int:
    """Append a change-feed entry and return its ``seq``, allocated by :func:`next_seq`."""
    seq = next_seq(session, connection_id)
    session.add(
        ChangeFeedEntry(
            connection_id=connection_id,
            seq=seq,
            resource=resource,
            action=action,
            tripletex_id=tripletex_id,
            host_id=host_id,
            tripletex_version=version,
            data=dict(data) if data is not None else None,
        )
    )
    return seq
