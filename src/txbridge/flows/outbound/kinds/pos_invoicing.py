"""POS sales «by invoice» collected for a collective invoice, on the outbound engine: two kinds.

``pos_order`` (:class:`PosOrderKind`): each collected sale becomes an order, ``POST /order/list``.
It is the invoice kind's steps with another call: the same preflight (chart, bank account number, the
customers and products matched by number), the same order body with its never-twice marker on the
order's ``number``; the reference it writes is an ``order`` reference (the order's id and number).

``collective_invoice`` (:class:`CollectiveInvoiceKind`): one customer's orders of a period invoiced
together, ``PUT /order/:invoiceMultipleOrders`` (one invoice per call). Its marker is the number of
the customer's first order; after an unknown outcome the invoices of the invoice date are listed and
matched through their orders (the orders' own invoice link), so a lost answer never invoices twice.
Tripletex refuses the call when the orders do not share customer, currency, due date, receiver
e-mail, attn and SMS number, or when one is closed or already invoiced: the item fails with
Tripletex's reason and the others go on."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, selectinload

from txbridge.catalog import Message, render
from txbridge.flows.outbound.context import RunContext
from txbridge.flows.outbound.kind import InFlightRow, ItemRow, KindPlugin, Outgoing, ReferenceRow, Refusal
from txbridge.flows.outbound.kinds.invoices import (
    INVOICE_FIELDS,
    InvoiceKind,
    InvoicesPrepared,
    by_order_marker,
    connection_sends_to_customer,
    read_chart_checked,
)
from txbridge.store import (
    BatchItem,
    CollectiveInvoice,
    Connection,
    IntegrationReference,
    Invoice,
    OutboundKind,
    ReferenceKind,
)
from txbridge.store import queries as q
from txbridge.tripletex import models as m

ORDER_FIELDS = "id,number"


class PosOrderKind(KindPlugin[InvoicesPrepared, m.Order]):
    """A collected POS sale as an order (no invoice yet): the invoice kind's steps, another call."""

    kind = OutboundKind.POS_ORDER
    reference_kind = ReferenceKind.ORDER
    max_chunk = InvoiceKind.max_chunk
    object_type = "order"
    phase = "invoices"

    def __init__(self) -> None:
        self.invoices = InvoiceKind()

    def subject_column(self) -> InstrumentedAttribute[int | None]:
        return self.invoices.subject_column()

    def chunk_size(self, connection: Connection) -> int:
        return self.invoices.chunk_size(connection)

    def preflight(self, run: RunContext) -> InvoicesPrepared:
        return self.invoices.preflight(run)

    def check_and_build(
        self, run: RunContext, prepared: InvoicesPrepared, items: Sequence[ItemRow]
    ) -> list[Outgoing | Refusal]:
        built = self.invoices.check_and_build(run, prepared, items)
        return [_as_order(outgoing) if isinstance(outgoing, Outgoing) else outgoing for outgoing in built]

    def send(
        self, run: RunContext, prepared: InvoicesPrepared, chunk: Sequence[Outgoing]
    ) -> dict[str, m.Order]:
        created = run.api(
            functools.partial(
                run.client.orders.create_many, [item.body for item in chunk], fields=ORDER_FIELDS
            )
        )
        return {order.number: order for order in created if order.number}

    def find_by_marker(
        self, run: RunContext, prepared: InvoicesPrepared | None, items: Sequence[InFlightRow]
    ) -> dict[str, m.Order]:
        """One listing of the orders of the items' date window, matched by number (the marker)."""
        with run.db.transaction() as session:
            days = list(
                session.scalars(
                    select(Invoice.invoice_date).where(
                        Invoice.id.in_([item.subject_id for item in items if item.subject_id is not None])
                    )
                )
            )
        if not days:
            return {}
        start, end = min(days), max(days) + timedelta(days=1)
        found = run.api(
            lambda: list(run.client.orders.iter(orderDateFrom=start, orderDateTo=end, fields=ORDER_FIELDS))
        )
        return {order.number: order for order in found if order.number}

    reference_label = ("Ordre", "Order")

    def reference_of(self, outgoing: Outgoing, found: m.Order) -> ReferenceRow:
        assert outgoing.subject_id is not None
        return ReferenceRow(
            outgoing.subject_id,
            outgoing.subject_key,
            {"tripletex_id": found.id, "tripletex_number": found.number, "tripletex_order_id": found.id},
        )

    def label(self, subject_key: str) -> str:
        return f"ordre for salg {subject_key} / order for sale {subject_key}"

    def missing(self, subject_key: str) -> Message:
        return self.invoices.missing(subject_key)

    def already_exported(self, subject_key: str, reference: IntegrationReference) -> Message:
        return render("pos_order_already_sent", sale=subject_key, order=reference.tripletex_number or "-")

    def outcome_unknown(self, subject_keys: str) -> Message:
        return self.invoices.outcome_unknown(subject_keys)

    def server_error(self, subject_key: str) -> Message:
        return self.invoices.server_error(subject_key)


def _as_order(outgoing: Outgoing) -> Outgoing:
    """The invoice body's embedded order, standing alone (the invoice comment moves onto the order)."""
    order: dict[str, Any] = dict(outgoing.body["orders"][0])
    if outgoing.body.get("comment"):
        order["invoiceComment"] = outgoing.body["comment"]
    return Outgoing(
        outgoing.item_id, outgoing.subject_id, outgoing.subject_key, outgoing.marker, order, outgoing.attempts
    )


@dataclass(frozen=True, slots=True)
class CollectivePrepared:
    send_to_customer: bool


class CollectiveInvoiceKind(KindPlugin[CollectivePrepared, m.Invoice]):
    """One customer's orders of a period, invoiced together (one call per invoice)."""

    kind = OutboundKind.COLLECTIVE_INVOICE
    reference_kind = ReferenceKind.COLLECTIVE_INVOICE
    max_chunk = 1
    object_type = "collective_invoice"
    phase = "invoices"

    def subject_column(self) -> InstrumentedAttribute[int | None]:
        return BatchItem.collective_invoice_id

    def preflight(self, run: RunContext) -> CollectivePrepared:
        """The bank account number (the chart read), as before any invoice; the send setting."""
        read_chart_checked(run)
        return CollectivePrepared(connection_sends_to_customer(run))

    def check_and_build(
        self, run: RunContext, prepared: CollectivePrepared, items: Sequence[ItemRow]
    ) -> list[Outgoing | Refusal]:
        built: list[Outgoing | Refusal] = []
        with run.db.transaction() as session:
            for item in items:
                group = session.get(CollectiveInvoice, item.subject_id) if item.subject_id else None
                if group is None:
                    built.append(Refusal(item.item_id, self.missing(item.subject_key)))
                    continue
                sales = list(
                    session.scalars(
                        select(Invoice)
                        .where(Invoice.collective_invoice_id == group.id)
                        .order_by(Invoice.id)
                        .options(selectinload(Invoice.lines))
                    )
                )
                orders = q.references_of(
                    session, run.connection_id, ReferenceKind.ORDER, [s.id for s in sales]
                )
                waiting = [sale.number for sale in sales if sale.id not in orders]
                if not sales or waiting:
                    built.append(
                        Refusal(
                            item.item_id,
                            render(
                                "pos_collective_orders_missing",
                                invoice=item.subject_key,
                                sales=", ".join(waiting[:5]) or "-",
                            ),
                        )
                    )
                    continue
                refs = sorted(orders.values(), key=lambda ref: ref.tripletex_id or 0)
                marker = item.intent_marker or refs[0].tripletex_number or ""
                body = {
                    "ids": [ref.tripletex_id for ref in refs],
                    "invoiceDate": group.invoice_date.isoformat(),
                }
                built.append(
                    Outgoing(item.item_id, group.id, item.subject_key, marker, body, item.attempts + 1)
                )
        return built

    def send(
        self, run: RunContext, prepared: CollectivePrepared, chunk: Sequence[Outgoing]
    ) -> dict[str, m.Invoice]:
        (outgoing,) = chunk
        invoice = run.api(
            functools.partial(
                run.client.orders.invoice_multiple,
                outgoing.body["ids"],
                invoice_date=date.fromisoformat(outgoing.body["invoiceDate"]),
                send_to_customer=prepared.send_to_customer,
                fields=INVOICE_FIELDS,
            )
        )
        return by_order_marker([invoice])

    def find_by_marker(
        self, run: RunContext, prepared: CollectivePrepared | None, items: Sequence[InFlightRow]
    ) -> dict[str, m.Invoice]:
        """The invoices of the items' invoice dates (one listing), matched through their orders."""
        with run.db.transaction() as session:
            days = list(
                session.scalars(
                    select(CollectiveInvoice.invoice_date).where(
                        CollectiveInvoice.id.in_([i.subject_id for i in items if i.subject_id is not None])
                    )
                )
            )
        if not days:
            return {}
        start, end = min(days), max(days) + timedelta(days=1)
        return by_order_marker(
            run.api(
                lambda: list(
                    run.client.invoices.iter(invoiceDateFrom=start, invoiceDateTo=end, fields=INVOICE_FIELDS)
                )
            )
        )

    reference_label = ("Samlefaktura", "Collective invoice")

    def reference_of(self, outgoing: Outgoing, found: m.Invoice) -> ReferenceRow:
        assert outgoing.subject_id is not None
        voucher = found.voucher
        return ReferenceRow(
            outgoing.subject_id,
            outgoing.subject_key,
            {
                "tripletex_id": found.id,
                "tripletex_number": None if found.invoiceNumber is None else str(found.invoiceNumber),
                "voucher_id": voucher.id if voucher is not None else None,
                "voucher_number": None if voucher is None or voucher.number is None else str(voucher.number),
            },
        )

    def label(self, subject_key: str) -> str:
        return f"samlefaktura {subject_key} / collective invoice {subject_key}"

    def missing(self, subject_key: str) -> Message:
        return render("pos_collective_not_found", invoice=subject_key)

    def already_exported(self, subject_key: str, reference: IntegrationReference) -> Message:
        return render(
            "pos_collective_already_invoiced", invoice=subject_key, number=reference.tripletex_number or "-"
        )

    def outcome_unknown(self, subject_keys: str) -> Message:
        return render("outcome_unknown", invoice=subject_keys)

    def server_error(self, subject_key: str) -> Message:
        return render("invoice_server_error", invoice=subject_key)
