"""Closing a period's POS days into an export batch (kind ``day_sales``): every day of the period from
the start date on that has no voucher in Tripletex yet, or was changed after its export, and is not
waiting in another batch. The days left out come back with their reason."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import exists, select

from txbridge.catalog import Message, render
from txbridge.flows.daysales import setup as pos
from txbridge.store import (
    BatchItem,
    Database,
    DaySale,
    IntegrationReference,
    ItemStatus,
    OutboundKind,
    ReferenceKind,
    period_bounds,
)
from txbridge.store import queries as q
from txbridge.store.models import utcnow

#: Item states that hold a day in its batch (see ``uq_batch_item_day_sale_open``).
HOLDING = (ItemStatus.PENDING, ItemStatus.IN_FLIGHT, ItemStatus.FAILED)


@dataclass(frozen=True, slots=True)
class DayLeftOut:
    day: str
    message: Message


@dataclass(frozen=True, slots=True)
class DayCloseResult:
    period: str
    batch_id: int | None
    day_count: int
    #: Of those, days changed after export (their voucher is reversed first).
    corrections: int = 0
    left_out: list[DayLeftOut] = field(default_factory=list)
    message: Message | None = None


def close_day_sales(db: Database, connection_id: int, period: str) -> DayCloseResult:
    """A new pending day-sales batch for ``period`` (``YYYY-MM``), or a message why there is none."""
    start, end = period_bounds(period)
    setup = pos.show(db, connection_id)
    if not setup.configured or setup.sales_start_date is None:
        raise pos.PosSetupError(render("pos_setup_missing", connection=connection_id))
    exported = exists().where(
        IntegrationReference.connection_id == DaySale.connection_id,
        IntegrationReference.kind == ReferenceKind.DAY_SALE,
        IntegrationReference.local_id == DaySale.id,
    )
    held = select(BatchItem.day_sale_id, BatchItem.batch_id).where(
        BatchItem.day_sale_id.is_not(None), BatchItem.status.in_(HOLDING)
    )
    with db.transaction() as session:
        holding = {day_id: batch_id for day_id, batch_id in session.execute(held).all()}
        rows = session.execute(
            select(DaySale, exported.label("exported"))
            .where(
                DaySale.connection_id == connection_id,
                DaySale.business_date >= start,
                DaySale.business_date < end,
            )
            .order_by(DaySale.business_date, DaySale.location)
        ).all()
        ready: list[DaySale] = []
        left_out: list[DayLeftOut] = []
        for day, is_exported in rows:
            if day.business_date < setup.sales_start_date:
                message = render(
                    "daysales_before_start", day=day.subject_key, start=setup.sales_start_date.isoformat()
                )
                left_out.append(DayLeftOut(day.subject_key, message))
            elif day.id in holding:
                message = render("daysales_intake_in_batch", item=day.subject_key, batch=holding[day.id])
                left_out.append(DayLeftOut(day.subject_key, message))
            elif not is_exported:  # a day changed after export has given up its reference
                ready.append(day)
        if not ready:
            return DayCloseResult(period, None, 0, 0, left_out, render("daysales_no_days", period=period))
        moment = utcnow()
        # The store's batch close with no invoices, made a day-sales batch before it gets its days.
        batch = q.create_batch(session, connection_id, period, [], now=moment)
        batch.kind = OutboundKind.DAY_SALES
        for day in ready:
            session.add(
                BatchItem(
                    batch_id=batch.id,
                    kind=OutboundKind.DAY_SALES,
                    day_sale_id=day.id,
                    subject_key=day.subject_key,
                    status=ItemStatus.PENDING,
                    attempts=0,
                    created_at=moment,
                    updated_at=moment,
                )
            )
        corrections = sum(1 for day in ready if day.corrected_at is not None)
        q.add_log(
            session,
            connection_id,
            f"Bunt {batch.id} med dagsoppgjør for {period} avsluttet med {len(ready)} dager / "
            f"Batch {batch.id} of day sales for {period} closed with {len(ready)} days",
            object_type="batch",
            object_key=str(batch.id),
        )
        return DayCloseResult(period, batch.id, len(ready), corrections, left_out)
