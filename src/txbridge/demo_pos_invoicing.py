"""The demo's POS invoicing part (run by :mod:`txbridge.demo` after the day sales): two customers in
Tripletex picked from the POS's customer list, one sale invoiced on its own (reference and comment),
then collective invoice on — four sales collected, their orders sent, and one collective invoice per
customer at the end of October."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from txbridge.cli.ui import Out
from txbridge.flows import connections
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
    return PosInvoicingDemo(single, orders, collective, dict(per_customer), sorted(collective_orders))
