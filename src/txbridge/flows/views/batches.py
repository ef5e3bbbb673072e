"""Export batches and their postings: status, progress, counts per posting status, and each posting
with its Tripletex number or its message. The number is the kind's own (an invoice's number, an
order's, a voucher's, a timesheet entry's id): the batch's kind plugin says which reference to join
and what of it to show (:meth:`KindPlugin.reference_number`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from txbridge.catalog import Message
from txbridge.flows.export.batches import BatchNotFoundError
from txbridge.flows.outbound.kinds import plugin_for
from txbridge.flows.views.messages import posting_message
from txbridge.flows.views.page import Page, window
from txbridge.store import (
    Batch,
    BatchItem,
    BatchStatus,
    Database,
    IntegrationReference,
    ItemStatus,
    OutboundKind,
)

#: Postings still to be sent, or sent without a known outcome yet.
WAITING = (ItemStatus.PENDING, ItemStatus.IN_FLIGHT)


@dataclass(frozen=True, slots=True)
class BatchRow:
    id: int
    connection_id: int
    period: str
    status: BatchStatus
    percent: int
    #: Postings per status (every status present, zero when none; removed postings included).
    counts: Mapping[ItemStatus, int]
    created_at: datetime
    closed_at: datetime | None
    exported_at: datetime | None
    #: What the batch sends (invoices, hours, day sales, POS orders, collective invoices).
    kind: OutboundKind = OutboundKind.INVOICE
    #: The title of the postings' Tripletex number column (bokmål, English): the kind's own.
    reference_label: tuple[str, str] = ("Tripletex-faktura", "Tripletex invoice")

    @property
    def exported(self) -> int:
        return self.counts[ItemStatus.EXPORTED]

    @property
    def skipped(self) -> int:
        return self.counts[ItemStatus.SKIPPED]

    @property
    def failed(self) -> int:
        return self.counts[ItemStatus.FAILED]

    @property
    def waiting(self) -> int:
        """Pending and in flight: what an export still has to settle."""
        return sum(self.counts[status] for status in WAITING)

    @property
    def total(self) -> int:
        """Postings in the batch (not counting removed ones)."""
        return sum(n for status, n in self.counts.items() if status is not ItemStatus.REMOVED)


@dataclass(frozen=True, slots=True)
class PostingRow:
    id: int
    batch_id: int
    invoice_number: str
    status: ItemStatus
    #: The document's number in Tripletex once exported (or skipped as exported before), as its kind
    #: shows it: invoice, order or voucher number, timesheet entry id.
    tripletex_number: str | None
    attempts: int
    message: Message | None
    updated_at: datetime

    @property
    def tripletex_invoice_number(self) -> str | None:
        """The name the REST API's postings keep (an invoice batch's invoice number)."""
        return self.tripletex_number


@dataclass(frozen=True, slots=True)
class BatchDetail:
    batch: BatchRow
    postings: Page[PostingRow]


def _counts(session: Session, batch_ids: Sequence[int]) -> dict[int, dict[ItemStatus, int]]:
    counts: dict[int, dict[ItemStatus, int]] = {b: dict.fromkeys(ItemStatus, 0) for b in batch_ids}
    if batch_ids:
        for batch_id, status, n in session.execute(
            select(BatchItem.batch_id, BatchItem.status, func.count())
            .where(BatchItem.batch_id.in_(list(batch_ids)))
            .group_by(BatchItem.batch_id, BatchItem.status)
        ):
            counts[batch_id][status] = int(n)
    return counts


def _row(batch: Batch, counts: dict[ItemStatus, int]) -> BatchRow:
    return BatchRow(
        id=batch.id,
        connection_id=batch.connection_id,
        period=batch.period,
        status=batch.status,
        percent=batch.progress_percent,
        counts=MappingProxyType(counts),
        created_at=batch.created_at,
        closed_at=batch.closed_at,
        exported_at=batch.exported_at,
        kind=batch.kind,
        reference_label=plugin_for(batch.kind).reference_label,
    )


def _page(session: Session, query: Select[Batch], offset: int, limit: int) -> Page[BatchRow]:
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    found = list(session.scalars(query.offset(offset).limit(limit)))
    counts = _counts(session, [b.id for b in found])
    return Page([_row(b, counts[b.id]) for b in found], total, offset, limit)


def list_batches(db: Database, connection_id: int, *, offset: int = 0, limit: int = 50) -> Page[BatchRow]:
    """The connection's batches, newest first: three queries whatever the number of batches/postings."""
    offset, limit = window(offset, limit)
    query = select(Batch).where(Batch.connection_id == connection_id).order_by(Batch.id.desc())
    with db.reading() as session:
        return _page(session, query, offset, limit)


def batch_rows(db: Database, connection_id: int, batch_ids: Iterable[int]) -> list[BatchRow]:
    """These batches of the connection (others' and unknown ids are left out), in the order asked."""
    wanted = list(dict.fromkeys(batch_ids))
    query = select(Batch).where(Batch.connection_id == connection_id, Batch.id.in_(wanted))
    with db.reading() as session:
        rows = {row.id: row for row in _page(session, query, 0, max(len(wanted), 1)).items}
    return [rows[b] for b in wanted if b in rows]


def latest_batch(db: Database, connection_id: int, *, unfinished: bool = False) -> int | None:
    """The newest batch's id; with ``unfinished``, the newest not yet exported (else the newest)."""
    with db.reading() as session:
        newest = select(func.max(Batch.id)).where(Batch.connection_id == connection_id)
        if unfinished:
            found = session.scalar(newest.where(Batch.status != BatchStatus.EXPORTED))
            if found is not None:
                return int(found)
        found = session.scalar(newest)
        return int(found) if found is not None else None


def batch_detail(
    db: Database,
    batch_id: int,
    *,
    connection_id: int | None = None,
    status: ItemStatus | Iterable[ItemStatus] | None = None,
    offset: int = 0,
    limit: int = 100,
) -> BatchDetail:
    """One batch and a page of its postings (in posting order, filtered by status): four queries
    whatever the batch's size. An unknown batch, or another connection's when ``connection_id`` is
    given, raises BatchNotFoundError."""
    offset, limit = window(offset, limit)
    statuses = [status] if isinstance(status, ItemStatus) else None if status is None else list(status)
    with db.reading() as session:
        batch = session.get(Batch, batch_id)
        if batch is None or (connection_id is not None and batch.connection_id != connection_id):
            raise BatchNotFoundError(batch_id)
        counts = _counts(session, [batch_id])[batch_id]
        total = sum(counts[s] for s in statuses) if statuses is not None else sum(counts.values())
        # The kind says which reference an item has (its kind, and the item's subject column).
        kind = plugin_for(batch.kind)
        query = (
            select(BatchItem, IntegrationReference)
            .outerjoin(
                IntegrationReference,
                (IntegrationReference.connection_id == batch.connection_id)
                & (IntegrationReference.kind == kind.reference_kind)
                & (IntegrationReference.local_id == kind.subject_column()),
            )
            .where(BatchItem.batch_id == batch_id)
            .order_by(BatchItem.id)
            .offset(offset)
            .limit(limit)
        )
        if statuses is not None:
            query = query.where(BatchItem.status.in_(statuses))
        # Rows are built inside the session: its rollback at the end expires the objects.
        postings = [
            PostingRow(
                id=posting.id,
                batch_id=batch_id,
                invoice_number=posting.subject_key,
                status=posting.status,
                tripletex_number=None if reference is None else kind.reference_number(reference),
                attempts=posting.attempts,
                message=posting_message(posting.error_id, posting.message),
                updated_at=posting.updated_at,
            )
            for posting, reference in session.execute(query)
        ]
        return BatchDetail(_row(batch, counts), Page(postings, total, offset, limit))
