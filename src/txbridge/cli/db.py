"""``txbridge db upgrade|status``: the database schema, changed once by an operator, not by every
process that opens the database (on PostgreSQL many workers do)."""

from __future__ import annotations

import importlib

import typer

from txbridge.catalog import render
from txbridge.cli import app
from txbridge.cli.connection import EXIT_INTEGRATION, console, fail, print_message, settings
from txbridge.store import Database, StoreSetupError
from txbridge.store.database import head_revision

db_app = typer.Typer(
    help="Databasens skjema / the database schema (upgrade once, then start the workers).",
    no_args_is_help=True,
)
app.add_typer(db_app, name="db")

#: Modules that register schema steps of their own (see store.database.register_schema_step).
SCHEMA_STEP_MODULES = ("txbridge.jobs.api",)


def _load_schema_steps() -> None:
    for name in SCHEMA_STEP_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name is None or not name.startswith(exc.name):
                raise


@db_app.command("upgrade")
def upgrade() -> None:
    """Oppgrader skjemaet (én gang, fra én maskin). Upgrade the schema (once, from one machine)."""
    out = console()
    _load_schema_steps()
    database = Database(settings())
    try:
        previous = database.upgrade()
    finally:
        database.dispose()
    print_message(
        out,
        render("database_upgraded", head=head_revision() or "-", previous=previous or "-"),
        style="bold green",
        fix=False,
    )


@db_app.command("status")
def status() -> None:
    """Si om skjemaet er oppgradert (exit 3 hvis ikke). Tell whether it is upgraded (exit 3 if not)."""
    out = console()
    _load_schema_steps()
    database = Database(settings())
    try:
        database.require_current()
    except StoreSetupError as exc:
        fail(out, exc.message, EXIT_INTEGRATION)
    finally:
        database.dispose()
    out.print(f"[green]Databasen er oppgradert ({head_revision()}).[/]\nThe database is upgraded.")
