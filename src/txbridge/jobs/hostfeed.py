"""New change-feed entries with their delivery: after a flow that may have written to the feed
(initial sync, webhook events, reconcile, push), the ``host_webhooks`` job is queued for the
connection when one of its endpoints is behind. Here, in the jobs layer, because the flows do not
start jobs; tasks, the CLI and the web call this."""

from __future__ import annotations

from sqlalchemy import select

from txbridge.flows.sync.hostwebhooks import has_undelivered
from txbridge.jobs.api import start_host_webhooks
from txbridge.jobs.model import JobInfo, TaskName
from txbridge.settings import Settings
from txbridge.store import Database
from txbridge.store.models import Job, JobState


def queue_delivery(
    db: Database, settings: Settings, connection_id: int, *, requested_by: str
) -> JobInfo | None:
    """Queue the connection's ``host_webhooks`` job if an endpoint is behind the feed: one queued
    job per connection at a time (a queued one, also one waiting for its retry, is returned); a
    running one does not count, since it may have looked at the feed already. None: nothing to send."""
    if not has_undelivered(db, connection_id):
        return None
    with db.reading() as session:
        waiting = session.scalar(
            select(Job).where(
                Job.task == TaskName.HOST_WEBHOOKS.value,
                Job.connection_id == connection_id,
                Job.state == JobState.QUEUED,
            )
        )
        if waiting is not None:
            return JobInfo.of(waiting)
    return start_host_webhooks(db, settings, connection_id, requested_by=requested_by)
