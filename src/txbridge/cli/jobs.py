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
from txbridge.cli.ui import Out, h
from txbridge.jobs import api

jobs_app = typer.Typer(
    help=h("Jobber: eksport, betalinger, varsler.", "Jobs: exports, payments, warnings."),
    no_args_is_help=True,
)
app.add_typer(jobs_app, name="jobs")

STATES = ("queued", "running", "succeeded", "failed", "cancelled")
_STATE_LABEL = {
    "queued": ("i kø", "queued"),
    "running": ("kjører", "running"),
    "succeeded": ("ferdig", "succeeded"),
    "failed": ("feilet", "failed"),
    "cancelled": ("avbrutt", "cancelled"),
}
_STATE_STYLE = {"running": "cyan", "succeeded": "green", "failed": "bold red", "cancelled": "dim"}
JsonOption = Annotated[bool, typer.Option("--json", help=h("Maskinlesbart.", "Machine-readable JSON."))]


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


def _table(out: Out, infos: list[api.JobInfo]) -> Table:
    table = Table(title=out.t("Jobber", "Jobs"))
    for header in (
        ("Jobb", "Job"),
        ("Oppgave", "Task"),
        ("Tilkobling", "Connection"),
        ("Bunt", "Batch"),
        ("Status", "State"),
        ("Forsøk", "Attempts"),
        ("I kø", "Queued"),
        ("Ferdig", "Finished"),
        ("Melding", "Message"),
    ):
        table.add_column(out.t(*header))
    for info in infos:
        style = _STATE_STYLE.get(info.state, "")
        label = out.t(*_STATE_LABEL[info.state])
        table.add_row(
            str(info.id),
            info.task,
            str(info.connection_id or "-"),
            str(info.batch_id or "-"),
            f"[{style}]{label}[/]" if style else label,
            str(info.attempts),
            _when(info.queued_at),
            _when(info.finished_at),
            info.message.id if info.message else "",
        )
    return table


@jobs_app.command("list", help=h("Jobbene, nyeste først.", "The jobs, newest first."))
def list_command(
    connection: ConnectionOption = None,
    state: Annotated[str | None, typer.Option(help="queued, running, succeeded, failed, cancelled")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000, help=h("Antall.", "How many."))] = 50,
    offset: Annotated[int, typer.Option(min=0, help=h("Hopp over.", "Skip."))] = 0,
    as_json: JsonOption = False,
) -> None:
    out = console()
    if state is not None and state not in STATES:
        usage_error(
            out,
            f"Ukjent status «{state}»; bruk en av {', '.join(STATES)}.",
            f"Unknown state «{state}»; use one of {', '.join(STATES)}.",
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
        out.print(out.t("Ingen jobber.", "No jobs."))
    else:
        out.print(_table(out, infos))


@jobs_app.command(
    "show", help=h("Én jobb med forsøkene og siste melding.", "One job with its attempts and last message.")
)
def show(
    job: Annotated[int, typer.Argument(help=h("Jobbnummer.", "Job id."))], as_json: JsonOption = False
) -> None:
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
    out.print(_table(out, [info]))
    if attempts:
        runs = Table(title=out.t("Forsøk", "Attempts"))
        for header in (
            ("#", "#"),
            ("Prosess", "Process"),
            ("Start", "Start"),
            ("Slutt", "End"),
            ("Utfall", "Outcome"),
        ):
            runs.add_column(out.t(*header))
        for a in attempts:
            outcome = out.t(*_STATE_LABEL[a.outcome]) if a.outcome in _STATE_LABEL else a.outcome
            ended = outcome or (
                out.t("kjører", "running")
                if info.state == "running" and a is attempts[-1]
                else out.t("avbrutt (prosessen døde)", "interrupted (the process died)")
            )
            runs.add_row(str(a.number), f"{a.host}:{a.pid}", _when(a.started_at), _when(a.finished_at), ended)
        out.print(runs)
    if info.message is not None:
        print_message(out, info.message, style="bold red" if info.state == "failed" else "yellow")


@jobs_app.command(
    "retry",
    help=h(
        "Start en feilet eller avbrutt jobb på nytt (som en ny jobb).",
        "Start a failed or cancelled job again (as a new job).",
    ),
)
def retry(
    job: Annotated[int, typer.Argument(help=h("Jobbnummer.", "Job id."))],
    actor: Annotated[str | None, typer.Option(help=h("Hvem som ber om det.", "Who asks (logged)."))] = None,
) -> None:
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        try:
            info = api.retry_job(database, cfg, job, requested_by=actor_name(actor))
        except api.JobError as exc:
            fail(out, exc.message)
    out.print(out.t(f"Jobb {info.id} er i kø.", f"Job {info.id} is queued."))
    raise typer.Exit(EXIT_OK)


@jobs_app.command("cancel", help=h("Avbryt en jobb som venter i køen.", "Cancel a job waiting in the queue."))
def cancel(job: Annotated[int, typer.Argument(help=h("Jobbnummer.", "Job id."))]) -> None:
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        try:
            api.cancel_job(database, cfg, job)
        except api.JobError as exc:
            fail(out, exc.message)
    out.print(out.t(f"Jobb {job} er avbrutt.", f"Job {job} is cancelled."))
