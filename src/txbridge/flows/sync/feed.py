"""The change feed for the host: what changed in Tripletex, in order, read with a cursor
(``GET /api/v1/changes?after=…`` or :func:`iter_changes` when the engine is embedded)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from txbridge.flows.views.page import window
from txbridge.store import ChangeAction, ChangeFeedEntry, Database, SyncResource


@dataclass(frozen=True, slots=True)
class Change:
    seq: int
    resource: SyncResource
    action: ChangeAction
    tripletex_id: int
    #: None: the host does not have it yet (create it, then send it back with ``tripletex_id``).
    host_id: str | None
    tripletex_version: int | None
    data: dict[str, Any] | None
    at: datetime

    def as_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "resource": self.resource.value,
            "action": self.action.value,
            "tripletex_id": self.tripletex_id,
            "host_id": self.host_id,
            "tripletex_version": self.tripletex_version,
            "data": self.data,
            "at": self.at.isoformat(),
        }


def changes_after(
    db: Database,
    connection_id: int,
    after: int = 0,
    *,
    limit: int = 100,
    resource: SyncResource | None = None,
) -> list[Change]:
    """Up to ``limit`` changes with ``seq`` above ``after``, oldest first. The last one's ``seq`` is
    the next cursor; an empty list means the host is up to date."""
    _, limit = window(0, limit)
    with db.reading() as session:
        query = select(ChangeFeedEntry).where(
            ChangeFeedEntry.connection_id == connection_id, ChangeFeedEntry.seq > after
        )
        if resource is not None:
            query = query.where(ChangeFeedEntry.resource == resource)
        rows = session.scalars(query.order_by(ChangeFeedEntry.seq).limit(limit))
        return [
            Change(r.seq, r.resource, r.action, r.tripletex_id, r.host_id, r.tripletex_version, r.data, r.at)
            for r in rows
        ]


def iter_changes(db: Database, connection_id: int, after: int = 0, *, page: int = 500) -> Iterator[Change]:
    """Every change after ``after``, page by page (read lazily: a host may stop and keep the last
    ``seq`` it handled as its cursor)."""
    while True:
        batch = changes_after(db, connection_id, after, limit=page)
        yield from batch
        if len(batch) < page:
            return
        after = batch[-1].seq
