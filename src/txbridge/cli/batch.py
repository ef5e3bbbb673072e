"""``txbridge batch close|export|show|reset`` and ``txbridge invoice clear-reference``.

Exit codes: 0 everything went (or nothing to do), 1 some postings failed or invoices were left out,
2 usage error (no such batch/invoice/connection), 3 the export stopped because the integration cannot
work now (error state, authentication, Tripletex unreachable or answering 5xx beyond the retries),
4 another export of the batch is running (nothing was touched).

Tables are read from the shared read models (:mod:`txbridge.flows.views`), never from the store."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from txbridge.catalog import render
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
)
from txbridge.cli.ui import Out, escape, export_phase, h, progress
from txbridge.flows import export as flow
from txbridge.flows.views import batches as views
from txbridge.flows.views.batches import BatchDetail, BatchRow, PostingRow
from txbridge.flows.views.invoices import find_invoice
from txbridge.store import BatchStatus, Database, ItemStatus

batch_app = typer.Typer(
    help=h(
        "Eksportbunter: avslutt, eksporter, vis, tilbakestill.", "Export batches: close, export, show, reset."
    ),
    no_args_is_help=True,
)
app.add_typer(batch_app, name="batch")

invoice_app = typer.Typer(
    help=h("Administratorhandlinger på fakturaer.", "Administrator actions on invoices."),
    no_args_is_help=True,
)
app.add_typer(invoice_app, name="invoice")

#: Another export of the batch is running: this one touched nothing.
EXIT_ALREADY_RUNNING = 4

_BATCH_STYLE = {BatchStatus.PENDING: "yellow", BatchStatus.EXPORTED: "green", BatchStatus.FAILED: "bold red"}
_POSTING_STYLE = {
    ItemStatus.PENDING: "yellow",
    ItemStatus.IN_FLIGHT: "yellow",
    ItemStatus.EXPORTED: "green",
    ItemStatus.SKIPPED: "cyan",
    ItemStatus.FAILED: "bold red",
    ItemStatus.REMOVED: "dim",
}
_POSTING_LABELS = {
    ItemStatus.PENDING: ("Ventende", "Pending"),
    ItemStatus.IN_FLIGHT: ("Sendt, avstemmes", "In flight"),
    ItemStatus.EXPORTED: ("Eksportert", "Exported"),
    ItemStatus.SKIPPED: ("Hoppet over", "Skipped"),
    ItemStatus.FAILED: ("Feilet", "Failed"),
    ItemStatus.REMOVED: ("Fjernet", "Removed"),
}
BatchArgument = Annotated[
    int | None,
    typer.Argument(
        help=h(
            "Buntnummer (standard: siste uferdige bunt).",
            "Batch number (default: the latest unfinished one).",
        ),
        show_default=False,
    ),
]


def _invoices(out: Out, count: int) -> str:
    if out.language == "en":
        return f"{count} invoice" if count == 1 else f"{count} invoices"
    return f"{count} faktura" if count == 1 else f"{count} fakturaer"


def batch_status_text(out: Out, status: BatchStatus) -> str:
    return f"[{_BATCH_STYLE[status]}]{out.t(status.label_nb, status.label_en)}[/]"


def _latest_batch(database: Database, connection_id: int, out: Out, *, unfinished: bool) -> int:
    found = views.latest_batch(database, connection_id, unfinished=unfinished)
    if found is None:
        fail(out, render("no_batches_yet"), EXIT_USAGE)
    return found


def _detail(
    database: Database, connection_id: int, batch_id: int, out: Out, **filters: object
) -> BatchDetail:
    try:
        return views.batch_detail(database, batch_id, connection_id=connection_id, **filters)  # type: ignore[arg-type]
    except flow.BatchNotFoundError as exc:
        fail(out, exc.message, EXIT_USAGE)


#: Narrower than this, the batch table leaves out the percentage and the skipped count (the batch's
#: own view shows both): its seven columns then read at 80 columns without a word cut.
WIDE_TABLE = 100


def batches_table(out: Out, rows: list[BatchRow]) -> Table:
    """Batches with their counts, in as many columns as the screen has room for."""
    wide = out.width >= WIDE_TABLE
    table = Table(title=out.t("Eksportbunter", "Export batches"))
    columns: list[tuple[str, str]] = [
        (out.t("Bunt", "Batch"), "right"),
        (out.t("Periode", "Period"), "left"),
        ("Status", "left"),
    ]
    if wide:
        columns.append(("%", "right"))
    columns.append((out.t("Eksportert", "Exported"), "right"))
    if wide:
        columns.append((out.t("Hoppet over", "Skipped"), "right"))
    columns += [
        (out.t("Feilet", "Failed"), "right"),
        (out.t("Ventende", "Pending"), "right"),
        (out.t("Lukket", "Closed"), "left"),
    ]
    for header, justify in columns:
        table.add_column(header, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    for row in rows:
        cells = [str(row.id), row.period, batch_status_text(out, row.status)]
        if wide:
            cells.append(str(row.percent))
        cells.append(str(row.exported))
        if wide:
            cells.append(str(row.skipped))
        cells += [
            str(row.failed),
            str(row.waiting),
            row.closed_at.strftime("%Y-%m-%d %H:%M" if wide else "%Y-%m-%d") if row.closed_at else "-",
        ]
        table.add_row(*cells)
    return table


#: What an export run shows posting by posting; pending ones are only counted (a batch stopped
#: before it began would otherwise list every invoice).
_NEEDS_A_LOOK = (ItemStatus.FAILED, ItemStatus.IN_FLIGHT, ItemStatus.SKIPPED)

#: Left-out reasons that only say "already in another batch": summed up in one line, not one row each.
_IN_ANOTHER_BATCH = frozenset({"batch_not_exported", "invoice_already_exported"})


def postings_table(out: Out, detail: BatchDetail, *, only_problems: bool = False) -> Table:
    """Postings with their Tripletex number or message; the message column takes what is left."""
    batch_id = detail.batch.id
    title = out.t(f"Posteringer i bunt {batch_id}", f"Postings in batch {batch_id}")
    if detail.postings.has_more or detail.postings.offset:
        shown = len(detail.postings.items)
        first = detail.postings.offset + 1
        title += out.t(
            f" ({first}–{first + shown - 1} av {detail.postings.total})",
            f" ({first}–{first + shown - 1} of {detail.postings.total})",
        )
    table = Table(title=title, show_lines=only_problems)
    table.add_column(out.t("Faktura", "Invoice"), overflow="fold")
    table.add_column("Status")
    table.add_column(out.t(*detail.batch.reference_label), overflow="fold")
    table.add_column(out.t("Forsøk", "Tries"), justify="right")
    table.add_column(out.t("Melding", "Message"), ratio=1)
    for posting in detail.postings.items:
        table.add_row(
            escape(posting.invoice_number),
            f"[{_POSTING_STYLE[posting.status]}]{out.t(*_POSTING_LABELS[posting.status])}[/]",
            escape(posting.tripletex_number or "-"),
            str(posting.attempts),
            _posting_message(out, posting),
        )
    return table


def _posting_message(out: Out, posting: PostingRow) -> str:
    if posting.message is None:
        return ""
    text = escape(out.text(posting.message))
    if posting.status is ItemStatus.FAILED:
        text += f"\n[dim]→ {escape(out.fix(posting.message, posting.batch_id))}[/]"
    return text


# --------------------------------------------------------------------------------------------------
# Commands
# --------------------------------------------------------------------------------------------------


@batch_app.command(
    "close",
    help=h(
        "Buntavslutning: ferdige fakturaer i perioden inn i en ny bunt.",
        "Batch close: the period's ready invoices into a new batch.",
    ),
)
def close(
    period: Annotated[
        str,
        typer.Option("--period", "-p", help=h("Regnskapsperiode (ÅÅÅÅ-MM).", "Accounting period (YYYY-MM).")),
    ],
    connection: ConnectionOption = None,
) -> None:
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        found = resolve_connection(database, cfg, connection, out)
        try:
            result = flow.close_batch(database, found.id, period)
        except ValueError:
            fail(out, render("invalid_period", period=period), EXIT_USAGE)
    if result.batch_id is not None:
        out.batch = result.batch_id
        taken = _invoices(out, result.invoice_count)
        made = out.t(f"Bunt {result.batch_id} for {period}", f"Batch {result.batch_id} for {period}")
        out.print(f"[bold green]{made}: {taken}[/]")
    elif result.message is not None:
        print_message(out, result.message, style="yellow")
    elsewhere = [left for left in result.left_out if left.message.id in _IN_ANOTHER_BATCH]
    left_out = [left for left in result.left_out if left.message.id not in _IN_ANOTHER_BATCH]
    if left_out:
        table = Table(title=out.t("Ikke tatt med", "Left out"), show_lines=True)
        table.add_column(out.t("Faktura", "Invoice"), overflow="fold")
        table.add_column(out.t("Årsak", "Reason"), ratio=1)
        table.add_column(out.t("Løsning", "Fix"), ratio=1)
        for left in left_out:
            table.add_row(
                escape(left.invoice_number), escape(out.text(left.message)), escape(out.fix(left.message))
            )
        out.print(table)
    if elsewhere:
        count = len(elsewhere)
        already = _invoices(out, count)
        out.print(
            out.t(
                f"{already} fra perioden {period} ligger allerede i en bunt: se `txbridge batch show`.",
                f"{already} from period {period} {'is' if count == 1 else 'are'} already in a batch: "
                "see `txbridge batch show`.",
            )
        )
    raise typer.Exit(EXIT_OK if result.batch_id is not None else EXIT_ITEMS_FAILED)


@batch_app.command(
    "export",
    help=h(
        "Eksporter en bunt til Tripletex (fortsetter der den slapp).",
        "Export a batch to Tripletex (continues where it stopped).",
    ),
)
def export(
    batch: BatchArgument = None,
    connection: ConnectionOption = None,
) -> None:
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        found = resolve_connection(database, cfg, connection, out)
        batch_id = batch if batch is not None else _latest_batch(database, found.id, out, unfinished=True)
        _detail(database, found.id, batch_id, out, limit=1)
        out.batch = batch_id
        with progress(out, out.t(f"Bunt {batch_id}", f"Batch {batch_id}")) as update:

            def on_progress(step: flow.ExportProgress) -> None:
                # Waits (rate limit, retries, writes that may still land) are told as they happen; the
                # client's own English log lines are for operators (--verbose, TXBRIDGE_LOG_LEVEL).
                if step.notice is not None:
                    out.print(f"[yellow]{escape(out.text(step.notice))}[/]")
                update(export_phase(out, step.phase), step.done, step.total or None)

            try:
                result = flow.export_batch(database, cfg, batch_id, progress=on_progress)
            except flow.ExportAlreadyRunningError as exc:
                fail(out, exc.message, EXIT_ALREADY_RUNNING)
        summary = _detail(database, found.id, batch_id, out, limit=1).batch
        out.print(batches_table(out, [summary]))
        if any(summary.counts[status] for status in _NEEDS_A_LOOK):
            out.print(
                postings_table(
                    out, _detail(database, found.id, batch_id, out, status=_NEEDS_A_LOOK), only_problems=True
                )
            )
        if summary.failed:
            # A failed posting is only sent again after a reset: an export sends pending postings.
            out.message(render("postings_failed", count=summary.failed, batch=batch_id), style="yellow")
    per_invoice = f"{result.api_calls / max(result.exported, 1):.3f}"
    out.print(
        out.t(
            f"API-kall: {result.api_calls} ({per_invoice} per eksportert faktura), {result.seconds:.1f} s",
            f"API calls: {result.api_calls} ({per_invoice} per exported invoice), {result.seconds:.1f} s",
        )
        + (
            out.t(
                f", {result.rate_limit_pauses} pauser for API-grensen",
                f", {result.rate_limit_pauses} rate-limit pauses",
            )
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


@batch_app.command(
    "show",
    help=h("Vis bunter, eller én bunt med posteringene.", "Show batches, or one batch with its postings."),
)
def show(
    batch: Annotated[
        int | None,
        typer.Argument(
            help=h("Buntnummer; uten: alle bunter.", "Batch number; without: all batches."),
            show_default=False,
        ),
    ] = None,
    connection: ConnectionOption = None,
    status: Annotated[
        ItemStatus | None,
        typer.Option(help=h("Bare posteringer med denne statusen.", "Only postings with this status.")),
    ] = None,
    offset: Annotated[
        int, typer.Option(min=0, help=h("Hopp over så mange rader.", "Skip this many rows."))
    ] = 0,
    limit: Annotated[
        int, typer.Option(min=1, help=h("Høyst så mange rader.", "At most this many rows."))
    ] = 200,
) -> None:
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        found = resolve_connection(database, cfg, connection, out)
        if batch is None:
            page = views.list_batches(database, found.id, offset=offset, limit=limit)
            if not page.total:
                out.message(render("no_batches_yet"), style="yellow")
                raise typer.Exit(EXIT_OK)
            out.print(batches_table(out, list(page.items)))
            raise typer.Exit(EXIT_OK)
        out.batch = batch
        detail = _detail(database, found.id, batch, out, status=status, offset=offset, limit=limit)
    out.print(batches_table(out, [detail.batch]))
    out.print(postings_table(out, detail))


@batch_app.command(
    "reset",
    help=h(
        "Feilede posteringer tilbake til ventende (administrator, logges); neste eksport sender dem.",
        "Failed postings back to pending (administrator, logged); the next export sends them.",
    ),
)
def reset(
    batch: BatchArgument = None,
    connection: ConnectionOption = None,
    actor: Annotated[
        str | None, typer.Option(help=h("Hvem som gjør det (logges).", "Who does it (logged)."))
    ] = None,
) -> None:
    out = console()
    cfg = settings()
    with open_store(cfg) as database:
        found = resolve_connection(database, cfg, connection, out)
        batch_id = batch if batch is not None else _latest_batch(database, found.id, out, unfinished=True)
        _detail(database, found.id, batch_id, out, limit=1)
        count = flow.reset_batch(database, batch_id, actor=actor_name(actor))
    out.print(
        out.t(
            f"Bunt {batch_id}: {count} posteringer prøves igjen ved neste eksport "
            f"(`txbridge batch export {batch_id}`).",
            f"Batch {batch_id}: {count} postings will be tried again on the next export "
            f"(`txbridge batch export {batch_id}`).",
        )
    )


@invoice_app.command(
    "clear-reference",
    help=h(
        "Fjern Tripletex-referansen så fakturaen kan eksporteres på nytt (administrator, logges).",
        "Clear the Tripletex reference so the invoice can be exported again (administrator, logged).",
    ),
)
def clear_reference(
    number: Annotated[str, typer.Argument(help=h("Fakturanummer.", "Invoice number."))],
    connection: ConnectionOption = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help=h("Ikke spør.", "Do not ask."))] = False,
    reset: Annotated[
        bool, typer.Option(help=h("Tilbakestill fakturaens bunt også.", "Also reset the invoice's batch."))
    ] = True,
    actor: Annotated[
        str | None, typer.Option(help=h("Hvem som gjør det (logges).", "Who does it (logged)."))
    ] = None,
) -> None:
    out = console()
    cfg = settings()
    if not yes:
        typer.confirm(
            out.t(
                f"Faktura {number} kan da bli eksportert en gang til; er den kreditert i Tripletex?",
                f"Invoice {number} may then be exported again; is it credited in Tripletex?",
            ),
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
            out.print(
                out.t(f"Faktura {number} hadde ingen referanse.", f"Invoice {number} had no reference.")
            )
            raise typer.Exit(EXIT_OK)
        batch_id = find_invoice(database, found.id, number).batch_id if reset else None
        if batch_id is not None:
            flow.reset_batch(database, batch_id, actor=who)
    out.print(
        out.t(
            f"Referansen til faktura {escape(number)} er fjernet av {escape(who)}.",
            f"The reference of invoice {escape(number)} was cleared by {escape(who)}.",
        )
    )
    if batch_id is not None:
        out.print(
            out.t(
                f"Bunt {batch_id} er tilbakestilt: `txbridge batch export {batch_id}` sender fakturaen "
                "på nytt.",
                f"Batch {batch_id} was reset: `txbridge batch export {batch_id}` sends the invoice again.",
            )
        )
