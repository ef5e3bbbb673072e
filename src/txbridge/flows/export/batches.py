"""Batch close and the administrator actions on batches (reset, clear a reference), all logged."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from txbridge.catalog import Bilingual, Message, render
from txbridge.flows.outbound.context import BatchNotFoundError
from txbridge.store import (
    Batch,
    BatchItem,
    BatchStatus,
    Database,
    IntegrationReference,
    Invoice,
    InvoiceStatus,
    ItemStatus,
    LogLevel,
    ReferenceKind,
    period_bounds,
)
from txbridge.store import queries as q
from txbridge.store.models import utcnow

__all__ = [
    "BatchCloseResult",
    "BatchNotFoundError",
    "InvoiceNotFoundError",
    "LeftOut",
    "batch_of_connection",
    "clear_reference",
    "close_batch",
    "reset_batch",
]


class InvoiceNotFoundError(LookupError):
    def __init__(self, invoice_number: str) -> None:
        self.message = render("invoice_not_found", invoice=invoice_number)
        super().__init__(str(self.message))


@dataclass(frozen=True, slots=True)
class LeftOut:
    """An invoice a batch close did not take, and why (a catalog message)."""

    invoice_number: str
    message: Message


@dataclass(frozen=True, slots=True)
class BatchCloseResult:
    period: str
    #: None when nothing was ready (``message`` says so).
    batch_id: int | None
    invoice_count: int
    left_out: list[LeftOut] = field(default_factory=list)
    message: Message | None = None


def batch_of_connection(db: Database, connection_id: int, batch_id: int) -> Batch:
    """The batch, if it is this connection's; another connection's batch is as unknown as a missing
    one (:class:`BatchNotFoundError`)."""
    with db.transaction() as session:
        batch = session.get(Batch, batch_id)
        if batch is None or batch.connection_id != connection_id:
            raise BatchNotFoundError(batch_id)
        return batch


def close_batch(db: Database, connection_id: int, period: str) -> BatchCloseResult:
    """Put the invoices that are ready, dated inside ``period`` (``YYYY-MM``) and in no batch yet into
    a new pending batch. The invoices left out come back with their reason."""
    start, end = period_bounds(period)
    with db.transaction() as session:
        ready = q.invoices_ready_for_batch(session, connection_id, period)
        batch_id: int | None = None
        message: Message | None = None
        if ready:
            batch = q.create_batch(session, connection_id, period, ready)
            batch_id = batch.id
            q.add_log(
                session,
                connection_id,
                f"Bunt {batch.id} for {period} avsluttet med {len(ready)} fakturaer / "
                f"Batch {batch.id} for {period} closed with {len(ready)} invoices",
                object_type="batch",
                object_key=str(batch.id),
            )
        else:
            message = render("no_invoices_ready", period=period)
        left_out = [_left_out_reason(inv, period) for inv in q.invoices_in_no_batch(session, connection_id)]
        left_out.extend(_in_other_batches(session, connection_id, start, end, batch_id))
    return BatchCloseResult(period, batch_id, len(ready), left_out, message)


def _left_out_reason(invoice: Invoice, period: str) -> LeftOut:
    if invoice.status is not InvoiceStatus.READY:
        return LeftOut(invoice.number, render("invoice_not_ready", invoice=invoice.number))
    if invoice.period != period:
        return LeftOut(
            invoice.number,
            render(
                "invoice_outside_period", invoice=invoice.number, invoice_period=invoice.period, period=period
            ),
        )
    return LeftOut(invoice.number, render("invoice_not_in_batch", invoice=invoice.number, period=period))


def _in_other_batches(
    session: Session, connection_id: int, start: object, end: object, new_batch_id: int | None
) -> list[LeftOut]:
    rows = session.execute(
        select(
            Invoice.number,
            BatchItem.batch_id,
            Batch.status,
            IntegrationReference.tripletex_number,
            IntegrationReference.voucher_number,
        )
        .join(BatchItem, BatchItem.invoice_id == Invoice.id)
        .join(Batch, Batch.id == BatchItem.batch_id)
        .outerjoin(
            IntegrationReference,
            (IntegrationReference.connection_id == connection_id)
            & (IntegrationReference.kind == ReferenceKind.INVOICE)
            & (IntegrationReference.local_id == Invoice.id),
        )
        .where(
            Invoice.connection_id == connection_id,
            Invoice.invoice_date >= start,
            Invoice.invoice_date < end,
            BatchItem.status != ItemStatus.REMOVED,
            BatchItem.batch_id != (new_batch_id or 0),
        )
        .order_by(Invoice.number)
    ).all()
    return [
        LeftOut(
            number,
            render("batch_not_exported", batch=batch_id, status=Bilingual(status.label_nb, status.label_en))
            if status is not BatchStatus.EXPORTED
            else render(
                "invoice_already_exported", invoice=number, tripletex_number=tx_number or voucher or "-"
            ),
        )
        for number, batch_id, status, tx_number, voucher in rows
    ]


def reset_batch(db: Database, batch_id: int, *, actor: str) -> int:
    """Administrator action: failed postings go back to pending for the next export. Logged with who."""
    with db.transaction() as session:
        batch = session.get(Batch, batch_id)
        if batch is None:
            raise BatchNotFoundError(batch_id)
        count = q.reset_batch(session, batch)
        q.add_log(
            session,
            batch.connection_id,
            f"Bunt {batch_id} tilbakestilt av {actor}: {count} posteringer prøves igjen / "
            f"Batch {batch_id} reset by {actor}: {count} postings will be tried again",
            level=LogLevel.WARNING,
            object_type="batch",
            object_key=str(batch_id),
        )
        return count


def clear_reference(db: Database, connection_id: int, invoice_number: str, *, actor: str) -> bool:
    """Administrator action before a deliberate re-export: delete the invoice's Tripletex reference and
    mark its posting failed («reference cleared»), so that only a following :func:`reset_batch` sends
    it again — with a new marker, so the old invoice in Tripletex is not mistaken for the new one.
    Returns False when the invoice had no reference. Logged with who."""
    with db.transaction() as session:
        invoice = q.invoice_by_number(session, connection_id, invoice_number)
        if invoice is None:
            raise InvoiceNotFoundError(invoice_number)
        had_reference = q.clear_reference(session, connection_id, ReferenceKind.INVOICE, invoice.id)
        posting = q.open_item_of_invoice(session, invoice.id)
        batch_label: object = "-"
        if posting is not None and posting.status in (ItemStatus.EXPORTED, ItemStatus.SKIPPED):
            batch_label = posting.batch_id
            message = render(
                "reference_cleared", invoice=invoice_number, batch=posting.batch_id, administrator=actor
            )
            q.record_outcome(session, posting, ItemStatus.FAILED, error_id=message.id, message=str(message))
            posting.intent_marker = None
            batch = session.get(Batch, posting.batch_id)
            assert batch is not None
            q.refresh_batch(session, batch)
        if had_reference:
            logged = render(
                "reference_cleared", invoice=invoice_number, batch=batch_label, administrator=actor
            )
            q.add_log(
                session,
                connection_id,
                logged.nb,
                level=LogLevel.WARNING,
                message_id=logged.id,
                object_type="invoice",
                object_key=invoice_number,
                detail=f"{logged.en} (at {utcnow().isoformat()})",
            )
        return had_reference
