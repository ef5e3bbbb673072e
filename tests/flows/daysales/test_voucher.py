from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, settings

from tests.flows.daysales.conftest import balanced_days, chart, example_day, flat_mapping
from tests.flows.daysales.conftest import day_of as _day
from txbridge.catalog import Message
from txbridge.flows.daysales.voucher import DayIn, LineIn, VoucherPlan, build, difference, make_marker
from txbridge.flows.outbound.kind import Outgoing
from txbridge.flows.outbound.kinds.day_sales import DaySalesKind
from txbridge.store import DaySaleLineType, PosAccountGroup
from txbridge.tripletex import models as m

SALE, PAYMENT, EVENT = DaySaleLineType.SALE, DaySaleLineType.PAYMENT, DaySaleLineType.EVENT
DAY = date(2026, 10, 5)


def test_a_day_becomes_one_voucher_with_rows_from_1_and_vat_from_the_accounts() -> None:
    plan = build(example_day(), flat_mapping(), chart(), DAY)
    assert isinstance(plan, VoucherPlan)
    body = plan.body()
    assert body["externalVoucherNumber"] == make_marker(7, 1) == "TXB-DS-7.1"
    assert body["date"] == "2026-10-05"
    rows = [(p["row"], p["account"]["id"], p["amountGross"], p.get("vatType")) for p in body["postings"]]
    assert rows == [
        (1, 300, Decimal("-1250.00"), {"id": 103}),  # eat-in 25 %: 3000's VAT type
        (2, 301, Decimal("-430.00"), {"id": 131}),  # takeaway 15 %: 3001's
        (3, 291, Decimal("-50.00"), None),  # tips owed to staff
        (4, 192, Decimal("1500.00"), None),
        (5, 190, Decimal("180.40"), None),
        (6, 157, Decimal("50.00"), None),
        (7, 796, Decimal("-0.40"), None),
    ]
    assert sum(p["amountGross"] for p in body["postings"]) == 0
    assert all(p["amountGrossCurrency"] == p["amountGross"] for p in body["postings"])


def test_a_corrected_day_gets_a_marker_of_its_own() -> None:
    plan = build(_day(*example_day().lines, revision=3), flat_mapping(), chart(), date(2026, 11, 1))
    assert isinstance(plan, VoucherPlan)
    assert plan.marker == "TXB-DS-7.3" and plan.body()["date"] == "2026-11-01"


def _refusal(day: DayIn, mapping: dict[tuple[PosAccountGroup, str], int] | None = None) -> Message:
    found = build(day, flat_mapping() if mapping is None else mapping, chart(), DAY)
    assert isinstance(found, Message), found
    return found


def test_a_missing_mapping_names_the_mapping_and_where_to_set_it() -> None:
    mapping = flat_mapping()
    del mapping[(PosAccountGroup.TAKEAWAY_GROUP, "food")]
    message = _refusal(example_day(), mapping)
    assert message.id == "daysales_mapping_missing"
    assert "product group (takeaway) «food»" in message.en
    assert "`txbridge pos map takeaway_group food ACCOUNT`" in message.fix_en
    assert "«Kasseoppsett»" in message.fix_nb


def test_a_sale_at_another_rate_than_its_account_is_refused() -> None:
    day = _day(LineIn(SALE, "food", Decimal(100), Decimal(15)), LineIn(PAYMENT, "card", Decimal(100)))
    message = _refusal(day)
    assert message.id == "daysales_vat_rate_mismatch"
    assert "15 %" in message.en and "3000" in message.en and "25 %" in message.en


def test_payments_never_go_to_an_account_with_vat_or_to_the_customer_ledger() -> None:
    day = _day(LineIn(SALE, "food", Decimal(100), Decimal(25)), LineIn(PAYMENT, "card", Decimal(100)))
    mapping = flat_mapping()
    mapping[(PosAccountGroup.PAYMENT_METHOD, "card")] = 7790
    assert _refusal(day, mapping).id == "daysales_vat_on_settlement_account"
    mapping[(PosAccountGroup.PAYMENT_METHOD, "card")] = 1500
    assert _refusal(day, mapping).id == "daysales_customer_account"
    mapping[(PosAccountGroup.PAYMENT_METHOD, "card")] = 1234
    assert _refusal(day, mapping).id == "daysales_account_not_found"


def test_an_unbalanced_or_empty_day_is_refused() -> None:
    day = _day(LineIn(SALE, "food", Decimal(100), Decimal(25)), LineIn(PAYMENT, "card", Decimal("99.99")))
    message = _refusal(day)
    assert message.id == "daysales_not_balanced" and "-0.01" in message.en
    assert _refusal(_day(LineIn(PAYMENT, "card", Decimal(0)))).id == "daysales_empty"


# ---- the property: any balanced Z-report gives a voucher balanced to the øre ----------------------------


@settings(max_examples=300, deadline=None)
@given(balanced_days())
def test_any_balanced_day_gives_one_voucher_balanced_to_the_ore(day: DayIn) -> None:
    assert difference(day.lines) == 0
    plan = build(day, flat_mapping(), chart(), DAY)
    assert isinstance(plan, VoucherPlan), plan
    postings = plan.body()["postings"]
    assert [p["row"] for p in postings] == list(range(1, len(postings) + 1))
    assert sum(p["amountGross"] for p in postings) == 0
    assert all(p["amountGross"] == p["amountGross"].quantize(Decimal("0.01")) != 0 for p in postings)
    accounts = chart().accounts
    by_id = {a.id: a for a in accounts.values()}
    for p in postings:
        account = by_id[p["account"]["id"]]
        if "vatType" in p:  # revenue rows carry the VAT type of their account
            assert account.vatType is not None and p["vatType"]["id"] == account.vatType.id
            assert p["amountGross"] < 0
    revenue = sum(line.amount for line in day.lines if line.type is SALE)
    assert -sum(p["amountGross"] for p in postings if "vatType" in p) == revenue


def test_a_voucher_found_after_a_crash_with_a_later_date_still_says_so() -> None:
    """Found by its marker before the preflight (the run that dated it died): the voucher's own date
    tells it was moved; one on its day says nothing."""
    kind = DaySalesKind()
    moved = kind.note_of(
        None, Outgoing(1, 7, "2026-10-05 · Storgata", "TXB-DS-7.1"), m.Voucher(id=1, date=date(2026, 11, 2))
    )
    assert moved is not None and "posted on 2026-11-02" in moved.text("en")
    on_its_day = m.Voucher(id=1, date=date(2026, 10, 5))
    assert kind.note_of(None, Outgoing(1, 7, "2026-10-05 · Storgata", "TXB-DS-7.1"), on_its_day) is None
