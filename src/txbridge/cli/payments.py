"""``txbridge payments refresh``: paid / credited / outstanding for exported invoices."""

from __future__ import annotations

import typer
from rich.table import Table

from txbridge.cli import app
from txbridge.cli.connection import ConnectionOption, console, fail, open_store, resolve_connection, settings
from txbridge.cli.ui import h
from txbridge.flows import connections
from txbridge.flows.export import refresh_payments
from txbridge.tripletex import TripletexError

payments_app = typer.Typer(
    help=h("Betalingsstatus fra Tripletex.", "Payment status from Tripletex."), no_args_is_help=True
)
app.add_typer(payments_app, name="payments")


@payments_app.command(
    "refresh",
    help=h(
        "Les utestående beløp for eksporterte fakturaer.",
        "Read the amounts outstanding for exported invoices.",
    ),
)
def refresh(connection: ConnectionOption = None) -> None:
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        found = resolve_connection(database, cfg, connection, out)
        if found.blocked_by is not None:
            fail(out, found.blocked_by)
        try:
            result = refresh_payments(database, cfg, found.id)
        except connections.ConnectionFlowError as exc:
            fail(out, exc.message)
        except TripletexError as exc:
            fail(out, connections.message_for_error(exc, found.base_url))
    table = Table(title=out.t("Betalingsstatus", "Payment status"))
    for header in (
        out.t("Sjekket", "Checked"),
        out.t("Betalt", "Paid"),
        out.t("Kreditert", "Credited"),
        out.t("Utestående", "Outstanding"),
        out.t("Ikke funnet", "Not found"),
        out.t("API-kall", "API calls"),
    ):
        table.add_column(header, justify="right")
    table.add_row(
        *(
            str(v)
            for v in (
                result.checked,
                result.paid,
                result.credited,
                result.outstanding,
                result.not_found,
                result.api_calls,
            )
        )
    )
    out.print(table)
