"""``diagnose_item``: the batch screen's «Hvorfor?» runs the troubleshooter of the batch's kind."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.flows.diagnose.world import settings_for
from tests.flows.views.conftest import add_connection
from txbridge.flows.diagnose import Check, DiagnoseError, Diagnosis
from txbridge.flows.diagnose.hours import HoursDiagnosis
from txbridge.flows.diagnose.items import diagnose_item
from txbridge.flows.diagnose.model import HoursCheck
from txbridge.flows.diagnose.pos_invoicing import PosCheck, PosDiagnosis
from txbridge.store import Database, OutboundKind


def test_each_kind_gets_its_own_checks_and_a_key_naming_nothing_says_so(
    tmp_path: Path, sqlite_template: Path
) -> None:
    """Store only: every answer here is found before Tripletex would be asked."""
    shutil.copyfile(sqlite_template, tmp_path / "store.db")
    settings = settings_for(f"sqlite:///{tmp_path / 'store.db'}")
    database = Database(settings)
    connection_id = add_connection(database, "acme")

    def ask(kind: OutboundKind, key: str) -> object:
        return diagnose_item(database, settings, connection_id, kind, key)

    invoice = ask(OutboundKind.INVOICE, "NOPE-1")
    assert isinstance(invoice, Diagnosis) and invoice.failed_check is not None
    assert invoice.failed_check.check is Check.IN_BATCH
    hours = ask(OutboundKind.HOURS, "svenn-0")
    assert isinstance(hours, HoursDiagnosis) and hours.failed_check is not None
    assert hours.failed_check.check is HoursCheck.IN_STORE
    for kind in (OutboundKind.POS_ORDER, OutboundKind.COLLECTIVE_INVOICE):
        pos = ask(kind, "2026-10 · 10001")
        assert isinstance(pos, PosDiagnosis) and pos.failed_check is not None
        assert pos.failed_check.check is PosCheck.IN_STORE
    # Day sales: a key that is not «date · location», or a day the POS never sent.
    for key in ("not a day", "2026-10-05 · Storgata"):
        with pytest.raises(DiagnoseError) as unknown:
            ask(OutboundKind.DAY_SALES, key)
        assert unknown.value.message.id == "daysales_day_unknown"
    database.dispose()
