"""``diagnose_pos``: "why is this POS sale (or collective invoice) not invoiced?", in nine checks.

The key is a sale «by invoice» collected for a collective invoice (``POS-K-3`` or ``K-3``: its item of
kind ``pos_order``) or a collective invoice (``2026-10 · 10001``: its item of kind
``collective_invoice``). A sale is followed through its order to its customer's collective invoice,
so one question answers both steps.

1. Is the sale (or collective invoice) recorded here, for a collective invoice?
2. Are the orders sent (the sale's own first; then every sale of the collective invoice)?
3. Has the period ended, and are its collective invoices closed into a batch?
4. Is the collective invoice exported (pending, answer lost, failed, or in Tripletex already)?
5. Has the company a bank account number (Tripletex makes no invoice without one)?
6. Does the customer still exist in Tripletex, and is it active?
7. Can the invoice be sent: with ``sendToCustomer`` on, has the customer an e-mail address?
8. Are the orders still uninvoiced in Tripletex (not invoiced by hand outside the collective one)?
9. Is the integration in an error state?

The store checks (1–4) stop at their first failure, except a *failed* item, whose cause the Tripletex
checks look for now (as the invoice troubleshooter does). Checks 5–8 read Tripletex (four reads at
most); nothing is written."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import httpx
from sqlalchemy import func, select

from txbridge.catalog import Message, render
from txbridge.flows.diagnose.checks import _batch_status, _Run, _TripletexUnavailable, run_diagnosis
from txbridge.flows.diagnose.model import (
    Answered,
    CheckResult,
    CheckStatus,
    Note,
    Outcome,
    TitledCheck,
    _note_dict,
    all_checks,
)
from txbridge.flows.export.mapping import Chart
from txbridge.flows.outbound.kinds.invoices import ACCOUNT_FIELDS
from txbridge.settings import Settings
from txbridge.store import (
    Batch,
    BatchItem,
    CollectiveInvoice,
    Customer,
    Database,
    IntegrationReference,
    Invoice,
    ItemStatus,
    OutboundKind,
    ReferenceKind,
    period_bounds,
    queries,
)
from txbridge.tripletex import Tripletex
from txbridge.tripletex import models as m

#: The store's number of a POS sale (``flows.posinvoice.sales.NUMBER_PREFIX``).
SALE_PREFIX = "POS-"
_COLLECTIVE_KEY = re.compile(r"^\s*(\d{4}-\d{2})\s*[·/ ]\s*(\d+)\s*$")
CUSTOMER_FIELDS = "id,name,customerNumber,isInactive,email,invoiceEmail,invoiceSendMethod"
#: Send methods that need the customer's e-mail address.
BY_EMAIL = (None, "", "EMAIL")


class PosCheck(TitledCheck):
    IN_STORE = (
        1,
        "Er salget registrert til en samlefaktura?",
        "Is the sale recorded for a collective invoice?",
    )
    ORDERS_SENT = 2, "Er ordrene sendt til Tripletex?", "Are the orders sent to Tripletex?"
    PERIOD_CLOSED = (
        3,
        "Er perioden over og samlefakturaen avsluttet?",
        "Has the period ended and the collective invoice been closed?",
    )
    INVOICE_EXPORTED = 4, "Er samlefakturaen eksportert?", "Is the collective invoice exported?"
    BANK_ACCOUNT = 5, "Har selskapet et bankkontonummer?", "Has the company a bank account number?"
    CUSTOMER = 6, "Finnes kunden, og er den aktiv?", "Does the customer exist, and is it active?"
    SEND_TO_CUSTOMER = 7, "Kan fakturaen sendes til kunden?", "Can the invoice be sent to the customer?"
    ORDERS_OPEN = (
        8,
        "Er ordrene ufakturerte i Tripletex?",
        "Are the orders still uninvoiced in Tripletex?",
    )
    INTEGRATION_STATE = 9, "Er integrasjonen i feiltilstand?", "Is the integration in an error state?"


@dataclass(frozen=True, slots=True)
class PosDiagnosis(Answered):
    """The troubleshooter's answer for one POS sale or collective invoice: all nine checks."""

    key: str
    connection_id: int
    checks: tuple[CheckResult, ...]
    outcome: Outcome
    answer: Message | None = None
    api_calls: int = 0
    #: What to do when nothing is wrong any more (a failed item waits for a batch reset).
    next_step: Note | None = None

    def to_dict(self) -> dict[str, Any]:
        return self.answer_dict("key", self.key, nextStep=_note_dict(self.next_step))


@dataclass(frozen=True, slots=True)
class _Item:
    """The newest batch item of a subject (not removed)."""

    batch_id: int
    status: ItemStatus
    attempts: int
    stored: str | None


def _passed(check: PosCheck, nb: str, en: str) -> CheckResult:
    return CheckResult(check, CheckStatus.PASSED, note=Note(nb, en))


def _failed(check: PosCheck, message: Message) -> CheckResult:
    return CheckResult(check, CheckStatus.FAILED, message=message)


def _skipped(check: PosCheck, nb: str, en: str) -> CheckResult:
    return CheckResult(check, CheckStatus.NOT_RUN, note=Note(nb, en))


class _Stop(Exception):
    """A store check failed: the run ends with it."""

    def __init__(self, result: CheckResult) -> None:
        super().__init__(result.check.name)
        self.result = result


class _PosRun(_Run):
    sale: Invoice | None = None
    group: CollectiveInvoice | None = None
    sales: list[Invoice]
    orders: dict[int, IntegrationReference]
    #: The item that failed at the last export (its cause is looked for in Tripletex).
    failed_item: _Item | None = None
    remote_customer: m.Customer | None = None

    # ---- the store ---------------------------------------------------------------------------------

    def _item(self, column: Any, subject_id: int, kind: OutboundKind) -> _Item | None:
        found = self.session.scalars(
            select(BatchItem)
            .where(column == subject_id, BatchItem.kind == kind, BatchItem.status != ItemStatus.REMOVED)
            .order_by(BatchItem.id.desc())
            .limit(1)
        ).first()
        if found is None:
            return None
        return _Item(found.batch_id, found.status, found.attempts, found.message or found.error_id)

    def in_store(self) -> CheckResult:
        key = self.invoice_number.strip()
        connection_id = self.connection.id
        matched = _COLLECTIVE_KEY.match(key)
        if matched is not None:
            self.group = self.session.scalars(
                select(CollectiveInvoice)
                .join(Customer, Customer.id == CollectiveInvoice.customer_id)
                .where(
                    CollectiveInvoice.connection_id == connection_id,
                    CollectiveInvoice.period == matched[1],
                    # POS invoicing's copies carry Tripletex's number apart from their own.
                    func.coalesce(Customer.tripletex_number, Customer.number) == int(matched[2]),
                )
            ).first()
        else:
            number = key if key.startswith(SALE_PREFIX) else f"{SALE_PREFIX}{key}"
            self.sale = queries.invoice_by_number(self.session, connection_id, number)
            if self.sale is None:  # a store invoice number given as it is
                self.sale = queries.invoice_by_number(self.session, connection_id, key)
            if self.sale is not None:
                if self.sale.collective_invoice_id is None:
                    raise _Stop(
                        _failed(
                            PosCheck.IN_STORE,
                            render("pos_sale_invoiced_alone", sale=key, invoice=self.sale.number),
                        )
                    )
                self.group = self.session.get(CollectiveInvoice, self.sale.collective_invoice_id)
        if self.group is None:
            raise _Stop(_failed(PosCheck.IN_STORE, render("pos_sale_not_found", sale=key)))
        group = self.group
        self.sales = list(
            self.session.scalars(
                select(Invoice).where(Invoice.collective_invoice_id == group.id).order_by(Invoice.id)
            )
        )
        self.orders = queries.references_of(
            self.session, connection_id, ReferenceKind.ORDER, [s.id for s in self.sales]
        )
        customer = group.customer
        what = f"salg {self.sale.number}" if self.sale is not None else "samlefakturaen"
        what_en = f"sale {self.sale.number}" if self.sale is not None else "the collective invoice"
        return _passed(
            PosCheck.IN_STORE,
            f"{what[0].upper()}{what[1:]} hører til samlefaktura {group.subject_key} "
            f"({customer.name}, {len(self.sales)} salg).",
            f"{what_en[0].upper()}{what_en[1:]} belongs to collective invoice {group.subject_key} "
            f"({customer.name}, {len(self.sales)} sales).",
        )

    def orders_sent(self) -> CheckResult:
        assert self.group is not None
        sale = self.sale
        if sale is not None and sale.id not in self.orders:
            item = self._item(BatchItem.invoice_id, sale.id, OutboundKind.POS_ORDER)
            self._stop_on_waiting(PosCheck.ORDERS_SENT, item, sale.number)
            if item is None:
                raise _Stop(
                    _failed(
                        PosCheck.ORDERS_SENT,
                        render("pos_order_not_in_batch", sale=sale.number, period=self.group.period),
                    )
                )
            # Failed: its cause is looked for in Tripletex (checks 5–8); the invoice steps wait.
            self.failed_item = item
            return _passed(
                PosCheck.ORDERS_SENT,
                f"Ordren ble forsøkt i bunt {item.batch_id}, men feilet: {_half(item.stored, 0)}",
                f"The order was tried in batch {item.batch_id}, but failed: {_half(item.stored, 1)}",
            )
        waiting = [s.number for s in self.sales if s.id not in self.orders]
        if waiting:
            raise _Stop(
                _failed(
                    PosCheck.ORDERS_SENT,
                    render(
                        "pos_collective_orders_missing",
                        invoice=self.group.subject_key,
                        sales=", ".join(waiting[:5]),
                    ),
                )
            )
        numbers = ", ".join(ref.tripletex_number or "?" for ref in self._order_refs())
        return _passed(
            PosCheck.ORDERS_SENT,
            f"Alle {len(self.sales)} salg er ordrer i Tripletex ({numbers}).",
            f"All {len(self.sales)} sales are orders in Tripletex ({numbers}).",
        )

    def period_closed(self) -> CheckResult:
        group = self.group
        assert group is not None
        _, end = period_bounds(group.period)
        if (
            queries.reference_of(self.session, self.connection.id, ReferenceKind.COLLECTIVE_INVOICE, group.id)
            is None
            and self._item(BatchItem.collective_invoice_id, group.id, OutboundKind.COLLECTIVE_INVOICE) is None
        ):
            if self.today < end:
                raise _Stop(
                    _failed(
                        PosCheck.PERIOD_CLOSED,
                        render("pos_period_running", period=group.period, first_day=end.isoformat()),
                    )
                )
            raise _Stop(
                _failed(
                    PosCheck.PERIOD_CLOSED,
                    render("pos_collective_not_in_batch", invoice=group.subject_key, period=group.period),
                )
            )
        return _passed(
            PosCheck.PERIOD_CLOSED,
            f"Perioden {group.period} er over, og samlefakturaen er avsluttet.",
            f"The period {group.period} is over, and the collective invoice is closed.",
        )

    def invoice_exported(self) -> tuple[CheckResult, bool]:
        group = self.group
        assert group is not None
        reference = queries.reference_of(
            self.session, self.connection.id, ReferenceKind.COLLECTIVE_INVOICE, group.id
        )
        if reference is not None:
            message = render(
                "pos_collective_already_invoiced",
                invoice=group.subject_key,
                number=reference.tripletex_number or "-",
            )
            return CheckResult(PosCheck.INVOICE_EXPORTED, CheckStatus.PASSED, message=message), True
        item = self._item(BatchItem.collective_invoice_id, group.id, OutboundKind.COLLECTIVE_INVOICE)
        assert item is not None  # check 3 stopped otherwise
        if item.status is ItemStatus.PENDING and item.attempts > 0:
            # Sent before, answer lost, looked up and not found: the next export makes it.
            orders = ", ".join(ref.tripletex_number or "?" for ref in self._order_refs())
            raise _Stop(
                _failed(
                    PosCheck.INVOICE_EXPORTED,
                    render(
                        "pos_collective_not_made",
                        invoice=group.subject_key,
                        orders=orders,
                        batch=item.batch_id,
                    ),
                )
            )
        self._stop_on_waiting(PosCheck.INVOICE_EXPORTED, item, group.subject_key)
        self.failed_item = item
        return (
            _passed(
                PosCheck.INVOICE_EXPORTED,
                f"Bunt {item.batch_id} ble eksportert, men samlefakturaen feilet: {_half(item.stored, 0)}",
                f"Batch {item.batch_id} was exported, but the collective invoice failed: "
                f"{_half(item.stored, 1)}",
            ),
            False,
        )

    def _stop_on_waiting(self, check: PosCheck, item: _Item | None, subject: str) -> None:
        """Pending (never tried) and in flight (answer lost) are the answer; failed and none go on."""
        if item is None:
            return
        if item.status is ItemStatus.IN_FLIGHT:
            raise _Stop(_failed(check, render("outcome_unknown", invoice=subject)))
        if item.status is ItemStatus.PENDING:
            batch = self.session.get(Batch, item.batch_id)
            assert batch is not None
            raise _Stop(
                _failed(check, render("batch_not_exported", batch=item.batch_id, status=_batch_status(batch)))
            )

    def _order_refs(self) -> list[IntegrationReference]:
        return sorted(self.orders.values(), key=lambda ref: ref.tripletex_id or 0)

    # ---- Tripletex ---------------------------------------------------------------------------------

    def bank_account(self) -> CheckResult:
        accounts = self.read(lambda tx: list(tx.ledger.accounts.iter(fields=ACCOUNT_FIELDS)))
        if not Chart.build(accounts, []).has_bank_account_number():
            return _failed(PosCheck.BANK_ACCOUNT, render("no_bank_account"))
        return _passed(
            PosCheck.BANK_ACCOUNT,
            "Selskapet har et gyldig bankkontonummer.",
            "The company has a valid bank account number.",
        )

    def _item_label(self) -> str:
        assert self.group is not None
        if self.sale is not None:
            return f"salg {self.sale.number} / sale {self.sale.number}"
        key = self.group.subject_key
        return f"samlefaktura {key} / collective invoice {key}"

    def customer_active(self) -> CheckResult:
        assert self.group is not None
        number = self.group.customer.shown_number
        found = self.read(
            lambda tx: (
                tx.customers.list(customerAccountNumber=str(number), fields=CUSTOMER_FIELDS, count=10).values
            )
        )
        customer = next((c for c in found if c.customerNumber == number), None)
        if customer is None:
            # Tripletex may leave inactive customers out of a plain search: ask for them by name.
            inactive = self.read(
                lambda tx: (
                    tx.customers.list(
                        customerAccountNumber=str(number), isInactive=True, fields=CUSTOMER_FIELDS, count=10
                    ).values
                )
            )
            customer = next((c for c in inactive if c.customerNumber == number), None)
        if customer is None:
            return _failed(
                PosCheck.CUSTOMER, render("pos_customer_gone", item=self._item_label(), customer=number)
            )
        if customer.isInactive:
            return _failed(
                PosCheck.CUSTOMER, render("pos_customer_inactive", item=self._item_label(), customer=number)
            )
        self.remote_customer = customer
        return _passed(
            PosCheck.CUSTOMER,
            f"Kunde {number} {customer.name or ''} finnes og er aktiv (id {customer.id}).".replace("  ", " "),
            f"Customer {number} {customer.name or ''} exists and is active (id {customer.id}).".replace(
                "  ", " "
            ),
        )

    def send_to_customer(self) -> CheckResult:
        customer = self.remote_customer
        assert customer is not None and self.group is not None
        if not self.connection.send_to_customer:
            return _passed(
                PosCheck.SEND_TO_CUSTOMER,
                "Tilkoblingen sender ikke fakturaene selv (sendToCustomer av).",
                "The connection does not send the invoices itself (sendToCustomer off).",
            )
        address = customer.invoiceEmail or customer.email
        method = customer.invoiceSendMethod
        if method in BY_EMAIL and not address:
            return _failed(
                PosCheck.SEND_TO_CUSTOMER,
                render(
                    "pos_customer_no_email",
                    item=self._item_label(),
                    customer=self.group.customer.shown_number,
                ),
            )
        to = address if method in BY_EMAIL else method
        return _passed(
            PosCheck.SEND_TO_CUSTOMER, f"Fakturaen sendes til {to}.", f"The invoice is sent to {to}."
        )

    def orders_open(self) -> CheckResult:
        group = self.group
        assert group is not None
        refs = self._order_refs()
        ours = {ref.tripletex_id: ref for ref in refs if ref.tripletex_id is not None}
        if not ours:
            return _passed(PosCheck.ORDERS_OPEN, "Ingen ordrer ennå.", "No orders yet.")
        start, _ = period_bounds(group.period)
        end = max(self.today, group.invoice_date) + timedelta(days=1)
        invoices = self.read(
            lambda tx: list(
                tx.invoices.iter(
                    invoiceDateFrom=start, invoiceDateTo=end, fields="id,invoiceNumber,orders(id,number)"
                )
            )
        )
        sale_of = {ref.tripletex_id: ref.local_number for ref in refs}
        for invoice in invoices:
            on_it = [o.id for o in invoice.orders or [] if o.id in ours]
            if not on_it or set(on_it) == set(ours):
                continue  # not ours, or our collective invoice itself (the export records it)
            order_id = on_it[0]
            return _failed(
                PosCheck.ORDERS_OPEN,
                render(
                    "pos_order_invoiced_elsewhere",
                    invoice=group.subject_key,
                    order=ours[order_id].tripletex_number or order_id,
                    sale=sale_of.get(order_id) or "?",
                    number=invoice.invoiceNumber or invoice.id or "?",
                    period=group.period,
                ),
            )
        return _passed(
            PosCheck.ORDERS_OPEN,
            f"Ingen av de {len(ours)} ordrene er fakturert andre steder.",
            f"None of the {len(ours)} orders is invoiced elsewhere.",
        )


def _half(stored: str | None, index: int) -> str:
    """A stored item message is ``"bokmål / English"``: one language's half."""
    parts = (stored or "-").split(" / ")
    return parts[index] if len(parts) == 2 else (stored or "-")


def _finish(
    run: _PosRun,
    results: list[CheckResult],
    outcome: Outcome,
    answer: Message | None,
    next_step: Note | None = None,
) -> PosDiagnosis:
    return PosDiagnosis(
        key=run.invoice_number,
        connection_id=run.connection.id,
        checks=all_checks(results, PosCheck),
        outcome=outcome,
        answer=answer,
        api_calls=run.api_calls(),
        next_step=next_step,
    )


def _diagnose(run: _PosRun) -> PosDiagnosis:
    results: list[CheckResult] = []

    def stop(result: CheckResult) -> PosDiagnosis:
        results.append(result)
        return _finish(run, results, Outcome.FAILED, result.message)

    try:
        results.append(run.in_store())
        results.append(run.orders_sent())
        if run.failed_item is not None:
            wait = ("Ordren må sendes først.", "The order must be sent first.")
            results.append(_skipped(PosCheck.PERIOD_CLOSED, *wait))
            results.append(_skipped(PosCheck.INVOICE_EXPORTED, *wait))
        else:
            results.append(run.period_closed())
            exported, is_exported = run.invoice_exported()
            results.append(exported)
            if is_exported:
                return _finish(run, results, Outcome.EXPORTED, exported.message)
    except _Stop as stopped:
        return stop(stopped.result)

    interrupted: _TripletexUnavailable | None = None
    steps = (
        (PosCheck.BANK_ACCOUNT, run.bank_account),
        (PosCheck.CUSTOMER, run.customer_active),
        (PosCheck.SEND_TO_CUSTOMER, run.send_to_customer),
        (PosCheck.ORDERS_OPEN, run.orders_open),
    )
    for check, step in steps:
        try:
            result = step()
        except _TripletexUnavailable as exc:
            interrupted = exc
            results.append(
                _skipped(
                    check, "Tripletex svarte ikke; se kontroll 9.", "Tripletex did not answer; see check 9."
                )
            )
            break
        if result.status is CheckStatus.FAILED:
            return stop(result)
        results.append(result)
    state = replace(run.integration_state(interrupted), check=PosCheck.INTEGRATION_STATE)
    if state.status is CheckStatus.FAILED:
        return stop(state)
    results.append(state)
    item = run.failed_item
    next_step = None
    if item is not None:
        batch = item.batch_id
        next_step = Note(
            f"Ingen feil funnet nå: kjør `txbridge batch reset {batch}` og `txbridge batch export {batch}`.",
            f"No fault found now: run `txbridge batch reset {batch}` and `txbridge batch export {batch}`.",
        )
    return _finish(run, results, Outcome.NO_FAULT_FOUND, None, next_step)


def diagnose_pos(
    db: Database,
    settings: Settings,
    connection_id: int,
    key: str,
    *,
    transport: httpx.BaseTransport | None = None,
    client: Tripletex | None = None,
    today: date | None = None,
) -> PosDiagnosis:
    """Run the nine checks for a POS sale «by invoice» (``K-3``, ``POS-K-3``) or a collective invoice
    (``2026-10 · 10001``). Reads only (store and Tripletex); ``today`` decides whether the period
    has ended."""

    def refused(run: _PosRun, message: Message) -> PosDiagnosis:
        return _finish(run, [_failed(PosCheck.INTEGRATION_STATE, message)], Outcome.FAILED, message)

    return run_diagnosis(
        db,
        settings,
        connection_id,
        key,
        _PosRun,
        _diagnose,
        refused,
        transport=transport,
        client=client,
        today=today,
    )
