"""``txbridge import FILE``: host data into the store, item by item.

Exit codes: 0 every item went in, 1 some items were rejected (the rest went in), 2 nothing was
imported (unreadable file, no such connection)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from txbridge.catalog import Message, render
from txbridge.cli import app
from txbridge.cli.connection import (
    EXIT_USAGE,
    ConnectionOption,
    open_store,
    print_message,
    resolve_connection,
    settings,
)
from txbridge.cli.ui import Out, escape, h, progress
from txbridge.cli.ui import console as console_
from txbridge.flows.intake import (
    KINDS,
    ImportReport,
    IntakeFileError,
    IntakeLimitError,
    IntakeLimits,
    import_data,
    kind_name,
    read_file,
    set_intake_limits,
)
from txbridge.flows.intake.reasons import shown
from txbridge.flows.intake.values import FieldProblem, read_decimal

EXIT_OK = 0
EXIT_REJECTED = 1
EXIT_NOTHING_IMPORTED = EXIT_USAGE

_KIND_LABELS = {
    "productClasses": ("Varegrupper", "Product classes"),
    "customers": ("Kunder", "Customers"),
    "products": ("Varer", "Products"),
    "invoices": ("Fakturaer", "Invoices"),
    "daySales": ("Dagsoppgjør", "Day sales"),
    "hours": ("Timer", "Hours"),
}


def _fail(out: Out, message: Message) -> typer.Exit:
    print_message(out, message)
    return typer.Exit(EXIT_NOTHING_IMPORTED)


def _print_report(console: Out, report: ImportReport) -> None:
    summary = Table(title="Import", show_lines=False)
    summary.add_column(console.t("Type", "Kind"))
    for header in (
        console.t("Nye", "Created"),
        console.t("Endret", "Updated"),
        console.t("Uendret", "Unchanged"),
        console.t("Avvist", "Rejected"),
    ):
        summary.add_column(header, justify="right")
    for kind in KINDS:
        counts = report.counts[kind]
        style = "red" if counts.rejected else None
        summary.add_row(
            console.t(*_KIND_LABELS[kind]),
            str(counts.created),
            str(counts.updated),
            str(counts.unchanged),
            str(counts.rejected),
            style=style,
        )
    console.print(summary)
    if not report.rejections:
        return
    rejected = Table(title=console.t("Avviste elementer", "Rejected items"), show_lines=True)
    rejected.add_column(console.t("Element", "Item"), overflow="fold")
    rejected.add_column(console.t("Felt", "Field"), overflow="fold")
    rejected.add_column(console.t("Årsak", "Reason"), ratio=1)
    rejected.add_column(console.t("Løsning", "Fix"), ratio=1)
    for rejection in report.rejections:
        message = rejection.message
        rejected.add_row(
            escape(rejection.item),
            escape(rejection.field or ""),
            escape(console.text(message)),
            escape(console.fix(message)),
        )
    console.print(rejected)


@app.command(
    "import",
    help=h(
        "Importer kunder, varer, fakturaer og dagsoppgjør fra fil.",
        "Import customers, products, invoices and day sales from a file.",
    ),
)
def import_command(
    file: Annotated[Path, typer.Argument(help=h("JSON- eller CSV-fil.", "JSON or CSV file."))],
    kind: Annotated[
        str | None,
        typer.Option(
            help=h(
                "CSV: customers, productClasses, products, invoices, daySales eller hours "
                "(ellers fra overskriften).",
                "CSV: customers, productClasses, products, invoices, daySales or hours "
                "(else from the header).",
            )
        ),
    ] = None,
    connection: ConnectionOption = None,
) -> None:
    console = console_()
    try:
        canonical_kind = kind_name(kind) if kind else None
    except ValueError:
        allowed = ", ".join(KINDS)
        raise _fail(console, render("intake_kind_unknown", path=file, value=kind, allowed=allowed)) from None
    try:
        loaded = read_file(file, canonical_kind)
    except IntakeFileError as exc:
        raise _fail(console, exc.message) from None
    items = loaded.items
    # Which encoding was used, so wrong æøå can be traced to the file and not the import.
    print_message(
        console, render("intake_encoding_used", encoding=loaded.encoding_name), style="dim", fix=False
    )

    cfg = settings()
    with open_store(cfg) as database:
        connection_id = resolve_connection(database, cfg, connection, console).id
        total = sum(len(items.get(name, [])) for name in KINDS)
        # A bar on a terminal, plain lines when piped; small files go too fast to need either.
        with progress(console, "Import", shown=total >= 1000) as update:

            def on_progress(name: str, done: int, of: int) -> None:
                update(console.t(*_KIND_LABELS[name]), done, of)

            report = import_data(database, connection_id, items, on_progress=on_progress)
    _print_report(console, report)
    raise typer.Exit(EXIT_OK if report.all_accepted else EXIT_REJECTED)


_LIMIT_LABELS = {
    "max_invoice_total": ("--max-invoice-total (sum per faktura)", "--max-invoice-total (total per invoice)"),
    "max_quantity": ("--max-quantity (antall per linje)", "--max-quantity (quantity per line)"),
    "max_unit_price": ("--max-unit-price (enhetspris)", "--max-unit-price (unit price)"),
}


def _limit_option(out: Out, name: str, value: str | None) -> Decimal | None:
    if value is None:
        return None
    try:
        return read_decimal(value)
    except FieldProblem:
        raise _fail(out, render("intake_limit_invalid", name=name, value=shown(value))) from None


@app.command(
    "import-limits",
    help=h("Vis eller endre importens grenser.", "Show or change the import's sanity limits."),
)
def import_limits_command(
    max_invoice_total: Annotated[
        str | None,
        typer.Option(
            help=h("Høyeste sum per faktura, f.eks. 250000000.", "Highest total per invoice, e.g. 250000000.")
        ),
    ] = None,
    max_quantity: Annotated[
        str | None, typer.Option(help=h("Høyeste antall per linje.", "Highest quantity per line."))
    ] = None,
    max_unit_price: Annotated[
        str | None, typer.Option(help=h("Høyeste enhetspris.", "Highest unit price."))
    ] = None,
    reset: Annotated[bool, typer.Option(help=h("Tilbake til standard.", "Back to the defaults."))] = False,
    connection: ConnectionOption = None,
) -> None:
    console = console_()
    given = {
        "max_invoice_total": _limit_option(console, "--max-invoice-total", max_invoice_total),
        "max_quantity": _limit_option(console, "--max-quantity", max_quantity),
        "max_unit_price": _limit_option(console, "--max-unit-price", max_unit_price),
    }
    cfg = settings()
    with open_store(cfg) as database:
        connection_id = resolve_connection(database, cfg, connection, console).id
        try:
            limits = set_intake_limits(database, connection_id, reset=reset, **given)
        except IntakeLimitError as exc:
            raise _fail(console, exc.message) from None
    table = Table(title=console.t("Importgrenser", "Import limits"))
    table.add_column(console.t("Grense", "Limit"))
    table.add_column(console.t("Verdi", "Value"), justify="right")
    table.add_column(console.t("Standard", "Default"), justify="right")
    default = IntakeLimits()
    for name, label in _LIMIT_LABELS.items():
        table.add_row(
            console.t(*label),
            f"{getattr(limits, name):,}".replace(",", " "),
            f"{getattr(default, name):,}".replace(",", " "),
        )
    console.print(table)
