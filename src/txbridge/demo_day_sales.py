"""The demo's POS part (run by :mod:`txbridge.demo`): a café's October in two locations, set up as
the seed's wizard, 62 Z-reports in, one day-sales batch exported (one voucher per day and location),
a day corrected after export (reversed and posted again), and the troubleshooter on every day that
did not go (see :mod:`txbridge.samples.day_sales` for the deliberate defects)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from txbridge.cli.diagnose import answers_table
from txbridge.cli.ui import Out
from txbridge.flows import connections
from txbridge.flows.daysales import import_day_sales
from txbridge.flows.daysales import setup as pos
from txbridge.flows.daysales.batches import DayCloseResult, close_day_sales
from txbridge.flows.diagnose.day_sales import DayDiagnosis, diagnose_day_sale
from txbridge.flows.export import ExportResult, export_batch
from txbridge.samples import day_sales as sample
from txbridge.settings import Settings
from txbridge.store import Connection, Database


@dataclass(frozen=True)
class DaySalesDemo:
    closed: DayCloseResult
    exported: ExportResult
    correction: ExportResult
    diagnoses: dict[str, DayDiagnosis]
    #: Vouchers in Tripletex per external number (each must be 1), and how many are reversals.
    vouchers_per_marker: dict[str, int]
    reversals: int

    @property
    def posted_once(self) -> bool:
        return bool(self.vouchers_per_marker) and all(n == 1 for n in self.vouchers_per_marker.values())


def run_day_sales(out: Out, database: Database, settings: Settings, connection: Connection) -> DaySalesDemo:
    out.rule(f"[bold]{out.t('Kasse: dagsoppgjør', 'POS: day sales')}")
    chart = pos.read_chart(database, settings, connection.id)
    pos.save(
        database, connection.id, start_date=sample.START, mappings=sample.MAPPING, chart=chart, by="demo"
    )
    imported = import_day_sales(database, connection.id, sample.demo_days())
    created = imported.counts["daySales"].created
    out.print(
        out.t(
            f"Kasseoppsett lagret (start {sample.START}); {created} dagsoppgjør importert",
            f"POS set-up saved (start {sample.START}); {created} day sales imported",
        )
    )
    closed = close_day_sales(database, connection.id, sample.PERIOD)
    assert closed.batch_id is not None
    exported = export_batch(database, settings, closed.batch_id)
    out.print(
        out.t(
            f"Bunt {closed.batch_id}: {exported.exported} bilag, {exported.failed} feilet, "
            f"{len(closed.left_out)} utenfor ({exported.api_calls} API-kall)",
            f"Batch {closed.batch_id}: {exported.exported} vouchers, {exported.failed} failed, "
            f"{len(closed.left_out)} left out ({exported.api_calls} API calls)",
        )
    )
    # The POS sends one posted day again with a corrected cash count.
    import_day_sales(database, connection.id, [sample.corrected_day()])
    again = close_day_sales(database, connection.id, sample.PERIOD)
    assert again.batch_id is not None
    correction = export_batch(database, settings, again.batch_id)
    location, day = sample.DEFECTS.corrected
    out.print(
        out.t(
            f"Korrigering {day} · {location}: bilaget reversert og ført på nytt (bunt {again.batch_id})",
            f"Correction {day} · {location}: the voucher reversed and posted again (batch {again.batch_id})",
        )
    )
    asked = [sample.DEFECTS.unmapped_group, sample.DEFECTS.vat_mismatch, *sample.DEFECTS.before_start[:1]]
    diagnoses = {
        f"{d.isoformat()} · {loc}": diagnose_day_sale(database, settings, connection.id, loc, d)
        for loc, d in asked
    }
    title = out.t("Feilsøking, dagsoppgjør", "Troubleshooter, day sales")
    out.print(answers_table(out, title, out.t("Dag", "Day"), diagnoses))
    with connections.client_for(connection, settings) as client:
        vouchers = list(
            client.ledger.vouchers.iter(
                date_from=date(2026, 10, 1),
                date_to=date(2026, 12, 1),
                fields="id,externalVoucherNumber,description",
            )
        )
    markers = Counter(v.externalVoucherNumber for v in vouchers if v.externalVoucherNumber)
    reversals = sum(1 for v in vouchers if (v.description or "").startswith("Reversering"))
    result = DaySalesDemo(closed, exported, correction, diagnoses, dict(markers), reversals)
    out.print(
        out.t(f"I Tripletex: {len(markers)} dagsbilag, ", f"In Tripletex: {len(markers)} day vouchers, ")
        + (
            f"[green]{out.t('hvert nøyaktig én gang', 'each exactly once')}[/]"
            if result.posted_once
            else f"[red]{out.t('dobbelt', 'twice')}[/]"
        )
        + out.t(f", {reversals} reversering", f", {reversals} reversal")
    )
    return result
