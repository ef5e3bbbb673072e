"""``txbridge hours close --period 2026-10``: the month's new hours and corrections into a batch.

The batch is then exported like any other (``txbridge batch export BATCH``); ``txbridge diagnose
hours ID`` explains one hour. Exit codes: 0 a batch was made, 1 nothing to send, 2 usage."""

from __future__ import annotations

from typing import Annotated

import typer

from txbridge.catalog import render
from txbridge.cli import app
from txbridge.cli.connection import (
    EXIT_ITEMS_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    ConnectionOption,
    console,
    fail,
    open_store,
    resolve_connection,
    settings,
)
from txbridge.cli.ui import h
from txbridge.flows.hours.batches import close_hours_batch

hours_app = typer.Typer(
    help=h("Timer fra timesystemet til Tripletex.", "Hours from the time system to Tripletex."),
    no_args_is_help=True,
)
app.add_typer(hours_app, name="hours")


@hours_app.command(
    "close",
    help=h(
        "Legg månedens nye og endrede timer i en bunt.",
        "Put the month's new and changed hours in a batch.",
    ),
)
def close(
    period: Annotated[
        str,
        typer.Option("--period", "-p", help=h("Måned (ÅÅÅÅ-MM).", "Month (YYYY-MM).")),
    ],
    connection: ConnectionOption = None,
) -> None:
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        found = resolve_connection(database, cfg, connection, out)
        try:
            result = close_hours_batch(database, found.id, period)
        except ValueError:
            fail(out, render("invalid_period", period=period), EXIT_USAGE)
    if result.batch_id is None:
        out.print(out.t(f"Ingen timer å sende for {period}.", f"No hours to send for {period}."))
        raise typer.Exit(EXIT_ITEMS_FAILED)
    out.batch = result.batch_id
    out.print(
        "[bold green]"
        + out.t(
            f"Bunt {result.batch_id} for {period}: {result.new} nye timer, {result.corrections} rettinger",
            f"Batch {result.batch_id} for {period}: {result.new} new hours, {result.corrections} corrections",
        )
        + "[/]"
    )
    out.print(
        out.t(
            f"Eksporter med `txbridge batch export {result.batch_id}`.",
            f"Export with `txbridge batch export {result.batch_id}`.",
        )
    )
    raise typer.Exit(EXIT_OK)
