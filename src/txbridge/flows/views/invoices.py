"""Where one invoice is: not in a batch, waiting in batch N, exported as Tripletex invoice N, or
failed with its message."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import select

from txbridge.catalog import Message
from txbridge.flows.views.messages import posting_message
from txbridge.store import (
    BatchItem,
    Database,
    IntegrationReference,
    Invoice,
    InvoiceStatus,
    ItemStatus,
    PaymentStatus,
    ReferenceKind,
)


class Whereabouts(enum.StrEnum):
    UNKNOWN = "unknown"
    NOT_IN_BATCH = "not_in_batch"
    #: In a batch, not sent yet (or sent and its outcome still being settled).
    PENDING = "pending"
    EXPORTED = "exported"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class InvoiceWhereabouts:
    number: str
    where: Whereabouts
    status: InvoiceStatus | None = None
    period: str | None = None
    batch_id: int | None = None
    posting_status: ItemStatus | None = None
    attempts: int = 0
    tripletex_invoice_number: str | None = None
    payment_status: PaymentStatus | None = None
    #: The posting's message (why it failed or was skipped), or None.
    message: Message | None = None


def _where(posting: BatchItem | None, exported: bool) -> Whereabouts:
    if exported:
        return Whereabouts.EXPORTED
    if posting is None:
        return Whereabouts.NOT_IN_BATCH
    if posting.status is ItemStatus.FAILED:
        return Whereabouts.FAILED
    if posting.status in (ItemStatus.EXPORTED, ItemStatus.SKIPPED):
        return Whereabouts.EXPORTED
    return Whereabouts.PENDING


def find_invoice(db: Database, connection_id: int, number: str) -> InvoiceWhereabouts:
    """One query: the invoice, the posting that holds it in a batch, and its Tripletex reference."""
    query = (
        select(Invoice, BatchItem, IntegrationReference)
        .outerjoin(BatchItem, (BatchItem.invoice_id == Invoice.id) & (BatchItem.status != ItemStatus.REMOVED))
        .outerjoin(
            IntegrationReference,
            (IntegrationReference.connection_id == connection_id)
            & (IntegrationReference.kind == ReferenceKind.INVOICE)
            & (IntegrationReference.local_id == Invoice.id),
        )
        .where(Invoice.connection_id == connection_id, Invoice.number == number)
    )
    with db.reading() as session:
        row = session.execute(query).first()
        if row is None:
            return InvoiceWhereabouts(number, Whereabouts.UNKNOWN)
        invoice, posting, reference = row
        return _whereabouts(number, invoice, posting, reference)


def _whereabouts(
    number: str, invoice: Invoice, posting: BatchItem | None, reference: IntegrationReference | None
) -> InvoiceWhereabouts:
    return InvoiceWhereabouts(
        number=number,
        where=_where(posting, reference is not None),
        status=invoice.status,
        period=invoice.period,
        batch_id=posting.batch_id if posting is not None else None,
        posting_status=posting.status if posting is not None else None,
        attempts=posting.attempts if posting is not None else 0,
        tripletex_invoice_number=reference.tripletex_number if reference is not None else None,
        payment_status=reference.payment_status if reference is not None else None,
        message=posting_message(posting.error_id, posting.message) if posting is not None else None,
    )
