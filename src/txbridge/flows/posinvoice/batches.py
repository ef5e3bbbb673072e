"""Batches of POS invoicing: the collected sales' orders (kind ``pos_order``) and, at the end of the
period, the collective invoices (kind ``collective_invoice``). Both are built on the store's batch
close and exported by the outbound engine (``txbridge batch export``), so they are claimed before
each write and reconciled by marker after a crash like every other kind."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Exists, exists, select
from sqlalchemy.orm import Session

from txbridge.catalog import Message, render
from txbridge.flows.posinvoice.errors import PosInvoiceError
from txbridge.store import (
    BatchItem,
    CollectiveInvoice,
    Database,
    IntegrationReference,
    Invoice,
    ItemStatus,
    OutboundKind,
    ReferenceKind,
    period_bounds,
)
from txbridge.store import queries as q
from txbridge.store.models import utcnow


@dataclass(frozen=True, slots=True)
class PosCloseResult:
    period: str
    #: None when nothing was waiting (``message`` says so).
    batch_id: int | None
    count: int
    message: Message | None = None


def _referenced(kind: ReferenceKind, local_id: Any) -> Exists:
    return exists().where(IntegrationReference.kind == kind, IntegrationReference.local_id == local_id)


def _open_batch(
    session: Session,
    connection_id: int,
    period: str,
    kind: OutboundKind,
    subjects: Sequence[tuple[dict[str, int], str]],
    what: tuple[str, str],
) -> PosCloseResult:
    """The store's batch close with no invoices, made a batch of ``kind`` with one pending item per
    subject (its subject column and key), logged."""
    moment = utcnow()
    batch = q.create_batch(session, connection_id, period, [], now=moment)
    batch.kind = kind
    for column, key in subjects:
        session.add(
            BatchItem(
                batch_id=batch.id,
                kind=kind,
                subject_key=key,
                status=ItemStatus.PENDING,
                attempts=0,
                created_at=moment,
                updated_at=moment,
                **column,
            )
        )
    q.add_log(
        session,
        connection_id,
        f"Bunt {batch.id} med {len(subjects)} {what[0]} for {period} avsluttet / "
        f"Batch {batch.id} of {len(subjects)} {what[1]} for {period} closed",
        object_type="batch",
        object_key=str(batch.id),
    )
    return PosCloseResult(period, batch.id, len(subjects))


def close_pos_orders(db: Database, connection_id: int, period: str) -> PosCloseResult:
    """A ``pos_order`` batch with the period's collected sales that have no order in Tripletex yet and
    are in no batch."""
    start, end = period_bounds(period)
    with db.transaction() as session:
        sales = list(
            session.scalars(
                select(Invoice)
                .where(
                    Invoice.connection_id == connection_id,
                    Invoice.collective_invoice_id.is_not(None),
                    Invoice.invoice_date >= start,
                    Invoice.invoice_date < end,
                    ~exists().where(
                        BatchItem.invoice_id == Invoice.id, BatchItem.status != ItemStatus.REMOVED
                    ),
                    ~_referenced(ReferenceKind.ORDER, Invoice.id),
                )
                .order_by(Invoice.invoice_date, Invoice.number)
            )
        )
        if not sales:
            return PosCloseResult(period, None, 0, render("pos_nothing_to_close", period=period))
        subjects = [({"invoice_id": sale.id}, sale.number) for sale in sales]
        return _open_batch(
            session, connection_id, period, OutboundKind.POS_ORDER, subjects, ("kasseordrer", "POS orders")
        )


def _check_ended(period: str, today: date | None) -> None:
    _, end = period_bounds(period)
    if (today or date.today()) < end:
        raise PosInvoiceError(render("pos_period_running", period=period, first_day=end.isoformat()))


def close_collective_invoices(
    db: Database, connection_id: int, period: str, *, today: date | None = None
) -> PosCloseResult:
    """A ``collective_invoice`` batch with one item per customer of the ended ``period`` whose
    collective invoice is not made yet and in no batch. Refused while the period is running (its
    sales are still coming)."""
    _check_ended(period, today)
    with db.transaction() as session:
        groups = list(
            session.scalars(
                select(CollectiveInvoice)
                .where(
                    CollectiveInvoice.connection_id == connection_id,
                    CollectiveInvoice.period == period,
                    ~exists().where(
                        BatchItem.collective_invoice_id == CollectiveInvoice.id,
                        BatchItem.status.not_in([ItemStatus.REMOVED, ItemStatus.FAILED]),
                    ),
                    ~_referenced(ReferenceKind.COLLECTIVE_INVOICE, CollectiveInvoice.id),
                )
                .order_by(CollectiveInvoice.id)
            )
        )
        if not groups:
            return PosCloseResult(period, None, 0, render("pos_nothing_to_close", period=period))
        subjects = [({"collective_invoice_id": group.id}, group.subject_key) for group in groups]
        return _open_batch(
            session,
            connection_id,
            period,
            OutboundKind.COLLECTIVE_INVOICE,
            subjects,
            ("samlefakturaer", "collective invoices"),
        )


@dataclass(frozen=True, slots=True)
class CollectResult:
    """«Collect now» for an ended period: the batch of the orders still to send (exported first) and
    the batch of the collective invoices."""

    orders: PosCloseResult
    invoices: PosCloseResult

    @property
    def batch_ids(self) -> list[int]:
        """The batches to export, in this order (a collective invoice needs its orders in Tripletex)."""
        return [r.batch_id for r in (self.orders, self.invoices) if r.batch_id is not None]


def collect_period(
    db: Database, connection_id: int, period: str, *, today: date | None = None
) -> CollectResult:
    """Both closes of an ended period at once, for a «collect now» button: refused while the period
    runs (``pos_period_running``) before anything is closed."""
    _check_ended(period, today)
    orders = close_pos_orders(db, connection_id, period)
    return CollectResult(orders, close_collective_invoices(db, connection_id, period, today=today))
