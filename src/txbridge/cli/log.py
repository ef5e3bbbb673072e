"""``txbridge log``: the integration log, newest first."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from txbridge.cli import app
from txbridge.cli.connection import ConnectionOption, console, open_store, resolve_connection, settings
from txbridge.store import LogLevel, queries

_LEVEL_STYLE = {LogLevel.INFO: "", LogLevel.WARNING: "yellow", LogLevel.ERROR: "bold red"}
_LEVEL_LABEL = {LogLevel.INFO: "Info", LogLevel.WARNING: "Advarsel / Warning", LogLevel.ERROR: "Feil / Error"}


@app.command("log")
def log(
    connection: ConnectionOption = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Antall linjer / entries.")] = 50,
    invoice: Annotated[str | None, typer.Option(help="Bare denne fakturaen / only this invoice.")] = None,
    batch: Annotated[int | None, typer.Option(help="Bare denne bunten / only this batch.")] = None,
) -> None:
    """Vis integrasjonsloggen (nyeste først). Show the integration log (newest first)."""
    out = console()
    cfg = settings()
    object_type, object_key = (
        ("invoice", invoice)
        if invoice is not None
        else ("batch", str(batch))
        if batch is not None
        else (None, None)
    )
    with open_store(cfg) as database:
        found = resolve_connection(database, cfg, connection, out)
        with database.transaction() as session:
            entries = queries.log_entries(
                session, found.id, object_type=object_type, object_key=object_key, limit=limit
            )
    if not entries:
        out.print("Loggen er tom. / The log is empty.")
        return
    table = Table(title=f"Integrasjonslogg / Integration log — {found.name}")
    for header in ("Tid / At (UTC)", "Nivå / Level", "Objekt / Object", "Melding / Message", "Id"):
        table.add_column(header)
    for entry in entries:
        style = _LEVEL_STYLE[entry.level]
        subject = f"{entry.object_type or ''} {entry.object_key or ''}".strip()
        text = (
            entry.message
            if not entry.detail or entry.detail == entry.message
            else f"{entry.message}\n[dim]{entry.detail}[/]"
        )
        table.add_row(
            entry.at.strftime("%Y-%m-%d %H:%M:%S"),
            f"[{style}]{_LEVEL_LABEL[entry.level]}[/]" if style else _LEVEL_LABEL[entry.level],
            subject,
            text,
            entry.message_id or "",
        )
    out.print(table)
