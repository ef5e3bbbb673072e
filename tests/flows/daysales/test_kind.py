"""The day-sales kind's own steps against the sandbox over real HTTP, driven the way the engine drives
a kind (preflight → corrections → check_and_build → send → reference), so they are proven on their
own: one voucher per day, a missing mapping fails only its day, a day before the start date is left
out, the marker finds the voucher after an unknown outcome, a corrected day's voucher is reversed
once (also when the run died after the reversal), and a day in a closed period or a reported VAT term
is dated on the first open day."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import httpx
import pytest
from sqlalchemy import select

from tests.fixtures.sandbox import SandboxCompany
from tests.flows.daysales.conftest import MAPPING, z_report
from txbridge.flows import connections
from txbridge.flows.daysales import import_day_sales
from txbridge.flows.daysales import setup as pos
from txbridge.flows.daysales.batches import close_day_sales
from txbridge.flows.outbound.context import RunContext
from txbridge.flows.outbound.engine import export_batch
from txbridge.flows.outbound.kind import InFlightRow, ItemRow, Outgoing, Refusal
from txbridge.flows.outbound.kinds.day_sales import DaySalesKind
from txbridge.flows.views.batches import batch_detail
from txbridge.flows.views.day_sales import list_days
from txbridge.settings import Settings
from txbridge.store import BatchItem, Database, DaySale, ItemStatus, LogEntry, TokenCipher
from txbridge.store import queries as q
from txbridge.tripletex import Tripletex

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@dataclass
class Pos:
    db: Database
    settings: Settings
    connection_id: int
    company: SandboxCompany
    tx: Tripletex


@pytest.fixture
def shop(database: Database, database_url: str, sandbox_company: SandboxCompany) -> Iterator[Pos]:
    settings = Settings(database_url=database_url, secret_key=TokenCipher.generate_key().decode())
    connection = connections.connect(
        database,
        settings,
        name="kafe",
        environment="sandbox",
        consumer_token=sandbox_company.consumer_token,
        employee_token=sandbox_company.employee_token,
        base_url=sandbox_company.base_url,
    )
    connections.approve(database, connection.id)
    pos.save(database, connection.id, start_date=date(2026, 10, 2), mappings=MAPPING, by="test")
    with connections.client_for(connection, settings) as tx:
        yield Pos(database, settings, connection.id, sandbox_company, tx)


def _run(shop: Pos, batch_id: int) -> RunContext:
    run = RunContext(shop.db, shop.settings, batch_id, shop.connection_id, None, lambda _s: None)
    run.tx = shop.tx
    return run


def _drive(shop: Pos, batch_id: int) -> dict[str, str]:
    """The engine's steps for one run of a day-sales batch; each item's outcome by subject key."""
    kind = DaySalesKind()
    run = _run(shop, batch_id)
    prepared = kind.preflight(run)
    kind.corrections(run, prepared)
    with shop.db.transaction() as session:
        items = session.scalars(
            select(BatchItem).where(BatchItem.batch_id == batch_id, BatchItem.status == ItemStatus.PENDING)
        ).all()
        rows = [ItemRow(i.id, i.day_sale_id, i.subject_key, i.intent_marker, i.attempts) for i in items]
    outcome: dict[str, str] = {}
    for built in kind.check_and_build(run, prepared, rows):
        with shop.db.transaction() as session:
            item = session.get(BatchItem, built.item_id)
            assert item is not None
            if isinstance(built, Refusal):
                q.record_outcome(
                    session, item, ItemStatus.FAILED, error_id=built.message.id, message=str(built.message)
                )
                outcome[item.subject_key] = built.message.id
                continue
        assert isinstance(built, Outgoing)
        found = kind.send(run, prepared, [built])[built.marker]
        reference = kind.reference_of(built, found)
        with shop.db.transaction() as session:
            # What the engine records: the kind's reference and the item exported, in one transaction.
            q.upsert_references(
                session,
                shop.connection_id,
                kind.reference_kind,
                [(reference.local_id, reference.local_number, reference.values)],
            )
            item = session.get(BatchItem, built.item_id)
            assert item is not None
            item.status, item.intent_marker = ItemStatus.EXPORTED, built.marker
        outcome[built.subject_key] = f"exported {reference.values['voucher_number']}"
    return outcome


def _vouchers(shop: Pos, marker: str) -> list[object]:
    return list(shop.tx.ledger.vouchers.by_external_number(marker))


def test_one_voucher_per_day_a_missing_mapping_fails_only_its_day(shop: Pos) -> None:
    unmapped = z_report("Z-3", day=date(2026, 10, 7))
    unmapped["lines"][0]["code"] = "dessert"
    report = import_day_sales(
        shop.db,
        shop.connection_id,
        [z_report("Z-0", day=date(2026, 10, 1)), z_report("Z-1"), z_report("Z-2", "Torget"), unmapped],
    )
    assert report.all_accepted, report.rejections
    closed = close_day_sales(shop.db, shop.connection_id, "2026-10")
    assert closed.day_count == 3
    assert [(d.day, d.message.id) for d in closed.left_out] == [
        ("2026-10-01 · Storgata", "daysales_before_start")
    ]
    assert closed.batch_id is not None
    outcome = _drive(shop, closed.batch_id)
    assert outcome["2026-10-05 · Storgata"].startswith("exported")
    assert outcome["2026-10-05 · Torget"].startswith("exported")
    assert outcome["2026-10-07 · Storgata"] == "daysales_mapping_missing"
    with shop.db.reading() as session:
        ids = {d.subject_key: d.id for d in session.scalars(select(DaySale))}
    assert len(_vouchers(shop, f"TXB-DS-{ids['2026-10-05 · Storgata']}.1")) == 1
    # Closing again takes nothing that is posted or waiting (the failed day stays in its batch).
    again = close_day_sales(shop.db, shop.connection_id, "2026-10")
    assert again.batch_id is None and again.message is not None and again.message.id == "daysales_no_days"


def test_the_marker_finds_a_voucher_whose_answer_was_lost(shop: Pos) -> None:
    import_day_sales(shop.db, shop.connection_id, [z_report("Z-1")])
    closed = close_day_sales(shop.db, shop.connection_id, "2026-10")
    assert closed.batch_id is not None
    kind = DaySalesKind()
    run = _run(shop, closed.batch_id)
    prepared = kind.preflight(run)
    with shop.db.reading() as session:
        item = session.scalars(select(BatchItem)).one()
        row = ItemRow(item.id, item.day_sale_id, item.subject_key, None, 0)
    (built,) = kind.check_and_build(run, prepared, [row])
    assert isinstance(built, Outgoing)
    sent = kind.send(run, prepared, [built])[built.marker]  # the answer we pretend never came
    in_flight = InFlightRow(built.item_id, built.subject_id, built.subject_key, built.marker, None)
    found = kind.find_by_marker(run, None, [in_flight])
    assert found[built.marker].id == sent.id
    other = InFlightRow(built.item_id, built.subject_id, built.subject_key, "TXB-DS-999.1", None)
    assert kind.find_by_marker(run, prepared, [other]) == {}


def _correct(shop: Pos, host_id: str, day: date, card: str) -> None:
    changed = z_report(host_id, day=day)
    changed["lines"][0]["amount"] = "1300.00"  # 50 more sold, 50 more paid by card
    changed["lines"][3]["amount"] = card
    report = import_day_sales(shop.db, shop.connection_id, [changed])
    assert report.all_accepted and report.counts["daySales"].updated == 1


def test_a_corrected_day_is_reversed_once_and_posted_again(shop: Pos) -> None:
    import_day_sales(shop.db, shop.connection_id, [z_report("Z-1")])
    first = close_day_sales(shop.db, shop.connection_id, "2026-10")
    assert first.batch_id is not None
    _drive(shop, first.batch_id)
    _correct(shop, "Z-1", date(2026, 10, 5), "1550.00")
    with shop.db.reading() as session:
        day = session.scalars(select(DaySale)).one()
        assert (day.revision, day.corrected_at is not None, day.replaces_voucher_id is not None) == (
            2,
            True,
            True,
        )
        old_voucher = day.replaces_voucher_id
    second = close_day_sales(shop.db, shop.connection_id, "2026-10")
    assert second.batch_id is not None and second.corrections == 1
    # A run that reversed the voucher and died before it noted so: the next run reverses nothing twice.
    shop.tx.ledger.vouchers.reverse(old_voucher, day=date(2026, 10, 5))
    outcome = _drive(shop, second.batch_id)
    assert outcome["2026-10-05 · Storgata"].startswith("exported")
    voucher = shop.tx.ledger.vouchers.get(old_voucher, fields="reverseVoucher(id)")
    assert voucher.reverseVoucher is not None
    reversals = shop.tx.ledger.vouchers.list(date_from=date(2026, 10, 1), date_to=date(2026, 11, 1)).values
    assert sum(1 for v in reversals if (v.description or "").startswith("Reversering")) == 1
    with shop.db.reading() as session:
        day = session.scalars(select(DaySale)).one()
        assert (day.corrected_at, day.replaces_voucher_id) == (None, None)
        assert session.scalars(select(LogEntry).where(LogEntry.message_id == "daysales_reversed")).first()
        day_id = day.id
    assert len(_vouchers(shop, f"TXB-DS-{day_id}.2")) == 1


def test_a_correction_in_a_closed_period_is_dated_into_the_next_open_one(shop: Pos) -> None:
    import_day_sales(shop.db, shop.connection_id, [z_report("Z-1")])
    first = close_day_sales(shop.db, shop.connection_id, "2026-10")
    assert first.batch_id is not None
    _drive(shop, first.batch_id)
    _correct(shop, "Z-1", date(2026, 10, 5), "1550.00")
    # October is closed in Tripletex, and VAT is reported through 1 November in the set-up.
    httpx.put(
        f"{shop.company.control_url}/companies/{shop.company.company_id}/periods",
        json={"closed": ["2026-10"], "vatReportedThrough": "2026-11-01"},
    ).raise_for_status()
    pos.save(shop.db, shop.connection_id, vat_reported_through=date(2026, 11, 1), by="test")
    second = close_day_sales(shop.db, shop.connection_id, "2026-10")
    assert second.batch_id is not None
    outcome = _drive(shop, second.batch_id)
    assert outcome["2026-10-05 · Storgata"].startswith("exported")
    with shop.db.reading() as session:
        day_id = session.scalars(select(DaySale.id)).one()
        notes = [
            e.detail or ""
            for e in session.scalars(
                select(LogEntry).where(LogEntry.message_id == "daysales_dated_into_open_period")
            )
        ]
    (new,) = _vouchers(shop, f"TXB-DS-{day_id}.2")
    assert str(shop.tx.ledger.vouchers.get(new.id, fields="date").date) == "2026-11-02"  # type: ignore[attr-defined]
    # The reversal and the new voucher both say where they went and why.
    assert len(notes) == 2
    assert all("posted on 2026-11-02: VAT is reported through 2026-11-01" in note for note in notes), notes


def test_a_day_dated_into_the_next_open_period_says_so_on_its_exported_item(shop: Pos) -> None:
    """Through the whole engine: the item is exported and keeps the note naming the new date, which
    the batch view (``txbridge batch show``, the web) shows."""
    import_day_sales(shop.db, shop.connection_id, [z_report("Z-1")])
    httpx.put(
        f"{shop.company.control_url}/companies/{shop.company.company_id}/periods",
        json={"closed": ["2026-10"]},
    ).raise_for_status()
    closed = close_day_sales(shop.db, shop.connection_id, "2026-10")
    assert closed.batch_id is not None
    result = export_batch(shop.db, shop.settings, closed.batch_id, client=shop.tx)
    assert result.exported == 1
    (row,) = batch_detail(shop.db, closed.batch_id).postings.items
    assert row.status is ItemStatus.EXPORTED
    assert row.message is not None and row.message.id == "daysales_dated_into_open_period"
    assert row.message.text("en") == (
        "Day sales 2026-10-05 · Storgata are posted on 2026-11-01: the period 2026-10 is closed"
    )
    (day,) = list_days(shop.db, shop.connection_id, "2026-10")
    assert day.state == "posted" and "2026-11-01" in (day.message or "")
