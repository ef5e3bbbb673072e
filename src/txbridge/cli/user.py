"""``txbridge user add|list``: the people who sign in to the admin web app."""

from __future__ import annotations

import os
from typing import Annotated

import typer
from rich.table import Table

from txbridge.cli import app
from txbridge.cli.connection import EXIT_USAGE, console, fail, open_store, settings
from txbridge.flows import accounts
from txbridge.store import UserRole

user_app = typer.Typer(
    help="Brukere av admin-nettappen. Users of the admin web app.",
    no_args_is_help=True,
)
app.add_typer(user_app, name="user")


@user_app.command("add")
def add(
    username: Annotated[str, typer.Argument(help="Brukernavn / username.")],
    admin: Annotated[
        bool, typer.Option("--admin", help="Rollen admin (ellers support) / admin role.")
    ] = False,
    language: Annotated[str, typer.Option(help="nb eller/or en.")] = "nb",
    password_reset: Annotated[
        bool,
        typer.Option("--password-reset", help="Nytt passord for en bruker som finnes / new password."),
    ] = False,
) -> None:
    """Lag en bruker (spør etter passordet). Make a user (asks for the password).

    The password can also come from TXBRIDGE_USER_PASSWORD (for scripts); it is never printed."""
    out = console()
    password = os.environ.get("TXBRIDGE_USER_PASSWORD") or typer.prompt(
        "Passord / password", hide_input=True, confirmation_prompt=True
    )
    role = UserRole.ADMIN if admin else UserRole.SUPPORT
    with open_store(settings()) as database:
        try:
            user = accounts.add_user(
                database, username, password, role=role, language=language, replace_password=password_reset
            )
        except accounts.AccountError as exc:
            fail(out, exc.message, EXIT_USAGE)
    out.print(
        f"[bold green]Bruker {user.username} ({user.role.value}) er klar[/] / "
        f"User {user.username} ({user.role.value}) is ready"
    )


@user_app.command("list")
def list_() -> None:
    """Vis brukerne. List the users."""
    out = console()
    with open_store(settings()) as database:
        users = accounts.list_users(database)
    table = Table(title="Brukere / Users")
    for header in (
        "Brukernavn / Username",
        "Rolle / Role",
        "Språk / Language",
        "Sist innlogget / Last sign-in",
    ):
        table.add_column(header)
    for user in users:
        seen = user.last_sign_in_at.strftime("%Y-%m-%d %H:%M") if user.last_sign_in_at else "-"
        table.add_row(user.username, user.role.value, user.language, seen)
    out.print(table)
