"""``txbridge import FILE``: host data into the store, item by item.

Exit codes: 0 every item went in, 1 some items were rejected (the rest went in), 2 nothing was
imported (unreadable file, no such connection)."""

from __future__ import annotations

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
from txbridge.flows.intake import KINDS, ImportReport, IntakeFileError, import_data, kind_name, load_file

EXIT_OK = 0
EXIT_REJECTED = 1
EXIT_NOTHING_IMPORTED = EXIT_USAGE

_KIND_LABELS = {
    "productClasses": ("Varegrupper", "Product classes"),
    "customers": ("Kunder", "Customers"),
    "products": ("Varer", "Products"),
    "invoices": ("Fakturaer", "Invoices"),
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
        "Importer kunder, varer og fakturaer fra fil.", "Import customers, products and invoices from a file."
    ),
)
def import_command(
    file: Annotated[Path, typer.Argument(help=h("JSON- eller CSV-fil.", "JSON or CSV file."))],
    kind: Annotated[
        str | None,
        typer.Option(
            help=h(
                "CSV: customers, productClasses, products eller invoices (ellers fra overskriften).",
                "CSV: customers, productClasses, products or invoices (else from the header).",
            )
        ),
    ] = None,
    connection: ConnectionOption = None,
) -> None:
    console = console_()
    try:
        canonical_kind = kind_name(kind) if kind else None
        items = load_file(file, canonical_kind)
    except ValueError as exc:
        raise _fail(console, render("intake_bad_file", path=file, reason=str(exc))) from None
    except IntakeFileError as exc:
        raise _fail(console, exc.message) from None

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
