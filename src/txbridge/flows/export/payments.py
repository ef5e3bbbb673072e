"""Payment status of exported invoices, read back from Tripletex's ``amountOutstanding``.

Few calls: one windowed invoice listing over the exported invoices' dates (fields limited to what the
status needs), not one call per invoice. Outstanding 0 means paid, or credited when Tripletex says the
invoice is credited (a credit note leaves nothing outstanding either). An invoice in a foreign currency
is read back in both currencies: ``amountOutstanding`` in NOK and ``amountCurrencyOutstanding`` in its
own; the status follows the invoice currency (a payment at another rate settles it in full although its
NOK differs — Tripletex books that difference as an exchange gain or loss)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import httpx
from sqlalchemy import select

from txbridge.catalog import render
from txbridge.flows import connections
from txbridge.settings import Settings
from txbridge.store import (
    Connection,
    Database,
    IntegrationReference,
    Invoice,
    PaymentStatus,
    ReferenceKind,
)
from txbridge.store import queries as q
from txbridge.store.models import utcnow
from txbridge.tripletex import Tripletex, TripletexError

PAYMENT_FIELDS = "id,invoiceNumber,amountOutstanding,amountCurrencyOutstanding,currency(code),isCredited"


@dataclass(frozen=True, slots=True)
class PaymentsResult:
    checked: int
    paid: int
    credited: int
    outstanding: int
    #: References whose invoice Tripletex did not list (deleted there, or outside the window).
    not_found: int
    api_calls: int


def refresh_payments(
    db: Database,
    settings: Settings,
    connection_id: int,
    *,
    transport: httpx.BaseTransport | None = None,
    client: Tripletex | None = None,
) -> PaymentsResult:
    """Mark every exported invoice of the connection paid, credited or outstanding."""
    with db.transaction() as session:
        connection = session.get(Connection, connection_id)
        if connection is None:
            raise connections.ConnectionFlowError(render("connection_not_found", connection=connection_id))
        rows = session.execute(
            select(IntegrationReference.id, IntegrationReference.tripletex_id, Invoice.invoice_date)
            .join(Invoice, Invoice.id == IntegrationReference.local_id)
            .where(
                IntegrationReference.connection_id == connection_id,
                IntegrationReference.kind == ReferenceKind.INVOICE,
                IntegrationReference.tripletex_id.is_not(None),
            )
        ).all()
    if not rows:
        return PaymentsResult(0, 0, 0, 0, 0, 0)
    own = client is None
    tx = client or connections.client_for(connection, settings, transport=transport)
    calls_before = tx.stats.calls
    try:
        start = min(r[2] for r in rows)
        end = max(r[2] for r in rows) + timedelta(days=1)
        remote = {
            inv.id: inv
            for inv in tx.invoices.iter(invoiceDateFrom=start, invoiceDateTo=end, fields=PAYMENT_FIELDS)
            if inv.id is not None
        }
        calls = tx.stats.calls - calls_before
    except (TripletexError, httpx.HTTPError) as exc:
        # An integration failure like any other: it counts towards the error state.
        connections.record_failure(db, settings, connection_id, exc)
        raise
    finally:
        if own:
            tx.close()
    counts = {PaymentStatus.PAID: 0, PaymentStatus.CREDITED: 0, PaymentStatus.OUTSTANDING: 0}
    not_found = 0
    moment = utcnow()
    with db.transaction() as session:
        for ref_id, tripletex_id, _day in rows:
            invoice = remote.get(tripletex_id) if tripletex_id is not None else None
            if invoice is None:
                not_found += 1
                continue
            outstanding = invoice.amountOutstanding if invoice.amountOutstanding is not None else Decimal(0)
            in_currency = invoice.amountCurrencyOutstanding
            if in_currency is None:
                in_currency = outstanding
            if in_currency != 0:
                status = PaymentStatus.OUTSTANDING
            elif invoice.isCredited:
                status = PaymentStatus.CREDITED
            else:
                status = PaymentStatus.PAID
            counts[status] += 1
            reference = session.get(IntegrationReference, ref_id)
            assert reference is not None
            reference.payment_status = status
            reference.amount_outstanding = outstanding
            reference.amount_outstanding_currency = in_currency
            reference.outstanding_currency = invoice.currency.code if invoice.currency else None
            reference.payment_checked_at = moment
        q.add_log(
            session,
            connection_id,
            f"Betalingsstatus oppdatert: {counts[PaymentStatus.PAID]} betalt, "
            f"{counts[PaymentStatus.CREDITED]} kreditert, {counts[PaymentStatus.OUTSTANDING]} utestående / "
            f"Payment status refreshed: {counts[PaymentStatus.PAID]} paid, "
            f"{counts[PaymentStatus.CREDITED]} credited, {counts[PaymentStatus.OUTSTANDING]} outstanding",
            object_type="connection",
            object_key=str(connection_id),
        )
    connections.record_success(db, connection_id)
    return PaymentsResult(
        checked=len(rows) - not_found,
        paid=counts[PaymentStatus.PAID],
        credited=counts[PaymentStatus.CREDITED],
        outstanding=counts[PaymentStatus.OUTSTANDING],
        not_found=not_found,
        api_calls=calls,
    )
