"""procrastinate on PostgreSQL: the tasks as procrastinate tasks, the schedules as periodic tasks, and
``txbridge worker``.

* A job is deferred with ``lock = connection:<id>``: procrastinate runs at most one job of a connection
  at a time, different connections in parallel, in any number of worker processes on any machines.
  ``queueing_lock = job:<id>`` keeps one queued procrastinate job per job row.
* Retries: :func:`txbridge.jobs.tasks.execute` decides (transient failures only, backoff); a
  :class:`RetryLater` carries the delay to procrastinate's retry strategy.
* A killed worker: workers heartbeat (``update_heartbeat_interval``); each worker also looks every
  heartbeat for jobs of workers silent for ``stalled_after`` seconds (procrastinate's stalled-job
  query) and puts them back in the queue, so another worker takes them up within a bounded time.
* Schedules run in Europe/Oslo time: each periodic task's cron iterator is given that zone.

procrastinate's schema (its own tables and functions, beside ours) is applied by
:func:`apply_schema`, which ``txbridge db upgrade`` runs after the migrations."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import procrastinate
from croniter import croniter
from procrastinate import exceptions as pexc
from procrastinate.jobs import Job as EngineJob
from procrastinate.retry import BaseRetryStrategy, RetryDecision
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from txbridge.catalog import Message, render
from txbridge.jobs import logs, records, schedules
from txbridge.jobs.model import SELF_LOCKING_TASKS, JobError, TaskName
from txbridge.jobs.tasks import TASKS, RunOptions, execute
from txbridge.settings import Settings
from txbridge.store import Database
from txbridge.store.models import Job, JobState, utcnow

logger = logging.getLogger("txbridge.jobs.engine")

JOBS_QUEUE = "jobs"
SCHEDULES_QUEUE = "schedules"
#: A job row queued this long without a procrastinate job (the process that queued it died between
#: the two steps) is deferred again by a worker.
ORPHAN_AFTER = timedelta(seconds=60)


def task_name(task: str) -> str:
    return f"txbridge.{task}"


def conninfo(settings: Settings) -> str:
    """libpq connection string of the store's URL (``postgresql+psycopg://`` → ``postgresql://``)."""
    return make_url(settings.database_url).set(drivername="postgresql").render_as_string(hide_password=False)


class RetryLater(Exception):
    """The job is to run again after ``delay`` seconds (a transient failure, or another worker still
    holds it)."""

    def __init__(self, message: Message | None, delay: float) -> None:
        super().__init__(str(message) if message else "retry later")
        self.delay = delay


class JobFailed(Exception):
    """The job failed for good; its row carries the catalog message."""

    def __init__(self, message: Message | None) -> None:
        super().__init__(str(message) if message else "failed")
        self.message = message


class _RetryAsDecided(BaseRetryStrategy):
    def get_retry_decision(self, *, exception: BaseException, job: EngineJob) -> RetryDecision | None:
        if isinstance(exception, RetryLater):
            return RetryDecision(retry_in={"seconds": max(0, round(exception.delay))})
        return None


@dataclass
class _Runtime:
    db: Database
    settings: Settings
    options: RunOptions


#: Set by :func:`run_worker` in a worker process: what its tasks run with.
_runtime: _Runtime | None = None


def _current() -> _Runtime:
    if _runtime is None:
        raise RuntimeError("procrastinate tasks of txbridge run inside `txbridge worker`")
    return _runtime


def _run_job(job_id: int) -> None:
    runtime = _current()
    outcome = execute(runtime.db, runtime.settings, job_id, runtime.options)
    if outcome.verdict in ("retry", "busy"):
        raise RetryLater(outcome.message, outcome.delay)
    if outcome.verdict == "failed":
        raise JobFailed(outcome.message)


def _schedule_runner(schedule: schedules.Schedule) -> Callable[[int], None]:
    def fire(timestamp: int) -> None:
        runtime = _current()
        queued = schedules.fire(runtime.db, runtime.settings, schedule)
        logger.info("schedule %s (due %s) queued jobs %s", schedule.name, timestamp, queued)

    fire.__name__ = f"fire_{schedule.name}"
    return fire


def make_app(settings: Settings) -> procrastinate.App:
    """A procrastinate app on the store's database with every task and schedule registered."""
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=conninfo(settings)))
    for name in TASKS:
        app.task(name=task_name(name.value), queue=JOBS_QUEUE, retry=_RetryAsDecided())(_run_job)
    for schedule in schedules.SCHEDULES:
        task = app.task(name=task_name(f"schedule.{schedule.name}"), queue=SCHEDULES_QUEUE)(
            _schedule_runner(schedule)
        )
        app.periodic(cron=schedule.cron, periodic_id=schedule.name)(task)
        # procrastinate reads cron in UTC; our times are Oslo's (summer time included). The periodic
        # task caches its iterator: give it one in Oslo time.
        periodic = app.periodic_registry.periodic_tasks[(task.name, schedule.name)]
        periodic.__dict__["croniter"] = croniter(schedule.cron, datetime.now(schedules.OSLO))
    return app


_deferring: dict[str, procrastinate.App] = {}
_deferring_lock = threading.Lock()


def _deferring_app(settings: Settings) -> procrastinate.App:
    """One opened app per database in this process, for deferring from synchronous code."""
    key = conninfo(settings)
    with _deferring_lock:
        app = _deferring.get(key)
        if app is None:
            app = make_app(settings)
            app.open()
            _deferring[key] = app
        return app


def defer(db: Database, settings: Settings, job_id: int, task: str, connection_id: int | None) -> int | None:
    """Hand a queued job row to procrastinate; returns procrastinate's job id (None: already there)."""
    app = _deferring_app(settings)
    lock = f"connection:{connection_id}" if connection_id is not None else None
    if task in SELF_LOCKING_TASKS:
        lock = None
    try:
        engine_id = app.configure_task(
            task_name(task), lock=lock, queueing_lock=f"job:{job_id}", queue=JOBS_QUEUE
        ).defer(job_id=job_id)
    except pexc.AlreadyEnqueued:
        return None
    except pexc.ConnectorException as exc:
        if not schema_applied(db):
            raise JobError(render("jobs_schema_missing")) from None
        raise exc
    records.set_engine_id(db, job_id, engine_id)
    return engine_id


def cancel(settings: Settings, engine_job_id: int) -> bool:
    """Cancel procrastinate's job too (it is not started then; a started one ends on its own)."""
    return bool(_deferring_app(settings).job_manager.cancel_job_by_id(engine_job_id))


def schema_applied(db: Database) -> bool:
    with db.engine.connect() as connection:
        return connection.execute(text("SELECT to_regclass('procrastinate_jobs')")).scalar() is not None


def apply_schema(db: Database, settings: Settings | None = None) -> bool:
    """Apply procrastinate's schema once; False when it is there already. ``txbridge db upgrade``
    runs it (a schema step registered by :mod:`txbridge.jobs.api`), after the migrations."""
    if schema_applied(db):
        return False
    app = make_app(settings or Settings(database_url=db.url.render_as_string(hide_password=False)))
    with app.open():
        app.schema_manager.apply_schema()
    return True


def requeue_orphans(db: Database, settings: Settings) -> list[int]:
    """Queued job rows that never reached procrastinate (their starter died in between)."""
    limit = utcnow() - ORPHAN_AFTER
    with db.reading() as session:
        orphans = [
            (job.id, job.task, job.connection_id)
            for job in session.scalars(
                select(Job).where(
                    Job.state == JobState.QUEUED, Job.engine_job_id.is_(None), Job.queued_at < limit
                )
            )
        ]
    done = []
    for job_id, task, connection_id in orphans:
        if TaskName.named(task) is not None:
            defer(db, settings, job_id, task, connection_id)
            done.append(job_id)
    return done


async def _watch_stalled(
    app: procrastinate.App, db: Database, settings: Settings, every: float, stalled_after: float
) -> None:
    """Put back in the queue the jobs of workers that stopped heartbeating (killed, machine gone)."""
    rounds = 0
    while True:
        await asyncio.sleep(every)
        rounds += 1
        try:
            for job in await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=stalled_after):
                logger.warning("job %s of a silent worker is queued again", job.id)
                await app.job_manager.retry_job(job)
            if rounds % 10 == 0:
                await asyncio.to_thread(requeue_orphans, db, settings)
        except Exception:  # another worker may have taken it first; look again next round
            logger.warning("stalled-job check failed", exc_info=True)


@dataclass(frozen=True)
class WorkerOptions:
    concurrency: int = 1
    #: A worker heartbeats this often; a worker silent for ``stalled_after`` is taken for dead.
    heartbeat_seconds: float = 5.0
    stalled_after: float = 30.0
    run_options: RunOptions = field(default_factory=RunOptions)


def run_worker(db: Database, settings: Settings, options: WorkerOptions) -> None:
    """Run one procrastinate worker in this process until SIGINT/SIGTERM."""
    global _runtime
    if not schema_applied(db):
        raise JobError(render("jobs_schema_missing"))
    _runtime = _Runtime(db, settings, options.run_options)
    logs.install()
    app = make_app(settings)

    async def main() -> None:
        async with app.open_async():
            watcher = asyncio.create_task(
                _watch_stalled(app, db, settings, options.heartbeat_seconds, options.stalled_after)
            )
            try:
                await app.run_worker_async(
                    concurrency=options.concurrency,
                    name=records.worker_identity(),
                    update_heartbeat_interval=options.heartbeat_seconds,
                    stalled_worker_timeout=options.stalled_after,
                    install_signal_handlers=True,
                    wait=True,
                )
            finally:
                watcher.cancel()

    asyncio.run(main())


def engine_jobs(settings: Settings) -> list[dict[str, Any]]:
    """procrastinate's own view of the jobs (for operators and tests)."""
    return [
        {
            "id": job.id,
            "task": job.task_name,
            "status": job.status,
            "lock": job.lock,
            "attempts": job.attempts,
        }
        for job in _deferring_app(settings).job_manager.list_jobs()
    ]
