"""What runs on a schedule, with times in Europe/Oslo (cron expressions, read by croniter).

Both engines use this table: procrastinate registers each as a periodic task (PostgreSQL), the
embedded runner fires them itself (SQLite). A run that was due more than ``MAX_DELAY`` ago when no
runner was up is skipped, not caught up (as procrastinate does). Later work adds its hooks here with
its task: the nightly reconcile (``0 2 * * *``), the webhook subscription check (``37 * * * *``),
the webhook inbox's pruning (``47 3 * * *``) and the monthly statistics (``0 5 1 * *``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from croniter import croniter

from txbridge.settings import Settings
from txbridge.store import Connection, ConnectionState, Database

OSLO = ZoneInfo("Europe/Oslo")
#: Older due times are skipped when a runner comes up (procrastinate's own bound).
MAX_DELAY = timedelta(minutes=10)
#: Who queued a scheduled job, as shown by ``txbridge jobs list``.
REQUESTED_BY = "schedule"


@dataclass(frozen=True)
class Schedule:
    name: str
    #: Cron expression in Oslo time.
    cron: str
    description: str

    def oslo_croniter(self, at: datetime) -> croniter:
        return croniter(self.cron, at.astimezone(OSLO))

    def last_due(self, now: datetime) -> datetime:
        """The latest due time at or before ``now`` (UTC-aware)."""
        found: datetime = self.oslo_croniter(now + timedelta(microseconds=1)).get_prev(datetime)
        return found

    def next_due(self, now: datetime) -> datetime:
        found: datetime = self.oslo_croniter(now).get_next(datetime)
        return found


PAYMENTS_REFRESH = Schedule(
    "payments_refresh", "0 6 * * *", "every morning at 06:00: payment status of every active connection"
)
TOKEN_EXPIRY_CHECK = Schedule(
    "token_expiry_check", "0 7 * * *", "every morning at 07:00: token-expiry warnings (14, 7, 1 days before)"
)
STATISTICS_IMPORTS = Schedule(
    "statistics_imports",
    "0 18 * * *",
    "every evening at 18:00: the monthly statistics of each firm whose import day it is "
    "(last working day, last calendar day, or a day of the following month)",
)
NIGHTLY_RECONCILE = Schedule(
    "nightly_reconcile",
    "0 2 * * *",
    "every night at 02:00: customers, projects and employees of every active connection checked against "
    "Tripletex (one checksum call each when nothing changed)",
)
WEBHOOK_SUBSCRIPTIONS = Schedule(
    "webhook_subscriptions",
    # Off the hour and the half hour, where the other schedules (and most people's) fall.
    "37 * * * *",
    "every hour at :37 (with TXBRIDGE_PUBLIC_URL set): Tripletex event subscriptions made, and "
    "re-enabled with a reconcile when Tripletex turned one off",
)
INBOX_PRUNE = Schedule(
    "inbox_prune",
    "47 3 * * *",
    "every night at 03:47: processed Tripletex webhook events older than TXBRIDGE_SYNC_INBOX_RETENTION_DAYS "
    "(30) deleted from the inbox; waiting and failed ones are kept",
)
SCHEDULES: tuple[Schedule, ...] = (
    PAYMENTS_REFRESH,
    TOKEN_EXPIRY_CHECK,
    STATISTICS_IMPORTS,
    NIGHTLY_RECONCILE,
    WEBHOOK_SUBSCRIPTIONS,
    INBOX_PRUNE,
)


def by_name(name: str) -> Schedule:
    for schedule in SCHEDULES:
        if schedule.name == name:
            return schedule
    raise KeyError(name)


def _active(db: Database) -> list[int]:
    with db.reading() as session:
        return [c.id for c in session.query(Connection).filter(Connection.state == ConnectionState.ACTIVE)]


def fire(db: Database, settings: Settings, schedule: Schedule) -> list[int]:
    """Queue the jobs of one scheduled run; returns their ids (an already queued one is reused)."""
    from txbridge.jobs import api  # the api dispatches to the engine, which imports this module

    if schedule is PAYMENTS_REFRESH:
        with db.reading() as session:
            active = [
                c.id for c in session.query(Connection).filter(Connection.state == ConnectionState.ACTIVE)
            ]
        return [
            api.start_payments_refresh(db, settings, connection_id, requested_by=REQUESTED_BY).id
            for connection_id in active
        ]
    if schedule is TOKEN_EXPIRY_CHECK:
        return [api.start_token_expiry_check(db, settings, requested_by=REQUESTED_BY).id]
    if schedule is STATISTICS_IMPORTS:
        from txbridge.jobs import statistics

        return statistics.fire_imports(db, settings)
    if schedule is NIGHTLY_RECONCILE:
        return [
            api.start_reconcile(db, settings, connection_id, requested_by=REQUESTED_BY).id
            for connection_id in _active(db)
        ]
    if schedule is WEBHOOK_SUBSCRIPTIONS:
        if not settings.public_url:
            return []  # no address Tripletex could call: the nightly reconcile alone keeps data the same
        return [
            api.start_webhook_subscriptions(db, settings, connection_id, requested_by=REQUESTED_BY).id
            for connection_id in _active(db)
        ]
    if schedule is INBOX_PRUNE:
        return [api.start_inbox_prune(db, settings, requested_by=REQUESTED_BY).id]
    raise KeyError(schedule.name)
