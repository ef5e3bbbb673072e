"""What every command shares about the screen: one language at a time, catalog messages with the
fix for the command that failed, help texts in that language, and progress that also reads when
piped.

The language is ``--lang``, else ``TXBRIDGE_LANGUAGE`` (``Settings.language``), else bokmål. Help
texts are written ``h("bokmål", "English")``: the command tree is built with the bokmål text and
:func:`localize` swaps in the other language before it runs."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from pydantic import ValidationError
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)
from typer._click.core import Command
from typer._click.globals import get_current_context

from txbridge.catalog import Message

LANGUAGES = ("nb", "en")
#: Piped output: a progress line at most this often (phase changes and the end always get one).
PLAIN_PROGRESS_SECONDS = 2.0

#: Help texts by their bokmål wording: the English one (see :func:`h`).
_ENGLISH_HELP: dict[str, str] = {}


def h(nb: str, en: str) -> str:
    """A help text in both languages; the command tree gets ``nb`` and :func:`localize` swaps it."""
    _ENGLISH_HELP[nb.strip()] = en
    return nb


_HELP_OPTION = ("Vis denne hjelpen og avslutt.", "Show this message and exit.")


def _help_option(command: Command, language: str) -> None:
    # Typer makes the --help option on first use, in English; make it first, in the user's language.
    if getattr(command, "_help_option", False) is not None or not command.add_help_option:
        return
    from typer._click.decorators import help_option

    help_option(["--help"])(command)
    option = command.params.pop()
    option.help = _HELP_OPTION[1] if language == "en" else _HELP_OPTION[0]  # type: ignore[attr-defined]
    command._help_option = option  # type: ignore[assignment]


def localize(command: Command, language: str) -> None:
    """Put every help text of the command tree into ``language``."""
    _help_option(command, language)
    for sub in getattr(command, "commands", {}).values():
        localize(sub, language)
    if language != "en":
        return
    for key in ("help", "short_help", "epilog"):
        text = getattr(command, key, None)
        if isinstance(text, str) and text.strip() in _ENGLISH_HELP:
            setattr(command, key, _ENGLISH_HELP[text.strip()])
    for param in command.params:
        text = getattr(param, "help", None)
        if isinstance(text, str) and text.strip() in _ENGLISH_HELP:
            param.help = _ENGLISH_HELP[text.strip()]  # type: ignore[attr-defined]


def language_of(argv: Sequence[str], environ: Mapping[str, str]) -> str:
    """The language asked for before the command line is parsed (help texts need it first)."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1] if argv[i + 1] in LANGUAGES else "nb"
        if arg.startswith("--lang="):
            value = arg.split("=", 1)[1]
            return value if value in LANGUAGES else "nb"
    return configured_language(environ)


def configured_language(environ: Mapping[str, str] | None = None) -> str:
    """``Settings.language`` (environment or .env); bokmål when the setting itself is broken (the
    command then says so, in bokmål)."""
    value = (environ if environ is not None else os.environ).get("TXBRIDGE_LANGUAGE")
    if value is not None:
        return value if value in LANGUAGES else "nb"
    from txbridge.settings import load_settings

    try:
        return load_settings().language
    except ValidationError:
        return "nb"


class Out(Console):
    """The console a command prints to, in the user's language. ``command`` is the command being run
    (``"batch export"``) and ``batch`` the batch it works on, once known: fixes are worded for them."""

    def __init__(self, language: str = "nb", command: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.language = language
        self.command = command
        self.batch: int | None = None

    def t(self, nb: str, en: str) -> str:
        """One of two wordings: labels and short lines (messages come from the catalog)."""
        return en if self.language == "en" else nb

    def text(self, message: Message) -> str:
        return message.text(self.language)

    def fix(self, message: Message, batch: int | None = None) -> str:
        return message.fix(self.language, batch=batch or self.batch, command=self.command)

    def message(
        self, message: Message, *, style: str = "bold red", fix: bool = True, batch: int | None = None
    ) -> None:
        """A catalog message as users read it: the text, then the fix for this command and batch."""
        self.print(f"[{style}]{escape(self.text(message))}[/]")
        if fix:
            self.print(f"[dim]→ {escape(self.fix(message, batch))}[/]")


def escape(text: str) -> str:
    """Text from data or the catalog, printed as it is (``[`` is Rich markup otherwise)."""
    return text.replace("[", r"\[")


def current_command() -> str | None:
    """``"batch export"`` for ``txbridge batch export …``."""
    context = get_current_context(silent=True)
    if context is None:
        return None
    return " ".join(context.command_path.split()[1:]) or None


def console() -> Out:
    return Out(configured_language(), current_command())


#: The export's phases as a progress line names them.
_EXPORT_PHASES = {
    "preflight": ("kontoplan og oppsett", "chart of accounts and setup"),
    "customers": ("kunder", "customers"),
    "products": ("varer", "products"),
    "invoices": ("fakturaer", "invoices"),
    "hours": ("timer", "hours"),
    "waiting": ("venter", "waiting"),
    "done": ("ferdig", "done"),
    "day_sales": ("dagsoppgjør", "day sales"),
}


def export_phase(out: Out, phase: str) -> str:
    return out.t(*_EXPORT_PHASES.get(phase, (phase, phase)))


@contextmanager
def progress(out: Out, label: str, *, shown: bool = True) -> Iterator[Callable[[str, int, int | None], None]]:
    """``update(phase, done, total)``: a bar on a terminal; piped, plain lines (``label: phase
    done/total``) on each phase, at the end, and at most every PLAIN_PROGRESS_SECONDS between.
    Nothing at all when not ``shown``."""
    if not shown:
        yield lambda _phase, _done, _total: None
        return
    if out.is_terminal:
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TaskProgressColumn(),
            TimeElapsedColumn(),
            console=out,
            transient=True,
        ) as bar:
            task = bar.add_task(label, total=None)

            def on_bar(phase: str, done: int, total: int | None) -> None:
                bar.update(task, total=total or None, completed=done, description=f"{label}: {phase}")

            yield on_bar
        return
    last: dict[str, Any] = {"phase": None, "done": None, "at": 0.0}

    def on_line(phase: str, done: int, total: int | None) -> None:
        now = time.monotonic()
        changed = phase != last["phase"] or (total is not None and done >= total and done != last["done"])
        if not changed and (done == last["done"] or now - last["at"] < PLAIN_PROGRESS_SECONDS):
            return
        last.update(phase=phase, done=done, at=now)
        out.print(f"{label}: {phase} {done}/{total if total is not None else '?'}", highlight=False)

    yield on_line
