"""``txbridge jobs list|show|retry|cancel``: look at the jobs and act on them (through the jobs API)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

import typer
from rich.table import Table

from txbridge.cli import app
from txbridge.cli.connection import (
    EXIT_OK,
    ConnectionOption,
    actor_name,
    console,
    fail,
    open_store,
    print_message,
    resolve_connection,
    settings,
    usage_error,
)
from txbridge.jobs import api

jobs_app = typer.Typer(
    help="Jobber: eksport, betalinger, varsler. Jobs: exports, payments, warnings.", no_args_is_help=True
)
app.add_typer(jobs_app, name="jobs")

STATES = ("queued", "running", "succeeded", "failed", "cancelled")
_STATE_LABEL = {
    "queued": "i kø / queued",
    "running": "kjører / running",
    "succeeded": "ferdig / succeeded",
    "failed": "feilet / failed",
    "cancelled": "avbrutt / cancelled",
}
_STATE_STYLE = {"running": "cyan", "succeeded": "green", "failed": "bold red", "cancelled": "dim"}
JsonOption = Annotated[bool, typer.Option("--json", help="Maskinlesbart / machine-readable JSON.")]


def _when(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S") if moment else "-"


def _as_dict(info: api.JobInfo) -> dict[str, Any]:
    return {
        "id": info.id,
        "task": info.task,
        "connectionId": info.connection_id,
        "batchId": info.batch_id,
        "state": info.state,
        "requestedBy": info.requested_by,
        "queuedAt": info.queued_at.isoformat(),
        "startedAt": info.started_at.isoformat() if info.started_at else None,
        "finishedAt": info.finished_at.isoformat() if info.finished_at else None,
        "attempts": info.attempts,
        "notBefore": info.not_before.isoformat() if info.not_before else None,
        "worker": info.worker,
        "message": None
        if info.message is None
        else {"id": info.message.id, "nb": info.message.nb, "en": info.message.en},
    }


def _table(infos: list[api.JobInfo]) -> Table:
    table = Table(title="Jobber / Jobs")
    for header in (
        "Jobb / Job",
        "Oppgave / Task",
        "Tilkobling / Connection",
        "Bunt / Batch",
        "Status",
        "Forsøk / Attempts",
        "I kø / Queued",
        "Ferdig / Finished",
        "Melding / Message",
    ):
        table.add_column(header)
    for info in infos:
        style = _STATE_STYLE.get(info.state, "")
        table.add_row(
            str(info.id),
            info.task,
            str(info.connection_id or "-"),
            str(info.batch_id or "-"),
            f"[{style}]{_STATE_LABEL[info.state]}[/]" if style else _STATE_LABEL[info.state],
            str(info.attempts),
            _when(info.queued_at),
            _when(info.finished_at),
            info.message.id if info.message else "",
        )
    return table


@jobs_app.command("list")
def list_command(
    connection: ConnectionOption = None,
    state: Annotated[str | None, typer.Option(help="queued, running, succeeded, failed, cancelled")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="Antall / how many.")] = 50,
    offset: Annotated[int, typer.Option(min=0, help="Hopp over / skip.")] = 0,
    as_json: JsonOption = False,
) -> None:
    """Jobbene, nyeste først. The jobs, newest first."""
    out = console()
    if state is not None and state not in STATES:
        usage_error(
            out, f"Ukjent status «{state}».", f"Unknown state «{state}»; use one of {', '.join(STATES)}."
        )
    cfg = settings()
    with open_store(cfg) as database:
        connection_id = resolve_connection(database, cfg, connection, out).id if connection else None
        infos = api.list_jobs(
            database, cfg, connection_id=connection_id, state=state, offset=offset, limit=limit
        )
    if as_json:
        typer.echo(json.dumps([_as_dict(i) for i in infos], ensure_ascii=False))
    elif not infos:
        out.print("Ingen jobber. / No jobs.")
    else:
        out.print(_table(infos))


@jobs_app.command("show")
def show(
    job: Annotated[int, typer.Argument(help="Jobbnummer / job id.")], as_json: JsonOption = False
) -> None:
    """Én jobb med forsøkene og siste melding. One job with its attempts and last message."""
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        try:
            info = api.get_job(database, cfg, job)
            attempts = api.job_attempts(database, cfg, job)
        except api.JobError as exc:
            fail(out, exc.message)
    if as_json:
        body = _as_dict(info) | {
            "runs": [
                {
                    "number": a.number,
                    "host": a.host,
                    "pid": a.pid,
                    "startedAt": a.started_at.isoformat(),
                    "finishedAt": a.finished_at.isoformat() if a.finished_at else None,
                    "outcome": a.outcome,
                }
                for a in attempts
            ]
        }
        typer.echo(json.dumps(body, ensure_ascii=False))
        return
    out.print(_table([info]))
    if attempts:
        runs = Table(title="Forsøk / Attempts")
        for header in ("#", "Prosess / Process", "Start", "Slutt / End", "Utfall / Outcome"):
            runs.add_column(header)
        for a in attempts:
            ended = a.outcome or (
                "kjører / running"
                if info.state == "running" and a is attempts[-1]
                else "avbrutt (prosessen døde) / interrupted (the process died)"
            )
            runs.add_row(str(a.number), f"{a.host}:{a.pid}", _when(a.started_at), _when(a.finished_at), ended)
        out.print(runs)
    if info.message is not None:
        print_message(out, info.message, style="bold red" if info.state == "failed" else "yellow")


@jobs_app.command("retry")
def retry(
    job: Annotated[int, typer.Argument(help="Jobbnummer / job id.")],
    actor: Annotated[str | None, typer.Option(help="Hvem som ber om det / who asks (logged).")] = None,
) -> None:
    """Start en feilet eller avbrutt jobb på nytt (som en ny jobb). Start a failed or cancelled job again."""
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        try:
            info = api.retry_job(database, cfg, job, requested_by=actor_name(actor))
        except api.JobError as exc:
            fail(out, exc.message)
    out.print(f"Jobb {info.id} er i kø. / Job {info.id} is queued.")
    raise typer.Exit(EXIT_OK)


@jobs_app.command("cancel")
def cancel(job: Annotated[int, typer.Argument(help="Jobbnummer / job id.")]) -> None:
    """Avbryt en jobb som venter i køen. Cancel a job waiting in the queue."""
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        try:
            api.cancel_job(database, cfg, job)
        except api.JobError as exc:
            fail(out, exc.message)
    out.print(f"Jobb {job} er avbrutt. / Job {job} is cancelled.")
