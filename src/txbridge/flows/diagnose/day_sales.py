"""``diagnose_day_sale``: "why was this POS day not posted?", in the order a support person checks it.

1. Is the POS set up (start date)?  2. Is the day on or after the start date?  3. Is the day in an
export batch, and how did its item go?  4. Is the day already posted (or changed after it was)?
5. Has every payment method, product group and event of the day an account (and, with POS invoicing
on, is nothing paid by invoice — those sales are booked by their invoices)?  6. Do those accounts
exist in Tripletex with the VAT the day needs (checked by the export's own voucher builder)?
7. Is the day's period open (closed periods and reported VAT move the voucher, never fail it)?
8. Is the integration in an error state?

The first failure stops the run; later checks are ``not_run``. Checks 6 and 7 read Tripletex (three
reads); nothing is written."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
from sqlalchemy import select

from txbridge.catalog import Message, render
from txbridge.flows.connections import blocking_message, client_for, message_for_error
from txbridge.flows.daysales import setup as pos
from txbridge.flows.daysales import voucher as day_voucher
from txbridge.flows.daysales.periods import Locks
from txbridge.flows.daysales.voucher import ChartView, DayIn, LineIn, VoucherPlan, build, group_name, group_of
from txbridge.flows.diagnose.model import CheckStatus, Note, Outcome, TitledCheck
from txbridge.settings import Settings
from txbridge.store import (
    BatchItem,
    Connection,
    Database,
    DaySale,
    IntegrationReference,
    ItemStatus,
    ReferenceKind,
    TokenKeyError,
)
from txbridge.tripletex import Tripletex, TripletexError


class DayCheck(TitledCheck):
    SETUP = 1, "Er kassen satt opp?", "Is the POS set up?"
    START_DATE = 2, "Er dagen etter startdatoen?", "Is the day on or after the start date?"
    IN_BATCH = 3, "Er dagen i en eksportbunt?", "Is the day in an export batch?"
    ALREADY_POSTED = 4, "Er dagen allerede bokført?", "Is the day already posted?"
    MAPPING = 5, "Har alle koder en konto?", "Has every code an account?"
    ACCOUNTS_VAT = (
        6,
        "Finnes kontoene i Tripletex med riktig mva?",
        "Do the accounts exist in Tripletex with the right VAT?",
    )
    PERIOD_OPEN = 7, "Er perioden åpen?", "Is the period open?"
    INTEGRATION_STATE = 8, "Er integrasjonen i feiltilstand?", "Is the integration in an error state?"


class DayDiagnoseError(LookupError):
    def __init__(self, message: Message) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True, slots=True)
class DayCheckResult:
    check: DayCheck
    status: CheckStatus
    message: Message | None = None
    note: Note | None = None


@dataclass(frozen=True, slots=True)
class DayDiagnosis:
    day: str
    connection_id: int
    checks: tuple[DayCheckResult, ...]
    outcome: Outcome
    answer: Message | None = None
    api_calls: int = 0
    next_step: Note | None = None

    @property
    def failed_check(self) -> DayCheckResult | None:
        return next((c for c in self.checks if c.status is CheckStatus.FAILED), None)

    def to_dict(self) -> dict[str, Any]:
        def message(m: Message | None) -> dict[str, str] | None:
            return (
                None
                if m is None
                else {"id": m.id, "nb": m.nb, "en": m.en, "fixNb": m.fix_nb, "fixEn": m.fix_en}
            )

        return {
            "day": self.day,
            "outcome": self.outcome.value,
            "answer": message(self.answer),
            "checks": [
                {
                    "check": int(c.check),
                    "name": c.check.name.lower(),
                    "status": c.status.value,
                    "message": message(c.message),
                    "note": None if c.note is None else {"nb": c.note.nb, "en": c.note.en},
                }
                for c in self.checks
            ],
            "apiCalls": self.api_calls,
        }


def _finish(
    key: str,
    connection_id: int,
    done: list[DayCheckResult],
    outcome: Outcome,
    answer: Message | None,
    calls: int,
    next_step: Note | None = None,
) -> DayDiagnosis:
    seen = {r.check for r in done}
    rest = [DayCheckResult(c, CheckStatus.NOT_RUN) for c in DayCheck if c not in seen]
    return DayDiagnosis(key, connection_id, tuple(done + rest), outcome, answer, calls, next_step)


def diagnose_day_sale(
    db: Database,
    settings: Settings,
    connection_id: int,
    location: str,
    business_date: date,
    *,
    transport: httpx.BaseTransport | None = None,
    client: Tripletex | None = None,
) -> DayDiagnosis:
    """Run the checks for one location's day. Reads only (store and Tripletex)."""
    key = f"{business_date.isoformat()} · {location}"
    with db.reading() as session:
        connection = session.get(Connection, connection_id)
        if connection is None:
            raise DayDiagnoseError(render("connection_not_found", connection=connection_id))
        session.expunge(connection)
        day = session.scalars(
            select(DaySale).where(
                DaySale.connection_id == connection_id,
                DaySale.location == location,
                DaySale.business_date == business_date,
            )
        ).one_or_none()
        if day is None:
            raise DayDiagnoseError(render("daysales_day_unknown", day=key))
        day_in = DayIn(
            day.id,
            day.revision,
            day.location,
            day.business_date,
            tuple(LineIn(x.type, x.code, x.amount, x.vat_rate, x.takeaway) for x in day.lines),
        )
        corrected = (day.corrected_at is not None, day.replaces_voucher_number)
        item = session.scalars(
            select(BatchItem).where(BatchItem.day_sale_id == day.id).order_by(BatchItem.id.desc()).limit(1)
        ).one_or_none()
        item_state = None if item is None else (item.batch_id, item.status, item.message)
        reference = session.scalars(
            select(IntegrationReference).where(
                IntegrationReference.connection_id == connection_id,
                IntegrationReference.kind == ReferenceKind.DAY_SALE,
                IntegrationReference.local_id == day.id,
            )
        ).one_or_none()
        posted = (
            None if reference is None else (reference.voucher_number or reference.tripletex_number or "?")
        )
    setup = pos.show(db, connection_id)
    done: list[DayCheckResult] = []

    def passed(check: DayCheck, nb: str, en: str) -> None:
        done.append(DayCheckResult(check, CheckStatus.PASSED, note=Note(nb, en)))

    def failed(check: DayCheck, message: Message, calls: int = 0) -> DayDiagnosis:
        done.append(DayCheckResult(check, CheckStatus.FAILED, message))
        return _finish(key, connection_id, done, Outcome.FAILED, message, calls)

    # 1–2: the set-up and the start date.
    if not setup.configured or setup.sales_start_date is None:
        return failed(DayCheck.SETUP, render("pos_setup_missing", connection=connection.name))
    start = setup.sales_start_date
    passed(DayCheck.SETUP, f"startdato {start}", f"start date {start}")
    if business_date < start:
        return failed(DayCheck.START_DATE, render("daysales_before_start", day=key, start=start.isoformat()))
    passed(DayCheck.START_DATE, f"{business_date} ≥ {start}", f"{business_date} ≥ {start}")

    # 3–4: the batch and the reference.
    failed_item: tuple[int, str] | None = None
    if posted is not None:
        message = render("daysales_already_exported", day=key, voucher=posted)
        passed(DayCheck.IN_BATCH, "dagen er eksportert", "the day is exported")
        done.append(DayCheckResult(DayCheck.ALREADY_POSTED, CheckStatus.PASSED, message))
        return _finish(key, connection_id, done, Outcome.EXPORTED, message, 0)
    if item_state is None or item_state[1] in (ItemStatus.REMOVED, ItemStatus.EXPORTED, ItemStatus.SKIPPED):
        period = business_date.strftime("%Y-%m")
        return failed(DayCheck.IN_BATCH, render("daysales_not_in_batch", day=key, period=period))
    batch_id, status, stored = item_state
    if status is ItemStatus.FAILED:
        failed_item = (batch_id, stored or "")
        passed(
            DayCheck.IN_BATCH, f"bunt {batch_id}: feilet ({stored})", f"batch {batch_id}: failed ({stored})"
        )
    else:
        passed(DayCheck.IN_BATCH, f"bunt {batch_id}: venter", f"batch {batch_id}: waiting")
    if corrected[0]:
        voucher = corrected[1] or "?"
        passed(
            DayCheck.ALREADY_POSTED,
            f"endret etter eksport: bilag {voucher} reverseres først",
            f"changed after export: voucher {voucher} is reversed first",
        )
    else:
        passed(DayCheck.ALREADY_POSTED, "ikke bokført ennå", "not posted yet")

    # 5: no sale by invoice when the POS's invoices book them (the export's own rule), then every
    # code mapped (the builder says which one is not, with where to set it).
    refused = day_voucher.invoice_paid(day_in, setup.invoicing)
    if refused is not None:
        return failed(DayCheck.MAPPING, refused)
    mapping = setup.flat()
    for line in day_in.lines:
        group = group_of(line)
        if (group, line.code) not in mapping:
            missing = render(
                "daysales_mapping_missing",
                day=key,
                group=group_name(group),
                group_key=group.value,
                key=line.code,
            )
            return failed(DayCheck.MAPPING, missing)
    passed(
        DayCheck.MAPPING,
        f"{len(day_in.lines)} linjer har konto",
        f"{len(day_in.lines)} lines have an account",
    )

    # 6–7: Tripletex (the export's own builder and period rule).
    tx = client
    own = client is None
    calls_before = 0 if client is None else client.stats.calls
    try:
        if tx is None:
            tx = client_for(connection, settings, transport=transport)
        reader = tx
        chart = ChartView(
            reader.ledger.accounts.iter(fields=pos.ACCOUNT_FIELDS),
            reader.ledger.vat_types.iter(fields=pos.VAT_TYPE_FIELDS),
        )
        plan = build(day_in, mapping, chart, business_date)
        calls = reader.stats.calls - calls_before
        if not isinstance(plan, VoucherPlan):
            return failed(DayCheck.ACCOUNTS_VAT, plan, calls)
        passed(DayCheck.ACCOUNTS_VAT, f"{len(plan.rows)} rader i balanse", f"{len(plan.rows)} rows, balanced")
        periods = reader.ledger.accounting_periods.iter(
            start_from=business_date.replace(day=1),
            start_to=date(business_date.year + 2, 1, 1),
            fields="id,start,end,isClosed",
        )
        when, moved = Locks.of(periods, setup.vat_reported_through).open_date(business_date)
        if moved is None:
            passed(DayCheck.PERIOD_OPEN, f"{business_date} er åpen", f"{business_date} is open")
        else:
            note = render(
                "daysales_dated_into_open_period", day=key, voucher_date=when.isoformat(), reason=moved
            )
            passed(DayCheck.PERIOD_OPEN, note.nb, note.en)
        calls = reader.stats.calls - calls_before
    except (TripletexError, httpx.HTTPError, TokenKeyError) as exc:
        message = message_for_error(exc, connection.base_url)
        return failed(DayCheck.INTEGRATION_STATE, message, 0 if tx is None else tx.stats.calls - calls_before)
    finally:
        if own and tx is not None:
            tx.close()

    # 8: the integration itself.
    blocked = blocking_message(connection)
    if blocked is not None:
        return failed(DayCheck.INTEGRATION_STATE, blocked, calls)
    passed(DayCheck.INTEGRATION_STATE, "aktiv", "active")
    next_step = None
    if failed_item is not None:
        batch = failed_item[0]
        next_step = Note(
            f"Ingen feil funnet nå: kjør `txbridge batch reset {batch}` og `txbridge batch export {batch}`.",
            f"No fault found now: run `txbridge batch reset {batch}` and `txbridge batch export {batch}`.",
            "Ingen feil funnet nå: trykk «Tilbakestill bunten» og deretter «Eksporter» på bunten.",
            "No fault found now: press «Reset the batch» and then «Export» on the batch.",
        )
    answer = render("daysales_no_fault", day=key)
    return _finish(key, connection_id, done, Outcome.NO_FAULT_FOUND, answer, calls, next_step)
