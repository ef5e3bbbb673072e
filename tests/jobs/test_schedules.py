"""Schedules in Europe/Oslo, fired once per due time, and the token-expiry warnings (14, 7, 1 days)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from tests.jobs.conftest import QUICK, Shop
from txbridge.jobs import api, schedules
from txbridge.jobs.runner import EmbeddedRunner
from txbridge.jobs.tasks import TaskContext, check_token_expiry_task
from txbridge.store import Connection, ConnectionState, LogEntry


def test_schedule_times_are_oslo_time_across_summer_time() -> None:
    summer = schedules.PAYMENTS_REFRESH.last_due(datetime(2026, 7, 1, 4, 30, tzinfo=UTC))
    winter = schedules.PAYMENTS_REFRESH.last_due(datetime(2026, 12, 1, 5, 30, tzinfo=UTC))
    assert summer.astimezone(UTC) == datetime(2026, 7, 1, 4, 0, tzinfo=UTC)  # 06:00 CEST
    assert winter.astimezone(UTC) == datetime(2026, 12, 1, 5, 0, tzinfo=UTC)  # 06:00 CET
    assert schedules.TOKEN_EXPIRY_CHECK.next_due(winter).astimezone(UTC) == datetime(
        2026, 12, 1, 6, 0, tzinfo=UTC
    )


def test_a_due_schedule_fires_once_and_old_ones_are_skipped(shop: Shop) -> None:
    runner = EmbeddedRunner(shop.db, shop.settings, options=QUICK)
    six_oslo = datetime(2026, 12, 1, 5, 0, 20, tzinfo=UTC)
    assert runner.tick_schedules(six_oslo) == ["payments_refresh"]
    assert runner.tick_schedules(six_oslo + timedelta(seconds=30)) == []  # fired already
    other = EmbeddedRunner(shop.db, shop.settings, options=QUICK)
    assert other.tick_schedules(six_oslo + timedelta(seconds=40)) == []  # not by a second runner either
    jobs = api.list_jobs(shop.db, shop.settings)
    assert sorted(j.connection_id for j in jobs) == sorted(e.connection_id for e in shop.envs)
    assert {(j.task, j.requested_by) for j in jobs} == {("refresh_payments", "schedule")}
    # Two hours late (no runner was up at 06:00): skipped, not caught up.
    assert runner.tick_schedules(datetime(2026, 12, 2, 7, 0, tzinfo=UTC)) == []
    assert runner.tick_schedules(datetime(2026, 12, 2, 6, 1, tzinfo=UTC)) == ["token_expiry_check"]
    assert runner.run_until_idle() == 3


def _warnings(shop: Shop, connection_id: int) -> list[str]:
    with shop.db.reading() as session:
        return list(
            session.scalars(
                select(LogEntry.message)
                .where(LogEntry.connection_id == connection_id, LogEntry.message_id == "token_expires_soon")
                .order_by(LogEntry.id)
            )
        )


def test_token_expiry_warnings_come_once_each(shop: Shop) -> None:
    connection_id = shop.envs[0].connection_id
    expires = date(2027, 3, 31)
    with shop.db.transaction() as session:
        for connection in session.scalars(select(Connection)):
            connection.token_expires_on = expires if connection.id == connection_id else date(2028, 1, 1)
    ctx = TaskContext(shop.db, shop.settings, 0, None, None, QUICK)

    def check(days_before: int) -> list[str]:
        check_token_expiry_task(ctx, today=expires - timedelta(days=days_before))
        return _warnings(shop, connection_id)

    assert check(20) == []
    assert len(check(14)) == 1 and "14" in _warnings(shop, connection_id)[0]
    assert len(check(13)) == 1  # the 14-day warning is not repeated
    assert len(check(5)) == 2  # the 7-day one, late, once
    assert len(check(4)) == 2
    assert len(check(1)) == 3
    assert len(check(0)) == 3
    assert _warnings(shop, shop.envs[1].connection_id) == []
    check(-1)
    with shop.db.reading() as session:
        connection = session.get(Connection, connection_id)
        assert connection is not None and connection.state is ConnectionState.TOKEN_EXPIRED


def test_a_missed_fortnight_gives_one_warning_not_three(shop: Shop) -> None:
    connection_id = shop.envs[0].connection_id
    with shop.db.transaction() as session:
        connection = session.get(Connection, connection_id)
        assert connection is not None
        connection.token_expires_on = date(2027, 3, 31)
    ctx = TaskContext(shop.db, shop.settings, 0, None, None, QUICK)
    check_token_expiry_task(ctx, today=date(2027, 3, 30))
    assert len(_warnings(shop, connection_id)) == 1
    check_token_expiry_task(ctx, today=date(2027, 3, 30))
    assert len(_warnings(shop, connection_id)) == 1
