"""``txbridge user add|list``: the people who sign in to the admin web app."""

from __future__ import annotations

import os
from typing import Annotated

import typer
from rich.table import Table

from txbridge.cli import app
from txbridge.cli.connection import EXIT_USAGE, console, fail, open_store, settings
from txbridge.cli.ui import h
from txbridge.flows import accounts
from txbridge.store import UserRole

user_app = typer.Typer(
    help=h("Brukere av admin-nettappen.", "Users of the admin web app."),
    no_args_is_help=True,
)
app.add_typer(user_app, name="user")


@user_app.command(
    "add",
    help=h(
        "Lag en bruker (spør etter passordet, eller les TXBRIDGE_USER_PASSWORD; det vises aldri).",
        "Make a user (asks for the password, or reads TXBRIDGE_USER_PASSWORD; it is never printed).",
    ),
)
def add(
    username: Annotated[str, typer.Argument(help=h("Brukernavn.", "Username."))],
    admin: Annotated[
        bool, typer.Option("--admin", help=h("Rollen admin (ellers support).", "Admin role."))
    ] = False,
    language: Annotated[str, typer.Option(help=h("nb eller en.", "nb or en."))] = "nb",
    password_reset: Annotated[
        bool,
        typer.Option("--password-reset", help=h("Nytt passord for en bruker som finnes.", "New password.")),
    ] = False,
) -> None:
    out = console()
    password = os.environ.get("TXBRIDGE_USER_PASSWORD") or typer.prompt(
        out.t("Passord", "Password"), hide_input=True, confirmation_prompt=True
    )
    role = UserRole.ADMIN if admin else UserRole.SUPPORT
    with open_store(settings()) as database:
        try:
            user = accounts.add_user(
                database, username, password, role=role, language=language, replace_password=password_reset
            )
        except accounts.AccountError as exc:
            fail(out, exc.message, EXIT_USAGE)
    ready = out.t(
        f"Bruker {user.username} ({user.role.value}) er klar",
        f"User {user.username} ({user.role.value}) is ready",
    )
    out.print(f"[bold green]{ready}[/]")


@user_app.command("list", help=h("Vis brukerne.", "List the users."))
def list_() -> None:
    out = console()
    with open_store(settings()) as database:
        users = accounts.list_users(database)
    table = Table(title=out.t("Brukere", "Users"))
    for header in (
        out.t("Brukernavn", "Username"),
        out.t("Rolle", "Role"),
        out.t("Språk", "Language"),
        out.t("Sist innlogget", "Last sign-in"),
    ):
        table.add_column(header)
    for user in users:
        seen = user.last_sign_in_at.strftime("%Y-%m-%d %H:%M") if user.last_sign_in_at else "-"
        table.add_row(user.username, user.role.value, user.language, seen)
    out.print(table)
