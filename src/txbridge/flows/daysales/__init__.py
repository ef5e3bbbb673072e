"""POS day sales: the set-up (start date, accounts), Z-reports in, one balanced voucher per day and
location out, corrections by reversal. See the README section «Day sales from a POS»."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from txbridge.flows.intake.importer import ImportReport, import_data
from txbridge.store import Database


def import_day_sales(db: Database, connection_id: int, days: Sequence[Mapping[str, Any]]) -> ImportReport:
    """Z-reports from the host, in the import format (``hostId``, ``location``, ``date``, ``lines``):
    each day checked on its own, a bad one rejected naming the field and the fix."""
    return import_data(db, connection_id, {"daySales": days})
