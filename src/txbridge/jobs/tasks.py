"""The tasks, defined once and run by either engine: ids in, the flow called, a result out.

A task loads its state from the store and is safe to run twice (the flows' never-twice machinery
does the real work). :func:`execute` wraps every run the same way on both engines: begin an attempt
(recorded by the task itself), heartbeat while it runs, then finish, retry later or fail, with the
catalog message that says why."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from txbridge.catalog import Message, render
from txbridge.flows import connections
from txbridge.flows.export import BatchNotFoundError, export_batch, refresh_payments
from txbridge.flows.outbound.lease import ExportAlreadyRunningError
from txbridge.flows.outbound.reconcile import DEFAULT_IN_FLIGHT_GRACE
from txbridge.flows.sync import inbox, realtime, reconcile, subscriptions
from txbridge.flows.sync.errors import SyncError
from txbridge.flows.sync.hostwebhooks import deliver_pending
from txbridge.flows.sync.initial import run_initial_sync
from txbridge.flows.sync.push import push_host_changes
from txbridge.flows.views.sync import initial_sync_done
from txbridge.jobs import logs, metrics, records
from txbridge.jobs.model import JobError, TaskName
from txbridge.jobs.retry import RetryPolicy
from txbridge.settings import Settings
from txbridge.store import Connection, ConnectionState, Database, LogLevel
from txbridge.store import queries as q
from txbridge.store.models import JobState, TokenExpiryWarning, utcnow
from txbridge.tripletex import Tripletex, TripletexError

logger = logging.getLogger("txbridge.jobs")

OSLO = ZoneInfo("Europe/Oslo")
#: Token-expiry warnings, in days before the expiry date; each is given once.
TOKEN_WARNING_DAYS = (14, 7, 1)


@dataclass(frozen=True)
class RunOptions:
    """How a runner runs tasks: the same for both engines."""

    heartbeat_seconds: float = 5.0
    #: A running job whose heartbeat is older than this belongs to a dead runner.
    stale_after: float = 30.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    in_flight_grace: float = DEFAULT_IN_FLIGHT_GRACE
    #: Tests only: the HTTP transport every Tripletex client of a task uses, and the export's sleep
    #: (its client's retry and rate-limit waits).
    transport: httpx.BaseTransport | None = None
    sleep: Callable[[float], None] | None = None
    #: Tests only: the transport of the calls to the host's webhook endpoints.
    host_transport: httpx.BaseTransport | None = None


@dataclass(frozen=True)
class TaskContext:
    db: Database
    settings: Settings
    job_id: int
    connection_id: int | None
    batch_id: int | None
    options: RunOptions


@dataclass(frozen=True)
class TaskResult:
    api_calls: int = 0
    rate_limited: int = 0
    #: Postings by status after an export (metrics).
    items: dict[str, int] = field(default_factory=dict)


class TaskFailure(Exception):
    """The task could not do its work; ``message`` says why (and whether a retry may help)."""

    def __init__(self, message: Message) -> None:
        super().__init__(str(message))
        self.message = message


def _connection(ctx: TaskContext) -> Connection:
    # Loaded in a transaction so it stays readable after (a read-only session expires on rollback).
    with ctx.db.transaction() as session:
        connection = session.get(Connection, ctx.connection_id)
    if connection is None:
        raise TaskFailure(render("connection_not_found", connection=ctx.connection_id))
    return connection


def export_batch_task(ctx: TaskContext) -> TaskResult:
    """Export (or go on exporting) one batch."""
    assert ctx.batch_id is not None
    try:
        result = export_batch(
            ctx.db,
            ctx.settings,
            ctx.batch_id,
            transport=ctx.options.transport,
            in_flight_grace=ctx.options.in_flight_grace,
            requested_by=f"job {ctx.job_id}",
            sleep=ctx.options.sleep,
        )
    except (BatchNotFoundError, ExportAlreadyRunningError) as exc:
        # Another export of the batch (a CLI run, say) holds its lease: a transient wait, retried.
        raise TaskFailure(exc.message) from None
    metrics.count_api(ctx.connection_id, result.api_calls, int(result.stats.get("rate_limited", 0)))
    if result.stopped is not None:
        raise TaskFailure(result.stopped)
    return TaskResult(
        api_calls=result.api_calls,
        rate_limited=int(result.stats.get("rate_limited", 0)),
        items={"exported": result.exported, "failed": result.failed, "skipped": result.skipped},
    )


def refresh_payments_task(ctx: TaskContext) -> TaskResult:
    """Paid / credited / outstanding for the connection's exported invoices."""
    connection = _connection(ctx)
    blocked = connections.blocking_message(connection)
    if blocked is not None:
        raise TaskFailure(blocked)
    try:
        result = refresh_payments(ctx.db, ctx.settings, connection.id, transport=ctx.options.transport)
    except connections.ConnectionFlowError as exc:
        raise TaskFailure(exc.message) from None
    except (TripletexError, httpx.HTTPError) as exc:
        raise TaskFailure(connections.message_for_error(exc, connection.base_url)) from None
    metrics.count_api(connection.id, result.api_calls, 0)
    return TaskResult(api_calls=result.api_calls)


def today_in_oslo(now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(OSLO).date()


def check_token_expiry_task(ctx: TaskContext, *, today: date | None = None) -> TaskResult:
    """Warn in the integration log 14, 7 and 1 days before an employee token expires, once each
    (a missed day gives the nearest warning, not all of them); an expired token stops the connection."""
    day = today or today_in_oslo()
    with ctx.db.reading() as session:
        candidates = [
            (c.id, c.name, c.token_expires_on, c.state)
            for c in session.scalars(select(Connection).where(Connection.token_expires_on.is_not(None)))
        ]
    for connection_id, name, expires_on, state in candidates:
        assert expires_on is not None
        days_left = (expires_on - day).days
        if days_left < 0:
            if state is ConnectionState.ACTIVE:
                connections.mark_token_expired(ctx.db, connection_id)
            continue
        due = [d for d in TOKEN_WARNING_DAYS if days_left <= d]
        if due:
            _warn_once(ctx.db, connection_id, name, expires_on, days_left, due)
    return TaskResult()


def _warn_once(
    db: Database, connection_id: int, name: str, expires_on: date, days_left: int, due: list[int]
) -> None:
    try:
        with db.transaction() as session:
            given = set(
                session.scalars(
                    select(TokenExpiryWarning.days_before).where(
                        TokenExpiryWarning.connection_id == connection_id,
                        TokenExpiryWarning.expires_on == expires_on,
                    )
                )
            )
            if min(due) in given:
                return
            for days in due:
                if days not in given:
                    session.add(
                        TokenExpiryWarning(
                            connection_id=connection_id, expires_on=expires_on, days_before=days
                        )
                    )
            message = render("token_expires_soon", expires_on=expires_on.isoformat(), days_left=days_left)
            q.add_log(
                session,
                connection_id,
                message.nb,
                level=LogLevel.WARNING,
                message_id=message.id,
                object_type="connection",
                object_key=name,
                detail=message.en,
            )
    except IntegrityError:
        return  # another runner gave this warning at the same moment


def host_webhooks_task(ctx: TaskContext) -> TaskResult:
    """The change feed to the host's endpoints; what a host did not take is retried with the job's
    backoff (a transient failure)."""
    assert ctx.connection_id is not None
    # Changes written from now on queue the next job: this one may have looked at the feed already.
    records.release_active_key(ctx.db, ctx.job_id)
    result = deliver_pending(ctx.db, ctx.settings, ctx.connection_id, transport=ctx.options.host_transport)
    if result.pending:
        raise TaskFailure(render("sync_webhook_retry", count=result.pending))
    return TaskResult(items={"delivered": result.delivered, "switched_off": result.switched_off})


def _active_connection(ctx: TaskContext) -> Connection:
    connection = _connection(ctx)
    blocked = connections.blocking_message(connection)
    if blocked is not None:
        raise TaskFailure(blocked)
    return connection


def prune_inbox_task(ctx: TaskContext) -> TaskResult:
    """Delete processed webhook events older than the retention (never one waiting or failed)."""
    inbox.prune_processed(ctx.db, older_than=timedelta(days=ctx.settings.sync_inbox_retention_days))
    return TaskResult()


def webhook_subscriptions_task(ctx: TaskContext) -> TaskResult:
    """Make the connection's Tripletex event subscriptions, re-enable any Tripletex disabled, and
    queue a reconcile to fetch what changed while one was off."""
    connection = _active_connection(ctx)
    client = connections.client_for(connection, ctx.settings, transport=ctx.options.transport)
    try:
        check = subscriptions.ensure_subscriptions(ctx.db, ctx.settings, connection.id, client=client)
    except subscriptions.WebhookSetupError as exc:
        raise TaskFailure(exc.message) from None
    finally:
        client.close()
    metrics.count_api(connection.id, check.api_calls, 0)
    from txbridge.jobs import api  # the api imports this module

    if check.gap:
        api.start_reconcile(ctx.db, ctx.settings, connection.id, requested_by=f"job {ctx.job_id}")
    if realtime.pending_count(ctx.db, connection.id):
        # Events left by a webhook job that failed for good (Tripletex unreachable for long).
        api.start_webhook_processing(ctx.db, ctx.settings, connection.id, requested_by=f"job {ctx.job_id}")
    return TaskResult(api_calls=check.api_calls)


def webhook_event_task(ctx: TaskContext) -> TaskResult:
    """Fetch and apply what the connection's pending webhook events name (the whole inbox, in
    turns of ``realtime.RUN_LIMIT`` events). An event received once this job has begun queues the
    next job rather than finding this one still «running» after its last look at the inbox."""
    records.release_active_key(ctx.db, ctx.job_id)
    connection = _active_connection(ctx)
    client = connections.client_for(connection, ctx.settings, transport=ctx.options.transport)
    calls = 0
    try:
        while True:
            result = realtime.process_inbox(ctx.db, ctx.settings, connection.id, client=client)
            calls += result.api_calls
            if not result.left and not realtime.pending_count(ctx.db, connection.id):
                break
    except SyncError as exc:
        raise TaskFailure(exc.message) from None
    finally:
        client.close()
        metrics.count_api(connection.id, calls, 0)
        _announce_to_host(ctx, connection.id)
    return TaskResult(api_calls=calls)


def _announce_to_host(ctx: TaskContext, connection_id: int) -> None:
    """What the task wrote to the change feed goes on to the host's webhook endpoints (a job)."""
    from txbridge.jobs.hostfeed import queue_delivery  # it imports the api, which imports this module

    queue_delivery(ctx.db, ctx.settings, connection_id, requested_by=f"job {ctx.job_id}")


def reconcile_task(ctx: TaskContext) -> TaskResult:
    """The nightly reconcile: the inbox first, then every resource checked against Tripletex."""
    connection = _active_connection(ctx)
    client = connections.client_for(connection, ctx.settings, transport=ctx.options.transport)
    try:
        inbox = realtime.process_inbox(ctx.db, ctx.settings, connection.id, client=client)
        result = reconcile.reconcile_connection(ctx.db, ctx.settings, connection.id, client=client)
    except SyncError as exc:
        raise TaskFailure(exc.message) from None
    finally:
        client.close()
        _announce_to_host(ctx, connection.id)
    calls = inbox.api_calls + result.api_calls
    metrics.count_api(connection.id, calls, 0)
    return TaskResult(api_calls=calls)


def _sync_run(ctx: TaskContext, run: Callable[[Connection, Tripletex], object]) -> TaskResult:
    """One run of the two-way sync for the job's connection: Tripletex's refusal of the connection or
    the network becomes the catalog message, and what reached the change feed goes on to the host."""
    connection = _active_connection(ctx)
    client = connections.client_for(connection, ctx.settings, transport=ctx.options.transport)
    try:
        run(connection, client)
    except SyncError as exc:
        raise TaskFailure(exc.message) from None
    except (TripletexError, httpx.HTTPError) as exc:
        raise TaskFailure(connections.message_for_error(exc, connection.base_url)) from None
    finally:
        calls = realtime.api_calls(client)
        client.close()
        metrics.count_api(connection.id, calls, 0)
        _announce_to_host(ctx, connection.id)
    return TaskResult(api_calls=calls)


def sync_initial_task(ctx: TaskContext) -> TaskResult:
    """The initial sync, both steps (a rerun continues where a killed one stopped; a finished one
    does nothing again)."""

    return _sync_run(
        ctx, lambda connection, client: run_initial_sync(ctx.db, ctx.settings, connection.id, client=client)
    )


def sync_push_task(ctx: TaskContext) -> TaskResult:
    """The host's changes to Tripletex; not before the initial sync has read Tripletex (a host object
    would be created there before it could be matched with one that exists)."""

    def run(connection: Connection, client: Tripletex) -> object:
        if not initial_sync_done(ctx.db, connection.id):
            raise TaskFailure(render("sync_initial_not_done", connection=connection.name))
        return push_host_changes(ctx.db, ctx.settings, connection.id, client=client)

    return _sync_run(ctx, run)


def statistics_task(ctx: TaskContext) -> TaskResult:
    """One part of a firm's statistics import or reload (the run is found by the job)."""
    from txbridge.flows.firm.statistics import StatisticsError
    from txbridge.jobs import statistics

    try:
        calls, busy = statistics.work_part(ctx.db, ctx.settings, ctx.job_id, ctx.options.transport)
    except StatisticsError as exc:
        raise TaskFailure(exc.message) from None
    metrics.count_api(ctx.connection_id, calls, 0)
    if busy:
        # Clients another run reads now: this part comes back for them (retried, transient).
        raise TaskFailure(render("stats_clients_busy", count=busy))
    return TaskResult(api_calls=calls)


#: The tasks there are. A slot not filled yet (statistics import) fails with ``job_task_not_available``.
TASKS: dict[TaskName, Callable[[TaskContext], TaskResult]] = {
    TaskName.EXPORT_BATCH: export_batch_task,
    TaskName.REFRESH_PAYMENTS: refresh_payments_task,
    TaskName.CHECK_TOKEN_EXPIRY: check_token_expiry_task,
    TaskName.HOST_WEBHOOKS: host_webhooks_task,
    TaskName.STATISTICS_IMPORT: statistics_task,
    TaskName.STATISTICS_RELOAD: statistics_task,
    TaskName.WEBHOOK_EVENT: webhook_event_task,
    TaskName.RECONCILE: reconcile_task,
    TaskName.WEBHOOK_SUBSCRIPTIONS: webhook_subscriptions_task,
    TaskName.SYNC_INITIAL: sync_initial_task,
    TaskName.SYNC_PUSH: sync_push_task,
    TaskName.PRUNE_INBOX: prune_inbox_task,
}


Verdict = Literal["succeeded", "failed", "retry", "skipped", "busy"]


@dataclass(frozen=True)
class Outcome:
    verdict: Verdict
    message: Message | None = None
    #: Seconds until the next try (``retry`` and ``busy``).
    delay: float = 0.0


class _Heartbeat:
    """Says every few seconds, in the job's row, that this runner is still alive and running it."""

    def __init__(self, db: Database, job_id: int, worker: str, interval: float) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(db, job_id, worker, interval), name=f"job-{job_id}-heartbeat", daemon=True
        )

    def _run(self, db: Database, job_id: int, worker: str, interval: float) -> None:
        while not self._stop.wait(interval):
            try:
                records.heartbeat(db, job_id, worker)
            except Exception:  # a missed beat is not fatal; the next one may get through
                logger.warning("heartbeat of job %s failed", job_id, exc_info=True)

    def __enter__(self) -> _Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()


def execute(
    db: Database,
    settings: Settings,
    job_id: int,
    options: RunOptions,
    *,
    attempt: records.Attempt | None = None,
) -> Outcome:
    """Run one job once (``attempt`` when the runner has already begun it). Never raises for what the
    job meets: the outcome says whether it succeeded, failed for good, or is to be tried later."""
    if attempt is None:
        try:
            attempt = records.begin_by_id(
                db, job_id, worker=records.worker_identity(), stale_after=options.stale_after
            )
        except JobError as exc:
            if exc.message.id == "job_still_running":
                return Outcome("busy", exc.message, delay=options.heartbeat_seconds * 2)
            raise
        if attempt is None:
            return Outcome("skipped")
    task_name = attempt.task
    started = time.perf_counter()
    metrics.observe_wait(task_name, (utcnow() - attempt.queued_at).total_seconds())
    with (
        logs.job_context(attempt.job_id, attempt.connection_id),
        _Heartbeat(db, attempt.job_id, attempt.worker, options.heartbeat_seconds),
    ):
        logger.info("job %s (%s) attempt %s begins", attempt.job_id, task_name, attempt.number)
        outcome = _run(db, settings, attempt, options)
        logger.info("job %s (%s) ends: %s", attempt.job_id, task_name, outcome.verdict)
    metrics.observe_job(task_name, outcome.verdict, time.perf_counter() - started)
    return outcome


def _run(db: Database, settings: Settings, attempt: records.Attempt, options: RunOptions) -> Outcome:
    ctx = TaskContext(db, settings, attempt.job_id, attempt.connection_id, attempt.batch_id, options)
    try:
        name = TaskName.named(attempt.task)
        task = TASKS.get(name) if name is not None else None
        if task is None:
            raise TaskFailure(render("job_task_not_available", task=attempt.task))
        result = task(ctx)
    except (TaskFailure, JobError) as failure:
        message = failure.message
    except Exception as exc:  # a fault in the program: say so, log it, do not loop on it
        logger.exception("job %s crashed", attempt.job_id)
        message = render("job_crashed", job=attempt.job_id, error=type(exc).__name__)
    else:
        for status, count in result.items.items():
            metrics.count_items(status, count)
        records.finish(db, attempt, JobState.SUCCEEDED, None)
        return Outcome("succeeded")
    if not options.retry.should_retry(message, attempt.number):
        records.finish(db, attempt, JobState.FAILED, message)
        return Outcome("failed", message)
    delay = options.retry.delay(attempt.number)
    records.retry_later(db, attempt, message, utcnow() + timedelta(seconds=delay))
    return Outcome("retry", message, delay=delay)
