"""The ``txbridge`` command. Each command group lives in its own module and registers itself here."""

from __future__ import annotations

import os
from typing import Annotated

import typer

app = typer.Typer(
    name="txbridge",
    help="Tripletex Bridge — send invoices, hours and sales to Tripletex, once and only once.",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def root(
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            envvar="TXBRIDGE_DATABASE_URL",
            help="Databasen / the store (sqlite:///… or postgresql+psycopg://…).",
            show_default=False,
        ),
    ] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Driftslogg på stderr / operators' log on stderr (DEBUG).")
    ] = False,
    log_level: Annotated[
        str | None,
        typer.Option(
            "--log-level",
            envvar="TXBRIDGE_LOG_LEVEL",
            help="Nivå for driftsloggen / operators' log level (standard/default: ERROR).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Tripletex Bridge."""
    from txbridge.cli.waits import configure_logging

    configure_logging(verbose, log_level)
    if database_url:
        # Commands read their settings from the environment; the global option is one more source.
        os.environ["TXBRIDGE_DATABASE_URL"] = database_url


@app.command()
def version() -> None:
    """Print the version."""
    from txbridge import __version__

    typer.echo(__version__)


def _register() -> None:
    # Command groups are imported lazily so `txbridge --help` stays fast and a broken optional
    # group never hides the others.
    import importlib

    names = ("sandbox", "intake", "connection", "batch", "diagnose", "log", "payments", "db", "secrets")
    for name in (*names, "jobs", "worker"):
        try:
            importlib.import_module(f"txbridge.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"txbridge.cli.{name}":
                raise


def main() -> None:
    _register()
    from txbridge.store import StoreSetupError

    try:
        app()
    except StoreSetupError as exc:
        # The store cannot start as configured (schema not upgraded, token key missing): the catalog
        # message and its fix, not a traceback.
        from txbridge.cli.connection import EXIT_USAGE, console, print_message

        print_message(console(), exc.message)
        raise SystemExit(EXIT_USAGE) from None
