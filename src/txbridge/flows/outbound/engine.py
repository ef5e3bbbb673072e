"""Export one batch to Tripletex, whatever its kind: few calls, never twice, never lost.

Per run: take the batch's export lease; reconcile what an earlier run left in flight (the kind looks
the markers up); skip items already exported and fail those whose local subject is gone; the kind's
preflight (one-per-batch reads; it may fail every item with one message) and optional corrections;
then the items chunk by chunk (:mod:`txbridge.flows.outbound.sender`).

Never twice, never lost: before each write the items are committed ``in_flight`` with the marker the
kind writes on the document; after it, reference and item status are committed together. Items left
``in_flight`` (a crash, a timeout, a lost answer) are looked up by their markers before anything is
sent again."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import select

from txbridge.catalog import Message, render
from txbridge.flows import connections
from txbridge.flows.outbound.context import BatchNotFoundError, ExportProgress, RunContext, Stop
from txbridge.flows.outbound.kind import KindPlugin
from txbridge.flows.outbound.kinds import plugin_for
from txbridge.flows.outbound.lease import STALE_AFTER, BatchLease
from txbridge.flows.outbound.reconcile import DEFAULT_IN_FLIGHT_GRACE, Reconciler
from txbridge.flows.outbound.sender import Sender
from txbridge.settings import Settings
from txbridge.store import (
    Batch,
    BatchItem,
    BatchStatus,
    Connection,
    Database,
    ItemStatus,
    LogLevel,
    TokenKeyError,
)
from txbridge.store import queries as q
from txbridge.tripletex import Clock, SystemClock, Tripletex, TripletexError

__all__ = [
    "DEFAULT_IN_FLIGHT_GRACE",
    "ExportProgress",
    "ExportResult",
    "ItemFailure",
    "export_batch",
    "export_stats",
]


@dataclass(frozen=True, slots=True)
class ItemFailure:
    #: What users see of the item (the invoice number, the host's hours id, «2026-10-05 · Storgata»).
    subject_key: str
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
    #: Items still pending or in flight (the export stopped before them).
    open: int = 0
    #: Why the export stopped early (error state, authentication, API unreachable …), if it did.
    stopped: Message | None = None
    failures: list[ItemFailure] = field(default_factory=list)
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
    """Export (or continue exporting) a batch of any kind. Builds its client from the stored
    connection unless one is given (then the caller closes it, and the waits of that client are
    neither counted nor told). Never raises for data or API trouble: the result says what went, what
    failed and, in ``stopped``, why the run stopped early.

    First takes the batch's export lease: if another export of the batch is running, raises
    :class:`ExportAlreadyRunningError` (catalog ``export_already_running``, naming the holder) and
    touches nothing. ``requested_by`` names who asked (default: the login name)."""
    with db.transaction() as session:
        batch = session.get(Batch, batch_id)
        if batch is None:
            raise BatchNotFoundError(batch_id)
        connection = session.get(Connection, batch.connection_id)
        assert connection is not None
        kind = plugin_for(batch.kind)
    with BatchLease(db, batch_id, holder=requested_by, stale_after=lease_stale_after) as lease:
        run = RunContext(
            db,
            settings,
            batch_id,
            connection.id,
            progress,
            sleep or time.sleep,
            (clock or SystemClock()).now,
            object_type=kind.object_type,
        )
        run.lease = lease
        exporter = _Exporter(run, kind, connection, in_flight_grace)
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
    the kind's preflight and corrections, and the items."""

    def __init__(
        self, run: RunContext, kind: KindPlugin[Any, Any], connection: Connection, in_flight_grace: float
    ) -> None:
        self.run = run
        self.kind = kind
        self.reconciler: Reconciler[Any, Any] = Reconciler(run, kind, in_flight_grace)
        self.chunk_size = max(1, min(kind.max_chunk, kind.chunk_size(connection)))

    def export(self, tx: Tripletex) -> ExportResult:
        self.run.tx = tx
        self.run.watch_retries()
        started = time.perf_counter()
        calls_before = tx.stats.calls
        stopped: Message | None = None
        try:
            self.reconciler.reconcile(None)
            self._skip_done_and_missing()
            if self.run.has_work():
                prepared = self.kind.preflight(self.run)
                self.reconciler.prepared = prepared
                self.kind.corrections(self.run, prepared)
                if self.run.has_work():
                    Sender(
                        self.run, self.kind, self.reconciler, prepared, chunk_size=self.chunk_size
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
            if self.run.waiting:
                # Only when nothing could be sent at all (no bank account): looked for again next run.
                stopped = self.kind.outcome_unknown(self.run.numbers(list(self.run.waiting)))
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
                ItemFailure(item.subject_key, item.error_id, item.message or "")
                for item in session.scalars(
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
        """Items whose local subject was deleted since the close fail (the kind's «… is not found»);
        items whose subject already has a reference are skipped (the kind's «already exported»)."""
        subject = self.kind.subject_column()
        with self.run.db.transaction() as session:
            rows = session.execute(
                select(BatchItem, subject).where(
                    BatchItem.batch_id == self.run.batch_id, BatchItem.status == ItemStatus.PENDING
                )
            ).all()
            refs = q.references_of(
                session,
                self.run.connection_id,
                self.kind.reference_kind,
                [subject_id for _, subject_id in rows if subject_id is not None],
            )
            kept = self.kind.keeps_referenced(session, list(refs))
            for item, subject_id in rows:
                if subject_id is None:
                    self.run.fail(session, item, self.kind.missing(item.subject_key))
                elif subject_id in refs and subject_id not in kept:
                    message = self.kind.already_exported(item.subject_key, refs[subject_id])
                    q.record_outcome(
                        session, item, ItemStatus.SKIPPED, error_id=message.id, message=str(message)
                    )
