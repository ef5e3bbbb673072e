"""Hours batches: the hours of one month on their way to Tripletex, and where an hour is.

A batch of kind ``hours`` takes, for its period (the hours' work date):

* hours READY and not in Tripletex (new entries) that are in no batch yet — a failed one stays in
  its batch, where `txbridge batch reset` and `batch export` send it again, as for invoices — and
* hours CHANGED or DELETED after their export (corrections: an update or a delete of the entry)
  that are in no open batch;

so an hour is never on its way twice (the store's unique index on open items says so too).
The items are ordered by date, employee and host id, so a chunk covers a few days (its marker search
after an unknown outcome reads a short window)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from txbridge.flows.hours.entries import settle_exported
from txbridge.store import (
    Batch,
    BatchItem,
    BatchStatus,
    Database,
    HoursEntry,
    HoursState,
    IntegrationReference,
    ItemStatus,
    OutboundKind,
    ReferenceKind,
    period_bounds,
)
from txbridge.store.models import utcnow

OPEN = (ItemStatus.PENDING, ItemStatus.IN_FLIGHT)


@dataclass(frozen=True, slots=True)
class HoursBatchClosed:
    #: None when there was nothing to send.
    batch_id: int | None
    period: str
    #: Hours to create in Tripletex, and corrections (updates and deletes) of exported ones.
    new: int = 0
    corrections: int = 0


def close_hours_batch(db: Database, connection_id: int, period: str) -> HoursBatchClosed:
    """The period's hours that need sending into a new batch (see the module's note)."""
    start, end = period_bounds(period)
    with db.transaction() as session:
        settle_exported(session, connection_id)
        open_items = select(BatchItem.hours_entry_id).where(
            BatchItem.hours_entry_id.is_not(None), BatchItem.status.in_(OPEN)
        )
        failed_items = select(BatchItem.hours_entry_id).where(
            BatchItem.hours_entry_id.is_not(None), BatchItem.status == ItemStatus.FAILED
        )
        written = select(IntegrationReference.local_id).where(
            IntegrationReference.connection_id == connection_id,
            IntegrationReference.kind == ReferenceKind.TIMESHEET_ENTRY,
        )
        in_period = (
            HoursEntry.connection_id == connection_id,
            HoursEntry.work_date >= start,
            HoursEntry.work_date < end,
            HoursEntry.id.not_in(open_items),
        )
        new = list(
            session.scalars(
                select(HoursEntry).where(
                    *in_period,
                    HoursEntry.state == HoursState.READY,
                    HoursEntry.id.not_in(written),
                    HoursEntry.id.not_in(failed_items),
                )
            )
        )
        corrections = list(
            session.scalars(
                select(HoursEntry).where(
                    *in_period,
                    HoursEntry.state.in_((HoursState.CHANGED, HoursState.DELETED)),
                    HoursEntry.id.in_(written),
                )
            )
        )
        if not new and not corrections:
            return HoursBatchClosed(None, period)
        now = utcnow()
        batch = Batch(
            connection_id=connection_id,
            kind=OutboundKind.HOURS,
            period=period,
            status=BatchStatus.PENDING,
            created_at=now,
            closed_at=now,
            updated_at=now,
        )
        session.add(batch)
        session.flush()
        ordered = sorted([*new, *corrections], key=lambda e: (e.work_date, e.employee_number or "", e.id))
        session.add_all(
            BatchItem(
                batch_id=batch.id,
                kind=OutboundKind.HOURS,
                hours_entry_id=entry.id,
                subject_key=entry.host_id,
                status=ItemStatus.PENDING,
                created_at=now,
                updated_at=now,
            )
            for entry in ordered
        )
        return HoursBatchClosed(batch.id, period, len(new), len(corrections))


def hours_in_open_batches(session: Session, entry_ids: list[int]) -> dict[int, int]:
    """Hour id → the batch it is on its way to Tripletex in (an item pending or in flight)."""
    if not entry_ids:
        return {}
    return {
        int(entry_id): int(batch_id)
        for entry_id, batch_id in session.execute(
            select(BatchItem.hours_entry_id, BatchItem.batch_id).where(
                BatchItem.hours_entry_id.in_(entry_ids), BatchItem.status.in_(OPEN)
            )
        )
        if entry_id is not None
    }


def open_item_of_hours(session: Session, entry_id: int) -> tuple[int, str, str, str | None] | None:
    """The hour's latest batch item: (batch id, item status, stored message or status, message id)."""
    found = session.execute(
        select(BatchItem.batch_id, BatchItem.status, BatchItem.message, BatchItem.error_id)
        .where(BatchItem.hours_entry_id == entry_id, BatchItem.status != ItemStatus.REMOVED)
        .order_by(BatchItem.id.desc())
        .limit(1)
    ).first()
    if found is None:
        return None
    batch_id, status, message, error_id = found
    return int(batch_id), str(status.value), message or str(status.value), error_id
