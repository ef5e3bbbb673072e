"""``txbridge sync``: the two-way sync of customers, projects and employees — the initial sync, the
push of host changes, the host's file import, the change feed, the sync log and held matches."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from txbridge.cli import app
from txbridge.cli.connection import (
    ConnectionOption,
    actor_name,
    console,
    fail,
    open_store,
    print_message,
    resolve_connection,
    settings,
)
from txbridge.cli.jobs import _STATE_LABEL
from txbridge.cli.ui import Out, escape, h
from txbridge.flows import connections
from txbridge.flows.intake import IntakeFileError
from txbridge.flows.sync import (
    SyncError,
    changes_after,
    push_host_changes,
    resolve_held,
    run_initial_sync,
)
from txbridge.flows.sync.files import import_objects
from txbridge.flows.sync.hostwebhooks import add_endpoint, deliver_pending
from txbridge.flows.views.sync import list_held, list_sync_log, sync_status
from txbridge.jobs.api import last_sync_jobs
from txbridge.jobs.hostfeed import queue_delivery
from txbridge.store import SyncDirection, SyncOutcome, SyncResource
from txbridge.tripletex import TripletexError

sync_app = typer.Typer(
    help=h(
        "Toveis synkronisering av kunder, prosjekter og ansatte.",
        "Two-way sync of customers, projects and employees.",
    ),
    no_args_is_help=True,
)
app.add_typer(sync_app, name="sync")

_OUTCOME = {
    SyncOutcome.SKIPPED: ("Ikke synkronisert", "Not synced"),
    SyncOutcome.HELD: ("Venter på avgjørelse", "Waiting for a decision"),
    SyncOutcome.CONFLICT_RESOLVED: ("Konflikt løst", "Conflict resolved"),
    SyncOutcome.FAILED: ("Avvist av Tripletex", "Refused by Tripletex"),
}
_DIRECTION = {
    SyncDirection.TO_TRIPLETEX: ("→ Tripletex", "→ Tripletex"),
    SyncDirection.TO_HOST: ("→ vertssystemet", "→ host"),
}


def _counts(out: Out, title: str, rows: list[tuple[str, object]]) -> None:
    table = Table(title=escape(title))
    table.add_column(out.t("Hva", "What"))
    table.add_column(out.t("Antall", "Count"), justify="right")
    for label, value in rows:
        table.add_row(escape(label), str(value))
    out.print(table)


_STEP = {
    "pull": ("Leser fra Tripletex", "Reading from Tripletex"),
    "match": ("Kobler", "Linking"),
    "create": ("Oppretter på den andre siden", "Creating on the other side"),
    "done": ("Ferdig", "Done"),
}
_PHASE = {
    "not_started": ("Ikke startet", "Not started"),
    "step1": ("Steg 1 av 2: leser Tripletex og kobler", "Step 1 of 2: reading Tripletex and linking"),
    "step2": ("Steg 2 av 2: oppretter på den andre siden", "Step 2 of 2: creating on the other side"),
    "done": ("Ferdig", "Done"),
}


@sync_app.command(
    "status",
    help=h(
        "Hvor synkroniseringen står: steg per objekttype, koblet, til avgjørelse, avvist, og siste jobber.",
        "Where the sync stands: step per object type, linked, held, refused, and the latest jobs.",
    ),
)
def status(connection: ConnectionOption = None) -> None:
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        found = resolve_connection(database, cfg, connection, out)
        current = sync_status(database, found.id)
        last = last_sync_jobs(database, cfg, found.id)
    table = Table(title=escape(f"{found.name}: {out.t(*_PHASE[current.phase])} ({current.percent} %)"))
    for heading in (
        out.t("Objekttype", "Object type"),
        out.t("Steg", "Step"),
        out.t("Lest fra Tripletex", "Read from Tripletex"),
        out.t("I vertssystemet", "In the host"),
        out.t("Koblet", "Linked"),
        out.t("Til avgjørelse", "Held"),
        out.t("Ikke synkronisert", "Not synced"),
        out.t("Avvist", "Refused"),
    ):
        table.add_column(heading)
    for row in current.resources:
        table.add_row(
            row.resource.value,
            out.t(*_STEP.get(row.step, (row.step, row.step))),
            *(
                str(n)
                for n in (row.read, row.host_objects, row.linked, row.held, row.not_synced, row.refused)
            ),
        )
    out.print(table)
    for label, job in (
        (out.t("Første synkronisering", "Initial sync"), last.initial),
        (out.t("Sending", "Push"), last.push),
    ):
        if job is not None:
            out.print(f"{escape(label)}: {out.t('jobb', 'job')} {job.id} {out.t(*_STATE_LABEL[job.state])}")
            if job.message is not None:
                print_message(out, job.message)


@sync_app.command(
    "initial",
    help=h(
        "Første synkronisering: hent og koble det som finnes i begge systemer, og opprett resten på "
        "den andre siden. Kan kjøres på nytt; fortsetter der den stoppet.",
        "Initial sync: read and link what exists in both systems, and create the rest on the other "
        "side. Safe to run again; continues where it stopped.",
    ),
)
def initial(connection: ConnectionOption = None) -> None:
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        found = resolve_connection(database, cfg, connection, out)
        if found.blocked_by is not None:
            fail(out, found.blocked_by)
        busy = last_sync_jobs(database, cfg, found.id).busy
        if busy is not None:  # a job started from the web or REST: not a second run beside it
            fail(out, busy)
        try:
            result = run_initial_sync(database, cfg, found.id)
        except TripletexError as exc:
            fail(out, connections.message_for_error(exc, found.base_url))
        finally:  # what reached the change feed, even before a failure, goes to the host's endpoints
            queue_delivery(database, cfg, found.id, requested_by="sync initial")
    rows: list[tuple[str, object]] = []
    for resource in SyncResource:
        key = resource.value
        rows.append(
            (out.t(f"{key}: lest fra Tripletex", f"{key}: read from Tripletex"), result.read.get(key, 0))
        )
        rows.append((out.t(f"{key}: koblet", f"{key}: linked"), result.linked.get(key, 0)))
        rows.append((out.t(f"{key}: til avgjørelse", f"{key}: held"), result.held.get(key, 0)))
        rows.append((out.t(f"{key}: til vertssystemet", f"{key}: to the host"), result.to_host.get(key, 0)))
    rows.append((out.t("Opprettet i Tripletex", "Created in Tripletex"), result.push.created))
    rows.append((out.t("Oppdatert i Tripletex", "Updated in Tripletex"), result.push.updated))
    _counts(out, out.t(f"Første synkronisering — {found.name}", f"Initial sync — {found.name}"), rows)


@sync_app.command(
    "push",
    help=h("Send vertssystemets endringer til Tripletex.", "Send the host system's changes to Tripletex."),
)
def push(connection: ConnectionOption = None) -> None:
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        found = resolve_connection(database, cfg, connection, out)
        if found.blocked_by is not None:
            fail(out, found.blocked_by)
        busy = last_sync_jobs(database, cfg, found.id).busy
        if busy is not None:  # a job started from the web or REST: not a second run beside it
            fail(out, busy)
        try:
            result = push_host_changes(database, cfg, found.id)
        except TripletexError as exc:
            fail(out, connections.message_for_error(exc, found.base_url))
        finally:
            queue_delivery(database, cfg, found.id, requested_by="sync push")
    _counts(
        out,
        out.t(f"Endringer sendt — {found.name}", f"Changes sent — {found.name}"),
        [
            (out.t("Opprettet", "Created"), result.created),
            (out.t("Oppdatert", "Updated"), result.updated),
            (out.t("Koblet", "Linked"), result.linked),
            (out.t("Koblet fra", "Unlinked"), result.unlinked),
            (out.t("Konflikter løst", "Conflicts resolved"), result.conflicts),
            (out.t("Avvist", "Refused"), result.refused),
            (out.t("Ikke synkronisert (regel)", "Not synced (rule)"), result.skipped),
            (out.t("Til avgjørelse", "Held"), result.held),
            (out.t("Venter på kobling", "Waiting for a link"), result.waiting),
        ],
    )


@sync_app.command(
    "import",
    help=h(
        "Les kunder, ansatte og prosjekter fra vertssystemet fra en fil (JSON eller CSV).",
        "Read the host system's customers, employees and projects from a file (JSON or CSV).",
    ),
)
def import_file(
    path: Annotated[Path, typer.Argument(help=h("Filen.", "The file."))],
    resource: Annotated[
        SyncResource | None,
        typer.Option(
            "--resource", help=h("Hva filen har (CSV og lister).", "What the file holds (CSV and lists).")
        ),
    ] = None,
    connection: ConnectionOption = None,
) -> None:
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        found = resolve_connection(database, cfg, connection, out)
        try:
            results = import_objects(database, found.id, path, resource)
        except IntakeFileError as exc:
            fail(out, exc.message)
    refused = 0
    rows: list[tuple[str, object]] = []
    for res, result in results.items():
        rows.append((out.t(f"{res.value}: nye", f"{res.value}: new"), len(result.created)))
        rows.append((out.t(f"{res.value}: endret", f"{res.value}: changed"), len(result.changed)))
        rows.append((out.t(f"{res.value}: uendret", f"{res.value}: unchanged"), len(result.unchanged)))
        rows.append((out.t(f"{res.value}: slettet", f"{res.value}: deleted"), len(result.deleted)))
        for refusal in result.refused:
            print_message(out, refusal.message)
            refused += 1
    _counts(out, out.t("Tatt imot", "Received"), rows)
    if refused:
        raise typer.Exit(1)


@sync_app.command(
    "log",
    help=h(
        "Vis synk-loggen: det som ikke ble synkronisert, og konflikter som ble løst (nyeste først).",
        "Show the sync log: what did not sync, and conflicts resolved (newest first).",
    ),
)
def log(
    connection: ConnectionOption = None,
    resource: Annotated[
        SyncResource | None, typer.Option(help=h("Bare denne typen.", "Only this kind."))
    ] = None,
    direction: Annotated[
        SyncDirection | None, typer.Option(help=h("Bare denne retningen.", "Only this direction."))
    ] = None,
    rule: Annotated[
        str | None, typer.Option(help=h("Bare denne regelen (sync_…).", "Only this rule (sync_…)."))
    ] = None,
    outcome: Annotated[
        SyncOutcome | None, typer.Option(help=h("Bare dette utfallet.", "Only this outcome."))
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, help=h("Antall linjer.", "Number of entries."))
    ] = 50,
) -> None:
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        found = resolve_connection(database, cfg, connection, out)
        page = list_sync_log(
            database,
            connection_id=found.id,
            resource=resource,
            direction=direction,
            rule=rule,
            outcome=outcome,
            limit=limit,
        )
    if not page.items:
        out.print(out.t("Synk-loggen er tom.", "The sync log is empty."))
        return
    title = out.t(f"Synk-logg — {found.name}", f"Sync log — {found.name}")
    if page.has_more:
        title += out.t(f" ({len(page.items)} av {page.total})", f" ({len(page.items)} of {page.total})")
    table = Table(title=escape(title))
    table.add_column(out.t("Tid (UTC)", "Time (UTC)"))
    table.add_column(out.t("Objekt", "Object"), overflow="fold")
    table.add_column(out.t("Retning", "Direction"), no_wrap=True)
    table.add_column(out.t("Utfall", "Outcome"))
    table.add_column(out.t("Melding", "Message"), ratio=1)
    for row in page.items:
        ids = " / ".join(
            part
            for part in (
                f"{out.t('vert', 'host')} {row.host_id} {row.host_name or ''}".strip() if row.host_id else "",
                f"Tripletex {row.tripletex_id} {row.tripletex_name or ''}".strip()
                if row.tripletex_id
                else "",
            )
            if part
        )
        table.add_row(
            row.at.strftime("%Y-%m-%d %H:%M:%S"),
            escape(f"{row.resource.value}: {ids}"),
            out.t(*_DIRECTION[row.direction]),
            out.t(*_OUTCOME[row.outcome]),
            escape(out.text(row.message)) + f"\n[dim]→ {escape(out.fix(row.message))}[/]",
        )
    out.print(table)


@sync_app.command(
    "held",
    help=h(
        "Vis koblinger som venter på en avgjørelse (to mulige treff, eller samme nummer på to personer).",
        "Show links waiting for a decision (two plausible matches, or one number on two people).",
    ),
)
def held(connection: ConnectionOption = None) -> None:
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        found = resolve_connection(database, cfg, connection, out)
        rows = list_held(database, found.id)
    if not rows:
        out.print(out.t("Ingenting venter på en avgjørelse.", "Nothing waits for a decision."))
        return
    table = Table(
        title=escape(out.t(f"Til avgjørelse — {found.name}", f"Waiting for a decision — {found.name}"))
    )
    table.add_column(out.t("Sak", "Case"), justify="right")
    table.add_column(out.t("Objekt", "Object"), overflow="fold")
    table.add_column(out.t("Mulige treff i Tripletex", "Plausible matches in Tripletex"), ratio=1)
    for row in rows:
        candidates = "\n".join(f"{c['id']}: {c['name']} ({c['why']})" for c in row.candidates)
        table.add_row(
            str(row.id),
            escape(f"{row.resource.value} {row.host_id or row.tripletex_id}: {row.name or ''}"),
            escape(candidates),
        )
    out.print(table)
    out.print(
        out.t(
            "Avgjør med `txbridge sync decide SAK --link ID`, `--create-new` eller `--skip`.",
            "Decide with `txbridge sync decide CASE --link ID`, `--create-new` or `--skip`.",
        )
    )


@sync_app.command(
    "decide",
    help=h(
        "Avgjør en sak: koble til et av treffene, opprett som nytt, eller hold utenfor synkroniseringen.",
        "Decide a case: link to one of the matches, create as new, or keep out of the sync.",
    ),
)
def decide(
    held_id: Annotated[int, typer.Argument(metavar="CASE", help=h("Saken.", "The case."))],
    link: Annotated[
        int | None, typer.Option("--link", help=h("Tripletex-id å koble til.", "Tripletex id to link to."))
    ] = None,
    create_new: Annotated[
        bool, typer.Option("--create-new", help=h("Opprett som nytt objekt.", "Create as a new object."))
    ] = False,
    skip: Annotated[
        bool, typer.Option("--skip", help=h("Hold utenfor synkroniseringen.", "Keep out of the sync."))
    ] = False,
    by: Annotated[str | None, typer.Option("--by", help=h("Hvem som avgjør.", "Who decides."))] = None,
) -> None:
    out = console()
    cfg = settings()
    if [link is not None, create_new, skip].count(True) != 1:
        out.print(
            out.t(
                "Oppgi én av --link, --create-new og --skip.", "Give one of --link, --create-new and --skip."
            )
        )
        raise typer.Exit(2)
    with open_store(cfg) as database:
        try:
            resolve_held(
                database, held_id, link_to=link, create_new=create_new, skip=skip, decided_by=actor_name(by)
            )
        except SyncError as exc:
            fail(out, exc.message)
    out.print(out.t(f"Sak {held_id} er avgjort.", f"Case {held_id} is decided."))


@sync_app.command(
    "changes",
    help=h(
        "Endringsstrømmen til vertssystemet (JSON, én endring per linje), etter en markør.",
        "The change feed for the host system (JSON, one change per line), after a cursor.",
    ),
)
def changes(
    connection: ConnectionOption = None,
    after: Annotated[
        int, typer.Option("--after", min=0, help=h("Siste markør lest.", "The last cursor read."))
    ] = 0,
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, help=h("Antall endringer.", "Number of changes."))
    ] = 100,
) -> None:
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        found = resolve_connection(database, cfg, connection, out)
        for change in changes_after(database, found.id, after, limit=limit):
            typer.echo(json.dumps(change.as_json(), ensure_ascii=False))


@sync_app.command(
    "webhook-add",
    help=h(
        "Legg til en adresse i vertssystemet som får endringsstrømmen, signert "
        "(hemmeligheten vises én gang).",
        "Add an address in the host system that gets the change feed, signed (the secret is shown once).",
    ),
)
def webhook_add(
    url: Annotated[str, typer.Argument(help=h("Adressen (https://…).", "The address (https://…)."))],
    connection: ConnectionOption = None,
) -> None:
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        found = resolve_connection(database, cfg, connection, out)
        try:
            made = add_endpoint(database, cfg, found.id, url)
        except SyncError as exc:
            fail(out, exc.message)
    out.print(
        out.t(
            f"Adresse {made.id} lagt til. Hemmelighet (vises bare nå):",
            f"Address {made.id} added. Secret (shown only now):",
        )
    )
    typer.echo(made.secret)


@sync_app.command(
    "deliver",
    help=h(
        "Send endringsstrømmen til vertssystemets webhook-adresser nå.",
        "Send the change feed to the host system's webhook addresses now.",
    ),
)
def deliver(connection: ConnectionOption = None) -> None:
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        found = resolve_connection(database, cfg, connection, out)
        result = deliver_pending(database, cfg, found.id)
    _counts(
        out,
        out.t("Levert til vertssystemet", "Delivered to the host system"),
        [
            (out.t("Levert", "Delivered"), result.delivered),
            (out.t("Mislykte forsøk", "Failed attempts"), result.failed_attempts),
            (out.t("Venter", "Pending"), result.pending),
            (out.t("Slått av", "Switched off"), result.switched_off),
        ],
    )
