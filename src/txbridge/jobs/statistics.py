"""The statistics jobs of accounting firms: the monthly import and «Reload data», each a run of
:mod:`txbridge.flows.firm.runs` worked by one or more part jobs side by side; and which firms import
today (the import-day rule, Norwegian public holidays from the ``holidays`` library).

A part job takes the run's clients one at a time under per-client locks, so parts never read one
client twice and a killed part's retry (the same job, the same lock holder) resumes its own client."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select

from txbridge.catalog import render
from txbridge.flows.firm import runs
from txbridge.flows.firm.schedule import month_due
from txbridge.flows.firm.statistics import StatisticsError, check_month, reload_months, work_run
from txbridge.jobs.model import JobError, JobInfo, TaskName
from txbridge.settings import Settings
from txbridge.store import Database
from txbridge.store.models import (
    FirmConnection,
    FirmImportSettings,
    ImportDayRule,
    Job,
    JobState,
    StatisticRun,
    StatisticRunJob,
    StatisticRunKind,
)

#: Part jobs of a run when the caller does not say (each a worker's share; more than the clients
#: makes no sense and is cut down).
DEFAULT_PARTS = 4


def start(
    db: Database,
    settings: Settings,
    firm_connection_id: int,
    task: TaskName,
    months: Sequence[str] | None,
    client_id: int | None,
    requested_by: str,
    parts: int | None,
) -> JobInfo:
    """A new run and its part jobs, or the firm's unfinished run of the same kind and months."""
    kind = StatisticRunKind.RELOAD if task is TaskName.STATISTICS_RELOAD else StatisticRunKind.IMPORT
    try:
        wanted = [check_month(m) for m in months] if months else reload_months(oslo_today())
        running = _unfinished(db, firm_connection_id, kind, wanted)
        if running is not None:
            return running
        run_id = runs.create_run(
            db,
            firm_connection_id,
            kind,
            wanted,
            client_ids=None if client_id is None else [client_id],
            requested_by=requested_by,
        )
    except StatisticsError as exc:
        raise JobError(exc.message) from None
    with db.reading() as session:
        run = session.get(StatisticRun, run_id)
        assert run is not None
        count = max(1, min(parts or DEFAULT_PARTS, run.clients_total))
    base = f"{task.value}:connection:{firm_connection_id}:{','.join(wanted) if months else 'reload'}"
    first: JobInfo | None = None
    for part in range(count):
        # Part 0's key is the firm's: of two starts at the same moment, one run goes on.
        key = base if part == 0 else f"{base}:run:{run_id}:part:{part}"
        info = _start_part(db, settings, task, firm_connection_id, run_id, requested_by, key)
        if part == 0 and info is None:
            _drop_run(db, run_id)
            found = _unfinished(db, firm_connection_id, kind, wanted)
            assert found is not None
            return found
        first = first or info
    assert first is not None
    return first


def _start_part(
    db: Database,
    settings: Settings,
    task: TaskName,
    firm_connection_id: int,
    run_id: int,
    requested_by: str,
    key: str,
) -> JobInfo | None:
    from txbridge.jobs import records
    from txbridge.jobs.api import _dispatch

    job, created = records.enqueue(
        db, task, connection_id=firm_connection_id, batch_id=None, requested_by=requested_by, key=key
    )
    if not created:
        return None
    with db.transaction() as session:
        session.add(StatisticRunJob(job_id=job.id, run_id=run_id))
    _dispatch(db, settings, job)
    return JobInfo.of(job)


def _unfinished(
    db: Database, firm_connection_id: int, kind: StatisticRunKind, months: Sequence[str]
) -> JobInfo | None:
    """The first live part job of the firm's unfinished run of this kind (and month, for imports)."""
    with db.reading() as session:
        rows = session.execute(
            select(Job, StatisticRun)
            .join(StatisticRunJob, StatisticRunJob.job_id == Job.id)
            .join(StatisticRun, StatisticRun.id == StatisticRunJob.run_id)
            .where(
                StatisticRun.firm_connection_id == firm_connection_id,
                StatisticRun.kind == kind,
                StatisticRun.finished_at.is_(None),
                Job.state.in_([JobState.QUEUED, JobState.RUNNING]),
            )
            .order_by(Job.id)
        ).all()
        for job, run in rows:
            if kind is StatisticRunKind.RELOAD or list(run.months) == list(months):
                return JobInfo.of(job)
    return None


def _drop_run(db: Database, run_id: int) -> None:
    with db.transaction() as session:
        run = session.get(StatisticRun, run_id)
        if run is not None:
            session.delete(run)


def run_of_job(db: Database, job_id: int) -> int:
    with db.reading() as session:
        run_id = session.scalar(select(StatisticRunJob.run_id).where(StatisticRunJob.job_id == job_id))
    if run_id is None:
        raise JobError(render("job_not_found", job=job_id))
    return int(run_id)


def work_part(db: Database, settings: Settings, job_id: int, transport: object | None) -> tuple[int, int]:
    """Run one part job: (API calls, clients held by another run). The holder is the job: its retry
    after a kill resumes the client it held without waiting for the lock to go stale."""
    import httpx

    run_id = run_of_job(db, job_id)
    summary = work_run(
        db,
        settings,
        run_id,
        transport=transport if isinstance(transport, httpx.BaseTransport) else None,
        holder=f"job:{job_id}",
    )
    return summary.api_calls, summary.busy


# --------------------------------------------------------------------------------------------------
# When a firm imports: the import-day rule
# --------------------------------------------------------------------------------------------------


def oslo_today() -> date:
    from txbridge.jobs.tasks import today_in_oslo

    return today_in_oslo()


def firms_due(db: Database, today: date) -> list[tuple[int, str]]:
    """(firm connection id, month) of every firm whose import day is ``today``; a firm without
    settings imports on the last working day (the seed's first option)."""
    with db.reading() as session:
        rows = session.execute(
            select(FirmConnection.connection_id, FirmImportSettings.rule, FirmImportSettings.day_of_month)
            .outerjoin(
                FirmImportSettings, FirmImportSettings.firm_connection_id == FirmConnection.connection_id
            )
            .order_by(FirmConnection.connection_id)
        ).all()
    due = []
    for firm_id, rule, day_of_month in rows:
        month = month_due(rule or ImportDayRule.LAST_WORKING_DAY, day_of_month, today)
        if month is not None:
            due.append((firm_id, month))
    return due


def fire_imports(db: Database, settings: Settings, today: date | None = None) -> list[int]:
    """The scheduled run: queue the import of every firm whose import day is today. A firm that
    cannot import (nothing mapped or linked) is skipped; its reason is in the troubleshooter."""
    from txbridge.jobs.schedules import REQUESTED_BY

    day = today or oslo_today()
    started = []
    for firm_id, month in firms_due(db, day):
        try:
            started.append(
                start(db, settings, firm_id, TaskName.STATISTICS_IMPORT, [month], None, REQUESTED_BY, None).id
            )
        except JobError:
            continue
    return started
