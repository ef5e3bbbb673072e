"""``txbridge connect`` and ``txbridge connection show|approve|reactivate``.

Also holds what every export-side command shares: exit codes, opening the store, picking the
connection, printing a catalog message in the user's language with the fix for the command.

Exit codes (for scripts): 0 ok, 1 some items failed, 2 usage or configuration error (no such
connection/batch, bad option), 3 the integration cannot work now (authentication failed, error state,
token expired, not approved, Tripletex unreachable, the database unreachable or busy), 70 a fault in
txbridge itself (the report file is named)."""

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
from typer._click.core import ParameterSource

from txbridge.catalog import Message, render
from txbridge.cli import app
from txbridge.cli.ui import Out, configured_language, escape, h
from txbridge.cli.ui import console as _console
from txbridge.flows import connections as flow
from txbridge.flows.views import connections as view
from txbridge.flows.views.connections import ConnectionRow
from txbridge.settings import Settings, load_settings
from txbridge.store import ConnectionState, Database, Environment, mask_token

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
    typer.Option(
        "--connection",
        "-c",
        help=h("Tilkoblingens navn (TXBRIDGE_CONNECTION).", "The connection's name (TXBRIDGE_CONNECTION)."),
    ),
]

_STATE_STYLE = {
    ConnectionState.ACTIVE: "green",
    ConnectionState.PENDING_APPROVAL: "yellow",
    ConnectionState.ERROR: "bold red",
    ConnectionState.TOKEN_EXPIRED: "bold red",
}
_STATE_LABEL = {
    ConnectionState.ACTIVE: ("aktiv", "active"),
    ConnectionState.PENDING_APPROVAL: ("venter på godkjenning", "waiting for approval"),
    ConnectionState.ERROR: ("feiltilstand", "error state"),
    ConnectionState.TOKEN_EXPIRED: ("nøkkelen er utløpt", "token expired"),
}


# --------------------------------------------------------------------------------------------------
# Shared by the export-side commands
# --------------------------------------------------------------------------------------------------


def console() -> Out:
    """The screen of the command being run, in the user's language."""
    return _console()


def exit_code_for(message: Message) -> int:
    return EXIT_INTEGRATION if message.id in INTEGRATION_MESSAGE_IDS else EXIT_USAGE


def print_message(out: Console, message: Message, *, style: str = "bold red", fix: bool = True) -> None:
    """A catalog message as users read it: the text, then the fix for the command that failed."""
    if isinstance(out, Out):
        out.message(message, style=style, fix=fix)
        return
    language = configured_language()
    out.print(f"[{style}]{escape(message.text(language))}[/]")
    if fix:
        out.print(f"[dim]→ {escape(message.fix(language))}[/]")


def fail(out: Console, message: Message, code: int | None = None) -> NoReturn:
    print_message(out, message)
    raise typer.Exit(exit_code_for(message) if code is None else code)


def usage_error(out: Console, nb: str, en: str) -> NoReturn:
    text = en if (out.language if isinstance(out, Out) else configured_language()) == "en" else nb
    out.print(f"[bold red]{escape(text)}[/]")
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


def resolve_connection(database: Database, cfg: Settings, name: str | None, out: Console) -> ConnectionRow:
    """The connection named, else the default from settings, else the only one there is."""
    wanted = name or cfg.connection or None
    existing = view.list_connections(database)
    if wanted is not None:
        for row in existing:
            if row.name == wanted:
                return row
        fail(out, render("connection_not_found", connection=wanted), EXIT_USAGE)
    if len(existing) == 1:
        return existing[0]
    if not existing:
        fail(out, render("no_connections"), EXIT_USAGE)
    fail(out, render("several_connections", names=", ".join(c.name for c in existing)), EXIT_USAGE)


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


@app.command(
    help=h(
        "Koble til et Tripletex-selskap (tester tilkoblingen først). Uten nøklene spør den etter dem "
        "uten å vise dem.",
        "Connect a Tripletex company (tests the connection first). Without the tokens it asks for them "
        "without showing them.",
    )
)
def connect(
    ctx: typer.Context,
    environment: Annotated[
        Environment | None,
        typer.Option(
            "--environment",
            "-e",
            help=h(
                "test, production eller sandbox (standard: test; sandbox med --base-url).",
                "test, production or sandbox (default: test; sandbox with --base-url).",
            ),
            show_default=False,
        ),
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option(help=h("API-adresse, f.eks. sandkassens.", "API address, e.g. the sandbox's.")),
    ] = None,
    consumer_token: Annotated[
        str | None,
        typer.Option(
            envvar="TXBRIDGE_CONSUMER_TOKEN",
            help=h(
                "Forbrukernøkkel; helst fra miljøet eller spørsmålet, ikke kommandolinjen.",
                "Consumer token; best from the environment or the prompt, not the command line.",
            ),
            show_default=False,
        ),
    ] = None,
    employee_token: Annotated[
        str | None,
        typer.Option(
            envvar="TXBRIDGE_EMPLOYEE_TOKEN",
            help=h(
                "Ansattnøkkel; helst fra miljøet eller spørsmålet, ikke kommandolinjen.",
                "Employee token; best from the environment or the prompt, not the command line.",
            ),
            show_default=False,
        ),
    ] = None,
    name: Annotated[
        str | None, typer.Option("--name", "-n", help=h("Navn på tilkoblingen.", "The connection's name."))
    ] = None,
    company_id: Annotated[
        int,
        typer.Option(
            help=h("0 = eget selskap; ellers klientens id.", "0 = own company; else the client's id.")
        ),
    ] = 0,
    token_expires_on: Annotated[
        str | None,
        typer.Option(
            "--expires",
            help=h("Ansattnøkkelens utløpsdato (ÅÅÅÅ-MM-DD).", "The employee token's expiry (YYYY-MM-DD)."),
        ),
    ] = None,
    approve: Annotated[
        bool, typer.Option("--approve", help=h("Godkjenn med en gang.", "Approve at once."))
    ] = False,
) -> None:
    out = console()
    cfg = settings()
    typed = [
        name
        for name in ("consumer_token", "employee_token")
        if ctx.get_parameter_source(name) is ParameterSource.COMMANDLINE
    ]
    if typed:
        # Visible in `ps` and the shell history: say so, then go on (the user asked for it).
        out.message(render("token_on_command_line"), style="yellow")
    expires: date | None = None
    if token_expires_on:
        try:
            expires = date.fromisoformat(token_expires_on)
        except ValueError:
            fail(out, render("invalid_date", value=token_expires_on), EXIT_USAGE)
    # A bare --base-url points at a sandbox; otherwise the test environment is the safe default.
    environment = environment or (Environment.SANDBOX if base_url else Environment.TEST)
    if environment is Environment.SANDBOX and not base_url:
        fail(out, render("sandbox_needs_base_url"), EXIT_USAGE)
    # Hidden prompts: tokens never echo on screen and never land in shell history.
    consumer = consumer_token or typer.prompt(out.t("Forbrukernøkkel", "Consumer token"), hide_input=True)
    employee = employee_token or typer.prompt(out.t("Ansattnøkkel", "Employee token"), hide_input=True)
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
        row = view.connection_detail(database, connection.id)
    out.print(f"[bold green]{out.t('Tilkoblet', 'Connected to')} {escape(row.company_name or '-')}[/]")
    out.print(
        f"{out.t('Forbrukernøkkel', 'Consumer token')}: {mask_token(consumer)}   "
        f"{out.t('Ansattnøkkel', 'Employee token')}: {mask_token(employee)}"
    )
    if row.state is ConnectionState.PENDING_APPROVAL:
        # The same words and command as an export stopped by the missing approval.
        out.message(render("connection_pending_approval", connection=row.name), style="yellow")
    _warn_expiry(out, row)


def _warn_expiry(out: Out, row: ConnectionRow) -> None:
    if row.expiry_warning is not None:
        out.message(row.expiry_warning, style="yellow")


# --------------------------------------------------------------------------------------------------
# txbridge connection …
# --------------------------------------------------------------------------------------------------

connection_app = typer.Typer(
    help=h("Vis, godkjenn og aktiver tilkoblinger.", "Show, approve and reactivate connections."),
    no_args_is_help=True,
)
app.add_typer(connection_app, name="connection")


def connection_card(out: Out, row: ConnectionRow) -> Table:
    """One connection as label/value lines: reads at any width (a URL is folded, never cut)."""
    card = Table.grid(padding=(0, 2))
    card.add_column(style="bold", no_wrap=True)
    card.add_column(overflow="fold")
    state_nb, state_en = _STATE_LABEL[row.state]
    # Company id 0 is how Tripletex says "the token's own company".
    company = (
        f"{row.company_name or '-'} ({row.tripletex_company_id or out.t('eget selskap', 'own company')})"
    )
    expires = (
        "-"
        if row.token_expires is None
        else f"{row.token_expires.isoformat()} ({row.days_to_expiry} {out.t('dager', 'days')})"
    )
    last = row.last_export_at.strftime("%Y-%m-%d %H:%M") if row.last_export_at else "-"
    for label, value in (
        (out.t("Navn", "Name"), escape(row.name)),
        (out.t("Selskap", "Company"), escape(company)),
        (out.t("Miljø", "Environment"), row.environment.value),
        (out.t("Status", "State"), f"[{_STATE_STYLE[row.state]}]{out.t(state_nb, state_en)}[/]"),
        (out.t("Feil på rad", "Failures in a row"), str(row.recent_failures)),
        (out.t("Siste eksport", "Last export"), last),
        (out.t("Forbrukernøkkel", "Consumer token"), row.consumer_token_hint),
        (out.t("Ansattnøkkel", "Employee token"), row.employee_token_hint),
        (out.t("Utløper", "Expires"), expires),
        (out.t("Adresse", "Address"), escape(row.base_url)),
    ):
        card.add_row(label, value)
    return card


@connection_app.command(
    "show", help=h("Vis tilkoblingene (nøkler maskert).", "Show connections (tokens masked).")
)
def show(connection: ConnectionOption = None) -> None:
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        rows = (
            [resolve_connection(database, cfg, connection, out)]
            if connection is not None
            else view.list_connections(database)
        )
    if not rows:
        fail(out, render("no_connections"), EXIT_USAGE)
    for i, row in enumerate(rows):
        if i:
            out.print()
        out.print(connection_card(out, row))
        if row.state is ConnectionState.ERROR and row.blocked_by is not None:
            out.message(row.blocked_by)
        _warn_expiry(out, row)


@connection_app.command("approve", help=h("Godkjenn en testet tilkobling.", "Approve a tested connection."))
def approve_command(connection: ConnectionOption = None) -> None:
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        found = resolve_connection(database, cfg, connection, out)
        try:
            flow.approve(database, found.id)
        except flow.ConnectionFlowError as exc:
            fail(out, exc.message)
        approved = view.connection_detail(database, found.id)
    state = out.t(*_STATE_LABEL[approved.state])
    out.print(f"{out.t('Tilkobling', 'Connection')} {escape(approved.name)}: {state}")
    if approved.state is not ConnectionState.ACTIVE:
        fail(out, approved.blocked_by or render("connection_pending_approval", connection=approved.name))


@connection_app.command(
    "reactivate",
    help=h(
        "Test tilkoblingen og aktiver den igjen (forlater feiltilstand).",
        "Test the connection and make it active again (leaves the error state).",
    ),
)
def reactivate(connection: ConnectionOption = None) -> None:
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        found = resolve_connection(database, cfg, connection, out)
        try:
            active = flow.reactivate(database, cfg, found.id)
        except flow.ConnectionFlowError as exc:
            fail(out, exc.message)
    out.print(
        "[bold green]"
        + out.t(
            f"Tilkobling {escape(active.name)} er aktiv ({escape(active.company_name or '-')})",
            f"Connection {escape(active.name)} is active ({escape(active.company_name or '-')})",
        )
        + "[/]"
    )
