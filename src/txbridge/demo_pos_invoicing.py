"""The demo's POS invoicing part (run by :mod:`txbridge.demo` after the day sales): two customers in
Tripletex picked from the POS's customer list, one sale invoiced on its own (reference and comment),
then collective invoice on — four sales collected, their orders sent, and one collective invoice per
customer at the end of October. The deliberate defect: someone invoices one of Kantina Torget's
orders by hand in Tripletex before the month ends, so Torget's collective invoice is refused, and the
troubleshooter (``txbridge diagnose pos``) names the order, the sale and the invoice it is on."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from txbridge.cli.diagnose import answers_table
from txbridge.cli.ui import Out
from txbridge.flows import connections
from txbridge.flows.diagnose.pos_invoicing import PosDiagnosis, diagnose_pos
from txbridge.flows.export import ExportResult, close_batch, export_batch
from txbridge.flows.posinvoice import (
    InvoiceSale,
    SaleLine,
    close_collective_invoices,
    close_pos_orders,
    record_sale,
    search_customers,
    set_collective_invoice,
    set_invoicing,
)
from txbridge.settings import Settings
from txbridge.store import Connection, Database

PERIOD = "2026-10"
CUSTOMERS = (("Kantina Bryggen AS", "923456783"), ("Kantina Torget AS", "987654325"))
LUNCH = (
    SaleLine("Lunsjbuffet", Decimal(12), Decimal("189.00"), 3),
    SaleLine("Kaffe", Decimal(12), Decimal("39.00"), 3),
)


@dataclass(frozen=True)
class PosInvoicingDemo:
    single: ExportResult
    orders: ExportResult
    collective: ExportResult
    #: Invoices in Tripletex per demo customer (each must be 2: the single sale's and the collective one
    #: for the first, 1 for the second), and orders per collective invoice.
    invoices_per_customer: dict[str, int]
    orders_per_invoice: list[int]
    #: The troubleshooter's answers for the refused collective invoice and one of its sales.
    diagnoses: dict[str, PosDiagnosis]
    #: The sale whose order was invoiced by hand, and Kantina Torget's collective invoice key.
    by_hand: tuple[str, str] = ("", "")


def run_pos_invoicing(
    out: Out, database: Database, settings: Settings, connection: Connection
) -> PosInvoicingDemo:
    out.rule(f"[bold]{out.t('Kasse: salg på faktura', 'POS: sales by invoice')}")
    with connections.client_for(connection, settings) as client:
        for name, org in CUSTOMERS:
            client.customers.create({"name": name, "organizationNumber": org, "email": "faktura@kantina.no"})
    found = search_customers(database, settings, connection.id, "kantina")
    ids = {c.name: c.tripletex_id for c in found}
    first, second = (ids[name] for name, _ in CUSTOMERS)
    # The wizard's «Enable invoicing»: the day sales above leave sales by invoice out.
    set_invoicing(database, connection.id, True, by="demo")
    set_collective_invoice(database, connection.id, False, by="demo")
    record_sale(
        database,
        settings,
        connection.id,
        InvoiceSale(
            "K-1", date(2026, 10, 8), first, LUNCH, reference="Styremøte", comment="Takk for besøket"
        ),
    )
    closed = close_batch(database, connection.id, PERIOD)
    assert closed.batch_id is not None
    single = export_batch(database, settings, closed.batch_id)
    set_collective_invoice(database, connection.id, True, by="demo")
    for n, (who, day) in enumerate(((first, 9), (second, 14), (first, 21), (second, 28)), start=2):
        record_sale(database, settings, connection.id, InvoiceSale(f"K-{n}", date(2026, 10, day), who, LUNCH))
    collected = close_pos_orders(database, connection.id, PERIOD)
    assert collected.batch_id is not None
    orders = export_batch(database, settings, collected.batch_id)
    by_hand = _invoice_one_order_by_hand(database, settings, connection, second)
    ended = close_collective_invoices(database, connection.id, PERIOD, today=date(2026, 11, 1))
    assert ended.batch_id is not None
    collective = export_batch(database, settings, ended.batch_id)
    with connections.client_for(connection, settings) as client:
        invoices = list(
            client.invoices.iter(
                invoiceDateFrom=date(2026, 10, 1),
                invoiceDateTo=date(2026, 11, 1),
                fields="customer(id),orders(id)",
            )
        )
    torget = next(c for c in found if c.tripletex_id == second)
    refused = f"{PERIOD} · {torget.number}"
    diagnoses = {key: diagnose_pos(database, settings, connection.id, key) for key in (refused, "K-5", "K-2")}
    _print_diagnoses(out, diagnoses)
    names = {tripletex_id: name for name, tripletex_id in ids.items()}
    per_customer = Counter(names[i.customer.id] for i in invoices if i.customer and i.customer.id in names)
    collective_orders = [
        len(i.orders or [])
        for i in invoices
        if i.customer and i.customer.id in names and len(i.orders or []) > 1
    ]
    each = ", ".join(map(str, collective_orders))
    out.print(
        out.t(
            f"Salg K-1 fakturert alene ({single.exported} faktura); samlefaktura: {orders.exported} ordrer, "
            f"{collective.exported} samlefakturaer ({each} ordrer hver)",
            f"Sale K-1 invoiced alone ({single.exported} invoice); collective: {orders.exported} orders, "
            f"{collective.exported} collective invoices ({each} orders each)",
        )
    )
    return PosInvoicingDemo(
        single,
        orders,
        collective,
        dict(per_customer),
        sorted(collective_orders),
        diagnoses,
        (by_hand, refused),
    )


def _invoice_one_order_by_hand(
    database: Database, settings: Settings, connection: Connection, customer_id: int
) -> str:
    """The defect: a colleague invoices Kantina Torget's first order alone, in Tripletex, on
    15 October. Returns the sale (``POS-K-3``) whose order it was."""
    with connections.client_for(connection, settings) as client:
        (first, *_) = sorted(
            client.orders.iter(
                orderDateFrom=date(2026, 10, 1),
                orderDateTo=date(2026, 11, 1),
                customerId=customer_id,
                fields="id,number",
            ),
            key=lambda order: order.id or 0,
        )
        assert first.id is not None
        client.orders.invoice(first.id, invoice_date=date(2026, 10, 15))
    return "POS-K-3"


def _print_diagnoses(out: Out, diagnoses: dict[str, PosDiagnosis]) -> None:
    title = out.t("Feilsøking, kassesalg på faktura", "Troubleshooter, POS sales by invoice")
    out.print(answers_table(out, title, out.t("Salg / samlefaktura", "Sale / collective invoice"), diagnoses))
