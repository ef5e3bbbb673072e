"""``txbridge diagnose invoice NUMBER``: the troubleshooter's seven checks, passed/failed with the fix.

Exit codes: 0 nothing wrong (exported already, or no fault found), 1 a check failed on the invoice's
data or setup, 2 usage error, 3 the failure is the integration itself (check 7)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Annotated, Protocol

import typer
from rich.table import Table

from txbridge.catalog import Message
from txbridge.cli import app
from txbridge.cli.connection import (
    EXIT_INTEGRATION,
    EXIT_ITEMS_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    ConnectionOption,
    console,
    fail,
    open_store,
    resolve_connection,
    settings,
)
from txbridge.cli.ui import Out, escape, h
from txbridge.flows.diagnose import (
    Check,
    CheckResult,
    CheckStatus,
    DiagnoseError,
    Diagnosis,
    Outcome,
    diagnose_invoice,
)
from txbridge.flows.diagnose.hours import HoursDiagnosis, diagnose_hours
from txbridge.flows.diagnose.model import TitledCheck
from txbridge.flows.diagnose.pos_invoicing import PosDiagnosis, diagnose_pos
from txbridge.flows.diagnose.statistics import StatisticsCheckResult
from txbridge.flows.views.invoices import find_invoice
from txbridge.settings import Settings
from txbridge.store import Database

diagnose_app = typer.Typer(
    help=h("Feilsøking: hvorfor ble dette ikke eksportert?", "Troubleshooter: why was this not exported?"),
    no_args_is_help=True,
)
app.add_typer(diagnose_app, name="diagnose")

_MARK = {
    CheckStatus.PASSED: ("green", "✔"),
    CheckStatus.FAILED: ("bold red", "✘"),
    CheckStatus.NOT_RUN: ("dim", "–"),
}


def diagnosis_table(out: Out, diagnosis: Diagnosis) -> Table:
    title = out.t(f"Faktura {diagnosis.invoice_number}", f"Invoice {diagnosis.invoice_number}")
    return checks_table(out, title, diagnosis.checks)


def checks_table(
    out: Out, title: str, checks: Sequence[CheckResult] | Sequence[StatisticsCheckResult]
) -> Table:
    table = Table(title=title, show_lines=True)
    table.add_column("#", justify="right")
    table.add_column(out.t("Kontroll", "Check"), ratio=2)
    table.add_column(out.t("Resultat", "Result"), no_wrap=True)
    table.add_column(out.t("Funn og løsning", "Finding and fix"), ratio=3)
    for result in checks:
        if result.message is not None:
            text = escape(out.text(result.message))
            if result.status is CheckStatus.FAILED:
                text += f"\n→ {escape(out.fix(result.message))}"
        elif result.note is not None:
            text = escape(out.t(result.note.nb, result.note.en))
        else:
            text = ""
        style, mark = _MARK[result.status]
        label = out.t(result.status.label_nb, result.status.label_en)
        table.add_row(
            str(int(result.check)),
            out.t(result.check.title_nb, result.check.title_en),
            f"[{style}]{mark} {label}[/]",
            text,
        )
    return table


class _FailedCheck(Protocol):
    @property
    def check(self) -> TitledCheck: ...


class _Answer(Protocol):
    @property
    def failed_check(self) -> _FailedCheck | None: ...

    @property
    def answer(self) -> Message | None: ...


def answers_table(out: Out, title: str, subject: str, diagnoses: Mapping[str, _Answer]) -> Table:
    """Several troubleshooter answers in one table (the demo's defects): what was asked, the check
    that failed, the answer, and the fix when a check failed."""
    table = Table(title=title, show_lines=True)
    for header in (subject, out.t("Sjekk", "Check"), out.t("Svar", "Answer"), out.t("Løsning", "Fix")):
        table.add_column(header, overflow="fold")
    for key, diagnosis in diagnoses.items():
        failed = diagnosis.failed_check
        check = "" if failed is None else out.t(failed.check.title_nb, failed.check.title_en)
        said = diagnosis.answer
        fix = "" if said is None or failed is None else out.fix(said)
        table.add_row(key, check, "" if said is None else out.text(said), fix)
    return table


def print_answer(out: Out, diagnosis: Diagnosis | HoursDiagnosis | PosDiagnosis) -> None:
    answer = diagnosis.answer
    if diagnosis.outcome is Outcome.EXPORTED:
        out.print(
            "[bold green]"
            + out.t("Allerede eksportert — ingen handling trengs.", "Already exported — no action needed.")
            + "[/]"
        )
    elif diagnosis.outcome is Outcome.NO_FAULT_FOUND:
        out.print("[yellow]" + out.t("Ingen feil funnet nå.", "No fault found now.") + "[/]")
    if answer is not None and diagnosis.outcome is not Outcome.EXPORTED:
        out.message(answer, style="bold red" if diagnosis.outcome is Outcome.FAILED else "yellow")
    next_step = diagnosis.next_step if isinstance(diagnosis, Diagnosis | PosDiagnosis) else None
    if next_step is not None:
        out.print(f"[bold yellow]→ {escape(out.t(next_step.nb, next_step.en))}[/]")


def exit_code(diagnosis: Diagnosis | HoursDiagnosis | PosDiagnosis) -> int:
    failed = diagnosis.failed_check
    if failed is None:
        return EXIT_OK
    # Every troubleshooter's last check is the integration's state (``Check.INTEGRATION_STATE`` …).
    return EXIT_INTEGRATION if failed.check.name == Check.INTEGRATION_STATE.name else EXIT_ITEMS_FAILED


@diagnose_app.command(
    "invoice", help=h("Kjør de sju kontrollene for en faktura.", "Run the seven checks for one invoice.")
)
def invoice(
    number: Annotated[str, typer.Argument(help=h("Fakturanummer.", "Invoice number."))],
    connection: ConnectionOption = None,
    as_json: Annotated[bool, typer.Option("--json", help=h("Svar som JSON.", "Answer as JSON."))] = False,
) -> None:
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        found = resolve_connection(database, cfg, connection, out)
        # The invoice's batch: the fixes name it (`txbridge batch reset 3`).
        out.batch = find_invoice(database, found.id, number).batch_id
        try:
            diagnosis = diagnose_invoice(database, cfg, found.id, number)
        except DiagnoseError as exc:
            fail(out, exc.message, EXIT_USAGE)
    if as_json:
        typer.echo(json.dumps(diagnosis.to_dict(), ensure_ascii=False, indent=1))
    else:
        out.print(diagnosis_table(out, diagnosis))
        print_answer(out, diagnosis)
    raise typer.Exit(exit_code(diagnosis))


@diagnose_app.command(
    "hours", help=h("Kjør de åtte kontrollene for en time.", "Run the eight checks for one hour.")
)
def hours(
    hours_id: Annotated[
        str, typer.Argument(help=h("Timens id i timesystemet.", "The hour's id in the time system."))
    ],
    connection: ConnectionOption = None,
    as_json: Annotated[bool, typer.Option("--json", help=h("Svar som JSON.", "Answer as JSON."))] = False,
) -> None:
    answer(connection, as_json, (f"Time {hours_id}", f"Hour {hours_id}"), diagnose_hours, hours_id)


def answer(
    connection: str | None,
    as_json: bool,
    title: tuple[str, str],
    diagnose: Callable[[Database, Settings, int, str], HoursDiagnosis | PosDiagnosis],
    key: str,
) -> None:
    """Run a troubleshooter for ``key`` on the connection and show its checks (or ``--json``); the
    exit code says what failed."""
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        found = resolve_connection(database, cfg, connection, out)
        try:
            diagnosis = diagnose(database, cfg, found.id, key)
        except DiagnoseError as exc:
            fail(out, exc.message, EXIT_USAGE)
    if as_json:
        typer.echo(json.dumps(diagnosis.to_dict(), ensure_ascii=False, indent=1))
    else:
        out.print(checks_table(out, out.t(*title), diagnosis.checks))
        print_answer(out, diagnosis)
    raise typer.Exit(exit_code(diagnosis))


@diagnose_app.command(
    "pos",
    help=h(
        "Kjør de ni kontrollene for et kassesalg på samlefaktura (K-3) eller en samlefaktura "
        "(«2026-10 · 10001»).",
        "Run the nine checks for a POS sale for a collective invoice (K-3) or a collective invoice "
        "(«2026-10 · 10001»).",
    ),
)
def pos(
    key: Annotated[
        str,
        typer.Argument(
            help=h(
                "Salgets nummer, eller samlefakturaens periode og kundenummer.",
                "The sale's number, or the collective invoice's period and customer number.",
            )
        ),
    ],
    connection: ConnectionOption = None,
    as_json: Annotated[bool, typer.Option("--json", help=h("Svar som JSON.", "Answer as JSON."))] = False,
) -> None:
    answer(connection, as_json, (f"Kassesalg {key}", f"POS sale {key}"), diagnose_pos, key)
