"""What a job is to its callers: :class:`JobInfo`, the task names, and the one error jobs raise."""

from __future__ import annotations

import enum
import json
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Literal

from txbridge.catalog import Message
from txbridge.store.models import Job

JobStateName = Literal["queued", "running", "succeeded", "failed", "cancelled"]


class TaskName(enum.StrEnum):
    """Every task, in the domain's words. A slot without a task in ``jobs.tasks.TASKS`` is filled by
    later work."""

    EXPORT_BATCH = "export_batch"
    REFRESH_PAYMENTS = "refresh_payments"
    CHECK_TOKEN_EXPIRY = "check_token_expiry"  # noqa: S105 - a task name, not a secret
    WEBHOOK_EVENT = "webhook_event"
    RECONCILE = "reconcile"
    STATISTICS_IMPORT = "statistics_import"
    HOST_WEBHOOKS = "host_webhooks"
    STATISTICS_RELOAD = "statistics_reload"
    WEBHOOK_SUBSCRIPTIONS = "webhook_subscriptions"
    SYNC_INITIAL = "sync_initial"
    SYNC_PUSH = "sync_push"
    PRUNE_INBOX = "prune_inbox"

    @classmethod
    def named(cls, name: str) -> TaskName | None:
        return cls._value2member_map_.get(name)  # type: ignore[return-value]


#: Tasks that keep their own per-client locks (flows.firm.runs): their jobs are not serialised per
#: connection, so the parts of one run go side by side on several workers.
SELF_LOCKING_TASKS = frozenset({TaskName.STATISTICS_IMPORT, TaskName.STATISTICS_RELOAD})


class JobError(Exception):
    """A job action that could not be done; ``message`` is the catalog message to show."""

    def __init__(self, message: Message) -> None:
        super().__init__(str(message))
        self.message = message


class JobAlreadyActive(JobError):
    """Work that runs one at a time was asked for while ``job`` (queued or running) does it."""

    def __init__(self, message: Message, job: JobInfo) -> None:
        super().__init__(message)
        self.job = job


@dataclass(frozen=True)
class JobInfo:
    id: int
    task: str
    connection_id: int | None
    batch_id: int | None
    state: JobStateName
    requested_by: str | None
    queued_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    attempts: int
    message: Message | None
    #: Not before this time (a retry waiting out its backoff).
    not_before: datetime | None = None
    #: ``host:pid`` of the process running it now (running jobs only).
    worker: str | None = None

    @classmethod
    def of(cls, job: Job) -> JobInfo:
        return cls(
            id=job.id,
            task=job.task,
            connection_id=job.connection_id,
            batch_id=job.batch_id,
            state=job.state.value,
            requested_by=job.requested_by,
            queued_at=job.queued_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
            attempts=job.attempts,
            message=message_from_json(job.message),
            not_before=job.not_before,
            worker=job.worker if job.state.value == "running" else None,
        )


def message_to_json(message: Message | None) -> str | None:
    return None if message is None else json.dumps(asdict(message), ensure_ascii=False)


def message_from_json(text: str | None) -> Message | None:
    if not text:
        return None
    return Message(**json.loads(text))
