"""Finding out what Tripletex has of invoices whose write may have happened (a crash, a timeout, a lost
answer, a refused chunk): one listing of their date window, matched by the marker on each order.

A posting whose write was sent less than the grace ago and is not found may still be committed by
Tripletex: it stays in flight (uncertain, in ``Reconciler.waiting`` with the moment its grace ends)
and is looked for again once the grace is over, later in the same run; never sent again meanwhile."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from txbridge.flows.outbound.context import RunContext
from txbridge.store import BatchItem, Invoice, ItemStatus, ReferenceKind
from txbridge.store import queries as q
from txbridge.store.models import utcnow
from txbridge.tripletex import models as m

#: What matching a marker needs, and what the reference stores.
INVOICE_FIELDS = "id,invoiceNumber,voucher(id,number),orders(id,number)"
#: A posting whose write was sent less than this long ago and is not found yet may still be committed
#: by Tripletex (the request outlived our timeout): it stays in flight and is looked for again later.
DEFAULT_IN_FLIGHT_GRACE = 60.0


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One invoice on its way: its posting, the marker written on its order, and the request body."""

    posting_id: int
    invoice_id: int | None
    invoice_number: str
    marker: str
    body: dict[str, Any] = field(repr=False, default_factory=dict)
    #: The posting's attempt count once this send's intent is recorded.
    attempts: int = 0


class Reconciler:
    def __init__(self, run: RunContext, grace: float) -> None:
        self.run = run
        self.grace = grace
        #: Postings found in Tripletex by their marker during this run.
        self.reconciled = 0
        #: Uncertain postings (posting id → when their grace ends): not found yet, but their write may
        #: still land. Looked for again once the grace is over; never sent again before.
        self.waiting: dict[int, datetime] = {}

    def reconcile(
        self, posting_ids: Sequence[int] | None, *, answered: bool = False
    ) -> tuple[list[int], list[int]]:
        """Look in Tripletex for the in-flight postings (all of the batch's, or ``posting_ids``):
        record what was created; put back to pending what is surely not there. Returns (reset to
        pending, still uncertain). ``answered``: nothing of these writes can still be in progress
        (Tripletex answered them, or their grace has been waited out)."""
        with self.run.db.transaction() as session:
            query = (
                select(
                    BatchItem.id,
                    BatchItem.invoice_id,
                    BatchItem.subject_key,
                    BatchItem.intent_marker,
                    BatchItem.intent_at,
                    Invoice.invoice_date,
                )
                .join(Invoice, Invoice.id == BatchItem.invoice_id)
                .where(BatchItem.batch_id == self.run.batch_id, BatchItem.status == ItemStatus.IN_FLIGHT)
            )
            if posting_ids is not None:
                query = query.where(BatchItem.id.in_(list(posting_ids)))
            rows = session.execute(query).all()
        if not rows:
            return [], []
        days: list[date] = [r.invoice_date for r in rows]
        start, end = min(days), max(days) + timedelta(days=1)
        found: dict[str, m.Invoice] = {}
        for invoice in self.run.api(
            lambda: list(
                self.run.client.invoices.iter(invoiceDateFrom=start, invoiceDateTo=end, fields=INVOICE_FIELDS)
            )
        ):
            for order in invoice.orders or []:
                if order.number:
                    found[order.number] = invoice
        now = self.run.now()
        reset: list[int] = []
        uncertain: list[int] = []
        exported: list[tuple[Outgoing, m.Invoice]] = []
        for row in rows:
            match = found.get(row.intent_marker) if row.intent_marker else None
            if match is not None:
                exported.append((Outgoing(row.id, row.invoice_id, row.subject_key, row.intent_marker), match))
            elif answered or row.intent_at is None or (now - row.intent_at).total_seconds() >= self.grace:
                reset.append(row.id)
            else:
                uncertain.append(row.id)
                self.waiting[row.id] = row.intent_at + timedelta(seconds=self.grace)
        still = set(uncertain)
        for row in rows:
            if row.id not in still:
                self.waiting.pop(row.id, None)
        with self.run.db.transaction() as session:
            self.record_exported(session, exported)
            set_status(session, reset, ItemStatus.PENDING)
        self.reconciled += len(exported)
        return reset, uncertain

    def record_exported(self, session: Session, pairs: Sequence[tuple[Outgoing, m.Invoice]]) -> None:
        """References and posting statuses for invoices Tripletex has, in the caller's one transaction
        (what the store's ``record_exported`` does per posting, as two bulk statements per chunk)."""
        moment = utcnow()
        rows: list[tuple[int, str, dict[str, Any]]] = []
        updates: list[dict[str, Any]] = []
        for outgoing, invoice in pairs:
            if outgoing.invoice_id is None:
                continue
            voucher = invoice.voucher
            orders = invoice.orders or []
            rows.append(
                (
                    outgoing.invoice_id,
                    outgoing.invoice_number,
                    {
                        "tripletex_id": invoice.id,
                        "tripletex_number": None
                        if invoice.invoiceNumber is None
                        else str(invoice.invoiceNumber),
                        "voucher_id": voucher.id if voucher is not None else None,
                        "voucher_number": None
                        if voucher is None or voucher.number is None
                        else str(voucher.number),
                        "tripletex_order_id": orders[0].id if orders else None,
                    },
                )
            )
            updates.append(
                {
                    "id": outgoing.posting_id,
                    "status": ItemStatus.EXPORTED,
                    "error_id": None,
                    "message": None,
                    "exported_at": moment,
                    "updated_at": moment,
                }
            )
        if updates:
            session.execute(update(BatchItem), updates)
        q.upsert_references(session, self.run.connection_id, ReferenceKind.INVOICE, rows)


def set_status(session: Session, posting_ids: Sequence[int], status: ItemStatus) -> None:
    """Back to pending (nothing was written, or it is surely not in Tripletex): no error to show."""
    if posting_ids:
        moment = utcnow()
        session.execute(
            update(BatchItem),
            [
                {"id": i, "status": status, "error_id": None, "message": None, "updated_at": moment}
                for i in posting_ids
            ],
        )
