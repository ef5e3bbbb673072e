"""``txbridge secrets new-key|rotate``: the key that encrypts stored tokens."""

from __future__ import annotations

import typer

from txbridge.cli import app
from txbridge.cli.connection import EXIT_ITEMS_FAILED, console, open_store, print_message, settings
from txbridge.flows import connections as flow
from txbridge.store import TokenCipher

secrets_app = typer.Typer(
    help="Nøkkelen for tokens / the token key (TXBRIDGE_SECRET_KEY, TXBRIDGE_OLD_SECRET_KEYS).",
    no_args_is_help=True,
)
app.add_typer(secrets_app, name="secrets")


@secrets_app.command("new-key")
def new_key() -> None:
    """Skriv ut en ny nøkkel for TXBRIDGE_SECRET_KEY. Print a new key for TXBRIDGE_SECRET_KEY."""
    typer.echo(TokenCipher.generate_key().decode())


@secrets_app.command("rotate")
def rotate() -> None:
    """Krypter alle lagrede tokens på nytt med TXBRIDGE_SECRET_KEY (les med de gamle nøklene i
    TXBRIDGE_OLD_SECRET_KEYS). Encrypt every stored token again with TXBRIDGE_SECRET_KEY (read with
    the old keys in TXBRIDGE_OLD_SECRET_KEYS)."""
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        result = flow.rotate_token_key(database, cfg)
    for refused in result.refused:
        print_message(out, refused)
    print_message(out, result.message(), style="bold green" if not result.refused else "yellow", fix=False)
    if result.refused:
        raise typer.Exit(EXIT_ITEMS_FAILED)
