"""``txbridge log``: the integration log, newest first (read through :mod:`txbridge.flows.views.log`)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from txbridge.cli import app
from txbridge.cli.connection import ConnectionOption, console, open_store, resolve_connection, settings
from txbridge.cli.ui import escape, h
from txbridge.flows.views.log import list_log
from txbridge.store import LogLevel

_LEVEL_STYLE = {LogLevel.INFO: "", LogLevel.WARNING: "yellow", LogLevel.ERROR: "bold red"}
_LEVEL_LABEL = {
    LogLevel.INFO: ("Info", "Info"),
    LogLevel.WARNING: ("Advarsel", "Warning"),
    LogLevel.ERROR: ("Feil", "Error"),
}


@app.command(
    "log", help=h("Vis integrasjonsloggen (nyeste først).", "Show the integration log (newest first).")
)
def log(
    connection: ConnectionOption = None,
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, help=h("Antall linjer.", "Number of entries."))
    ] = 50,
    invoice: Annotated[
        str | None, typer.Option(help=h("Bare denne fakturaen.", "Only this invoice."))
    ] = None,
    batch: Annotated[
        int | None,
        typer.Option(help=h("Bare denne bunten og dens fakturaer.", "Only this batch and its invoices.")),
    ] = None,
    level: Annotated[
        LogLevel | None, typer.Option(help=h("Laveste nivå som vises.", "The lowest level shown."))
    ] = None,
) -> None:
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        found = resolve_connection(database, cfg, connection, out)
        page = list_log(
            database, connection_id=found.id, level=level, invoice=invoice, batch_id=batch, limit=limit
        )
    if not page.items:
        out.print(out.t("Loggen er tom.", "The log is empty."))
        return
    title = out.t(f"Integrasjonslogg — {found.name}", f"Integration log — {found.name}")
    if page.has_more:
        title += out.t(f" ({len(page.items)} av {page.total})", f" ({len(page.items)} of {page.total})")
    table = Table(title=escape(title))
    table.add_column(out.t("Tid (UTC)", "Time (UTC)"))
    table.add_column(out.t("Nivå", "Level"), no_wrap=True)
    table.add_column(out.t("Gjelder", "Object"), overflow="fold")
    table.add_column(out.t("Melding", "Message"), ratio=1)
    for row in page.items:
        style = _LEVEL_STYLE[row.level]
        label = out.t(*_LEVEL_LABEL[row.level])
        text = escape(out.text(row.message))
        if row.level is LogLevel.ERROR:
            text += f"\n[dim]→ {escape(out.fix(row.message, row.batch_id))}[/]"
        table.add_row(
            row.at.strftime("%Y-%m-%d %H:%M:%S"),
            f"[{style}]{label}[/]" if style else label,
            escape(f"{row.object_type or ''} {row.object_key or ''}".strip()),
            text,
        )
    out.print(table)
