"""A POS sale paid «by invoice»: recorded as an invoice of this store (prices including VAT, the
buyer's reference and comment), to a Tripletex customer picked from the POS's customer list.

Without collective invoice the sale is an ordinary invoice: the next batch close of its period takes
it and the invoice kind exports it (order + invoice in one call, ``sendToCustomer`` per the
connection). With the POS set-up's collective invoice on, it joins its customer's collective invoice
of the month: exported as an order (``txbridge pos orders``), invoiced with the others at the end of
the period (``txbridge pos collect``)."""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import httpx
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from txbridge.catalog import Bilingual, render
from txbridge.flows.posinvoice.customers import PosCustomer, list_customers
from txbridge.flows.posinvoice.errors import PosInvoiceError
from txbridge.settings import Settings
from txbridge.store import CollectiveInvoice, Customer, Database, Invoice, InvoiceLine, PosSetup, period_of
from txbridge.tripletex import Tripletex

_HOST_ID = re.compile(r"^[A-Za-z0-9_.\-]{1,40}$")
#: The store's invoice number of a POS sale (Tripletex gives the invoice its own number).
NUMBER_PREFIX = "POS-"


@dataclass(frozen=True, slots=True)
class SaleLine:
    description: str
    quantity: Decimal
    #: Unit price including VAT, as the POS shows it.
    unit_price: Decimal
    #: The VAT code (number) of the line, e.g. 3 (25 %), 31 (15 %), 5 (exempt).
    vat_code: int


@dataclass(frozen=True, slots=True)
class InvoiceSale:
    #: The POS's own id of the sale (one sale never makes two invoices).
    host_id: str
    sale_date: date
    #: The Tripletex customer's id, as the POS's customer list gives it.
    customer_id: int
    lines: Sequence[SaleLine]
    reference: str | None = None
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class SaleRecorded:
    invoice_number: str
    customer: PosCustomer
    #: The customer's collective invoice of the period (``2026-10 · 10001``), or None for a sale
    #: invoiced on its own.
    collective: str | None = None
    total: Decimal = field(default=Decimal(0))


def _invalid(sale: InvoiceSale, where: str, nb: str, en: str) -> PosInvoiceError:
    return PosInvoiceError(
        render("pos_sale_invalid", item=f"salg/sale {sale.host_id}", field=where, reason=Bilingual(nb, en))
    )


def _check(sale: InvoiceSale) -> None:
    if not _HOST_ID.match(sale.host_id):
        raise _invalid(
            sale, "host_id", "1–40 tegn: bokstaver, tall, _ . -", "1–40 characters: letters, digits, _ . -"
        )
    if not sale.lines:
        raise _invalid(sale, "lines", "Salget har ingen linjer.", "The sale has no lines.")
    for i, line in enumerate(sale.lines, start=1):
        if not line.description.strip():
            raise _invalid(sale, f"lines[{i}].description", "Mangler.", "Missing.")
        if line.quantity <= 0:
            raise _invalid(sale, f"lines[{i}].quantity", "Må være over 0.", "Must be above 0.")
        if line.unit_price < 0:
            raise _invalid(sale, f"lines[{i}].unit_price", "Kan ikke være negativ.", "Cannot be negative.")
    for name, value, size in (("reference", sale.reference, 100), ("comment", sale.comment, 1000)):
        if value is not None and len(value) > size:
            raise _invalid(sale, name, f"Høyst {size} tegn.", f"At most {size} characters.")


def _customer_copy(session: Session, connection_id: int, customer: PosCustomer) -> Customer:
    """The store's copy of the Tripletex customer, found by its Tripletex id and numbered ``-id``
    (host customers are numbered from 1), so a host customer with the same number is never touched.
    The copy follows Tripletex (the POS never edits customers)."""
    local = session.scalar(
        select(Customer).where(
            Customer.connection_id == connection_id, Customer.tripletex_id == customer.tripletex_id
        )
    )
    if local is None:
        local = Customer(
            connection_id=connection_id,
            number=-customer.tripletex_id,
            tripletex_id=customer.tripletex_id,
            name=customer.name,
        )
        session.add(local)
    local.tripletex_number = customer.number
    local.name = customer.name[:255] or str(customer.number)
    local.organization_number = customer.organization_number
    local.invoice_email = customer.email
    session.flush()
    return local


def record_sale(
    db: Database,
    settings: Settings,
    connection_id: int,
    sale: InvoiceSale,
    *,
    client: Tripletex | None = None,
    transport: httpx.BaseTransport | None = None,
) -> SaleRecorded:
    """Record a sale «by invoice». The customer must be in Tripletex (the cached list, read again
    with the checksum when the id is not in it). A sale id seen before is refused
    (``pos_sale_taken``), so a POS that retries never makes two invoices. POS invoicing must be on
    (``pos_invoicing_off``): only then do the day sales leave invoice sales out."""
    _check(sale)
    item = f"salg/sale {sale.host_id}"
    with db.reading() as session:
        ready = session.scalar(select(PosSetup.invoicing).where(PosSetup.connection_id == connection_id))
    if not ready:
        raise PosInvoiceError(render("pos_invoicing_off", item=item))
    customers = {
        c.tripletex_id: c
        for c in list_customers(db, settings, connection_id, client=client, transport=transport)
    }
    if sale.customer_id not in customers:
        customers = {
            c.tripletex_id: c
            for c in list_customers(
                db, settings, connection_id, client=client, transport=transport, refresh=True
            )
        }
    customer = customers.get(sale.customer_id)
    if customer is None:
        raise PosInvoiceError(
            render("pos_customer_unknown", item=f"salg/sale {sale.host_id}", customer=sale.customer_id)
        )
    number = f"{NUMBER_PREFIX}{sale.host_id}"
    try:
        with db.transaction() as session:
            if session.scalar(
                select(Invoice.id).where(Invoice.connection_id == connection_id, Invoice.number == number)
            ):
                raise PosInvoiceError(render("pos_sale_taken", item=item))
            local = _customer_copy(session, connection_id, customer)
            setup = session.get(PosSetup, connection_id)
            if setup is None or not setup.invoicing:  # turned off since the check above
                raise PosInvoiceError(render("pos_invoicing_off", item=item))
            group: CollectiveInvoice | None = None
            if setup.collective_invoice:
                period = period_of(sale.sale_date)
                group = session.scalar(
                    select(CollectiveInvoice).where(
                        CollectiveInvoice.connection_id == connection_id,
                        CollectiveInvoice.customer_id == local.id,
                        CollectiveInvoice.period == period,
                    )
                )
                if group is None:
                    last = calendar.monthrange(sale.sale_date.year, sale.sale_date.month)[1]
                    group = CollectiveInvoice(
                        connection_id=connection_id,
                        customer_id=local.id,
                        period=period,
                        invoice_date=sale.sale_date.replace(day=last),
                    )
                    session.add(group)
                    session.flush()
            invoice = Invoice(
                connection_id=connection_id,
                number=number,
                invoice_date=sale.sale_date,
                due_date=sale.sale_date + timedelta(days=max(0, customer.invoices_due_in_days)),
                customer_id=local.id,
                currency="NOK",
                prices_include_vat=True,
                comment=sale.comment or None,
                reference=sale.reference or None,
                collective_invoice_id=group.id if group is not None else None,
            )
            invoice.lines = [
                InvoiceLine(
                    line_no=i,
                    description=line.description.strip()[:1000],
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    vat_code=line.vat_code,
                    discount_percent=Decimal(0),
                )
                for i, line in enumerate(sale.lines, start=1)
            ]
            session.add(invoice)
            total = sum((line.quantity * line.unit_price for line in sale.lines), Decimal(0))
            key = f"{group.period} · {customer.number}" if group is not None else None
    except IntegrityError:
        # Two requests with one sale id at once: the second loses the unique number.
        raise PosInvoiceError(render("pos_sale_taken", item=item)) from None
    return SaleRecorded(number, customer, key, total.quantize(Decimal("0.01")))
