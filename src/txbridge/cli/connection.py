"""``txbridge connect`` and ``txbridge connection show|approve|reactivate``.

Also holds what every export-side command shares: exit codes, opening the store, picking the
connection, printing a catalog message (bokmål first, then English).

Exit codes (for scripts): 0 ok, 1 some items failed, 2 usage or configuration error (no such
connection/batch, bad option), 3 the integration cannot work now (authentication failed, error state,
token expired, not approved, Tripletex unreachable)."""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from txbridge.catalog import Message, render
from txbridge.cli import app
from txbridge.flows import connections as flow
from txbridge.settings import Settings, load_settings
from txbridge.store import Connection, ConnectionState, Database, Environment, mask_token, queries

EXIT_OK = 0
EXIT_ITEMS_FAILED = 1
EXIT_USAGE = 2
EXIT_INTEGRATION = 3

#: Catalog ids that mean "the integration cannot work now" rather than "bad input".
INTEGRATION_MESSAGE_IDS = frozenset(
    {
        "authentication_unsuccessful",
        "integration_error_state",
        "token_expired",
        "connection_pending_approval",
        "api_unreachable",
        "too_many_requests",
        "permission_denied",
        "tripletex_server_error",
    }
)

ConnectionOption = Annotated[
    str | None,
    typer.Option("--connection", "-c", help="Tilkoblingens navn / connection name (TXBRIDGE_CONNECTION)."),
]

_STATE_STYLE = {
    ConnectionState.ACTIVE: "green",
    ConnectionState.PENDING_APPROVAL: "yellow",
    ConnectionState.ERROR: "bold red",
    ConnectionState.TOKEN_EXPIRED: "bold red",
}


# --------------------------------------------------------------------------------------------------
# Shared by the export-side commands
# --------------------------------------------------------------------------------------------------


def console() -> Console:
    return Console()


def exit_code_for(message: Message) -> int:
    return EXIT_INTEGRATION if message.id in INTEGRATION_MESSAGE_IDS else EXIT_USAGE


def print_message(out: Console, message: Message, *, style: str = "bold red", fix: bool = True) -> None:
    """A catalog message as users read it: bokmål, then English, then the fix in both."""
    out.print(f"[{style}]{message.nb}[/]")
    out.print(message.en)
    if fix:
        out.print(f"[dim]→ {message.fix_nb}\n→ {message.fix_en}[/]")


def fail(out: Console, message: Message, code: int | None = None) -> NoReturn:
    print_message(out, message)
    raise typer.Exit(exit_code_for(message) if code is None else code)


def usage_error(out: Console, nb: str, en: str) -> NoReturn:
    out.print(f"[bold red]{nb}[/]\n{en}")
    raise typer.Exit(EXIT_USAGE)


def settings() -> Settings:
    return load_settings()


@contextmanager
def open_store(cfg: Settings) -> Iterator[Database]:
    database = Database.open(cfg)
    try:
        yield database
    finally:
        database.dispose()


def resolve_connection(database: Database, cfg: Settings, name: str | None, out: Console) -> Connection:
    """The connection named, else the default from settings, else the only one there is."""
    wanted = name or cfg.connection or None
    with database.transaction() as session:
        if wanted is not None:
            found = queries.connection_by_name(session, wanted)
            if found is None:
                fail(out, render("connection_not_found", connection=wanted), EXIT_USAGE)
            return found
        existing = queries.connections(session)
    if len(existing) == 1:
        return existing[0]
    if not existing:
        fail(out, render("connection_not_found", connection="-"), EXIT_USAGE)
    names = ", ".join(c.name for c in existing)
    usage_error(
        out,
        f"Flere tilkoblinger ({names}): velg én med --connection eller TXBRIDGE_CONNECTION.",
        f"Several connections ({names}): pick one with --connection or TXBRIDGE_CONNECTION.",
    )


def actor_name(given: str | None) -> str:
    """Who an administrator action is logged as: ``--actor``, else the login name."""
    if given:
        return given
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USER") or "administrator"


# --------------------------------------------------------------------------------------------------
# txbridge connect
# --------------------------------------------------------------------------------------------------


@app.command()
def connect(
    environment: Annotated[
        Environment | None,
        typer.Option(
            "--environment",
            "-e",
            help="test, production eller/or sandbox (standard/default: test; sandbox med/with --base-url).",
            show_default=False,
        ),
    ] = None,
    base_url: Annotated[
        str | None, typer.Option(help="API-adresse, f.eks. sandkassen / API address, e.g. the sandbox.")
    ] = None,
    consumer_token: Annotated[
        str | None,
        typer.Option(
            envvar="TXBRIDGE_CONSUMER_TOKEN", help="Forbrukernøkkel / consumer token.", show_default=False
        ),
    ] = None,
    employee_token: Annotated[
        str | None,
        typer.Option(
            envvar="TXBRIDGE_EMPLOYEE_TOKEN", help="Ansattnøkkel / employee token.", show_default=False
        ),
    ] = None,
    name: Annotated[str | None, typer.Option("--name", "-n", help="Navn på tilkoblingen / name.")] = None,
    company_id: Annotated[int, typer.Option(help="0 = eget selskap; ellers klientens id / client's id.")] = 0,
    token_expires_on: Annotated[
        str | None, typer.Option("--expires", help="Ansattnøkkelens utløpsdato / token expiry (YYYY-MM-DD).")
    ] = None,
    approve: Annotated[
        bool, typer.Option("--approve", help="Godkjenn med en gang / approve at once.")
    ] = False,
) -> None:
    """Koble til et Tripletex-selskap (tester tilkoblingen først). Connect a Tripletex company."""
    out = console()
    cfg = settings()
    expires: date | None = None
    if token_expires_on:
        try:
            expires = date.fromisoformat(token_expires_on)
        except ValueError:
            usage_error(out, f"Ugyldig dato: {token_expires_on}", f"Invalid date: {token_expires_on}")
    # A bare --base-url points at a sandbox; otherwise the test environment is the safe default.
    environment = environment or (Environment.SANDBOX if base_url else Environment.TEST)
    if environment is Environment.SANDBOX and not base_url:
        usage_error(
            out,
            "Sandkassen trenger --base-url (f.eks. http://127.0.0.1:8080/v2).",
            "The sandbox needs --base-url (e.g. http://127.0.0.1:8080/v2).",
        )
    # Hidden prompts: tokens never echo on screen and never land in shell history.
    consumer = consumer_token or typer.prompt("Forbrukernøkkel / consumer token", hide_input=True)
    employee = employee_token or typer.prompt("Ansattnøkkel / employee token", hide_input=True)
    connection_name = name or cfg.connection or "default"
    with open_store(cfg) as database:
        try:
            connection = flow.connect(
                database,
                cfg,
                name=connection_name,
                environment=environment,
                consumer_token=consumer,
                employee_token=employee,
                base_url=base_url,
                company_id=company_id,
                token_expires_on=expires,
            )
            if approve:
                connection = flow.approve(database, connection.id)
        except flow.ConnectionFlowError as exc:
            fail(out, exc.message)
    out.print(f"[bold green]Tilkoblet {connection.company_name}[/] / Connected to {connection.company_name}")
    out.print(
        f"Forbrukernøkkel / consumer token: {mask_token(consumer)}   "
        f"Ansattnøkkel / employee token: {mask_token(employee)}"
    )
    if connection.state is ConnectionState.PENDING_APPROVAL:
        # The same words and command as an export stopped by the missing approval.
        print_message(out, render("connection_pending_approval", connection=connection.name), style="yellow")
    _warn_expiry(out, connection)


def _warn_expiry(out: Console, connection: Connection) -> None:
    expiry = flow.token_expiry(connection)
    if expiry is not None and expiry.warn:
        out.print(f"[yellow]{expiry.text('nb')}[/]\n{expiry.text('en')}")


# --------------------------------------------------------------------------------------------------
# txbridge connection …
# --------------------------------------------------------------------------------------------------

connection_app = typer.Typer(
    help="Vis, godkjenn og aktiver tilkoblinger. Show, approve and reactivate connections.",
    no_args_is_help=True,
)
app.add_typer(connection_app, name="connection")


@connection_app.command("show")
def show(connection: ConnectionOption = None) -> None:
    """Vis tilkoblingene (nøkler maskert). Show connections (tokens masked)."""
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        if connection is not None:
            rows = [resolve_connection(database, cfg, connection, out)]
        else:
            with database.transaction() as session:
                rows = queries.connections(session)
    if not rows:
        fail(out, render("connection_not_found", connection="-"), EXIT_USAGE)
    table = Table(title="Tilkoblinger / Connections")
    for header in (
        "Navn / Name",
        "Miljø / Env.",
        "Selskap / Company",
        "Status / State",
        "Feil på rad / Failures",
        "Forbruker / Consumer",
        "Ansatt / Employee",
        "Utløper / Expires",
        "Adresse / URL",
    ):
        # Fold rather than cut: a truncated address cannot be checked or copied.
        table.add_column(header, overflow="fold")
    for row in rows:
        expiry = flow.token_expiry(row)
        expires = "-" if expiry is None else f"{expiry.expires_on.isoformat()} ({expiry.days_left} d)"
        table.add_row(
            row.name,
            row.environment.value,
            # Company id 0 is how Tripletex says "the token's own company".
            f"{row.company_name or '-'} ({row.tripletex_company_id or 'eget / own'})",
            f"[{_STATE_STYLE[row.state]}]{row.state.value}[/]",
            str(row.consecutive_failures),
            row.consumer_token_hint,
            row.employee_token_hint,
            expires,
            row.base_url,
        )
    out.print(table)
    for row in rows:
        if row.state is ConnectionState.ERROR:
            print_message(out, flow.error_state_message(row))
        _warn_expiry(out, row)


@connection_app.command("approve")
def approve_command(connection: ConnectionOption = None) -> None:
    """Godkjenn en testet tilkobling. Approve a tested connection."""
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        found = resolve_connection(database, cfg, connection, out)
        try:
            approved = flow.approve(database, found.id)
        except flow.ConnectionFlowError as exc:
            fail(out, exc.message)
    out.print(
        f"Tilkobling {approved.name}: {approved.state.value}\n"
        f"Connection {approved.name}: {approved.state.value}"
    )
    if approved.state is not ConnectionState.ACTIVE:
        fail(
            out,
            flow.blocking_message(approved)
            or render("connection_pending_approval", connection=approved.name),
        )


@connection_app.command("reactivate")
def reactivate(connection: ConnectionOption = None) -> None:
    """Test tilkoblingen og aktiver den igjen (forlater feiltilstand). Test and reactivate."""
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        found = resolve_connection(database, cfg, connection, out)
        try:
            active = flow.reactivate(database, cfg, found.id)
        except flow.ConnectionFlowError as exc:
            fail(out, exc.message)
    out.print(
        f"[bold green]Tilkobling {active.name} er aktiv ({active.company_name})[/]\n"
        f"Connection {active.name} is active ({active.company_name})"
    )
