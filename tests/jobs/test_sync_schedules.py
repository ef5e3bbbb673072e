"""The sync's schedules: the nightly reconcile at 02:00 Oslo time for every active connection, and
the hourly webhook subscription check only where TXBRIDGE_PUBLIC_URL is set."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.flows.sync.rt_env import RtEnv, rt_env_fixture  # noqa: F401
from txbridge.jobs import api, schedules
from txbridge.jobs.runner import EmbeddedRunner


def test_nightly_reconcile_and_hourly_subscription_check(rt_env: RtEnv) -> None:
    runner = EmbeddedRunner(rt_env.db, rt_env.settings, run_schedules=False)
    two_oslo = datetime(2026, 12, 1, 1, 0, 30, tzinfo=UTC)  # 02:00:30 CET
    assert "nightly_reconcile" in runner.tick_schedules(two_oslo)
    assert schedules.NIGHTLY_RECONCILE.last_due(two_oslo).astimezone(schedules.OSLO).hour == 2
    at_37 = datetime(2026, 12, 1, 9, 37, 5, tzinfo=UTC)
    assert runner.tick_schedules(at_37) == ["webhook_subscriptions"]
    jobs = {(j.task, j.connection_id, j.requested_by) for j in api.list_jobs(rt_env.db, rt_env.settings)}
    assert jobs == {
        ("reconcile", rt_env.connection_id, "schedule"),
        ("webhook_subscriptions", rt_env.connection_id, "schedule"),
    }
    # Without a public address there is nothing Tripletex could call: no subscription jobs.
    bare = rt_env.settings.model_copy(update={"public_url": None})
    assert schedules.fire(rt_env.db, bare, schedules.WEBHOOK_SUBSCRIPTIONS) == []
