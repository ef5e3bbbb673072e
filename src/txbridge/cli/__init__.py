"""The ``txbridge`` command. Each command group lives in its own module and registers itself here.

Everything a user reads comes in one language (``--lang nb|en``, ``TXBRIDGE_LANGUAGE``; bokmål by
default), help texts included. No command shows a traceback: see :mod:`txbridge.cli.failures`."""

from __future__ import annotations

import enum
import os
import re
import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer
from typer._click.core import Context
from typer._click.exceptions import ClickException
from typer.core import TyperGroup

from txbridge.cli.ui import Out, configured_language, current_command, h, language_of, localize


class Language(enum.StrEnum):
    nb = "nb"
    en = "en"


class GuardedGroup(TyperGroup):
    """The root group: help texts in the user's language, and a failure inside any command becomes
    one message and an exit code."""

    def main(self, args: Sequence[str] | None = None, *extra: Any, **kwargs: Any) -> Any:
        # Help is rendered before any option is parsed, so the language is looked up first.
        language = language_of(sys.argv[1:] if args is None else list(args), os.environ)
        localize(self, language)
        _localize_builtins(language)
        return super().main(args, *extra, **kwargs)

    def invoke(self, ctx: Context) -> Any:
        from txbridge.cli import failures

        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, ClickException):
            raise
        except Exception as exc:
            found = failures.expected(exc) or failures.unexpected(exc)
            message, code = found
            # stderr: a script reading stdout gets nothing half-written from a failed command.
            out = Out(configured_language(), current_command(), stderr=True)
            out.message(message)
            raise typer.Exit(code) from None


app = typer.Typer(
    name="txbridge",
    cls=GuardedGroup,
    help=h(
        "Tripletex Bridge — send fakturaer, timer og salg til Tripletex, én gang og bare én gang.",
        "Tripletex Bridge — send invoices, hours and sales to Tripletex, once and only once.",
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def root(
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            envvar="TXBRIDGE_DATABASE_URL",
            help=h(
                "Databasen (sqlite:///… eller postgresql+psycopg://…).",
                "The store (sqlite:///… or postgresql+psycopg://…).",
            ),
            show_default=False,
        ),
    ] = None,
    language: Annotated[
        Language | None,
        typer.Option(
            "--lang",
            help=h(
                "Språk: nb (bokmål, standard) eller en (TXBRIDGE_LANGUAGE).",
                "Language: nb (bokmål, the default) or en (TXBRIDGE_LANGUAGE).",
            ),
            show_default=False,
        ),
    ] = None,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose", "-v", help=h("Driftslogg på stderr (DEBUG).", "Operators' log on stderr (DEBUG).")
        ),
    ] = False,
    log_level: Annotated[
        str | None,
        typer.Option(
            "--log-level",
            envvar="TXBRIDGE_LOG_LEVEL",
            help=h("Nivå for driftsloggen (standard: ERROR).", "Operators' log level (default: ERROR)."),
            show_default=False,
        ),
    ] = None,
) -> None:
    from txbridge.cli.waits import configure_logging

    configure_logging(verbose, log_level)
    # Commands read their settings from the environment; the global options are one more source.
    if database_url:
        os.environ["TXBRIDGE_DATABASE_URL"] = database_url
    if language:
        os.environ["TXBRIDGE_LANGUAGE"] = language.value


@app.command(help=h("Skriv versjonen.", "Print the version."))
def version() -> None:
    from txbridge import __version__

    typer.echo(__version__)


def _register() -> None:
    # Command groups are imported lazily so `txbridge --help` stays fast and a broken optional
    # group never hides the others.
    import importlib

    for name in (
        "sandbox",
        "intake",
        "connection",
        "batch",
        "diagnose",
        "log",
        "payments",
        "db",
        "secrets",
        "user",
        "serve",
        "apikey",
        "jobs",
        "worker",
        "firm",
        "pos",
        "hours",
        "sync",
        "webhooks",
        "pos_invoicing",
    ):
        try:
            importlib.import_module(f"txbridge.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"txbridge.cli.{name}":
                raise


#: Typer's own words around the help texts and errors (panel titles, defaults, «Aborted.»).
_BUILTINS = {
    "OPTIONS_PANEL_TITLE": ("Valg", "Options"),
    "ARGUMENTS_PANEL_TITLE": ("Argumenter", "Arguments"),
    "COMMANDS_PANEL_TITLE": ("Kommandoer", "Commands"),
    "ERRORS_PANEL_TITLE": ("Feil", "Error"),
    "DEFAULT_STRING": ("[standard: {}]", "[default: {}]"),
    "ENVVAR_STRING": ("[miljøvariabel: {}]", "[env var: {}]"),
    "REQUIRED_LONG_STRING": ("[påkrevd]", "[required]"),
    "DEPRECATED_STRING": ("(utgått) ", "(deprecated) "),
    "ABORTED_TEXT": ("Avbrutt.", "Aborted."),
    "RICH_HELP": (
        "Se [blue]'{command_path} {help_option}'[/] for hjelp.",
        "Try [blue]'{command_path} {help_option}'[/] for help.",
    ),
}


#: Click's own usage errors, worded in bokmål (the rest of a message, e.g. a type's complaint, stays).
_USAGE_ERRORS_NB = (
    (re.compile(r"No such option: (.+)"), r"Ukjent valg: \1"),
    (re.compile(r"No such command '(.+)'\."), r"Ukjent kommando: \1"),
    (re.compile(r"Missing argument (.+)\."), r"Mangler argumentet \1."),
    (re.compile(r"Missing option (.+)\."), r"Mangler valget \1."),
    (
        re.compile(r"Invalid value for (.+?): Input should be a valid integer.*", re.DOTALL),
        r"Ugyldig verdi for \1: skriv et heltall.",
    ),
    (re.compile(r"Invalid value for (.+?): (.+)", re.DOTALL), r"Ugyldig verdi for \1: \2"),
    (re.compile(r"Got unexpected extra argument(?:s|\(s\))? \((.+)\)"), r"Uventet argument: \1"),
)
_RICH_FORMAT_ERROR: list[Any] = []


def _usage_error_nb(text: str) -> str:
    for pattern, wording in _USAGE_ERRORS_NB:
        if pattern.fullmatch(text):
            return pattern.sub(wording, text)
    return text


def _localize_builtins(language: str) -> None:
    from typer import rich_utils

    for name, (nb, en) in _BUILTINS.items():
        setattr(rich_utils, name, en if language == "en" else nb)
    if not _RICH_FORMAT_ERROR:
        _RICH_FORMAT_ERROR.append(rich_utils.rich_format_error)
    original = _RICH_FORMAT_ERROR[0]
    if language == "en":
        rich_utils.rich_format_error = original
        return

    def in_bokmal(self: ClickException) -> None:
        wording = _usage_error_nb(self.format_message())
        self.format_message = lambda: wording  # type: ignore[method-assign]
        original(self)

    rich_utils.rich_format_error = in_bokmal


def main() -> None:
    # The store not set up (schema not upgraded, token key missing) is one catalog message and exit
    # 2 like every expected failure: GuardedGroup turns it into that.
    _register()
    app()
