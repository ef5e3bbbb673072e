"""Closing a month of hours into a batch: new hours and corrections, each hour in one open batch."""

from __future__ import annotations

from sqlalchemy import select

from tests.flows.hours.test_intake import hour
from txbridge.flows.hours.batches import close_hours_batch, open_item_of_hours
from txbridge.flows.intake import import_data
from txbridge.store import (
    BatchItem,
    Database,
    HoursEntry,
    IntegrationReference,
    ItemStatus,
    OutboundKind,
    ReferenceKind,
)


def test_close_takes_the_month_once_and_corrections_later(database: Database, connection_id: int) -> None:
    import_data(
        database,
        connection_id,
        {
            "hours": [
                hour("s-2", date="2026-10-06"),
                hour("s-1"),
                hour("s-3", date="2026-11-02"),
                hour("s-4", deleted=True),
            ]
        },
    )
    closed = close_hours_batch(database, connection_id, "2026-10")
    assert (closed.new, closed.corrections) == (2, 0) and closed.batch_id is not None
    with database.transaction() as session:
        items = list(
            session.scalars(
                select(BatchItem).where(BatchItem.batch_id == closed.batch_id).order_by(BatchItem.id)
            )
        )
        assert [(i.subject_key, i.kind) for i in items] == [
            ("s-1", OutboundKind.HOURS),
            ("s-2", OutboundKind.HOURS),
        ]
        entry_id = items[0].hours_entry_id
        assert entry_id is not None
        assert open_item_of_hours(session, entry_id) == (closed.batch_id, "pending", "pending", None)
    assert close_hours_batch(database, connection_id, "2026-10").batch_id is None  # already on its way
    # An hour on its way cannot change.
    report = import_data(database, connection_id, {"hours": [hour("s-1", hours="2")]})
    (rejection,) = report.rejections_of("hours")
    assert rejection.message.id == "hours_in_batch" and str(closed.batch_id) in rejection.message.fix_en

    # Exported (reference recorded, item done): a change is a correction for a new batch.
    with database.transaction() as session:
        for item in session.scalars(select(BatchItem).where(BatchItem.batch_id == closed.batch_id)):
            item.status = ItemStatus.EXPORTED
            assert item.hours_entry_id is not None
            session.add(
                IntegrationReference(
                    connection_id=connection_id,
                    kind=ReferenceKind.TIMESHEET_ENTRY,
                    local_id=item.hours_entry_id,
                    local_number=item.subject_key,
                    tripletex_id=7000 + item.id,
                )
            )
    import_data(
        database,
        connection_id,
        {"hours": [hour("s-1", hours="2"), hour("s-2", date="2026-10-06", deleted=True)]},
    )
    again = close_hours_batch(database, connection_id, "2026-10")
    assert (again.new, again.corrections) == (0, 2)
    with database.transaction() as session:
        assert session.scalar(select(HoursEntry.state).where(HoursEntry.host_id == "s-1")) == "changed"
