"""`make demo` end to end: the shipped sample through batch close, export and the troubleshooter."""

from __future__ import annotations

import io
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rich.console import Console

from tests.web.conftest import csrf_of, sign_in
from txbridge.demo import DEMO_COMPANY, PAID_IN_DEMO, DemoResult, main, run_demo
from txbridge.demo_hours import DEFECTS
from txbridge.flows.diagnose import Check, Outcome
from txbridge.flows.views.batches import batch_detail
from txbridge.flows.views.messages import posting_message
from txbridge.jobs import api as jobs
from txbridge.jobs.api import embedded_worker
from txbridge.samples import demo_defects
from txbridge.store import BatchStatus, Database
from txbridge.web import create_app
from txbridge.web import demo as web_demo
from txbridge.web.config import WebSettings

# One worker runs the module's tests: they share one demo run (a module fixture is per worker).
pytestmark = pytest.mark.xdist_group("demo")


@dataclass(frozen=True)
class DemoRun:
    result: DemoResult
    screen: str
    #: What the demo kept (``--keep``): the store, its token key and the sandbox's data.
    folder: Path


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    """One demo run serves the module's tests: it is among the slowest parts of the suite."""
    screen = io.StringIO()
    folder = tmp_path_factory.mktemp("demo")
    result = run_demo(out=Console(file=screen, width=200), workdir=folder)
    return DemoRun(result, screen.getvalue(), folder)


def test_demo_exports_the_month_once_and_explains_every_failure(demo_run: DemoRun) -> None:
    result, text = demo_run.result, demo_run.screen
    defects = demo_defects()

    assert result.imported.all_accepted
    assert result.closed.invoice_count == 319
    left_out = {left.invoice_number: left.message.id for left in result.closed.left_out}
    assert left_out == {
        defects.outside_period_invoice: "invoice_outside_period",
        defects.draft_invoice: "invoice_not_ready",
    }

    exported = result.exported
    assert exported.stopped is None
    assert exported.status is BatchStatus.FAILED  # the deliberate defects
    failed = {f.subject_key for f in exported.failures}
    assert failed == set(defects.missing_account_invoices) | set(defects.shared_org_invoices)
    assert (exported.exported, exported.skipped, exported.failed) == (311, 1, 7)

    # Every exported invoice is in Tripletex exactly once (counted there, by the export's marker).
    assert len(result.orders_per_invoice) == 311 and result.exported_once
    assert not failed & set(result.orders_per_invoice)

    for number in defects.missing_account_invoices:
        diagnosis = result.diagnoses[number]
        assert diagnosis.failed_check is not None and diagnosis.failed_check.check is Check.PRODUCT_ACCOUNT
        assert diagnosis.answer is not None
        assert diagnosis.answer.en == f"Account {defects.missing_account} was not found in Tripletex"
    for number in defects.shared_org_invoices:
        diagnosis = result.diagnoses[number]
        assert diagnosis.failed_check is not None and diagnosis.failed_check.check is Check.CUSTOMER
        assert diagnosis.answer is not None and diagnosis.answer.id == "duplicate_organization_number"
    assert result.diagnoses[defects.outside_period_invoice].answer.id == "invoice_outside_period"  # type: ignore[union-attr]
    assert result.diagnoses[defects.draft_invoice].answer.id == "invoice_not_ready"  # type: ignore[union-attr]
    already = result.diagnoses[defects.already_exported_invoice]
    assert already.outcome is Outcome.EXPORTED
    assert str(defects.already_exported_tripletex_number) in already.answer.en  # type: ignore[union-attr]

    assert result.payments.checked == 311
    assert (result.payments.paid, result.payments.outstanding) == (PAID_IN_DEMO, 311 - PAID_IN_DEMO)
    assert exported.api_calls / exported.exported < 0.05
    # Hours from Svenn: the deliberate defects each explained, corrections made, every hour once.
    hours = result.hours
    assert hours is not None
    assert (hours.exported.exported, hours.exported.failed) == (110, 4)
    assert {key: d.answer.id for key, d in hours.diagnoses.items() if d.answer is not None} == {
        **DEFECTS,
        "svenn-5": "hours_month_locked",
    }
    assert (hours.corrected.exported, hours.corrected.failed) == (2, 1)
    assert hours.corrected.failures[0].error_id == "hours_correction_locked"
    assert hours.exported_once and len(hours.entries_per_hour) == 109

    assert "Konto 3099 ble ikke funnet i Tripletex" in text
    assert_pos_month_posted_once_with_its_defects_explained(result)
    assert_pos_sales_invoiced_once(result)
    assert "hver nøyaktig én gang" in text and "each exactly once" not in text  # one language
    assert_one_language(result, text)
    assert "Tid: " in text
    # The troubleshooter's fixes name the demo's batch.
    assert f"reset {exported.batch_id}`" in text


# A second whole demo (English, through the command's own options): the suite's demo run above keeps
# its folder too, and the web demo test below uses it.
@pytest.mark.long
def test_demo_main_keeps_its_database_when_asked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "kept"
    assert main(["--keep", str(folder), "--lang", "en"]) == 0
    assert (folder / "demo.db").exists()
    assert (folder / "secret.key").exists() and (folder / "sandbox.state").exists()
    # In English only, the stopped hours correction too (its item stores «bokmål / English»).
    text = " ".join(capsys.readouterr().out.split())
    assert "approved in Tripletex; the correction was not sent" in text
    assert "rettingen er ikke sendt" not in text and "hver nøyaktig én gang" not in text


def test_web_demo_on_the_kept_data_asks_tripletex_why_and_exports(demo_run: DemoRun) -> None:
    """``python -m txbridge.web.demo --serve`` on what ``make demo`` kept: the demo's sandbox runs
    again with its companies, the stored tokens decrypt with the kept key, and in the web app a «Why?»
    that asks Tripletex and an export both reach it."""
    defects = demo_defects()
    batch_id = demo_run.result.exported.batch_id
    database_file = demo_run.folder / "demo.db"
    _, password = web_demo.prepare(database_file)
    with web_demo.demo_sandbox(database_file) as sandbox:
        company = next(c.id for c in sandbox.state.companies.values() if c.name == DEMO_COMPANY)

        def calls() -> int:
            with sandbox.state.lock:
                return sum(n for (c, _, _), n in sandbox.state.stats.items() if c == company)

        settings = web_demo.demo_settings(database_file)
        db = Database.open(settings)
        app = create_app(settings, web=WebSettings(poll_seconds=0.2), db=db)
        try:
            with embedded_worker(db, settings), TestClient(app) as client:
                sign_in(client, web_demo.DEMO_USER, password)
                # «Why?» for an invoice whose product class names an account Tripletex lacks: only
                # Tripletex's chart of accounts can say so.
                before = calls()
                why = client.get(f"/batches/{batch_id}/why/{defects.missing_account_invoices[0]}")
                assert why.status_code == 200
                assert f"Konto {defects.missing_account} ble ikke funnet i Tripletex" in why.text
                assert calls() > before

                # The failed postings tried again: the export job runs against the same companies.
                page = client.get(f"/batches/{batch_id}/reset")
                reset = client.post(f"/batches/{batch_id}/reset", data={"csrf_token": csrf_of(page.text)})
                assert reset.status_code == 200
                before = calls()
                page = client.get(f"/batches/{batch_id}")
                started = client.post(
                    f"/batches/{batch_id}/export",
                    data={"csrf_token": csrf_of(page.text)},
                    follow_redirects=False,
                )
                assert started.status_code == 303, started.text
                job_id = int(started.headers["location"].rsplit("job=", 1)[1])
                deadline = time.monotonic() + 120
                while jobs.get_job(db, settings, job_id).state not in ("succeeded", "failed"):
                    assert time.monotonic() < deadline, "the export job did not finish"
                    time.sleep(0.2)
                assert calls() > before
                detail = batch_detail(db, batch_id, limit=1)
                # Tripletex answered as in the demo: the same seven fail, nothing was sent twice.
                assert (detail.batch.exported, detail.batch.failed) == (
                    demo_run.result.exported.exported,
                    demo_run.result.exported.failed,
                )
        finally:
            db.dispose()


def assert_one_language(result: DemoResult, text: str) -> None:
    """Every failed item the demo shows is in bokmål only: items store their catalog message as
    «bokmål / English», and the demo prints the catalog message in its one language."""
    assert result.hours is not None and result.day_sales is not None and result.pos_invoicing is not None
    failures = [
        *result.exported.failures,
        *result.hours.exported.failures,
        *result.hours.corrected.failures,
        *result.day_sales.exported.failures,
        *result.day_sales.correction.failures,
        *result.pos_invoicing.single.failures,
        *result.pos_invoicing.orders.failures,
        *result.pos_invoicing.collective.failures,
    ]
    flat = " ".join(text.split())  # the console wraps long lines
    for failure in failures:
        message = posting_message(failure.error_id, failure.message)
        assert message is not None and message.id == failure.error_id
        assert message.en not in flat, failure
    locked = posting_message(
        result.hours.corrected.failures[0].error_id, result.hours.corrected.failures[0].message
    )
    assert locked is not None and f"svenn-5: {locked.nb}" in flat


def assert_pos_month_posted_once_with_its_defects_explained(result: DemoResult) -> None:
    """The demo's POS part (one demo run serves both: it is the slow part of the suite)."""
    from txbridge.flows.diagnose.day_sales import DayCheck
    from txbridge.samples import day_sales as sample

    pos = result.day_sales
    assert pos is not None
    assert pos.closed.day_count == 60 and len(pos.closed.left_out) == 2  # 1 October: before the start
    assert (pos.exported.exported, pos.exported.failed) == (58, 2)
    assert {f.error_id for f in pos.exported.failures} == {
        "daysales_mapping_missing",
        "daysales_vat_rate_mismatch",
    }
    assert (pos.correction.exported, pos.correction.failed, pos.reversals) == (1, 0, 1)
    assert pos.posted_once and len(pos.vouchers_per_marker) == 59
    loc, day = sample.DEFECTS.unmapped_group
    unmapped = pos.diagnoses[f"{day.isoformat()} · {loc}"]
    assert unmapped.failed_check is not None and unmapped.failed_check.check is DayCheck.MAPPING
    loc, day = sample.DEFECTS.vat_mismatch
    mismatch = pos.diagnoses[f"{day.isoformat()} · {loc}"]
    assert mismatch.failed_check is not None and mismatch.failed_check.check is DayCheck.ACCOUNTS_VAT
    loc, day = sample.DEFECTS.before_start[0]
    early = pos.diagnoses[f"{day.isoformat()} · {loc}"]
    assert early.failed_check is not None and early.failed_check.check is DayCheck.START_DATE


def assert_pos_sales_invoiced_once(result: DemoResult) -> None:
    """POS sales by invoice: one alone, four collected; Kantina Torget's collective invoice refused
    because one of its orders was invoiced by hand in Tripletex, and the troubleshooter says so."""
    from txbridge.flows.diagnose.pos_invoicing import PosCheck

    pos = result.pos_invoicing
    assert pos is not None
    assert (pos.orders.exported, pos.collective.exported, pos.collective.failed) == (4, 1, 1)
    # Bryggen: the single sale's invoice and the collective one; Torget: the one invoiced by hand.
    assert pos.invoices_per_customer == {"Kantina Bryggen AS": 2, "Kantina Torget AS": 1}
    assert pos.orders_per_invoice == [2]
    sale, refused = pos.by_hand
    for key in (refused, "K-5"):
        failed = pos.diagnoses[key].failed_check
        assert failed is not None and failed.check is PosCheck.ORDERS_OPEN and failed.message is not None
        assert failed.message.id == "pos_order_invoiced_elsewhere" and f"sale {sale}" in failed.message.en
    assert pos.diagnoses["K-2"].answer.id == "pos_collective_already_invoiced"  # type: ignore[union-attr]
