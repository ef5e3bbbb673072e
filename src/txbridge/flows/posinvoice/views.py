"""Read models of POS invoicing, shared by the CLI and the web: the sales «by invoice» with where each
stands in Tripletex, and the collective invoices per customer and period. Each is a fixed number of
queries per page, whatever the number of sales (the state is computed in SQL, so it can be filtered
and counted before a page is cut)."""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from txbridge.catalog import Message
from txbridge.flows.posinvoice.sales import NUMBER_PREFIX
from txbridge.flows.views.messages import posting_message
from txbridge.flows.views.page import Page, window
from txbridge.store import (
    BatchItem,
    CollectiveInvoice,
    Customer,
    Database,
    IntegrationReference,
    Invoice,
    InvoiceLine,
    ItemStatus,
    ReferenceKind,
)


class SaleState(enum.StrEnum):
    #: Recorded; no order or invoice in Tripletex yet (in no batch, or waiting in one).
    WAITING = "waiting"
    #: Collected: its order is in Tripletex, the collective invoice is not made yet.
    ORDERED = "ordered"
    INVOICED = "invoiced"
    #: Its last attempt (its own, or its collective invoice's) failed; the message says why.
    FAILED = "failed"


class CollectiveState(enum.StrEnum):
    #: Not in a batch (not collected yet).
    OPEN = "open"
    #: Waiting in a batch (or being sent).
    IN_BATCH = "in_batch"
    INVOICED = "invoiced"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class SaleRow:
    #: The store's invoice number (``POS-<sale id>``).
    number: str
    sale_id: str
    sale_date: date
    customer_number: int
    customer_name: str
    total: Decimal
    reference: str | None
    #: The customer's collective invoice (``2026-10 · 10001``), or None for a sale invoiced alone.
    collective: str | None
    state: SaleState
    order_number: str | None
    invoice_number: str | None
    #: The batch of the last attempt (the failed one for a failed sale).
    batch_id: int | None
    message: Message | None


@dataclass(frozen=True, slots=True)
class CollectiveRow:
    id: int
    period: str
    customer_number: int
    customer_name: str
    invoice_date: date
    sales: int
    #: Sales whose order is in Tripletex.
    ordered: int
    total: Decimal
    state: CollectiveState
    invoice_number: str | None
    batch_id: int | None
    message: Message | None

    @property
    def key(self) -> str:
        return f"{self.period} · {self.customer_number}"


@dataclass(frozen=True, slots=True)
class SalesPage:
    page: Page[SaleRow]
    #: Customers with POS sales «by invoice» (number, name), for the filter.
    customers: list[tuple[int, str]]


@dataclass(frozen=True, slots=True)
class CollectivePage:
    page: Page[CollectiveRow]
    #: Periods with a collective invoice not made yet, newest first (what «Collect now» offers).
    open_periods: list[str]


#: The number users know a customer by (``Customer.shown_number``): Tripletex's for POS invoicing's
#: copy of a Tripletex customer (stored as ``-id``, apart from the host's numbers).
_shown_number = func.coalesce(Customer.tripletex_number, Customer.number)


def _referenced(connection_id: int, kind: ReferenceKind, local_id: Any) -> ColumnElement[bool]:
    return exists().where(
        IntegrationReference.connection_id == connection_id,
        IntegrationReference.kind == kind,
        IntegrationReference.local_id == local_id,
    )


def _last_status(column: Any, subject: Any) -> Any:
    """The status of the subject's newest batch item (removed ones left out), or NULL."""
    return (
        select(BatchItem.status)
        .where(column == subject, BatchItem.status != ItemStatus.REMOVED)
        .order_by(BatchItem.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def _sale_state(connection_id: int) -> ColumnElement[str]:
    ordered = _referenced(connection_id, ReferenceKind.ORDER, Invoice.id)
    group = Invoice.collective_invoice_id
    return case(
        (
            or_(
                _referenced(connection_id, ReferenceKind.INVOICE, Invoice.id),
                and_(group.is_not(None), _referenced(connection_id, ReferenceKind.COLLECTIVE_INVOICE, group)),
            ),
            SaleState.INVOICED.value,
        ),
        (_last_status(BatchItem.invoice_id, Invoice.id) == ItemStatus.FAILED, SaleState.FAILED.value),
        (
            and_(ordered, _last_status(BatchItem.collective_invoice_id, group) == ItemStatus.FAILED),
            SaleState.FAILED.value,
        ),
        (ordered, SaleState.ORDERED.value),
        else_=SaleState.WAITING.value,
    )


def _collective_state(connection_id: int) -> ColumnElement[str]:
    last = _last_status(BatchItem.collective_invoice_id, CollectiveInvoice.id)
    return case(
        (
            _referenced(connection_id, ReferenceKind.COLLECTIVE_INVOICE, CollectiveInvoice.id),
            CollectiveState.INVOICED.value,
        ),
        (last == ItemStatus.FAILED, CollectiveState.FAILED.value),
        (last.in_([ItemStatus.PENDING, ItemStatus.IN_FLIGHT]), CollectiveState.IN_BATCH.value),
        else_=CollectiveState.OPEN.value,
    )


def _references(
    session: Session, connection_id: int, kinds: Iterable[ReferenceKind], ids: list[int]
) -> dict[tuple[ReferenceKind, int], IntegrationReference]:
    rows = session.scalars(
        select(IntegrationReference).where(
            IntegrationReference.connection_id == connection_id,
            IntegrationReference.kind.in_(list(kinds)),
            IntegrationReference.local_id.in_(ids),
        )
    )
    return {(r.kind, r.local_id): r for r in rows}


def _last_items(session: Session, column: Any, ids: list[int]) -> dict[int, BatchItem]:
    found: dict[int, BatchItem] = {}
    for item in session.scalars(
        select(BatchItem)
        .where(column.in_(ids), BatchItem.status != ItemStatus.REMOVED)
        .order_by(BatchItem.id)
    ):
        found[getattr(item, column.key)] = item  # the newest wins
    return found


def _totals(session: Session, invoice_ids: list[int]) -> dict[int, Decimal]:
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for invoice_id, quantity, price in session.execute(
        select(InvoiceLine.invoice_id, InvoiceLine.quantity, InvoiceLine.unit_price).where(
            InvoiceLine.invoice_id.in_(invoice_ids)
        )
    ):
        totals[invoice_id] += quantity * price
    return {key: value.quantize(Decimal("0.01")) for key, value in totals.items()}


def _failure(item: BatchItem | None) -> tuple[int | None, Message | None]:
    if item is None:
        return None, None
    return item.batch_id, posting_message(
        item.error_id, item.message
    ) if item.status is ItemStatus.FAILED else None


def list_invoice_sales(
    db: Database,
    connection_id: int,
    *,
    state: SaleState | None = None,
    customer_number: int | None = None,
    offset: int = 0,
    limit: int = 50,
) -> SalesPage:
    """The POS sales «by invoice», newest first, with their state, Tripletex numbers and, for a failed
    one, the message of the failed attempt."""
    offset, limit = window(offset, limit)
    state_of = _sale_state(connection_id).label("state")
    query = (
        select(Invoice, _shown_number, Customer.name, state_of)
        .join(Customer, Customer.id == Invoice.customer_id)
        .where(Invoice.connection_id == connection_id, Invoice.number.startswith(NUMBER_PREFIX))
    )
    if customer_number is not None:
        query = query.where(_shown_number == customer_number)
    if state is not None:
        query = query.where(state_of == state.value)
    with db.reading() as session:
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = session.execute(
            query.order_by(Invoice.invoice_date.desc(), Invoice.id.desc()).offset(offset).limit(limit)
        ).all()
        ids = [row[0].id for row in rows]
        group_ids = [row[0].collective_invoice_id for row in rows if row[0].collective_invoice_id]
        refs = _references(session, connection_id, (ReferenceKind.INVOICE, ReferenceKind.ORDER), ids)
        group_refs = _references(session, connection_id, (ReferenceKind.COLLECTIVE_INVOICE,), group_ids)
        items = _last_items(session, BatchItem.invoice_id, ids)
        group_items = _last_items(session, BatchItem.collective_invoice_id, group_ids)
        periods = dict(
            session.execute(
                select(CollectiveInvoice.id, CollectiveInvoice.period).where(
                    CollectiveInvoice.id.in_(group_ids)
                )
            ).all()
        )
        totals = _totals(session, ids)
        customers = [
            (number, name)
            for number, name in session.execute(
                select(_shown_number, Customer.name)
                .where(
                    Customer.connection_id == connection_id,
                    exists().where(
                        Invoice.customer_id == Customer.id, Invoice.number.startswith(NUMBER_PREFIX)
                    ),
                )
                .order_by(_shown_number)
            )
        ]
        sales = []
        for invoice, number, name, raw_state in rows:
            group = invoice.collective_invoice_id
            own = refs.get((ReferenceKind.INVOICE, invoice.id))
            order = refs.get((ReferenceKind.ORDER, invoice.id))
            group_ref = group_refs.get((ReferenceKind.COLLECTIVE_INVOICE, group)) if group else None
            sale_state = SaleState(raw_state)
            # The failed attempt is the sale's own, or (once its order is made) its collective invoice's.
            item = group_items.get(group) if group and order is not None else None
            batch_id, message = _failure(item or items.get(invoice.id))
            if sale_state is not SaleState.FAILED:
                message = None
            invoiced = own or group_ref
            order_number = order.tripletex_number if order is not None else None
            if order_number is None and own is not None and own.tripletex_order_id is not None:
                order_number = str(own.tripletex_order_id)
            sales.append(
                SaleRow(
                    number=invoice.number,
                    sale_id=invoice.number.removeprefix(NUMBER_PREFIX),
                    sale_date=invoice.invoice_date,
                    customer_number=number,
                    customer_name=name,
                    total=totals.get(invoice.id, Decimal("0.00")),
                    reference=invoice.reference,
                    collective=f"{periods[group]} · {number}" if group in periods else None,
                    state=sale_state,
                    order_number=order_number,
                    invoice_number=invoiced.tripletex_number if invoiced is not None else None,
                    batch_id=batch_id,
                    message=message,
                )
            )
    return SalesPage(Page(sales, total, offset, limit), customers)


def list_collective_invoices(
    db: Database,
    connection_id: int,
    *,
    period: str | None = None,
    state: CollectiveState | None = None,
    offset: int = 0,
    limit: int = 50,
) -> CollectivePage:
    """The collective invoices, newest period first then by customer number, with their sales, how many
    have their order in Tripletex, the total and where the invoice stands."""
    offset, limit = window(offset, limit)
    state_of = _collective_state(connection_id).label("state")
    query = (
        select(CollectiveInvoice, _shown_number, Customer.name, state_of)
        .join(Customer, Customer.id == CollectiveInvoice.customer_id)
        .where(CollectiveInvoice.connection_id == connection_id)
    )
    if period:
        query = query.where(CollectiveInvoice.period == period)
    if state is not None:
        query = query.where(state_of == state.value)
    with db.reading() as session:
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = session.execute(
            query.order_by(CollectiveInvoice.period.desc(), _shown_number).offset(offset).limit(limit)
        ).all()
        ids = [row[0].id for row in rows]
        sales: dict[int, list[int]] = defaultdict(list)
        for invoice_id, group_id in session.execute(
            select(Invoice.id, Invoice.collective_invoice_id).where(Invoice.collective_invoice_id.in_(ids))
        ):
            if group_id is not None:
                sales[group_id].append(invoice_id)
        sale_ids = [i for group_sales in sales.values() for i in group_sales]
        orders = {
            local_id for _, local_id in _references(session, connection_id, (ReferenceKind.ORDER,), sale_ids)
        }
        refs = _references(session, connection_id, (ReferenceKind.COLLECTIVE_INVOICE,), ids)
        items = _last_items(session, BatchItem.collective_invoice_id, ids)
        totals = _totals(session, sale_ids)
        open_state = _collective_state(connection_id) != CollectiveState.INVOICED.value
        open_periods = list(
            session.scalars(
                select(CollectiveInvoice.period)
                .where(CollectiveInvoice.connection_id == connection_id, open_state)
                .distinct()
                .order_by(CollectiveInvoice.period.desc())
            )
        )
        result = []
        for collective, number, name, raw_state in rows:
            ref = refs.get((ReferenceKind.COLLECTIVE_INVOICE, collective.id))
            batch_id, message = _failure(items.get(collective.id))
            result.append(
                CollectiveRow(
                    id=collective.id,
                    period=collective.period,
                    customer_number=number,
                    customer_name=name,
                    invoice_date=collective.invoice_date,
                    sales=len(sales[collective.id]),
                    ordered=sum(1 for i in sales[collective.id] if i in orders),
                    total=sum((totals.get(i, Decimal(0)) for i in sales[collective.id]), Decimal("0.00")),
                    state=CollectiveState(raw_state),
                    invoice_number=ref.tripletex_number if ref is not None else None,
                    batch_id=batch_id,
                    message=message if raw_state == CollectiveState.FAILED.value else None,
                )
            )
    return CollectivePage(Page(result, total, offset, limit), open_periods)
