"""Pruning the webhook inbox: processed events past the retention go, in batches; waiting and failed
ones stay whatever their age; a late duplicate inside the retention is still recognised; the nightly
``inbox_prune`` schedule queues the job and the embedded runner (SQLite) runs it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.flows.sync.rt_env import RtEnv, rt_env_fixture  # noqa: F401
from txbridge.flows.sync import inbox
from txbridge.jobs import api, schedules
from txbridge.jobs.runner import EmbeddedRunner
from txbridge.settings import Settings
from txbridge.store.models import WebhookInboxEvent, utcnow


def put_events(env: RtEnv, rows: list[tuple[str, datetime | None, str | None]]) -> None:
    """(idempotency key, processed at, error id) per event, received a day before it was processed."""
    with env.db.transaction() as session:
        for key, processed, error in rows:
            session.add(
                WebhookInboxEvent(
                    connection_id=env.connection_id,
                    idempotency_key=key,
                    event="customer.update",
                    object_id=1,
                    received_at=(processed or utcnow()) - timedelta(days=1),
                    processed_at=processed,
                    outcome="applied" if processed else None,
                    attempts=1 if processed or error else 0,
                    error_id=error,
                )
            )


def keys(env: RtEnv) -> set[str]:
    with env.db.reading() as session:
        return set(session.scalars(select(WebhookInboxEvent.idempotency_key)))


def test_only_processed_events_past_the_retention_are_pruned_in_batches(rt_env: RtEnv) -> None:
    now = datetime(2026, 11, 30, 3, 47, tzinfo=UTC)
    old, young = now - timedelta(days=31), now - timedelta(days=29)
    put_events(rt_env, [(f"old-{n}", old, None) for n in range(7)])
    put_events(
        rt_env,
        [
            ("young", young, None),
            ("waiting-old", None, None),  # never processed: kept, however old
            ("failed-old", None, "webhook_event_failed"),  # failed, to be tried again: kept
        ],
    )
    # Received long ago but never processed: its received_at is old too.
    with rt_env.db.transaction() as session:
        for row in session.scalars(select(WebhookInboxEvent).where(WebhookInboxEvent.processed_at.is_(None))):
            row.received_at = now - timedelta(days=400)

    pruned = inbox.prune_processed(rt_env.db, older_than=timedelta(days=30), now=now, batch=3)
    assert pruned == 7  # in batches of 3, 3 and 1
    assert keys(rt_env) == {"young", "waiting-old", "failed-old"}
    assert inbox.prune_processed(rt_env.db, older_than=timedelta(days=30), now=now, batch=3) == 0


def test_a_late_duplicate_inside_the_retention_is_still_recognised(rt_env: RtEnv) -> None:
    put_events(rt_env, [("late-dup", utcnow() - timedelta(days=20), None)])
    inbox.prune_processed(rt_env.db, older_than=timedelta(days=30))
    assert "late-dup" in keys(rt_env)
    # The receiver stores by key: a second delivery finds the kept row and is a duplicate.
    again = inbox._store(rt_env.db, rt_env.connection_id, "late-dup", None, "customer.update", 1)
    assert again.verdict == "duplicate"


def test_the_retention_cannot_be_shorter_than_a_week() -> None:
    with pytest.raises(ValueError, match="sync_inbox_retention_days"):
        Settings(database_url="sqlite://", sync_inbox_retention_days=2)


def test_the_nightly_schedule_queues_the_prune_and_the_runner_does_it(rt_env: RtEnv) -> None:
    put_events(rt_env, [("old", utcnow() - timedelta(days=45), None), ("new", utcnow(), None)])
    runner = EmbeddedRunner(rt_env.db, rt_env.settings, run_schedules=False)
    at_0347 = datetime(2026, 12, 1, 2, 47, 20, tzinfo=UTC)  # 03:47:20 CET
    assert runner.tick_schedules(at_0347) == ["inbox_prune"]
    jobs = [(j.task, j.connection_id, j.requested_by) for j in api.list_jobs(rt_env.db, rt_env.settings)]
    assert jobs == [("prune_inbox", None, "schedule")]
    assert schedules.INBOX_PRUNE.last_due(at_0347).astimezone(schedules.OSLO).hour == 3
    runner.run_until_idle()
    assert [j.state for j in api.list_jobs(rt_env.db, rt_env.settings)] == ["succeeded"]
    assert keys(rt_env) == {"new"}
