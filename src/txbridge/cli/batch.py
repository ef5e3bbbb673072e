"""``txbridge batch close|export|show|reset`` and ``txbridge invoice clear-reference``.

Exit codes: 0 everything went (or nothing to do), 1 some postings failed or invoices were left out,
2 usage error (no such batch/invoice/connection), 3 the export stopped because the integration cannot
work now (error state, authentication, Tripletex unreachable or answering 5xx beyond the retries),
4 another export of the batch is running (nothing was touched)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from sqlalchemy import func, select

from txbridge.cli import app
from txbridge.cli.connection import (
    EXIT_INTEGRATION,
    EXIT_ITEMS_FAILED,
    EXIT_OK,
    EXIT_USAGE,
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
from txbridge.flows import export as flow
from txbridge.flows.export.batches import batch_of_connection
from txbridge.store import (
    Batch,
    BatchStatus,
    Database,
    Posting,
    PostingStatus,
    ReferenceKind,
    queries,
)

batch_app = typer.Typer(
    help="Eksportbunter: avslutt, eksporter, vis, tilbakestill. Export batches: close, export, show, reset.",
    no_args_is_help=True,
)
app.add_typer(batch_app, name="batch")

invoice_app = typer.Typer(
    help="Administratorhandlinger på fakturaer. Administrator actions on invoices.", no_args_is_help=True
)
app.add_typer(invoice_app, name="invoice")

#: Another export of the batch is running: this one touched nothing.
EXIT_ALREADY_RUNNING = 4

_BATCH_STYLE = {BatchStatus.PENDING: "yellow", BatchStatus.EXPORTED: "green", BatchStatus.FAILED: "bold red"}
_POSTING_STYLE = {
    PostingStatus.PENDING: "yellow",
    PostingStatus.IN_FLIGHT: "yellow",
    PostingStatus.EXPORTED: "green",
    PostingStatus.SKIPPED: "cyan",
    PostingStatus.FAILED: "bold red",
    PostingStatus.REMOVED: "dim",
}
_POSTING_LABELS = {
    PostingStatus.PENDING: "Ventende / Pending",
    PostingStatus.IN_FLIGHT: "Sendt, avstemmes / In flight",
    PostingStatus.EXPORTED: "Eksportert / Exported",
    PostingStatus.SKIPPED: "Hoppet over / Skipped",
    PostingStatus.FAILED: "Feilet / Failed",
    PostingStatus.REMOVED: "Fjernet / Removed",
}

BatchArgument = Annotated[
    int | None, typer.Argument(help="Buntnummer (standard: siste) / batch id (default: latest).")
]


def _invoices_nb(count: int) -> str:
    return f"{count} faktura" if count == 1 else f"{count} fakturaer"


def _invoices_en(count: int) -> str:
    return f"{count} invoice" if count == 1 else f"{count} invoices"


def batch_status_text(batch: Batch) -> str:
    style = _BATCH_STYLE[batch.status]
    return f"[{style}]{batch.status.label_nb} / {batch.status.label_en}[/]"


def _latest_batch(database: Database, connection_id: int, out: Console, *, unfinished: bool) -> int:
    with database.transaction() as session:
        found = queries.batches(session, connection_id)
    if unfinished:
        found = [b for b in found if b.status is not BatchStatus.EXPORTED] or found
    if not found:
        usage_error(
            out,
            "Ingen bunter ennå: kjør `txbridge batch close --period ÅÅÅÅ-MM`.",
            "No batches yet: run `txbridge batch close --period YYYY-MM`.",
        )
    return found[-1].id


def _own_batch(database: Database, connection_id: int, batch_id: int, out: Console) -> Batch:
    try:
        return batch_of_connection(database, connection_id, batch_id)
    except flow.BatchNotFoundError as exc:
        fail(out, exc.message, EXIT_USAGE)


def posting_counts(database: Database, batch_id: int) -> dict[PostingStatus, int]:
    with database.transaction() as session:
        rows = session.execute(
            select(Posting.status, func.count()).where(Posting.batch_id == batch_id).group_by(Posting.status)
        ).all()
    return {status: count for status, count in rows}


def batches_table(database: Database, batches: list[Batch]) -> Table:
    table = Table(title="Eksportbunter / Export batches")
    for header in (
        "Bunt / Batch",
        "Periode / Period",
        "Status",
        "%",
        "Eksportert / Exported",
        "Hoppet over / Skipped",
        "Feilet / Failed",
        "Ventende / Pending",
        "Lukket / Closed",
    ):
        table.add_column(header, justify="right" if header in {"%"} else "left")
    for batch in batches:
        counts = posting_counts(database, batch.id)
        waiting = counts.get(PostingStatus.PENDING, 0) + counts.get(PostingStatus.IN_FLIGHT, 0)
        table.add_row(
            str(batch.id),
            batch.period,
            batch_status_text(batch),
            f"{batch.progress_percent} %",
            str(counts.get(PostingStatus.EXPORTED, 0)),
            str(counts.get(PostingStatus.SKIPPED, 0)),
            str(counts.get(PostingStatus.FAILED, 0)),
            str(waiting),
            batch.closed_at.strftime("%Y-%m-%d %H:%M") if batch.closed_at else "-",
        )
    return table


#: What an export run shows posting by posting; pending ones are only counted (a batch stopped
#: before it began would otherwise list every invoice).
_NEEDS_A_LOOK = frozenset({PostingStatus.FAILED, PostingStatus.IN_FLIGHT, PostingStatus.SKIPPED})

#: Left-out reasons that only say "already in another batch": summed up in one line, not one row each.
_IN_ANOTHER_BATCH = frozenset({"batch_not_exported", "invoice_already_exported"})


def postings_table(database: Database, batch_id: int, *, only_problems: bool = False) -> Table:
    with database.transaction() as session:
        postings = list(
            session.scalars(select(Posting).where(Posting.batch_id == batch_id).order_by(Posting.id))
        )
        references = {
            ref.local_id: ref
            for ref in queries.references_of(
                session,
                session.get(Batch, batch_id).connection_id,  # type: ignore[union-attr]
                ReferenceKind.INVOICE,
                [p.invoice_id for p in postings if p.invoice_id is not None],
            ).values()
        }
    table = Table(
        title=f"Posteringer i bunt {batch_id} / Postings in batch {batch_id}", show_lines=only_problems
    )
    for header in ("Faktura / Invoice", "Status", "Tripletex", "Forsøk / Attempts", "Melding / Message"):
        table.add_column(header)
    for posting in postings:
        if only_problems and posting.status not in _NEEDS_A_LOOK:
            continue
        reference = references.get(posting.invoice_id) if posting.invoice_id is not None else None
        tripletex = reference.tripletex_number or "-" if reference is not None else "-"
        table.add_row(
            posting.invoice_number,
            f"[{_POSTING_STYLE[posting.status]}]{_POSTING_LABELS[posting.status]}[/]",
            tripletex,
            str(posting.attempts),
            posting.message or "",
        )
    return table


# --------------------------------------------------------------------------------------------------
# Commands
# --------------------------------------------------------------------------------------------------


@batch_app.command("close")
def close(
    period: Annotated[
        str, typer.Option("--period", "-p", help="Regnskapsperiode / accounting period (YYYY-MM).")
    ],
    connection: ConnectionOption = None,
) -> None:
    """Buntavslutning: ferdige fakturaer i perioden inn i en ny bunt. Batch close for a period."""
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        found = resolve_connection(database, cfg, connection, out)
        try:
            result = flow.close_batch(database, found.id, period)
        except ValueError:
            usage_error(
                out, f"Ugyldig periode {period!r} (ÅÅÅÅ-MM).", f"Invalid period {period!r} (YYYY-MM)."
            )
    if result.batch_id is not None:
        out.print(
            f"[bold green]Bunt {result.batch_id} for {period}: {_invoices_nb(result.invoice_count)}[/]\n"
            f"Batch {result.batch_id} for {period}: {_invoices_en(result.invoice_count)}"
        )
    elif result.message is not None:
        print_message(out, result.message, style="yellow")
    elsewhere = [left for left in result.left_out if left.message.id in _IN_ANOTHER_BATCH]
    left_out = [left for left in result.left_out if left.message.id not in _IN_ANOTHER_BATCH]
    if left_out:
        table = Table(title="Ikke tatt med / Left out", show_lines=True)
        table.add_column("Faktura / Invoice")
        table.add_column("Årsak / Reason")
        table.add_column("Løsning / Fix")
        for left in left_out:
            message = left.message
            table.add_row(
                left.invoice_number,
                f"{message.nb}\n[dim]{message.en}[/]",
                f"{message.fix_nb}\n[dim]{message.fix_en}[/]",
            )
        out.print(table)
    if elsewhere:
        count = len(elsewhere)
        out.print(
            f"{_invoices_nb(count)} fra perioden {period} ligger allerede i en bunt: "
            "se `txbridge batch show`.\n"
            f"{_invoices_en(count)} from period {period} {'is' if count == 1 else 'are'} already in a batch: "
            "see `txbridge batch show`."
        )
    raise typer.Exit(EXIT_OK if result.batch_id is not None else EXIT_ITEMS_FAILED)


@batch_app.command("export")
def export(
    batch: BatchArgument = None,
    connection: ConnectionOption = None,
) -> None:
    """Eksporter en bunt til Tripletex (fortsetter der den slapp). Export a batch to Tripletex."""
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        found = resolve_connection(database, cfg, connection, out)
        batch_id = batch if batch is not None else _latest_batch(database, found.id, out, unfinished=True)
        _own_batch(database, found.id, batch_id, out)
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TaskProgressColumn(),
            TimeElapsedColumn(),
            console=out,
            transient=True,
        ) as bar:
            task = bar.add_task(f"Bunt {batch_id} / batch {batch_id}", total=None)

            def on_progress(step: flow.ExportProgress) -> None:
                # Waits (rate limit, retries, writes that may still land) are told as they happen; the
                # client's own English log lines are for operators (--verbose, TXBRIDGE_LOG_LEVEL).
                if step.notice is not None:
                    out.print(f"[yellow]{step.notice.nb}[/]\n[dim]{step.notice.en}[/]")
                bar.update(
                    task,
                    total=step.total or None,
                    completed=step.done,
                    description=f"Bunt {batch_id} / batch {batch_id}: {step.phase}",
                )

            try:
                result = flow.export_batch(database, cfg, batch_id, progress=on_progress)
            except flow.ExportAlreadyRunningError as exc:
                fail(out, exc.message, EXIT_ALREADY_RUNNING)
        with database.transaction() as session:
            batches = [b for b in queries.batches(session, found.id) if b.id == batch_id]
        out.print(batches_table(database, batches))
        counts = posting_counts(database, batch_id)
        if any(counts.get(status, 0) for status in _NEEDS_A_LOOK):
            out.print(postings_table(database, batch_id, only_problems=True))
        if counts.get(PostingStatus.FAILED, 0):
            # The catalog's fixes say BUNT/BATCH; here the number is known. A failed posting is only
            # sent again after a reset: an export sends pending postings.
            out.print(
                f"Rett feilene over, og kjør så `txbridge batch reset {batch_id}` og deretter "
                f"`txbridge batch export {batch_id}`; `txbridge diagnose invoice NUMMER` forklarer hver.\n"
                f"Fix the errors above, then run `txbridge batch reset {batch_id}` and then "
                f"`txbridge batch export {batch_id}`; `txbridge diagnose invoice NUMBER` explains each."
            )
    out.print(
        f"API-kall / API calls: {result.api_calls}"
        f" ({result.api_calls / max(result.exported, 1):.3f} per eksportert faktura / per exported invoice),"
        f" {result.seconds:.1f} s"
        + (
            f", {result.rate_limit_pauses} pauser for API-grensen / rate-limit pauses"
            if result.rate_limit_pauses
            else ""
        )
    )
    if result.stopped is not None:
        # Whatever stopped an export run is the integration (Tripletex out of reach, 5xx beyond the
        # retries, authentication, error state), except a connection set up wrongly.
        code = {
            "connection_settings_invalid": EXIT_USAGE,
            "export_already_running": EXIT_ALREADY_RUNNING,  # the lease was taken over mid-run
        }.get(result.stopped.id, EXIT_INTEGRATION)
        fail(out, result.stopped, code)
    raise typer.Exit(EXIT_OK if result.ok else EXIT_ITEMS_FAILED)


@batch_app.command("show")
def show(
    batch: Annotated[
        int | None, typer.Argument(help="Buntnummer; uten: alle bunter / batch id; none: all.")
    ] = None,
    connection: ConnectionOption = None,
) -> None:
    """Vis bunter, eller én bunt med posteringene. Show batches, or one batch with its postings."""
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        found = resolve_connection(database, cfg, connection, out)
        if batch is None:
            with database.transaction() as session:
                batches = queries.batches(session, found.id)
            if not batches:
                out.print("Ingen bunter ennå. / No batches yet.")
                raise typer.Exit(EXIT_OK)
            out.print(batches_table(database, batches))
            raise typer.Exit(EXIT_OK)
        one = _own_batch(database, found.id, batch, out)
        out.print(batches_table(database, [one]))
        out.print(postings_table(database, batch))


@batch_app.command("reset")
def reset(
    batch: Annotated[int, typer.Argument(help="Buntnummer / batch id.")],
    connection: ConnectionOption = None,
    actor: Annotated[
        str | None, typer.Option(help="Hvem som gjør det (logges) / who does it (logged).")
    ] = None,
) -> None:
    """Feilede posteringer tilbake til ventende (administrator, logges). Reset failed postings."""
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        found = resolve_connection(database, cfg, connection, out)
        _own_batch(database, found.id, batch, out)
        count = flow.reset_batch(database, batch, actor=actor_name(actor))
    out.print(
        f"Bunt {batch}: {count} posteringer prøves igjen ved neste eksport.\n"
        f"Batch {batch}: {count} postings will be tried again on the next export."
    )


@invoice_app.command("clear-reference")
def clear_reference(
    number: Annotated[str, typer.Argument(help="Fakturanummer / invoice number.")],
    connection: ConnectionOption = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Ikke spør / do not ask.")] = False,
    reset: Annotated[
        bool, typer.Option(help="Tilbakestill bunten også / also reset the invoice's batch.")
    ] = True,
    actor: Annotated[
        str | None, typer.Option(help="Hvem som gjør det (logges) / who does it (logged).")
    ] = None,
) -> None:
    """Fjern Tripletex-referansen så fakturaen kan eksporteres på nytt (administrator, logges).
    Clear the Tripletex reference so the invoice can be exported again (administrator, logged)."""
    out = console()
    cfg = settings()
    if not yes:
        typer.confirm(
            f"Faktura {number} kan da bli eksportert en gang til; er den kreditert i Tripletex?\n"
            f"Invoice {number} may then be exported again; is it credited in Tripletex?",
            abort=True,
        )
    who = actor_name(actor)
    with open_store(cfg) as database:
        found = resolve_connection(database, cfg, connection, out)
        try:
            cleared = flow.clear_reference(database, found.id, number, actor=who)
        except flow.InvoiceNotFoundError as exc:
            fail(out, exc.message, EXIT_USAGE)
        if not cleared:
            out.print(f"Faktura {number} hadde ingen referanse. / Invoice {number} had no reference.")
            raise typer.Exit(EXIT_OK)
        batch_id = _batch_of_invoice(database, found.id, number) if reset else None
        if batch_id is not None:
            flow.reset_batch(database, batch_id, actor=who)
    out.print(
        f"Referansen til faktura {number} er fjernet av {who}.\n"
        f"The reference of invoice {number} was cleared by {who}."
    )
    if batch_id is not None:
        out.print(
            f"Bunt {batch_id} er tilbakestilt: `txbridge batch export {batch_id}` sender fakturaen på nytt.\n"
            f"Batch {batch_id} was reset: `txbridge batch export {batch_id}` sends the invoice again."
        )


def _batch_of_invoice(database: Database, connection_id: int, number: str) -> int | None:
    with database.transaction() as session:
        invoice = queries.invoice_by_number(session, connection_id, number)
        posting = queries.open_posting_of_invoice(session, invoice.id) if invoice is not None else None
        return posting.batch_id if posting is not None else None
