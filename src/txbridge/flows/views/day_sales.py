"""Read model of a connection's POS days, shared by the CLI and the web: where each day stands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from txbridge.store import (
    BatchItem,
    Database,
    DaySale,
    IntegrationReference,
    ItemStatus,
    ReferenceKind,
    period_bounds,
)


@dataclass(frozen=True, slots=True)
class DayRow:
    business_date: date
    location: str
    host_id: str
    revision: int
    #: ``posted`` (voucher in Tripletex), ``corrected`` (changed after export, voucher to reverse),
    #: ``in_batch``, ``failed`` or ``new`` (in no batch yet).
    state: str
    voucher: str | None
    batch_id: int | None
    message: str | None


def list_days(db: Database, connection_id: int, period: str | None = None) -> list[DayRow]:
    query = select(DaySale).where(DaySale.connection_id == connection_id)
    if period is not None:
        start, end = period_bounds(period)
        query = query.where(DaySale.business_date >= start, DaySale.business_date < end)
    with db.reading() as session:
        days = list(session.scalars(query.order_by(DaySale.business_date, DaySale.location)))
        ids = [d.id for d in days]
        vouchers = dict(
            session.execute(
                select(IntegrationReference.local_id, IntegrationReference.voucher_number).where(
                    IntegrationReference.connection_id == connection_id,
                    IntegrationReference.kind == ReferenceKind.DAY_SALE,
                    IntegrationReference.local_id.in_(ids),
                )
            ).all()
        )
        items: dict[int, BatchItem] = {}
        for found in session.scalars(
            select(BatchItem).where(BatchItem.day_sale_id.in_(ids)).order_by(BatchItem.id)
        ):
            if found.day_sale_id is not None:
                items[found.day_sale_id] = found  # the latest item wins
        rows = []
        for day in days:
            item = items.get(day.id)
            if day.id in vouchers:
                state, voucher = "posted", vouchers[day.id]
            elif day.replaces_voucher_id is not None:
                state, voucher = "corrected", day.replaces_voucher_number
            elif item is not None and item.status in (ItemStatus.PENDING, ItemStatus.IN_FLIGHT):
                state, voucher = "in_batch", None
            elif item is not None and item.status is ItemStatus.FAILED:
                state, voucher = "failed", None
            else:
                state, voucher = "new", None
            rows.append(
                DayRow(
                    day.business_date,
                    day.location,
                    day.host_id,
                    day.revision,
                    state,
                    voucher,
                    item.batch_id if item is not None else None,
                    # A failure's reason, or an exported day's note (dated into the next open period).
                    item.message
                    if item is not None and item.status in (ItemStatus.FAILED, ItemStatus.EXPORTED)
                    else None,
                )
            )
        return rows
