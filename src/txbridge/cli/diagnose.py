"""``txbridge diagnose invoice NUMBER``: the troubleshooter's seven checks, passed/failed with the fix.

Exit codes: 0 nothing wrong (exported already, or no fault found), 1 a check failed on the invoice's
data or setup, 2 usage error, 3 the failure is the integration itself (check 7)."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

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
from txbridge.flows.diagnose import Check, CheckStatus, DiagnoseError, Diagnosis, Outcome, diagnose_invoice

diagnose_app = typer.Typer(
    help="Feilsøking: hvorfor ble dette ikke eksportert? Troubleshooter: why was this not exported?",
    no_args_is_help=True,
)
app.add_typer(diagnose_app, name="diagnose")

_MARK = {
    CheckStatus.PASSED: "[green]✔ OK / Passed[/]",
    CheckStatus.FAILED: "[bold red]✘ Feilet / Failed[/]",
    CheckStatus.NOT_RUN: "[dim]– Ikke kjørt / Not run[/]",
}


def diagnosis_table(diagnosis: Diagnosis) -> Table:
    table = Table(title=f"Faktura / Invoice {diagnosis.invoice_number}", show_lines=True)
    table.add_column("#", justify="right")
    table.add_column("Kontroll / Check")
    table.add_column("Resultat / Result", no_wrap=True)
    table.add_column("Funn og løsning / Finding and fix")
    for result in diagnosis.checks:
        if result.message is not None:
            message = result.message
            text = f"{message.nb}\n[dim]{message.en}[/]"
            if result.status is CheckStatus.FAILED:
                text += f"\n→ {message.fix_nb}\n[dim]→ {message.fix_en}[/]"
        elif result.note is not None:
            text = f"{result.note.nb}\n[dim]{result.note.en}[/]"
        else:
            text = ""
        table.add_row(
            str(int(result.check)),
            f"{result.check.title_nb}\n[dim]{result.check.title_en}[/]",
            _MARK[result.status],
            text,
        )
    return table


def print_answer(out: Console, diagnosis: Diagnosis) -> None:
    answer = diagnosis.answer
    if diagnosis.outcome is Outcome.EXPORTED:
        out.print(
            "[bold green]Allerede eksportert — ingen handling trengs.[/] Already exported — no action needed."
        )
    elif diagnosis.outcome is Outcome.NO_FAULT_FOUND:
        out.print("[yellow]Ingen feil funnet nå.[/] No fault found now.")
    if answer is not None and diagnosis.outcome is not Outcome.EXPORTED:
        style = "bold red" if diagnosis.outcome is Outcome.FAILED else "yellow"
        out.print(f"[{style}]{answer.nb}[/]\n{answer.en}\n[dim]→ {answer.fix_nb}\n→ {answer.fix_en}[/]")
    if diagnosis.next_step is not None:
        out.print(f"[bold yellow]→ {diagnosis.next_step.nb}[/]\n→ {diagnosis.next_step.en}")


def exit_code(diagnosis: Diagnosis) -> int:
    failed = diagnosis.failed_check
    if failed is None:
        return EXIT_OK
    return EXIT_INTEGRATION if failed.check is Check.INTEGRATION_STATE else EXIT_ITEMS_FAILED


@diagnose_app.command("invoice")
def invoice(
    number: Annotated[str, typer.Argument(help="Fakturanummer / invoice number.")],
    connection: ConnectionOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Svar som JSON / answer as JSON.")] = False,
) -> None:
    """Kjør de sju kontrollene for en faktura. Run the seven checks for one invoice."""
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        found = resolve_connection(database, cfg, connection, out)
        try:
            diagnosis = diagnose_invoice(database, cfg, found.id, number)
        except DiagnoseError as exc:
            fail(out, exc.message, EXIT_USAGE)
    if as_json:
        typer.echo(json.dumps(diagnosis.to_dict(), ensure_ascii=False, indent=1))
    else:
        out.print(diagnosis_table(diagnosis))
        print_answer(out, diagnosis)
    raise typer.Exit(exit_code(diagnosis))
