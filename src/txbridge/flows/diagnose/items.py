"""The troubleshooter for any batch item: the kind's own checks for the item's key (the web batch
screen's «Hvorfor? / Why?» asks through here, whatever the batch sends)."""

from __future__ import annotations

from datetime import date

from txbridge.catalog import render
from txbridge.flows.diagnose.checks import DiagnoseError, diagnose_invoice
from txbridge.flows.diagnose.day_sales import DayDiagnoseError, DayDiagnosis, diagnose_day_sale
from txbridge.flows.diagnose.hours import HoursDiagnosis, diagnose_hours
from txbridge.flows.diagnose.model import Diagnosis
from txbridge.flows.diagnose.pos_invoicing import PosDiagnosis, diagnose_pos
from txbridge.settings import Settings
from txbridge.store import Database, OutboundKind

ItemDiagnosis = Diagnosis | HoursDiagnosis | DayDiagnosis | PosDiagnosis


def diagnose_item(
    db: Database, settings: Settings, connection_id: int, kind: OutboundKind, key: str
) -> ItemDiagnosis:
    """The checks of ``kind`` for the item ``key`` (its ``subject_key``: an invoice number, a host's
    hour id, ``2026-10-05 · Storgata``, a POS sale's number or ``2026-10 · 10001``). Reads only.
    A key that names nothing raises :class:`DiagnoseError` with the catalog message."""
    if kind is OutboundKind.HOURS:
        return diagnose_hours(db, settings, connection_id, key)
    if kind is OutboundKind.DAY_SALES:
        day, _, location = key.partition(" · ")
        try:
            return diagnose_day_sale(db, settings, connection_id, location, date.fromisoformat(day))
        except ValueError:
            raise DiagnoseError(render("daysales_day_unknown", day=key)) from None
        except DayDiagnoseError as exc:
            raise DiagnoseError(exc.message) from None
    if kind in (OutboundKind.POS_ORDER, OutboundKind.COLLECTIVE_INVOICE):
        return diagnose_pos(db, settings, connection_id, key)
    return diagnose_invoice(db, settings, connection_id, key)
