"""``txbridge pos customers | sale | invoicing | collective | orders | collect``: invoicing from the
POS — the Tripletex customers to pick from, a sale «by invoice», the invoicing and collective-invoice
switches, and the batches of collected orders and of a period's collective invoices (exported with
``txbridge batch export``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated

import typer
from rich.table import Table

from txbridge.catalog import Bilingual, render
from txbridge.cli.connection import (
    EXIT_USAGE,
    ConnectionOption,
    actor_name,
    console,
    fail,
    open_store,
    resolve_connection,
    settings,
)
from txbridge.cli.pos import pos_app
from txbridge.cli.ui import Out, h
from txbridge.flows import posinvoice
from txbridge.flows.posinvoice.batches import PosCloseResult

Period = Annotated[str, typer.Argument(help=h("Perioden (ÅÅÅÅ-MM).", "The period (YYYY-MM)."))]


@pos_app.command(
    "customers",
    help=h(
        "Kundene i Tripletex som kassen velger blant (søk på navn, kundenummer eller org.nr.).",
        "The Tripletex customers the POS picks from (search by name, customer number or org. number).",
    ),
)
def customers_command(
    query: Annotated[str, typer.Argument(help=h("Søk.", "Search."))] = "",
    refresh: Annotated[
        bool, typer.Option("--refresh", help=h("Spør Tripletex nå.", "Ask Tripletex now."))
    ] = False,
    connection: ConnectionOption = None,
) -> None:
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        found = resolve_connection(database, cfg, connection, out)
        try:
            if refresh:
                posinvoice.list_customers(database, cfg, found.id, refresh=True)
            customers = posinvoice.search_customers(database, cfg, found.id, query, limit=500)
        except posinvoice.PosInvoiceError as exc:
            fail(out, exc.message)
    table = Table(title=out.t("Kunder i Tripletex", "Customers in Tripletex"))
    for header in (
        "Id",
        out.t("Nummer", "Number"),
        out.t("Navn", "Name"),
        out.t("Org.nr.", "Org. no."),
        "E-post",
    ):
        table.add_column(header, overflow="fold")
    for c in customers:
        table.add_row(str(c.tripletex_id), str(c.number), c.name, c.organization_number or "", c.email or "")
    out.print(table)


def _line(out: Out, text: str) -> posinvoice.SaleLine:
    """``description;quantity;unit price incl. VAT;VAT code``."""
    parts = text.split(";")
    try:
        if len(parts) != 4:
            raise ValueError
        return posinvoice.SaleLine(parts[0], Decimal(parts[1]), Decimal(parts[2]), int(parts[3]))
    except (ValueError, InvalidOperation):
        reason = Bilingual(
            "skriv beskrivelse;antall;enhetspris med mva;mva-kode",
            "write description;quantity;unit price incl. VAT;VAT code",
        )
        fail(out, render("pos_setting_invalid", reason=reason), EXIT_USAGE)


@pos_app.command(
    "sale",
    help=h(
        "Registrer et salg på faktura til en kunde i Tripletex (som kassen gjør).",
        "Record a sale by invoice to a Tripletex customer (as the POS does).",
    ),
)
def sale_command(
    sale_id: Annotated[str, typer.Argument(help=h("Kassens id for salget.", "The POS's id of the sale."))],
    customer: Annotated[
        int, typer.Option("--customer", help=h("Kundens id i Tripletex.", "The customer's Tripletex id."))
    ],
    line: Annotated[
        list[str],
        typer.Option(
            "--line",
            help=h("beskrivelse;antall;pris med mva;mva-kode", "description;qty;price incl. VAT;VAT code"),
        ),
    ],
    day: Annotated[
        str | None, typer.Option("--date", help=h("Salgsdato (ÅÅÅÅ-MM-DD).", "Sale date (YYYY-MM-DD)."))
    ] = None,
    reference: Annotated[str | None, typer.Option("--reference", help=h("Referanse.", "Reference."))] = None,
    comment: Annotated[str | None, typer.Option("--comment", help=h("Kommentar.", "Comment."))] = None,
    connection: ConnectionOption = None,
) -> None:
    out = console()
    cfg = settings()
    try:
        when = date.fromisoformat(day) if day else date.today()
    except ValueError:
        fail(out, render("pos_setting_invalid", reason=Bilingual("ugyldig dato", "invalid date")), EXIT_USAGE)
    sale = posinvoice.InvoiceSale(
        sale_id, when, customer, [_line(out, one) for one in line], reference, comment
    )
    with open_store(cfg) as database:
        found = resolve_connection(database, cfg, connection, out)
        try:
            recorded = posinvoice.record_sale(database, cfg, found.id, sale)
        except posinvoice.PosInvoiceError as exc:
            fail(out, exc.message)
    if recorded.collective:
        out.print(
            out.t(
                f"Salg {sale_id} ({recorded.total} kr) samles på {recorded.customer.name}s samlefaktura "
                f"{recorded.collective}.",
                f"Sale {sale_id} ({recorded.total} NOK) is collected on {recorded.customer.name}'s "
                f"collective invoice {recorded.collective}.",
            )
        )
    else:
        out.print(
            out.t(
                f"Salg {sale_id} ({recorded.total} kr) er faktura {recorded.invoice_number} til "
                f"{recorded.customer.name}; den sendes med periodens bunt (`txbridge batch close`).",
                f"Sale {sale_id} ({recorded.total} NOK) is invoice {recorded.invoice_number} to "
                f"{recorded.customer.name}; it goes with the period's batch (`txbridge batch close`).",
            )
        )


#: A switch of the set-up: how it is set, and what it is called (bokmål, English).
_Switch = tuple[Callable[..., None], str, str]
State = Annotated[str, typer.Argument(help="on | off")]
Actor = Annotated[str | None, typer.Option("--actor", help=h("Hvem.", "Who."))]


def _switch(out: Out, switch: _Switch, state: str, actor: str | None, connection: str | None) -> bool:
    """Set one on/off switch of the POS set-up; the new state, or a failure with its message."""
    setter, name_nb, name_en = switch
    if state not in ("on", "off"):
        fail(
            out,
            render("pos_setting_invalid", reason=Bilingual("skriv on eller off", "write on or off")),
            EXIT_USAGE,
        )
    cfg = settings()
    with open_store(cfg) as database:
        found = resolve_connection(database, cfg, connection, out)
        try:
            setter(database, found.id, state == "on", by=actor_name(actor))
        except posinvoice.PosInvoiceError as exc:
            fail(out, exc.message)
    out.print(out.t(f"{name_nb}: {'på' if state == 'on' else 'av'}", f"{name_en}: {state}"))
    return state == "on"


@pos_app.command(
    "invoicing",
    help=h(
        "Slå fakturering fra kassen på eller av (on/off): salg på faktura bokføres da av fakturaene i "
        "Tripletex, og dagsoppgjøret skal være uten dem.",
        "Turn POS invoicing on or off (on/off): sales by invoice are then booked by their invoices in "
        "Tripletex, and the day sales must leave them out.",
    ),
)
def invoicing_command(state: State, actor: Actor = None, connection: ConnectionOption = None) -> None:
    out = console()
    if _switch(
        out, (posinvoice.set_invoicing, "Fakturering fra kassen", "POS invoicing"), state, actor, connection
    ):
        out.print(
            out.t(
                "Salg på faktura bokføres av fakturaene; kassen må sende Z-rapportene uten dem.",
                "Sales by invoice are booked by their invoices; the POS must send its Z-reports "
                "without them.",
            )
        )


@pos_app.command(
    "collective",
    help=h("Slå samlefaktura på eller av (on/off).", "Turn collective invoice on or off (on/off)."),
)
def collective_command(state: State, actor: Actor = None, connection: ConnectionOption = None) -> None:
    switch = (posinvoice.set_collective_invoice, "Samlefaktura", "Collective invoice")
    _switch(console(), switch, state, actor, connection)


def _closed(out: Out, result: PosCloseResult, what_nb: str, what_en: str) -> None:
    if result.batch_id is None:
        assert result.message is not None
        out.message(result.message, style="yellow")
        return
    export = f"`txbridge batch export {result.batch_id}`"
    out.print(
        out.t(
            f"Bunt {result.batch_id}: {result.count} {what_nb}. Eksporter med {export}.",
            f"Batch {result.batch_id}: {result.count} {what_en}. Export with {export}.",
        )
    )


@pos_app.command(
    "orders",
    help=h(
        "Samlede salg i perioden som ordrer til Tripletex (en eksportbunt).",
        "A period's collected sales as orders to Tripletex (an export batch).",
    ),
)
def orders_command(period: Period, connection: ConnectionOption = None) -> None:
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        found = resolve_connection(database, cfg, connection, out)
        try:
            result = posinvoice.close_pos_orders(database, found.id, period)
        except ValueError:
            fail(out, render("invalid_period", value=period), EXIT_USAGE)
    _closed(out, result, "ordrer", "orders")


@pos_app.command(
    "collect",
    help=h(
        "Periodens samlefakturaer, én per kunde (en eksportbunt), når perioden er slutt.",
        "The period's collective invoices, one per customer (an export batch), once the period is over.",
    ),
)
def collect_command(period: Period, connection: ConnectionOption = None) -> None:
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        found = resolve_connection(database, cfg, connection, out)
        try:
            result = posinvoice.close_collective_invoices(database, found.id, period)
        except ValueError:
            fail(out, render("invalid_period", value=period), EXIT_USAGE)
        except posinvoice.PosInvoiceError as exc:
            fail(out, exc.message)
    _closed(out, result, "samlefakturaer", "collective invoices")
