"""Job bookkeeping in the store: queue a job once, begin and end an attempt, heartbeats, take-up.

Every step is one short transaction. The same rows serve both engines: procrastinate (PostgreSQL)
queues, locks and retries, and these rows say what each job is and how it went; the embedded runner
(SQLite) also claims its work from them."""

from __future__ import annotations

import os
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from txbridge.catalog import Message, render
from txbridge.jobs.model import JobError, TaskName, message_to_json
from txbridge.store import Database
from txbridge.store.models import Job, JobAttempt, JobState, utcnow

FINISHED = (JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED)


def worker_identity() -> str:
    """``host:pid`` of this process (computed each time: a forked worker has its own pid)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def active_key(task: TaskName, connection_id: int | None, batch_id: int | None) -> str:
    """What may be queued or running only once: one export per batch, one of any other task per
    connection (or one overall for tasks of no connection)."""
    if task is TaskName.EXPORT_BATCH:
        return f"{task.value}:batch:{batch_id}"
    if connection_id is not None:
        return f"{task.value}:connection:{connection_id}"
    return task.value


def get(session: Session, job_id: int) -> Job:
    job = session.get(Job, job_id)
    if job is None:
        raise JobError(render("job_not_found", job=job_id))
    return job


def enqueue(
    db: Database,
    task: TaskName,
    *,
    connection_id: int | None,
    batch_id: int | None,
    requested_by: str | None,
    key: str | None = None,
) -> tuple[Job, bool]:
    """The queued or running job of this kind and object, or a new queued one; ``True`` if new.

    The unique ``active_key`` decides between two processes queueing at the same moment; ``key``
    replaces the usual one (one per connection) for tasks whose work is split finer."""
    key = key or active_key(task, connection_id, batch_id)
    for _ in range(3):
        try:
            with db.transaction() as session:
                existing = session.scalar(select(Job).where(Job.active_key == key))
                if existing is not None:
                    return existing, False
                now = utcnow()
                job = Job(
                    task=task.value,
                    connection_id=connection_id,
                    batch_id=batch_id,
                    state=JobState.QUEUED,
                    requested_by=requested_by,
                    queued_at=now,
                    not_before=now,
                    attempts=0,
                    active_key=key,
                )
                session.add(job)
                session.flush()
                return job, True
        except IntegrityError:
            continue  # another process queued it between our look and our insert: look again
    raise RuntimeError(f"could not queue {key}")  # pragma: no cover - three lost races in a row


def release_active_key(db: Database, job_id: int) -> None:
    """A running job stops standing for «queued or running» work of its kind: what is asked for from
    now on queues a new job (run after this one: one running job per connection). For work that
    arrives while a job drains it (webhook events), so none waits for a job that already looked."""
    with db.transaction() as session:
        session.execute(update(Job).where(Job.id == job_id).values(active_key=None))


def set_engine_id(db: Database, job_id: int, engine_job_id: int) -> None:
    with db.transaction() as session:
        session.execute(update(Job).where(Job.id == job_id).values(engine_job_id=engine_job_id))


@dataclass(frozen=True)
class Attempt:
    """One run of a job that has begun: what the task needs to know, and the attempt row to close."""

    job_id: int
    task: str
    connection_id: int | None
    batch_id: int | None
    number: int
    attempt_id: int
    queued_at: datetime
    worker: str


def begin(session: Session, job: Job, *, worker: str, stale_after: float, now: datetime) -> Attempt | None:
    """Mark ``job`` running by ``worker`` and record the attempt. None when it needs no run (finished
    or cancelled). Raises ``job_still_running`` while another live worker runs it (its heartbeat is
    fresher than ``stale_after``): the caller tries later rather than running it twice."""
    if job.state in FINISHED:
        return None
    if (
        job.state is JobState.RUNNING
        and job.worker != worker
        and job.heartbeat_at is not None
        and now - job.heartbeat_at < timedelta(seconds=stale_after)
    ):
        raise JobError(render("job_still_running", job=job.id, worker=job.worker or "-"))
    job.state = JobState.RUNNING
    job.worker = worker
    job.heartbeat_at = now
    job.attempts += 1
    job.started_at = job.started_at or now
    host, _, pid = worker.rpartition(":")
    attempt = JobAttempt(
        job_id=job.id,
        connection_id=job.connection_id,
        number=job.attempts,
        host=host,
        pid=int(pid),
        started_at=now,
    )
    session.add(attempt)
    session.flush()
    return Attempt(
        job_id=job.id,
        task=job.task,
        connection_id=job.connection_id,
        batch_id=job.batch_id,
        number=job.attempts,
        attempt_id=attempt.id,
        queued_at=job.queued_at,
        worker=worker,
    )


def begin_by_id(db: Database, job_id: int, *, worker: str, stale_after: float) -> Attempt | None:
    with db.transaction() as session:
        return begin(session, get(session, job_id), worker=worker, stale_after=stale_after, now=utcnow())


def finish(
    db: Database,
    attempt: Attempt,
    state: Literal[JobState.SUCCEEDED, JobState.FAILED],
    message: Message | None,
) -> None:
    """The attempt ended and so did the job: no longer active, so the same work may be queued again."""
    now = utcnow()
    with db.transaction() as session:
        job = get(session, attempt.job_id)
        job.state = state
        job.finished_at = now
        job.active_key = None
        job.worker = None
        job.message_id = message.id if message else None
        job.message = message_to_json(message)
        _close_attempt(session, attempt, state.value, now)


def retry_later(db: Database, attempt: Attempt, message: Message, not_before: datetime) -> None:
    """The attempt ended with a transient failure: the job waits in the queue until ``not_before``."""
    now = utcnow()
    with db.transaction() as session:
        job = get(session, attempt.job_id)
        job.state = JobState.QUEUED
        job.not_before = not_before
        job.worker = None
        job.message_id = message.id
        job.message = message_to_json(message)
        _close_attempt(session, attempt, "retry", now)


def _close_attempt(session: Session, attempt: Attempt, outcome: str, now: datetime) -> None:
    session.execute(
        update(JobAttempt).where(JobAttempt.id == attempt.attempt_id).values(finished_at=now, outcome=outcome)
    )


def heartbeat(db: Database, job_id: int, worker: str) -> None:
    with db.transaction() as session:
        session.execute(
            update(Job)
            .where(Job.id == job_id, Job.worker == worker, Job.state == JobState.RUNNING)
            .values(heartbeat_at=utcnow())
        )


def cancel(db: Database, job_id: int) -> Job:
    """A queued job will not run. A running or finished one cannot be cancelled (catalog says why)."""
    with db.transaction() as session:
        job = get(session, job_id)
        if job.state is not JobState.QUEUED:
            raise JobError(render("job_not_cancellable", job=job_id, state=job.state.value))
        job.state = JobState.CANCELLED
        job.finished_at = utcnow()
        job.active_key = None
        return job


def list_jobs(
    session: Session,
    *,
    connection_id: int | None = None,
    state: str | None = None,
    batch_id: int | None = None,
    offset: int = 0,
    limit: int = 50,
) -> list[Job]:
    query = select(Job)
    if connection_id is not None:
        query = query.where(Job.connection_id == connection_id)
    if batch_id is not None:
        query = query.where(Job.batch_id == batch_id)
    if state is not None:
        query = query.where(Job.state == JobState(state))
    return list(session.scalars(query.order_by(Job.id.desc()).offset(offset).limit(limit)))


def attempts_of(session: Session, job_id: int) -> list[JobAttempt]:
    return list(
        session.scalars(select(JobAttempt).where(JobAttempt.job_id == job_id).order_by(JobAttempt.id))
    )


def claim_next(db: Database, *, worker: str, stale_after: float) -> Attempt | None:
    """The embedded runner's fetch: the oldest queued job that is due and whose connection has no
    running job, begun in the same transaction (SQLite's write lock makes it one claim at a time,
    across threads and processes)."""
    now = utcnow()
    busy = select(Job.connection_id).where(Job.state == JobState.RUNNING, Job.connection_id.is_not(None))
    due = (
        select(Job)
        .where(
            Job.state == JobState.QUEUED,
            Job.not_before <= now,
            (Job.connection_id.is_(None)) | (Job.connection_id.not_in(busy)),
        )
        .order_by(Job.not_before, Job.id)
        .limit(1)
    )
    # Look without the write lock first: an idle runner polling must not hold up exports' writes.
    with db.reading() as session:
        if session.scalar(due) is None:
            return None
    with db.transaction() as session:
        job = session.scalar(due)
        if job is None:
            return None  # another runner claimed it in between
        return begin(session, job, worker=worker, stale_after=stale_after, now=now)


def take_up_stale(db: Database, *, stale_after: float, dead_workers: Sequence[str] = ()) -> list[int]:
    """Running jobs whose runner is gone (named dead, or silent for ``stale_after``) go back to the
    queue; their attempt rows keep no end, which says the run died. Returns the job ids."""
    now = utcnow()
    limit = now - timedelta(seconds=stale_after)
    with db.transaction() as session:
        stale = list(
            session.scalars(
                select(Job).where(
                    Job.state == JobState.RUNNING,
                    (Job.heartbeat_at < limit) | Job.heartbeat_at.is_(None) | Job.worker.in_(dead_workers),
                )
            )
        )
        for job in stale:
            job.state = JobState.QUEUED
            job.worker = None
            job.not_before = now
        return [job.id for job in stale]


def running_workers(db: Database) -> list[str]:
    with db.reading() as session:
        return [
            w
            for w in session.scalars(select(Job.worker).where(Job.state == JobState.RUNNING).distinct())
            if w
        ]


def count_by_state_and_task(session: Session) -> list[tuple[str, str, int]]:
    rows = session.execute(select(Job.task, Job.state, func.count()).group_by(Job.task, Job.state)).all()
    return [(task, JobState(state).value, int(count)) for task, state, count in rows]
