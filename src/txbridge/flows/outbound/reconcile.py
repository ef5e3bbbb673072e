"""Finding out what Tripletex has of items whose write may have happened (a crash, a timeout, a lost
answer, a refused chunk): the kind looks them up by their markers (invoices: one listing of their
date window), the engine records what was found and decides about the rest.

An item whose write was sent less than the grace ago and is not found may still be committed by
Tripletex: it stays in flight (uncertain, in ``run.waiting`` with the moment its grace ends) and is
looked for again once the grace is over, later in the same run; never sent again meanwhile."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any, Generic

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from txbridge.flows.outbound.context import RunContext
from txbridge.flows.outbound.kind import FoundT, InFlightRow, KindPlugin, Outgoing, PreparedT
from txbridge.store import BatchItem, ItemStatus
from txbridge.store import queries as q
from txbridge.store.models import utcnow

#: An item whose write was sent less than this long ago and is not found yet may still be committed
#: by Tripletex (the request outlived our timeout): it stays in flight and is looked for again later.
DEFAULT_IN_FLIGHT_GRACE = 60.0


class Reconciler(Generic[PreparedT, FoundT]):
    def __init__(self, run: RunContext, kind: KindPlugin[PreparedT, FoundT], grace: float) -> None:
        self.run = run
        self.kind = kind
        self.grace = grace
        #: What the kind's preflight prepared, once it has run (lookups before it get None).
        self.prepared: PreparedT | None = None
        #: Items found in Tripletex by their marker during this run.
        self.reconciled = 0

    @property
    def waiting(self) -> dict[int, Any]:
        """Uncertain items (item id → when their grace ends): not found yet, but their write may still
        land. Looked for again once the grace is over; never sent again before."""
        return self.run.waiting

    def reconcile(
        self, item_ids: Sequence[int] | None, *, answered: bool = False
    ) -> tuple[list[int], list[int]]:
        """Look in Tripletex for the in-flight items (all of the batch's, or ``item_ids``): record
        what was created; put back to pending what is surely not there. Returns (reset to pending,
        still uncertain). ``answered``: nothing of these writes can still be in progress (Tripletex
        answered them, or their grace has been waited out). Items whose local subject is gone are
        left alone (there is nothing to attach a reference to)."""
        subject = self.kind.subject_column()
        with self.run.db.transaction() as session:
            query = select(
                BatchItem.id, subject, BatchItem.subject_key, BatchItem.intent_marker, BatchItem.intent_at
            ).where(
                BatchItem.batch_id == self.run.batch_id,
                BatchItem.status == ItemStatus.IN_FLIGHT,
                subject.is_not(None),
            )
            if item_ids is not None:
                query = query.where(BatchItem.id.in_(list(item_ids)))
            rows = [
                InFlightRow(item_id, subject_id, key, marker or "", intent_at)
                for item_id, subject_id, key, marker, intent_at in session.execute(query)
            ]
        if not rows:
            return [], []
        found = self.kind.find_by_marker(self.run, self.prepared, rows)
        now = self.run.now()
        reset: list[int] = []
        uncertain: list[int] = []
        exported: list[tuple[Outgoing, FoundT]] = []
        for row in rows:
            match = found.get(row.marker) if row.marker else None
            if match is not None:
                exported.append((Outgoing(row.item_id, row.subject_id, row.subject_key, row.marker), match))
            elif answered or row.intent_at is None or (now - row.intent_at).total_seconds() >= self.grace:
                reset.append(row.item_id)
            else:
                uncertain.append(row.item_id)
                self.waiting[row.item_id] = row.intent_at + timedelta(seconds=self.grace)
        still = set(uncertain)
        for row in rows:
            if row.item_id not in still:
                self.waiting.pop(row.item_id, None)
        with self.run.db.transaction() as session:
            self.record_exported(session, exported)
            set_status(session, reset, ItemStatus.PENDING)
        self.reconciled += len(exported)
        return reset, uncertain

    def record_exported(self, session: Session, pairs: Sequence[tuple[Outgoing, FoundT]]) -> None:
        """References and item statuses for documents Tripletex has, in the caller's one transaction
        (what the store's ``record_exported`` does per item, as two bulk statements per chunk)."""
        moment = utcnow()
        rows: list[tuple[int, str, dict[str, Any]]] = []
        updates: list[dict[str, Any]] = []
        for outgoing, found in pairs:
            if outgoing.subject_id is None:
                continue
            reference = self.kind.reference_of(outgoing, found)
            rows.append((reference.local_id, reference.local_number, reference.values))
            note = self.kind.note_of(self.prepared, outgoing, found)
            updates.append(
                {
                    "id": outgoing.item_id,
                    "status": ItemStatus.EXPORTED,
                    # An exported item says nothing more, unless its kind has a note (a new date …).
                    "error_id": note.id if note is not None else None,
                    "message": str(note) if note is not None else None,
                    "exported_at": moment,
                    "updated_at": moment,
                }
            )
        if updates:
            session.execute(update(BatchItem), updates)
        q.upsert_references(session, self.run.connection_id, self.kind.reference_kind, rows)


def set_status(session: Session, item_ids: Sequence[int], status: ItemStatus) -> None:
    """Back to pending (nothing was written, or it is surely not in Tripletex): no error to show."""
    if item_ids:
        moment = utcnow()
        session.execute(
            update(BatchItem),
            [
                {"id": i, "status": status, "error_id": None, "message": None, "updated_at": moment}
                for i in item_ids
            ],
        )
