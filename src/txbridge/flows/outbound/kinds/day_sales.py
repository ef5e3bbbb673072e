"""Day sales (one POS location's Z-report per day) as the outbound engine's kind: one balanced voucher
per day and location (``POST /ledger/voucher``).

* **Chunk**: one voucher per call. Tripletex v2.72 has no bulk create for vouchers (``PUT
  /ledger/voucher/list`` updates existing ones), so ``max_chunk`` is 1 and a refusal names its day
  with no bisection.
* **Marker**: ``externalVoucherNumber`` = ``TXB-DS-<day id>.<revision>``, searchable with ``GET
  /ledger/voucher/>externalVoucherNumber``: an unknown outcome is reconciled by that lookup.
* **Preflight** (two reads per batch): the chart of accounts with each account's VAT type (number
  and rate), the accounting periods around the batch's days (closed ones), plus the stored set-up.
* **Corrections** (before the sends): a day changed after export has its voucher reversed
  (``PUT /ledger/voucher/{id}/:reverse``) on its own date, or on the first open day when that period is
  closed or its VAT reported; the new revision is then posted like any day. Kill-safe: the voucher is
  read first, and one that already shows ``reverseVoucher`` is not reversed again.
* A day whose date is closed (or VAT-reported) is dated on the first open day after it, and its item
  (``note_of``: the exported item's message) and the log say so (``daysales_dated_into_open_period``).
* With POS invoicing on, sales paid by invoice are booked by their invoices: a day (or a correction)
  listing an «invoice» payment fails alone (``daysales_invoice_payment_with_pos_invoicing``) and
  nothing is sent for it — a correction's voucher is not reversed either.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, selectinload

from txbridge.catalog import Bilingual, Message, render
from txbridge.flows.daysales import setup as pos
from txbridge.flows.daysales.periods import Locks
from txbridge.flows.daysales.voucher import ChartView, DayIn, LineIn, VoucherPlan, build, invoice_paid
from txbridge.flows.outbound.context import RunContext
from txbridge.flows.outbound.kind import (
    InFlightRow,
    ItemRow,
    KindPlugin,
    OutboundKind,
    Outgoing,
    ReferenceRow,
    Refusal,
)
from txbridge.store import (
    BatchItem,
    Connection,
    DaySale,
    IntegrationReference,
    ItemStatus,
    LogLevel,
    ReferenceKind,
)
from txbridge.tripletex import BadRequestError, ConflictError, NotFoundError, UnprocessableEntityError
from txbridge.tripletex import models as m

VOUCHER_FIELDS = "id,number,year,date,externalVoucherNumber,reverseVoucher(id,number,year)"
PERIOD_FIELDS = "id,start,end,isClosed"


@dataclass(slots=True)
class Prepared:
    setup: pos.PosSetupView
    chart: ChartView
    locks: Locks
    #: Why no day of the batch can go (the POS set-up is missing): every item fails with it.
    blocked: Message | None = None
    #: Days whose correction could not be done this run: their items fail with this message.
    failed: dict[int, Message] = field(default_factory=dict)
    #: Vouchers dated after their day (a closed period or reported VAT), by marker: why.
    moved: dict[str, Bilingual] = field(default_factory=dict)


#: Why a voucher found after a crash carries a later date than its day (the run that dated it died).
_MOVED_EARLIER = Bilingual(
    "dagen lå i en stengt periode eller en rapportert mva-termin",
    "the day was in a closed period or a reported VAT term",
)


def _create(run: RunContext, body: dict[str, Any]) -> m.Voucher:
    return run.client.ledger.vouchers.create(body, fields=VOUCHER_FIELDS)


def _voucher(run: RunContext, voucher_id: int) -> m.Voucher:
    return run.client.ledger.vouchers.get(voucher_id, fields=VOUCHER_FIELDS)


def _reverse(run: RunContext, voucher_id: int, when: date) -> m.Voucher:
    return run.client.ledger.vouchers.reverse(voucher_id, day=when)


def _by_marker(run: RunContext, marker: str) -> list[m.Voucher]:
    return run.client.ledger.vouchers.by_external_number(marker, fields=VOUCHER_FIELDS)


def _day_in(day: DaySale) -> DayIn:
    return DayIn(
        day.id,
        day.revision,
        day.location,
        day.business_date,
        tuple(LineIn(x.type, x.code, x.amount, x.vat_rate, x.takeaway) for x in day.lines),
    )


def number_of(voucher: m.Voucher) -> str:
    return f"{voucher.number}-{voucher.year}" if voucher.number is not None else str(voucher.id)


class DaySalesKind(KindPlugin[Prepared, m.Voucher]):
    kind = OutboundKind.DAY_SALES
    reference_kind = ReferenceKind.DAY_SALE
    max_chunk = 1
    object_type = "day_sale"
    phase = "day_sales"

    def subject_column(self) -> InstrumentedAttribute[int | None]:
        return BatchItem.day_sale_id

    # ---- preflight and corrections ----------------------------------------------------------------

    def preflight(self, run: RunContext) -> Prepared:
        setup = pos.show(run.db, run.connection_id)
        # The accounts carry their VAT type's number and rate: no separate read of the VAT types.
        chart = ChartView(
            run.api(lambda: list(run.client.ledger.accounts.iter(fields=pos.ACCOUNT_FIELDS))), []
        )
        first, last = self._window(run)
        periods = run.api(
            lambda: list(
                run.client.ledger.accounting_periods.iter(
                    start_from=first.replace(day=1), start_to=last + timedelta(days=400), fields=PERIOD_FIELDS
                )
            )
        )
        blocked = None
        if not setup.configured:
            with run.db.reading() as session:
                connection = session.get(Connection, run.connection_id)
                name = connection.name if connection is not None else str(run.connection_id)
            blocked = render("pos_setup_missing", connection=name)
        return Prepared(setup, chart, Locks.of(periods, setup.vat_reported_through), blocked)

    def _window(self, run: RunContext) -> tuple[date, date]:
        with run.db.reading() as session:
            days = list(
                session.scalars(
                    select(DaySale.business_date)
                    .join(BatchItem, BatchItem.day_sale_id == DaySale.id)
                    .where(BatchItem.batch_id == run.batch_id)
                )
            )
        return (min(days), max(days)) if days else (date.today(), date.today())

    def corrections(self, run: RunContext, prepared: Prepared) -> None:
        with run.db.reading() as session:
            days = session.scalars(
                select(DaySale)
                .join(BatchItem, BatchItem.day_sale_id == DaySale.id)
                .where(
                    BatchItem.batch_id == run.batch_id,
                    BatchItem.status == ItemStatus.PENDING,
                    DaySale.replaces_voucher_id.is_not(None),
                )
                .options(selectinload(DaySale.lines))
            ).all()
            rows = [(d.id, d.replaces_voucher_id, _day_in(d)) for d in days]
        for day_id, voucher_id, day in rows:
            assert voucher_id is not None  # the query's own condition
            refused = invoice_paid(day, prepared.setup.invoicing)
            if refused is not None:
                # Nothing is sent for the day: its voucher stays until a correction without them comes.
                prepared.failed[day_id] = refused
                run.log(refused, LogLevel.ERROR, object_type=self.object_type, object_key=day.subject_key)
                continue
            self._reverse(run, prepared, day_id, day.subject_key, voucher_id)

    def _reverse(self, run: RunContext, prepared: Prepared, day_id: int, key: str, voucher_id: int) -> None:
        message: Message
        try:
            voucher = run.api(partial(_voucher, run, voucher_id))
        except NotFoundError:
            message = render("daysales_not_in_tripletex", voucher=voucher_id, day=key)
        else:
            reversal = voucher.reverseVoucher
            moved: Bilingual | None = None
            if reversal is None:
                # Kill-safe: only a voucher that shows no reversal yet is reversed.
                when, moved = prepared.locks.open_date(voucher.date or date.today())
                try:
                    reversal = run.api(partial(_reverse, run, int(voucher.id or 0), when))
                except (BadRequestError, UnprocessableEntityError, ConflictError) as exc:
                    # Refused (a lock Tripletex knows and the set-up does not): the day fails with
                    # Tripletex's reason and keeps its voucher; nothing is posted twice.
                    detail = Bilingual(str(exc.message or exc), str(exc.message or exc))
                    prepared.failed[day_id] = render(
                        "tripletex_validation_error", object=self.label(key), detail=detail
                    )
                    run.log(
                        prepared.failed[day_id], LogLevel.ERROR, object_type=self.object_type, object_key=key
                    )
                    return
            message = render(
                "daysales_reversed", day=key, voucher=number_of(voucher), reversal=number_of(reversal)
            )
            if moved is not None:
                run.log(
                    render(
                        "daysales_dated_into_open_period",
                        day=key,
                        voucher_date=str(reversal.date),
                        reason=moved,
                    ),
                    LogLevel.INFO,
                    object_type=self.object_type,
                    object_key=key,
                )
        with run.db.transaction() as session:
            day = session.get(DaySale, day_id)
            if day is not None:
                day.corrected_at = day.replaces_voucher_id = day.replaces_voucher_number = None
            run.log(message, LogLevel.INFO, object_type=self.object_type, object_key=key, session=session)

    # ---- one item ---------------------------------------------------------------------------------

    def check_and_build(
        self, run: RunContext, prepared: Prepared, items: Sequence[ItemRow]
    ) -> list[Outgoing | Refusal]:
        ids = [item.subject_id for item in items if item.subject_id is not None]
        # A reading session of its own: the engine's transaction stays untouched.
        with run.db.reading() as session:
            days = {
                d.id: d
                for d in session.scalars(
                    select(DaySale).where(DaySale.id.in_(ids)).options(selectinload(DaySale.lines))
                )
            }
            loaded = {day_id: _day_in(d) for day_id, d in days.items()}
        mapping = prepared.setup.flat()
        start = prepared.setup.sales_start_date
        out: list[Outgoing | Refusal] = []
        for item in items:
            day = loaded.get(item.subject_id or 0)
            if day is None:
                out.append(Refusal(item.item_id, self.missing(item.subject_key)))
                continue
            if prepared.blocked is not None:
                out.append(Refusal(item.item_id, prepared.blocked))
                continue
            if day.day_sale_id in prepared.failed:
                out.append(Refusal(item.item_id, prepared.failed[day.day_sale_id]))
                continue
            if start is None or day.business_date < start:
                out.append(
                    Refusal(
                        item.item_id, render("daysales_before_start", day=day.subject_key, start=start or "-")
                    )
                )
                continue
            refused = invoice_paid(day, prepared.setup.invoicing)
            if refused is not None:
                out.append(Refusal(item.item_id, refused))
                continue
            when, moved = prepared.locks.open_date(day.business_date)
            plan = build(day, mapping, prepared.chart, when)
            if not isinstance(plan, VoucherPlan):
                out.append(Refusal(item.item_id, plan))
                continue
            marker = item.intent_marker or plan.marker
            body = plan.body()
            body["externalVoucherNumber"] = marker
            if moved is not None:
                prepared.moved[marker] = moved
            out.append(Outgoing(item.item_id, item.subject_id, item.subject_key, marker, body))
        return out

    def send(self, run: RunContext, prepared: Prepared, chunk: Sequence[Outgoing]) -> Mapping[str, m.Voucher]:
        found: dict[str, m.Voucher] = {}
        for outgoing in chunk:  # one per call: there is no bulk create for vouchers
            found[outgoing.marker] = run.api(partial(_create, run, outgoing.body))
            moved = prepared.moved.get(outgoing.marker)
            if moved is not None:
                note = render(
                    "daysales_dated_into_open_period",
                    day=outgoing.subject_key,
                    voucher_date=outgoing.body["date"],
                    reason=moved,
                )
                run.log(note, LogLevel.WARNING, object_type=self.object_type, object_key=outgoing.subject_key)
        return found

    def find_by_marker(
        self, run: RunContext, prepared: Prepared | None, items: Sequence[InFlightRow]
    ) -> Mapping[str, m.Voucher]:
        found: dict[str, m.Voucher] = {}
        for item in items:
            hits = run.api(partial(_by_marker, run, item.marker))
            if hits:
                found[item.marker] = hits[0]
        return found

    reference_label = ("Bilag", "Voucher")

    def reference_number(self, reference: IntegrationReference) -> str | None:
        return reference.voucher_number or reference.tripletex_number

    def reference_of(self, outgoing: Outgoing, found: m.Voucher) -> ReferenceRow:
        number = number_of(found)
        return ReferenceRow(
            outgoing.subject_id or 0,
            outgoing.subject_key,
            {
                "tripletex_id": found.id,
                "tripletex_number": number,
                "voucher_id": found.id,
                "voucher_number": number,
            },
        )

    def note_of(self, prepared: Prepared | None, outgoing: Outgoing, found: m.Voucher) -> Message | None:
        reason = prepared.moved.get(outgoing.marker) if prepared is not None else None
        if reason is None:
            # Found by its marker after an earlier run died: this run did not date it, so the voucher's
            # own date against the day's tells whether it was moved (the why is no longer known).
            try:
                day = date.fromisoformat(outgoing.subject_key[:10])
            except ValueError:
                return None
            if found.date is None or found.date <= day:
                return None
            reason = _MOVED_EARLIER
        return render(
            "daysales_dated_into_open_period",
            day=outgoing.subject_key,
            voucher_date=str(found.date or outgoing.body.get("date", "-")),
            reason=reason,
        )

    # ---- words ------------------------------------------------------------------------------------

    def label(self, subject_key: str) -> str:
        return f"dagsoppgjør {subject_key} / day sales {subject_key}"

    def missing(self, subject_key: str) -> Message:
        return render("daysales_not_found", day=subject_key)

    def already_exported(self, subject_key: str, reference: IntegrationReference) -> Message:
        return render("daysales_already_exported", day=subject_key, voucher=reference.voucher_number or "?")

    def outcome_unknown(self, subject_keys: str) -> Message:
        return render("daysales_outcome_unknown", day=subject_keys)

    def server_error(self, subject_key: str) -> Message:
        return render("daysales_server_error", day=subject_key)


#: The one instance the engine uses.
DAY_SALES = DaySalesKind()
