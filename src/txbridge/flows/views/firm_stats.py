"""The firm's monthly statistics as stored: values per client, month and field."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import select

from txbridge.store import Database
from txbridge.store.models import MonthlyStatistic


def month_values(
    db: Database, firm_connection_id: int, months: Sequence[str]
) -> dict[int, dict[str, dict[str, Decimal]]]:
    """Firm client id → month → field key → value, for the firm's clients and the given months
    (months or clients without values are absent)."""
    if not months:
        return {}
    # firm_client carries the firm; until its table is merged, a run of the firm names its clients.
    from txbridge.store.models import StatisticRun, StatisticRunClient

    clients = (
        select(StatisticRunClient.firm_client_id)
        .join(StatisticRun, StatisticRun.id == StatisticRunClient.run_id)
        .where(StatisticRun.firm_connection_id == firm_connection_id)
    )
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
