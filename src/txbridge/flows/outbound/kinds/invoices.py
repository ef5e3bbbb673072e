"""Invoices on the outbound engine: ``POST /invoice/list`` (at most 100 per call, the order embedded).

Preflight, once per batch: the chart of accounts (with VAT types on the accounts and bank account
numbers: no bank account number fails the batch, as Tripletex makes no invoice without one) and VAT
types; then the customers and products the invoices need, matched by number and created in bulk when
missing (:mod:`txbridge.flows.export.masterdata`), and the ids of foreign currencies. The marker goes
on the embedded order's ``number``; after an unknown outcome the invoices of the items' date window
are listed once and matched by it."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, selectinload

from txbridge.catalog import Message, render
from txbridge.flows.export.currencies import company_currencies
from txbridge.flows.export.mapping import Chart, invoice_body, line_problem, make_marker
from txbridge.flows.export.masterdata import TO_SEND, MasterData
from txbridge.flows.outbound.context import RunContext
from txbridge.flows.outbound.kind import InFlightRow, ItemRow, KindPlugin, Outgoing, ReferenceRow, Refusal
from txbridge.store import BatchItem, Connection, IntegrationReference, Invoice, OutboundKind, ReferenceKind
from txbridge.tripletex import models as m

ACCOUNT_FIELDS = "id,number,name,vatType(id,number),isBankAccount,bankAccountNumber"
VAT_TYPE_FIELDS = "id,number,percentage"
#: What matching a marker needs, and what the reference stores.
INVOICE_FIELDS = "id,invoiceNumber,voucher(id,number),orders(id,number)"


@dataclass(slots=True)
class InvoicesPrepared:
    chart: Chart
    master: MasterData
    send_to_customer: bool
    #: Tripletex's id of each foreign currency of the batch (None: the company cannot use it).
    currency_ids: dict[str, int | None] = field(default_factory=dict)


class InvoiceKind(KindPlugin[InvoicesPrepared, m.Invoice]):
    kind = OutboundKind.INVOICE
    reference_kind = ReferenceKind.INVOICE
    max_chunk = 100
    object_type = "invoice"
    phase = "invoices"

    def subject_column(self) -> InstrumentedAttribute[int | None]:
        return BatchItem.invoice_id

    def chunk_size(self, connection: Connection) -> int:
        return connection.batch_size

    # ---- preflight -------------------------------------------------------------------------------

    def preflight(self, run: RunContext) -> InvoicesPrepared:
        """Chart of accounts and VAT types (no bank account number fails the batch); then, if anything
        is left to send, the master data and the batch's foreign currencies."""
        chart = read_chart_checked(run)
        send_to_customer = connection_sends_to_customer(run)
        prepared = InvoicesPrepared(chart, MasterData(run, chart), send_to_customer)
        if run.has_work():
            prepared.master.find_or_create_customers()
            prepared.master.find_or_create_products()
            prepared.currency_ids.update(company_currencies(run, _foreign_currencies(run)))
        return prepared

    # ---- per item --------------------------------------------------------------------------------

    def check_and_build(
        self, run: RunContext, prepared: InvoicesPrepared, items: Sequence[ItemRow]
    ) -> list[Outgoing | Refusal]:
        built: list[Outgoing | Refusal] = []
        with run.db.transaction() as session:
            invoice_ids = [item.subject_id for item in items if item.subject_id is not None]
            invoices = {
                inv.id: inv
                for inv in session.scalars(
                    select(Invoice).where(Invoice.id.in_(invoice_ids)).options(selectinload(Invoice.lines))
                )
            }
            for item in items:
                invoice = invoices.get(item.subject_id) if item.subject_id is not None else None
                problem = (
                    render("invoice_not_found", invoice=item.subject_key)
                    if invoice is None
                    else _problem(prepared, invoice)
                )
                if problem is not None:
                    built.append(Refusal(item.item_id, problem))
                    continue
                assert invoice is not None
                marker = item.intent_marker or make_marker(invoice.number, item.item_id, item.attempts + 1)
                currency = None if invoice.currency == "NOK" else prepared.currency_ids[invoice.currency]
                body = invoice_body(
                    invoice,
                    marker=marker,
                    customer_id=prepared.master.customer_ids[invoice.customer_id],
                    product_ids=prepared.master.product_ids,
                    chart=prepared.chart,
                    currency_id=currency,
                )
                built.append(
                    Outgoing(item.item_id, invoice.id, invoice.number, marker, body, item.attempts + 1)
                )
        return built

    def send(
        self, run: RunContext, prepared: InvoicesPrepared, chunk: Sequence[Outgoing]
    ) -> dict[str, m.Invoice]:
        created = run.api(
            functools.partial(
                run.client.invoices.create_many,
                [item.body for item in chunk],
                send_to_customer=prepared.send_to_customer,
                fields=INVOICE_FIELDS,
            )
        )
        return by_order_marker(created)

    def find_by_marker(
        self, run: RunContext, prepared: InvoicesPrepared | None, items: Sequence[InFlightRow]
    ) -> dict[str, m.Invoice]:
        """One listing of the invoices of the items' date window (from the first invoice date to the
        day after the last), matched by the marker on their orders."""
        with run.db.transaction() as session:
            days: list[date] = list(
                session.scalars(
                    select(Invoice.invoice_date).where(
                        Invoice.id.in_([item.subject_id for item in items if item.subject_id is not None])
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

    reference_label = ("Tripletex-faktura", "Tripletex invoice")

    def reference_of(self, outgoing: Outgoing, found: m.Invoice) -> ReferenceRow:
        assert outgoing.subject_id is not None
        voucher = found.voucher
        orders = found.orders or []
        return ReferenceRow(
            outgoing.subject_id,
            outgoing.subject_key,
            {
                "tripletex_id": found.id,
                "tripletex_number": None if found.invoiceNumber is None else str(found.invoiceNumber),
                "voucher_id": voucher.id if voucher is not None else None,
                "voucher_number": None if voucher is None or voucher.number is None else str(voucher.number),
                "tripletex_order_id": orders[0].id if orders else None,
            },
        )

    # ---- the words -------------------------------------------------------------------------------

    def label(self, subject_key: str) -> str:
        return f"faktura {subject_key} / invoice {subject_key}"

    def missing(self, subject_key: str) -> Message:
        return render("invoice_not_found", invoice=subject_key)

    def already_exported(self, subject_key: str, reference: IntegrationReference) -> Message:
        return render(
            "invoice_already_exported",
            invoice=subject_key,
            tripletex_number=reference.tripletex_number or "-",
        )

    def outcome_unknown(self, subject_keys: str) -> Message:
        return render("outcome_unknown", invoice=subject_keys)

    def server_error(self, subject_key: str) -> Message:
        return render("invoice_server_error", invoice=subject_key)


def by_order_marker(invoices: Sequence[m.Invoice]) -> dict[str, m.Invoice]:
    found: dict[str, m.Invoice] = {}
    for invoice in invoices:
        for order in invoice.orders or []:
            if order.number:
                found[order.number] = invoice
    return found


def read_chart_checked(run: RunContext) -> Chart:
    """Chart of accounts and VAT types (two reads); no bank account number fails every pending item
    with the catalog's ``no_bank_account`` (Tripletex makes no invoice without one)."""
    accounts = run.api(lambda: list(run.client.ledger.accounts.iter(fields=ACCOUNT_FIELDS)))
    vat_types = run.api(lambda: list(run.client.ledger.vat_types.iter(fields=VAT_TYPE_FIELDS)))
    chart = Chart.build(accounts, vat_types)
    run.report("preflight")
    if not chart.has_bank_account_number():
        run.fail_pending(render("no_bank_account"))
    return chart


def connection_sends_to_customer(run: RunContext) -> bool:
    """The connection's ``sendToCustomer`` setting."""
    with run.db.transaction() as session:
        connection = session.get(Connection, run.connection_id)
        assert connection is not None
        return connection.send_to_customer


def _foreign_currencies(run: RunContext) -> list[str]:
    """The batch's currencies other than NOK, read before the chunks: an API call (and a rate-limit
    pause) must never run inside a store transaction, which on SQLite holds the write lock the sender
    needs to commit."""
    with run.db.transaction() as session:
        return list(
            session.scalars(
                select(Invoice.currency)
                .distinct()
                .join(BatchItem, BatchItem.invoice_id == Invoice.id)
                .where(
                    BatchItem.batch_id == run.batch_id,
                    BatchItem.status.in_(TO_SEND),
                    Invoice.currency != "NOK",
                )
            )
        )


def _problem(prepared: InvoicesPrepared, invoice: Invoice) -> Message | None:
    """Why an invoice cannot be sent (its customer, currency, a line's product or account), or None."""
    master = prepared.master
    failure = master.customer_failures.get(invoice.customer_id)
    if failure is not None:
        return failure
    if invoice.customer_id not in master.customer_ids:
        number = master.customer_numbers.get(invoice.customer_id, "-")
        return render("customer_not_created", customer=number, detail="-")
    if invoice.currency != "NOK" and prepared.currency_ids.get(invoice.currency) is None:
        return render("currency_not_supported", currency=invoice.currency, invoice=invoice.number)
    for line in invoice.lines:
        product = None
        if line.product_id is not None:
            failure = master.product_failures.get(line.product_id)
            if failure is not None:
                return failure
            product = master.products.get(line.product_id)
            if product is None or line.product_id not in master.product_ids:
                return render(
                    "product_not_found", product=product.number if product else "-", invoice=invoice.number
                )
        problem = line_problem(line, product, prepared.chart, invoice.number)
        if problem is not None:
            return problem
    return None
