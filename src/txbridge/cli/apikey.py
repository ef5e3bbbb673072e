"""``txbridge apikey add|list|revoke``: the REST API's keys, one per vendor system."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from txbridge.cli import app
from txbridge.cli.connection import EXIT_USAGE, console, fail, open_store, resolve_connection, settings
from txbridge.cli.ui import h
from txbridge.flows import apikeys
from txbridge.flows.views import connections as connection_views

apikey_app = typer.Typer(
    help=h(
        "API-nøkler til REST-API-et (én per leverandørsystem).",
        "Keys to the REST API (one per vendor system).",
    ),
    no_args_is_help=True,
)
app.add_typer(apikey_app, name="apikey")


@apikey_app.command(
    "add", help=h("Lag en API-nøkkel; den vises én gang.", "Make an API key; it is shown once.")
)
def add(
    name: Annotated[str, typer.Argument(help=h("Navn på leverandørsystemet.", "The vendor system's name."))],
    connection: Annotated[
        list[str] | None,
        typer.Option(
            "--connection",
            "-c",
            help=h("Tilkobling nøkkelen gjelder (kan gjentas).", "A connection it covers (repeatable)."),
            show_default=False,
        ),
    ] = None,
    scope: Annotated[
        list[str] | None,
        typer.Option(
            "--scope",
            help=h("read, intake, export, admin (kan gjentas; standard: read intake export).", "Repeatable."),
            show_default=False,
        ),
    ] = None,
    created_by: Annotated[
        str | None, typer.Option("--by", help=h("Hvem som lager den.", "Who makes it (for the record)."))
    ] = None,
) -> None:
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        # No --connection: the default one (settings), else the only one there is.
        wanted: list[str | None] = list(connection) if connection else [None]
        ids = [resolve_connection(database, cfg, name_, out).id for name_ in wanted]
        try:
            made = apikeys.create_key(
                database,
                name,
                connection_ids=ids,
                scopes=scope or apikeys.DEFAULT_SCOPES,
                created_by=created_by,
            )
        except apikeys.ApiKeyError as exc:
            fail(out, exc.message, EXIT_USAGE)
    scopes = " ".join(s for s in apikeys.SCOPES if s in made.info.scopes)
    made_line = out.t(f"API-nøkkel {made.info.name} er laget", f"API key {made.info.name} is made")
    out.print(f"[bold green]{made_line}[/] ({scopes})")
    out.print(
        out.t(
            "Nøkkelen vises bare nå; lagre den i leverandørsystemet.",
            "The key is shown only now; store it in the vendor system.",
        )
    )
    # Plain print: no markup, no wrapping, so the key can be copied or piped whole.
    typer.echo(made.secret)


@apikey_app.command(
    "list", help=h("Vis nøklene (aldri selve nøkkelen).", "List the keys (never the key itself).")
)
def list_() -> None:
    out = console()
    with open_store(settings()) as database:
        keys = apikeys.list_keys(database)
        names = {row.id: row.name for row in connection_views.list_connections(database)}
    table = Table(title=out.t("API-nøkler", "API keys"))
    for header in (
        out.t("Navn", "Name"),
        out.t("Prefiks", "Prefix"),
        out.t("Tillatelser", "Scopes"),
        out.t("Tilkoblinger", "Connections"),
        out.t("Sist brukt", "Last used"),
        "Status",
    ):
        table.add_column(header)
    for key in keys:
        used = key.last_used_at.strftime("%Y-%m-%d %H:%M") if key.last_used_at else "-"
        state = out.t("aktiv", "active") if key.active else out.t("trukket", "revoked")
        table.add_row(
            key.name,
            f"txb_{key.prefix}_…",
            " ".join(s for s in apikeys.SCOPES if s in key.scopes),
            ", ".join(names.get(c, str(c)) for c in key.connection_ids),
            used,
            state,
        )
    out.print(table)


@apikey_app.command(
    "revoke",
    help=h("Trekk tilbake en nøkkel; den virker ikke lenger.", "Revoke a key; it stops working at once."),
)
def revoke(
    key: Annotated[str, typer.Argument(help=h("Navn eller prefiks.", "Name or prefix."))],
) -> None:
    out = console()
    with open_store(settings()) as database:
        try:
            info = apikeys.revoke_key(database, key)
        except apikeys.ApiKeyError as exc:
            fail(out, exc.message, EXIT_USAGE)
    revoked = out.t(f"API-nøkkel {info.name} er trukket tilbake", f"API key {info.name} is revoked")
    out.print(f"[bold]{revoked}[/]")
