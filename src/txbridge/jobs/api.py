"""The jobs API: the only module the CLI and the web import from :mod:`txbridge.jobs`.

Start work as jobs, look at them, retry or cancel them, and run the embedded runner::

    info = start_export(db, settings, batch_id, requested_by="ola")   # or the batch's queued/running one
    get_job(db, settings, info.id).state                              # queued → running → succeeded
    with embedded_worker(db, settings):                               # SQLite: runs jobs in this process
        ...

On PostgreSQL a started job goes to procrastinate and ``txbridge worker`` processes run it;
``embedded_worker`` then does nothing. Failures are :class:`JobError` with a catalog message."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from txbridge.catalog import Bilingual, Message, render
from txbridge.flows.connections import blocking_message
from txbridge.flows.views.sync import initial_sync_done
from txbridge.jobs import records
from txbridge.jobs.model import JobAlreadyActive, JobError, JobInfo, TaskName
from txbridge.jobs.runner import WAKE_UP, EmbeddedRunner
from txbridge.jobs.tasks import RunOptions
from txbridge.settings import Settings
from txbridge.store import Batch, Connection, Database, register_schema_step
from txbridge.store.models import Job, JobState

__all__ = [
    "AttemptInfo",
    "JobAlreadyActive",
    "JobError",
    "JobInfo",
    "SyncJobs",
    "cancel_job",
    "embedded_worker",
    "get_job",
    "job_attempts",
    "last_sync_jobs",
    "list_jobs",
    "metrics_app",
    "retry_job",
    "start_export",
    "start_inbox_prune",
    "start_initial_sync",
    "start_payments_refresh",
    "start_reconcile",
    "start_statistics_import",
    "start_statistics_reload",
    "start_sync_push",
    "start_token_expiry_check",
    "start_webhook_processing",
    "start_webhook_subscriptions",
    "uses_procrastinate",
]


@dataclass(frozen=True)
class AttemptInfo:
    """One run of a job: by which process, when, and how it ended (``None``: it died, or runs now)."""

    number: int
    host: str
    pid: int
    started_at: datetime
    finished_at: datetime | None
    outcome: str | None


def uses_procrastinate(db: Database) -> bool:
    """PostgreSQL: procrastinate and ``txbridge worker`` processes. SQLite: the embedded runner."""
    return db.backend == "postgresql"


def _apply_engine_schema(db: Database) -> None:
    if uses_procrastinate(db):
        import txbridge.jobs.engine as engine

        engine.apply_schema(db)


def _engine_schema_current(db: Database) -> bool:
    if not uses_procrastinate(db):
        return True
    import txbridge.jobs.engine as engine

    return engine.schema_applied(db)


# `txbridge db upgrade` applies procrastinate's schema after the migrations; workers check it is there.
register_schema_step("procrastinate", _apply_engine_schema, is_current=_engine_schema_current)


def _start(
    db: Database,
    settings: Settings,
    task: TaskName,
    *,
    connection_id: int | None,
    batch_id: int | None,
    requested_by: str | None,
    key: str | None = None,
) -> JobInfo:
    job, created = records.enqueue(
        db, task, connection_id=connection_id, batch_id=batch_id, requested_by=requested_by, key=key
    )
    if created:
        _dispatch(db, settings, job)
    return JobInfo.of(job)


def _dispatch(db: Database, settings: Settings, job: Job) -> None:
    if uses_procrastinate(db):
        import txbridge.jobs.engine as engine

        engine.defer(db, settings, job.id, job.task, job.connection_id)
    else:
        WAKE_UP.set()


def start_export(db: Database, settings: Settings, batch_id: int, *, requested_by: str) -> JobInfo:
    """Queue the export of a batch; the batch's queued or running export if it has one."""
    with db.reading() as session:
        batch = session.get(Batch, batch_id)
        if batch is None:
            raise JobError(render("batch_not_found", batch=batch_id))
        connection_id = batch.connection_id
    return _start(
        db,
        settings,
        TaskName.EXPORT_BATCH,
        connection_id=connection_id,
        batch_id=batch_id,
        requested_by=requested_by,
    )


def start_payments_refresh(
    db: Database, settings: Settings, connection_id: int, *, requested_by: str
) -> JobInfo:
    """Queue a payments refresh of one connection (its queued or running one if it has one)."""
    with db.reading() as session:
        if session.get(Connection, connection_id) is None:
            raise JobError(render("connection_not_found", connection=connection_id))
    return _start(
        db,
        settings,
        TaskName.REFRESH_PAYMENTS,
        connection_id=connection_id,
        batch_id=None,
        requested_by=requested_by,
    )


def start_token_expiry_check(db: Database, settings: Settings, *, requested_by: str) -> JobInfo:
    """Queue the token-expiry check over every connection."""
    return _start(
        db,
        settings,
        TaskName.CHECK_TOKEN_EXPIRY,
        connection_id=None,
        batch_id=None,
        requested_by=requested_by,
    )


def start_inbox_prune(db: Database, settings: Settings, *, requested_by: str) -> JobInfo:
    """Queue the pruning of processed webhook events past their retention, every connection's."""
    return _start(
        db,
        settings,
        TaskName.PRUNE_INBOX,
        connection_id=None,
        batch_id=None,
        requested_by=requested_by,
    )


def start_host_webhooks(
    db: Database, settings: Settings, connection_id: int, *, requested_by: str
) -> JobInfo:
    """Queue the delivery of the change feed to the connection's host webhook endpoints."""
    with db.reading() as session:
        if session.get(Connection, connection_id) is None:
            raise JobError(render("connection_not_found", connection=connection_id))
    return _start(
        db,
        settings,
        TaskName.HOST_WEBHOOKS,
        connection_id=connection_id,
        batch_id=None,
        requested_by=requested_by,
    )


def start_statistics_import(
    db: Database,
    settings: Settings,
    firm_connection_id: int,
    month: str,
    *,
    requested_by: str,
    parts: int | None = None,
) -> JobInfo:
    """Queue the statistics import of one month for the firm's linked clients (the import of that
    month already queued or running if there is one). ``JobError`` with the catalog's reason when
    nothing can be imported (no field mapped, no client linked)."""
    from txbridge.jobs import statistics

    return statistics.start(
        db, settings, firm_connection_id, TaskName.STATISTICS_IMPORT, [month], None, requested_by, parts
    )


def start_statistics_reload(
    db: Database,
    settings: Settings,
    firm_connection_id: int,
    *,
    client_id: int | None,
    requested_by: str,
    parts: int | None = None,
) -> JobInfo:
    """Queue «Reload data»: the last 12 months for every linked client (or ``client_id``), in
    ``parts`` jobs that workers run side by side; the firm's running reload if it has one. Progress
    and the closing notice: :mod:`txbridge.flows.views.firm_stats`."""
    from txbridge.jobs import statistics

    return statistics.start(
        db, settings, firm_connection_id, TaskName.STATISTICS_RELOAD, None, client_id, requested_by, parts
    )


def _connection_task(
    db: Database, settings: Settings, task: TaskName, connection_id: int, requested_by: str
) -> JobInfo:
    with db.reading() as session:
        if session.get(Connection, connection_id) is None:
            raise JobError(render("connection_not_found", connection=connection_id))
    return _start(db, settings, task, connection_id=connection_id, batch_id=None, requested_by=requested_by)


def start_webhook_processing(
    db: Database, settings: Settings, connection_id: int, *, requested_by: str
) -> JobInfo:
    """Queue the processing of a connection's webhook inbox (its queued or running one if any)."""
    return _connection_task(db, settings, TaskName.WEBHOOK_EVENT, connection_id, requested_by)


def start_reconcile(db: Database, settings: Settings, connection_id: int, *, requested_by: str) -> JobInfo:
    """Queue a reconcile of a connection's customers, projects and employees with Tripletex."""
    return _connection_task(db, settings, TaskName.RECONCILE, connection_id, requested_by)


def start_webhook_subscriptions(
    db: Database, settings: Settings, connection_id: int, *, requested_by: str
) -> JobInfo:
    """Queue the check of a connection's Tripletex event subscriptions (make, re-enable)."""
    return _connection_task(db, settings, TaskName.WEBHOOK_SUBSCRIPTIONS, connection_id, requested_by)


def _connection_name(db: Database, connection_id: int) -> str:
    """The connection's name; ``JobError`` when it does not exist or may not work now (not approved,
    token expired, error state): a job that could only fail is not queued."""
    with db.reading() as session:
        connection = session.get(Connection, connection_id)
        if connection is None:
            raise JobError(render("connection_not_found", connection=connection_id))
        blocked = blocking_message(connection)
        if blocked is not None:
            raise JobError(blocked)
        return connection.name


def _busy(message_id: str, job: JobInfo) -> Message:
    state = Bilingual("kjører", "running") if job.state == "running" else Bilingual("i kø", "queued")
    return render(message_id, job=job.id, state=state)


def _start_alone(
    db: Database, settings: Settings, task: TaskName, connection_id: int, requested_by: str, busy: str
) -> JobInfo:
    """Queue work that runs one at a time per connection; while a job of it is queued or running,
    :class:`JobAlreadyActive` (catalog ``busy``) names that job instead."""
    _connection_name(db, connection_id)
    job, created = records.enqueue(
        db, task, connection_id=connection_id, batch_id=None, requested_by=requested_by
    )
    if not created:
        info = JobInfo.of(job)
        raise JobAlreadyActive(_busy(busy, info), info)
    _dispatch(db, settings, job)
    return JobInfo.of(job)


def start_initial_sync(db: Database, settings: Settings, connection_id: int, *, requested_by: str) -> JobInfo:
    """Queue the initial sync of a connection (both steps; a rerun continues where one stopped).
    :class:`JobAlreadyActive` while one is queued or running."""
    return _start_alone(
        db, settings, TaskName.SYNC_INITIAL, connection_id, requested_by, "sync_initial_already_running"
    )


def start_sync_push(db: Database, settings: Settings, connection_id: int, *, requested_by: str) -> JobInfo:
    """Queue a push of the host's pending changes to Tripletex; refused (``sync_initial_not_done``)
    before the initial sync has finished, :class:`JobAlreadyActive` while a push is queued or running."""
    name = _connection_name(db, connection_id)
    if not initial_sync_done(db, connection_id):
        raise JobError(render("sync_initial_not_done", connection=name))
    return _start_alone(
        db, settings, TaskName.SYNC_PUSH, connection_id, requested_by, "sync_push_already_running"
    )


@dataclass(frozen=True)
class SyncJobs:
    """The newest job of each of a connection's sync runs (None: never started as a job)."""

    initial: JobInfo | None
    push: JobInfo | None

    @property
    def active(self) -> bool:
        return self.busy is not None

    @property
    def busy(self) -> Message | None:
        """Why no other sync run may start now: the queued or running one, else None."""
        for job, message_id in (
            (self.initial, "sync_initial_already_running"),
            (self.push, "sync_push_already_running"),
        ):
            if job is not None and job.state in ("queued", "running"):
                return _busy(message_id, job)
        return None


def last_sync_jobs(db: Database, settings: Settings, connection_id: int) -> SyncJobs:
    """The newest initial-sync and push jobs of a connection."""
    found: dict[str, JobInfo | None] = {}
    with db.reading() as session:
        for task in (TaskName.SYNC_INITIAL, TaskName.SYNC_PUSH):
            job = session.scalar(
                select(Job)
                .where(Job.connection_id == connection_id, Job.task == task.value)
                .order_by(Job.id.desc())
                .limit(1)
            )
            found[task.value] = JobInfo.of(job) if job is not None else None
    return SyncJobs(found[TaskName.SYNC_INITIAL.value], found[TaskName.SYNC_PUSH.value])


def get_job(db: Database, settings: Settings, job_id: int) -> JobInfo:
    """One job; ``JobError`` (``job_not_found``) for an unknown id."""
    with db.reading() as session:
        return JobInfo.of(records.get(session, job_id))


def list_jobs(
    db: Database,
    settings: Settings,
    *,
    connection_id: int | None = None,
    state: str | None = None,
    batch_id: int | None = None,
    offset: int = 0,
    limit: int = 50,
) -> list[JobInfo]:
    """Newest first, filtered by connection, state and batch."""
    with db.reading() as session:
        return [
            JobInfo.of(job)
            for job in records.list_jobs(
                session,
                connection_id=connection_id,
                state=state,
                batch_id=batch_id,
                offset=offset,
                limit=limit,
            )
        ]


def job_attempts(db: Database, settings: Settings, job_id: int) -> list[AttemptInfo]:
    with db.reading() as session:
        records.get(session, job_id)
        return [
            AttemptInfo(a.number, a.host, a.pid, a.started_at, a.finished_at, a.outcome)
            for a in records.attempts_of(session, job_id)
        ]


def retry_job(db: Database, settings: Settings, job_id: int, *, requested_by: str) -> JobInfo:
    """Start a failed or cancelled job's work again, as a new job (the same work already queued or
    running is returned instead)."""
    with db.reading() as session:
        job = records.get(session, job_id)
        if job.state not in (JobState.FAILED, JobState.CANCELLED):
            raise JobError(render("job_not_retryable", job=job_id, state=job.state.value))
        task, connection_id, batch_id = job.task, job.connection_id, job.batch_id
    name = TaskName.named(task)
    if name is None:
        raise JobError(render("job_task_not_available", task=task))
    return _start(
        db, settings, name, connection_id=connection_id, batch_id=batch_id, requested_by=requested_by
    )


def cancel_job(db: Database, settings: Settings, job_id: int) -> JobInfo:
    """A queued job will not run; a running or finished one cannot be cancelled (``JobError``)."""
    job = records.cancel(db, job_id)
    if uses_procrastinate(db) and job.engine_job_id is not None:
        import txbridge.jobs.engine as engine

        engine.cancel(settings, job.engine_job_id)
    return JobInfo.of(job)


@contextlib.contextmanager
def embedded_worker(
    db: Database, settings: Settings, *, concurrency: int = 2, options: RunOptions | None = None
) -> Iterator[None]:
    """Run the embedded runner in background threads while the block runs (``txbridge serve`` on
    SQLite). On PostgreSQL it does nothing: ``txbridge worker`` processes run the jobs."""
    if uses_procrastinate(db):
        yield
        return
    runner = EmbeddedRunner(db, settings, concurrency=concurrency, options=options)
    with runner:
        yield


def metrics_app(db: Database) -> Any:
    """The ``/metrics`` ASGI app (Prometheus text) for a web app to mount."""
    from txbridge.jobs import metrics

    return metrics.asgi_app(db)
