"""The firm's monthly statistics as stored: values per client, month and field."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

from txbridge.catalog import Message
from txbridge.store import Database
from txbridge.store.models import FirmClient, MonthlyStatistic, StatisticRun


def month_values(
    db: Database, firm_connection_id: int, months: Sequence[str]
) -> dict[int, dict[str, dict[str, Decimal]]]:
    """Firm client id → month → field key → value, for the firm's clients and the given months
    (months or clients without values are absent)."""
    if not months:
        return {}
    clients = select(FirmClient.id).where(FirmClient.firm_connection_id == firm_connection_id)
    found: dict[int, dict[str, dict[str, Decimal]]] = {}
    with db.reading() as session:
        rows = session.execute(
            select(
                MonthlyStatistic.firm_client_id,
                MonthlyStatistic.month,
                MonthlyStatistic.field_key,
                MonthlyStatistic.value,
            ).where(MonthlyStatistic.month.in_(list(months)), MonthlyStatistic.firm_client_id.in_(clients))
        ).all()
    for client_id, month, key, value in rows:
        found.setdefault(client_id, {}).setdefault(month, {})[key] = value
    return found


@dataclass(frozen=True)
class RunProgress:
    """An import or reload as the web shows it: how far it is, and its closing notice once done."""

    run_id: int
    kind: str
    months: tuple[str, ...]
    state: str
    clients_total: int
    clients_done: int
    clients_failed: int
    api_calls: int
    requested_by: str | None
    created_at: datetime
    finished_at: datetime | None
    #: Why it stopped, or its closing notice (``stats_import_finished`` / ``stats_reload_finished``).
    message: Message | None
    #: The user has seen the notice (the web hides seen ones).
    notice_seen: bool

    @property
    def percent(self) -> int:
        total = self.clients_total or 1
        return round(100 * (self.clients_done + self.clients_failed) / total)


def _progress(run: StatisticRun) -> RunProgress:
    message = None
    if run.message:
        data = json.loads(run.message)
        message = Message(**data)
    return RunProgress(
        run_id=run.id,
        kind=run.kind.value,
        months=tuple(run.months),
        state=run.state.value,
        clients_total=run.clients_total,
        clients_done=run.clients_done,
        clients_failed=run.clients_failed,
        api_calls=run.api_calls,
        requested_by=run.requested_by,
        created_at=run.created_at,
        finished_at=run.finished_at,
        message=message,
        notice_seen=run.notice_seen_at is not None,
    )


def run_progress(db: Database, run_id: int) -> RunProgress | None:
    with db.reading() as session:
        run = session.get(StatisticRun, run_id)
        return None if run is None else _progress(run)


def recent_runs(db: Database, firm_connection_id: int, *, limit: int = 10) -> list[RunProgress]:
    """The firm's latest imports and reloads, newest first (running ones show their progress)."""
    with db.reading() as session:
        return [
            _progress(run)
            for run in session.scalars(
                select(StatisticRun)
                .where(StatisticRun.firm_connection_id == firm_connection_id)
                .order_by(StatisticRun.id.desc())
                .limit(limit)
            )
        ]


def unseen_notices(db: Database, firm_connection_id: int) -> list[RunProgress]:
    """Finished runs whose notice the user has not seen yet («the reload is done»)."""
    with db.reading() as session:
        return [
            _progress(run)
            for run in session.scalars(
                select(StatisticRun)
                .where(
                    StatisticRun.firm_connection_id == firm_connection_id,
                    StatisticRun.finished_at.is_not(None),
                    StatisticRun.notice_seen_at.is_(None),
                )
                .order_by(StatisticRun.id)
            )
        ]
