"""One POS day (one location's Z-report) → one balanced Tripletex voucher. Pure: no I/O.

The layout (rows numbered from 1, in the Z-report's order; gross amounts, as Tripletex uses them):

* a **sale** of a product group: credit (negative) on the group's account (eat-in or takeaway), with
  that account's VAT type, so Tripletex splits out the VAT; the account's VAT rate must be the rate
  the POS charged;
* a **payment**: debit (positive) on the payment method's clearing account, without VAT;
* an **event**: tips, gift cards sold, rounding and cash differences credit their account (a negative
  amount debits it: rounding lost, cash short); gift cards redeemed debit theirs.

The rows sum to zero to the øre when the Z-report does (intake refuses one that does not)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from txbridge.catalog import Bilingual, Message, render
from txbridge.flows.intake.schemas import POS_EVENT_CREDITS, POS_EVENTS, line_debit
from txbridge.store import DaySaleLineType, PosAccountGroup
from txbridge.tripletex import models as m

#: The events a Z-report may carry, and whether a positive amount credits (True) or debits its account
#: (defined with the intake format, which checks the same balance).
EVENT_CREDITS: Mapping[str, bool] = POS_EVENT_CREDITS
EVENTS: tuple[str, ...] = POS_EVENTS
#: Tripletex's customer ledger account: a row on it needs a customer, which a Z-report does not name.
CUSTOMER_ACCOUNT = 1500
#: The payment method of sales paid by invoice. With POS invoicing on, those sales are booked by their
#: invoices in Tripletex, so a Z-report listing this payment is refused (:func:`invoice_paid`).
INVOICE_PAYMENT = "invoice"
#: The never-twice marker's prefix (``externalVoucherNumber``).
MARKER_PREFIX = "TXB-DS"
CENT = Decimal("0.01")


def make_marker(day_sale_id: int, revision: int) -> str:
    """The voucher's ``externalVoucherNumber``: the day and its revision, so a corrected day's new
    voucher never matches the reversed one."""
    return f"{MARKER_PREFIX}-{day_sale_id}.{revision}"


@dataclass(frozen=True, slots=True)
class LineIn:
    """A Z-report line as the builder needs it (a store row or an intake item)."""

    type: DaySaleLineType
    code: str
    amount: Decimal
    vat_rate: Decimal | None = None
    takeaway: bool = False


@dataclass(frozen=True, slots=True)
class DayIn:
    day_sale_id: int
    revision: int
    location: str
    business_date: date
    lines: Sequence[LineIn]

    @property
    def subject_key(self) -> str:
        return f"{self.business_date.isoformat()} · {self.location}"


@dataclass(frozen=True, slots=True)
class Row:
    row: int
    account_number: int
    account_id: int
    amount_gross: Decimal
    vat_type_id: int | None
    description: str


@dataclass(frozen=True, slots=True)
class VoucherPlan:
    marker: str
    voucher_date: date
    description: str
    rows: tuple[Row, ...]

    def body(self) -> dict[str, Any]:
        """The ``POST /ledger/voucher`` body."""
        day = self.voucher_date.isoformat()
        postings: list[dict[str, Any]] = []
        for r in self.rows:
            posting: dict[str, Any] = {
                "row": r.row,
                "date": day,
                "description": r.description,
                "account": {"id": r.account_id},
                "amountGross": r.amount_gross,
                "amountGrossCurrency": r.amount_gross,
            }
            if r.vat_type_id is not None:
                posting["vatType"] = {"id": r.vat_type_id}
            postings.append(posting)
        return {
            "date": day,
            "description": self.description,
            "externalVoucherNumber": self.marker,
            "postings": postings,
        }


class ChartView:
    """What the builder reads of the company's chart: accounts by number with their VAT type."""

    def __init__(self, accounts: Iterable[m.Account], vat_types: Iterable[m.VatType]) -> None:
        self.accounts = {a.number: a for a in accounts if a.number is not None and a.id is not None}
        self.vat_by_id = {int(v.id): v for v in vat_types if v.id is not None}

    def vat_of(self, account: m.Account) -> m.VatType | None:
        ref = account.vatType
        if ref is None or ref.id is None:
            return None
        return self.vat_by_id.get(int(ref.id), ref)

    @staticmethod
    def rate(vat: m.VatType | None) -> Decimal:
        return Decimal(vat.percentage or 0) if vat is not None else Decimal(0)


#: The mapping as stored: (group, key) → account number.
Mapping_ = Mapping[tuple[PosAccountGroup, str], int]

_GROUP_OF = {
    DaySaleLineType.PAYMENT: PosAccountGroup.PAYMENT_METHOD,
    DaySaleLineType.EVENT: PosAccountGroup.EVENT,
}


def group_of(line: LineIn) -> PosAccountGroup:
    if line.type is DaySaleLineType.SALE:
        return PosAccountGroup.TAKEAWAY_GROUP if line.takeaway else PosAccountGroup.PRODUCT_GROUP
    return _GROUP_OF[line.type]


def signed_amount(line: LineIn) -> Decimal:
    """The line's gross amount on the voucher (debit positive, credit negative)."""
    return line_debit(line.type.value, line.code, line.amount)


def difference(lines: Iterable[LineIn]) -> Decimal:
    """What the Z-report lacks to balance (0 when it does)."""
    return sum((signed_amount(line) for line in lines), Decimal(0))


GROUP_NAMES = {
    PosAccountGroup.PAYMENT_METHOD: ("betalingsmåte", "payment method"),
    PosAccountGroup.PRODUCT_GROUP: ("varegruppe", "product group"),
    PosAccountGroup.TAKEAWAY_GROUP: ("varegruppe (takeaway)", "product group (takeaway)"),
    PosAccountGroup.EVENT: ("hendelse", "event"),
}


def _description(day: DayIn, line: LineIn) -> str:
    if line.type is DaySaleLineType.SALE:
        rate = f"{line.vat_rate.normalize():f} %" if line.vat_rate is not None else ""
        return f"{line.code}{' takeaway' if line.takeaway else ''} {rate}".strip()
    return line.code


def invoice_paid(day: DayIn, invoicing: bool) -> Message | None:
    """Why the day cannot go with POS invoicing on: it lists an «invoice» payment, so its voucher would
    book revenue the POS's invoices book too. None when invoicing is off or nothing is paid by invoice."""
    if not invoicing:
        return None
    lines = [x for x in day.lines if x.type is DaySaleLineType.PAYMENT and x.code == INVOICE_PAYMENT]
    amount = sum((x.amount for x in lines), Decimal(0))
    if amount == 0:
        return None
    return render("daysales_invoice_payment_with_pos_invoicing", day=day.subject_key, amount=f"{amount:.2f}")


def build(day: DayIn, mapping: Mapping_, chart: ChartView, voucher_date: date) -> VoucherPlan | Message:
    """The voucher for the day, or the first reason it cannot be built (catalog message)."""
    rows: list[Row] = []
    for line in day.lines:
        group = group_of(line)
        number = mapping.get((group, line.code))
        if number is None:
            return render(
                "daysales_mapping_missing",
                day=day.subject_key,
                group=group_name(group),
                group_key=group.value,
                key=line.code,
            )
        account = chart.accounts.get(number)
        if account is None or account.id is None:
            return render("daysales_account_not_found", day=day.subject_key, account=number, key=line.code)
        vat = chart.vat_of(account)
        rate = chart.rate(vat)
        vat_type_id: int | None = None
        if line.type is DaySaleLineType.SALE:
            wanted = line.vat_rate if line.vat_rate is not None else Decimal(0)
            if rate != wanted:
                return render(
                    "daysales_vat_rate_mismatch",
                    day=day.subject_key,
                    key=line.code,
                    account=number,
                    account_rate=f"{rate.normalize():f}",
                    rate=f"{wanted.normalize():f}",
                )
            vat_type_id = int(vat.id) if vat is not None and vat.id is not None else None
        else:
            if rate:
                return render(
                    "daysales_vat_on_settlement_account",
                    day=day.subject_key,
                    key=line.code,
                    account=number,
                    account_rate=f"{rate.normalize():f}",
                )
            if number == CUSTOMER_ACCOUNT:
                return render("daysales_customer_account", day=day.subject_key, key=line.code, account=number)
        amount = signed_amount(line)
        if amount == 0:
            continue  # Tripletex has no use for a zero row
        rows.append(Row(len(rows) + 1, number, int(account.id), amount, vat_type_id, _description(day, line)))
    off = sum((r.amount_gross for r in rows), Decimal(0))
    if off != 0:
        return render("daysales_not_balanced", day=day.subject_key, difference=f"{off:.2f}")
    if not rows:
        return render("daysales_empty", day=day.subject_key)
    description = f"Dagsoppgjør {day.location} {day.business_date.isoformat()}"
    return VoucherPlan(make_marker(day.day_sale_id, day.revision), voucher_date, description, tuple(rows))


def group_name(group: PosAccountGroup) -> Bilingual:
    nb, en = GROUP_NAMES[group]
    return Bilingual(nb, en)
