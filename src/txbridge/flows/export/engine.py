"""Export one batch of invoices to Tripletex: few calls, never twice, never lost.

Per batch: ONE read each of the chart of accounts (with VAT types on the accounts and bank account
numbers: also the bank-account preflight), VAT types, customers and products; missing customers and
products are created with the bulk ``/list`` endpoints; invoices go with ``POST /invoice/list`` (at most
100 per call, the order embedded). A refused chunk is bisected so every good invoice still goes.

Never twice, never lost: before each write the postings are committed ``in_flight`` with a marker
(the embedded order's ``number``); after it, reference and posting status are committed together.
Postings left ``in_flight`` (a crash, a timeout, a lost answer) are reconciled by listing the invoices
of their date window once and matching markers before anything is sent again. Customers and products
are matched by number on every run, so a bulk create whose answer was lost is found, not repeated."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import select

from txbridge.catalog import Message, render
from txbridge.flows import connections
from txbridge.flows.export.batches import BatchNotFoundError
from txbridge.flows.export.invoices import InvoiceSender
from txbridge.flows.export.mapping import Chart
from txbridge.flows.export.masterdata import MasterData
from txbridge.flows.export.reconcile import DEFAULT_IN_FLIGHT_GRACE, Reconciler
from txbridge.flows.outbound.context import ExportProgress, RunContext, Stop
from txbridge.flows.outbound.lease import STALE_AFTER, BatchLease
from txbridge.settings import Settings
from txbridge.store import (
    Batch,
    BatchItem,
    BatchStatus,
    Connection,
    Database,
    ItemStatus,
    LogLevel,
    ReferenceKind,
    TokenKeyError,
)
from txbridge.store import queries as q
from txbridge.tripletex import Clock, SystemClock, Tripletex, TripletexError

__all__ = [
    "DEFAULT_IN_FLIGHT_GRACE",
    "ExportProgress",
    "ExportResult",
    "PostingFailure",
    "export_batch",
    "export_stats",
]

ACCOUNT_FIELDS = "id,number,name,vatType(id,number),isBankAccount,bankAccountNumber"
VAT_TYPE_FIELDS = "id,number,percentage"


@dataclass(frozen=True, slots=True)
class PostingFailure:
    invoice_number: str
    error_id: str | None
    message: str


@dataclass(slots=True)
class ExportResult:
    batch_id: int
    status: BatchStatus
    progress_percent: int
    total: int = 0
    exported: int = 0
    skipped: int = 0
    failed: int = 0
    #: Postings still pending or in flight (the export stopped before them).
    open: int = 0
    #: Why the export stopped early (error state, authentication, API unreachable …), if it did.
    stopped: Message | None = None
    failures: list[PostingFailure] = field(default_factory=list)
    api_calls: int = 0
    #: Rate-limit waits of a second or more (the client's and the export's own), as told to the user.
    rate_limit_pauses: int = 0
    #: Seconds waited for the rate limit in all (including the client's short spacing waits).
    rate_limit_seconds: float = 0.0
    #: Seconds waited for Tripletex to be reachable again, and for writes that might still land.
    outage_seconds: float = 0.0
    grace_seconds: float = 0.0
    reconciled: int = 0
    seconds: float = 0.0
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.stopped is None and self.status is BatchStatus.EXPORTED


def export_stats(client: Tripletex) -> dict[str, Any]:
    """API calls used so far by ``client`` (calls per endpoint, retries, 429s, sessions)."""
    return client.stats.snapshot()


def export_batch(
    db: Database,
    settings: Settings,
    batch_id: int,
    *,
    transport: httpx.BaseTransport | None = None,
    client: Tripletex | None = None,
    progress: Callable[[ExportProgress], None] | None = None,
    sleep: Callable[[float], None] | None = None,
    clock: Clock | None = None,
    in_flight_grace: float = DEFAULT_IN_FLIGHT_GRACE,
    requested_by: str | None = None,
    lease_stale_after: float = STALE_AFTER,
) -> ExportResult:
    """Export (or continue exporting) a batch. Builds its client from the stored connection unless
    one is given (then the caller closes it, and the waits of that client are neither counted nor
    told). Never raises for data or API trouble: the result says what went, what failed and, in
    ``stopped``, why the run stopped early.

    First takes the batch's export lease: if another export of the batch is running, raises
    :class:`ExportAlreadyRunningError` (catalog ``export_already_running``, naming the holder) and
    touches nothing. ``requested_by`` names who asked (default: the login name)."""
    with db.transaction() as session:
        batch = session.get(Batch, batch_id)
        if batch is None:
            raise BatchNotFoundError(batch_id)
        connection = session.get(Connection, batch.connection_id)
        assert connection is not None
    with BatchLease(db, batch_id, holder=requested_by, stale_after=lease_stale_after) as lease:
        run = RunContext(
            db, settings, batch_id, connection.id, progress, sleep or time.sleep, (clock or SystemClock()).now
        )
        run.lease = lease
        exporter = _Exporter(run, connection, in_flight_grace)
        started = time.perf_counter()
        blocked = connections.blocking_message(connection)
        if blocked is not None:
            if blocked.id == "token_expired":
                connections.mark_token_expired(db, connection.id)
            return exporter.finish(blocked, started=started, calls_before=0, client=None)
        if client is not None:
            return exporter.export(client)
        try:
            tx = connections.client_for(
                connection, settings, transport=transport, clock=clock, sleep=run.client_sleep
            )
        except TokenKeyError:
            # The key that encrypted the tokens is not the one configured: as good as a wrong token.
            return exporter.finish(
                render("authentication_unsuccessful"), started=started, calls_before=0, client=None
            )
        except TripletexError as exc:
            return exporter.finish(
                connections.message_for_error(exc, connection.base_url),
                started=started,
                calls_before=0,
                client=None,
            )
        with tx:
            result = exporter.export(tx)
        # Ending the session is an API call too, and may wait for the rate limit: count that wait.
        result.rate_limit_pauses, result.rate_limit_seconds = run.pauses, run.paused
        return result


class _Exporter:
    """One run: reconcile what an earlier run left in flight, skip and fail what needs no call, then
    preflight, master data and invoices (each step in its own module)."""

    def __init__(self, run: RunContext, connection: Connection, in_flight_grace: float) -> None:
        self.run = run
        self.reconciler = Reconciler(self.run, in_flight_grace)
        self.send_to_customer = connection.send_to_customer
        self.chunk_size = max(1, min(100, connection.batch_size))

    def export(self, tx: Tripletex) -> ExportResult:
        self.run.tx = tx
        self.run.watch_retries()
        started = time.perf_counter()
        calls_before = tx.stats.calls
        stopped: Message | None = None
        try:
            self.reconciler.reconcile(None)
            self._skip_done_and_missing()
            if self.run.open_ids() or self.reconciler.waiting:
                chart = self._preflight()
                if self.run.open_ids() or self.reconciler.waiting:
                    master = MasterData(self.run, chart)
                    master.find_or_create_customers()
                    master.find_or_create_products()
                    InvoiceSender(
                        self.run,
                        self.reconciler,
                        chart,
                        master,
                        send_to_customer=self.send_to_customer,
                        chunk_size=self.chunk_size,
                    ).send_all()
        except Stop as stop:
            stopped = stop.message
            if stop.counts and stop.error is not None:
                connections.record_failure(self.run.db, self.run.settings, self.run.connection_id, stop.error)
        except (TripletexError, httpx.HTTPError) as exc:
            stopped = self.run.stop_for(exc).message
            connections.record_failure(self.run.db, self.run.settings, self.run.connection_id, exc)
        else:
            connections.record_success(self.run.db, self.run.connection_id)
            if self.reconciler.waiting:
                # Only when nothing could be sent at all (no bank account): looked for again next run.
                stopped = render("outcome_unknown", invoice=self.run.numbers(list(self.reconciler.waiting)))
        return self.finish(stopped, started=started, calls_before=calls_before, client=tx)

    def finish(
        self, stopped: Message | None, *, started: float, calls_before: int, client: Tripletex | None
    ) -> ExportResult:
        with self.run.db.transaction() as session:
            batch = session.get(Batch, self.run.batch_id)
            assert batch is not None
            q.refresh_batch(session, batch)
            counts = self.run.counts(session)
            failures = [
                PostingFailure(p.subject_key, p.error_id, p.message or "")
                for p in session.scalars(
                    select(BatchItem)
                    .where(BatchItem.batch_id == self.run.batch_id, BatchItem.status == ItemStatus.FAILED)
                    .order_by(BatchItem.id)
                )
            ]
            result = ExportResult(
                batch_id=self.run.batch_id,
                status=batch.status,
                progress_percent=batch.progress_percent,
                total=sum(counts.values()),
                exported=counts[ItemStatus.EXPORTED],
                skipped=counts[ItemStatus.SKIPPED],
                failed=counts[ItemStatus.FAILED],
                open=counts[ItemStatus.PENDING] + counts[ItemStatus.IN_FLIGHT],
                stopped=stopped,
                failures=failures,
                rate_limit_pauses=self.run.pauses,
                rate_limit_seconds=self.run.paused,
                outage_seconds=self.run.outage_waited,
                grace_seconds=self.run.grace_waited,
                reconciled=self.reconciler.reconciled,
            )
            if client is not None:
                result.api_calls = client.stats.calls - calls_before
                result.stats = export_stats(client)
            result.seconds = time.perf_counter() - started
            summary = (
                f"Bunt {self.run.batch_id}: {result.exported} eksportert, {result.skipped} hoppet over, "
                f"{result.failed} feilet, {result.open} gjenstår ({result.api_calls} API-kall) / "
                f"Batch {self.run.batch_id}: {result.exported} exported, {result.skipped} skipped, "
                f"{result.failed} failed, {result.open} left ({result.api_calls} API calls)"
            )
            q.add_log(
                session,
                self.run.connection_id,
                summary if stopped is None else f"{stopped.nb} — {summary}",
                level=LogLevel.INFO if stopped is None and not result.failed else LogLevel.WARNING,
                message_id=stopped.id if stopped else None,
                object_type="batch",
                object_key=str(self.run.batch_id),
                detail=stopped.en if stopped else None,
            )
        self.run.report("done")
        return result

    def _skip_done_and_missing(self) -> None:
        """Invoices deleted since the close fail («Invoice is not found»); invoices that already have a
        reference are skipped («Invoice already exported»)."""
        with self.run.db.transaction() as session:
            postings = list(
                session.scalars(
                    select(BatchItem).where(
                        BatchItem.batch_id == self.run.batch_id, BatchItem.status == ItemStatus.PENDING
                    )
                )
            )
            refs = q.references_of(
                session,
                self.run.connection_id,
                ReferenceKind.INVOICE,
                [p.invoice_id for p in postings if p.invoice_id is not None],
            )
            for posting in postings:
                if posting.invoice_id is None:
                    self.run.fail(session, posting, render("invoice_not_found", invoice=posting.subject_key))
                elif posting.invoice_id in refs:
                    ref = refs[posting.invoice_id]
                    message = render(
                        "invoice_already_exported",
                        invoice=posting.subject_key,
                        tripletex_number=ref.tripletex_number or "-",
                    )
                    q.record_outcome(
                        session, posting, ItemStatus.SKIPPED, error_id=message.id, message=str(message)
                    )

    def _preflight(self) -> Chart:
        """Chart of accounts and VAT types, once per batch; no bank account number fails the batch."""
        accounts = self.run.api(lambda: list(self.run.client.ledger.accounts.iter(fields=ACCOUNT_FIELDS)))
        vat_types = self.run.api(lambda: list(self.run.client.ledger.vat_types.iter(fields=VAT_TYPE_FIELDS)))
        chart = Chart.build(accounts, vat_types)
        self.run.report("preflight")
        if chart.has_bank_account_number():
            return chart
        message = render("no_bank_account")
        with self.run.db.transaction() as session:
            for posting in session.scalars(
                select(BatchItem).where(
                    BatchItem.batch_id == self.run.batch_id, BatchItem.status == ItemStatus.PENDING
                )
            ):
                posting.attempts += 1
                q.record_outcome(
                    session, posting, ItemStatus.FAILED, error_id=message.id, message=str(message)
                )
            self.run.log(message, LogLevel.ERROR, session=session)
        return chart
