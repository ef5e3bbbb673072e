from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from txbridge.flows.daysales.voucher import ChartView, DayIn, LineIn, difference
from txbridge.store import DaySaleLineType, PosAccountGroup
from txbridge.tripletex import models as m

#: A small chart like the sandbox's: (number, id, VAT id, VAT number, rate).
_ACCOUNTS = [
    (1500, 15, 100, "0", "0"),
    (1570, 157, 100, "0", "0"),
    (1900, 190, 100, "0", "0"),
    (1920, 192, 100, "0", "0"),
    (2900, 290, 100, "0", "0"),
    (2915, 291, 100, "0", "0"),
    (3000, 300, 103, "3", "25"),
    (3001, 301, 131, "31", "15"),
    (3002, 302, 133, "33", "12"),
    (3100, 310, 105, "5", "0"),
    (3900, 390, 100, "0", "0"),
    (7790, 779, 101, "1", "25"),
    (7960, 796, 100, "0", "0"),
]


def chart() -> ChartView:
    vats = {vat_id: (number, rate) for _, _, vat_id, number, rate in _ACCOUNTS}
    return ChartView(
        [
            m.Account(id=account_id, number=number, name=f"Konto {number}", vatType=m.VatType(id=vat_id))
            for number, account_id, vat_id, _, _ in _ACCOUNTS
        ],
        [
            m.VatType(id=vat_id, number=number, percentage=Decimal(rate))
            for vat_id, (number, rate) in vats.items()
        ],
    )


MAPPING: dict[PosAccountGroup, dict[str, int]] = {
    PosAccountGroup.PAYMENT_METHOD: {"cash": 1900, "card": 1920, "vipps": 1570, "gift_card": 2900},
    PosAccountGroup.PRODUCT_GROUP: {"food": 3000, "drinks": 3000, "books": 3100},
    PosAccountGroup.TAKEAWAY_GROUP: {"food": 3001, "drinks": 3001},
    PosAccountGroup.EVENT: {
        "tips": 2915,
        "rounding": 7960,
        "cash_difference": 3900,
        "gift_card_sold": 2900,
        "gift_card_redeemed": 2900,
    },
}


def flat_mapping() -> dict[tuple[PosAccountGroup, str], int]:
    return {(group, key): number for group, keys in MAPPING.items() for key, number in keys.items()}


def z_report(
    host_id: str = "Z-1", location: str = "Storgata", day: date = date(2026, 10, 5)
) -> dict[str, Any]:
    """A balanced day: 1 250 + 430 (takeaway) sales and 50 tips; card, cash and vipps pay 1 730.40."""
    return {
        "hostId": host_id,
        "location": location,
        "date": day.isoformat(),
        "lines": [
            {"type": "sale", "code": "food", "vatRate": "25", "amount": "1250.00"},
            {"type": "sale", "code": "food", "vatRate": "15", "takeaway": True, "amount": "430.00"},
            {"type": "event", "code": "tips", "amount": "50.00"},
            {"type": "payment", "code": "card", "amount": "1500.00"},
            {"type": "payment", "code": "cash", "amount": "180.40"},
            {"type": "payment", "code": "vipps", "amount": "50.00"},
            {"type": "event", "code": "rounding", "amount": "0.40"},
        ],
    }


SALE, PAYMENT, EVENT = DaySaleLineType.SALE, DaySaleLineType.PAYMENT, DaySaleLineType.EVENT


def day_of(*lines: LineIn, revision: int = 1, day: date = date(2026, 10, 5)) -> DayIn:
    return DayIn(7, revision, "Storgata", day, lines)


def example_day() -> DayIn:
    return day_of(
        LineIn(SALE, "food", Decimal("1250.00"), Decimal(25)),
        LineIn(SALE, "food", Decimal("430.00"), Decimal(15), takeaway=True),
        LineIn(EVENT, "tips", Decimal("50.00")),
        LineIn(PAYMENT, "card", Decimal("1500.00")),
        LineIn(PAYMENT, "cash", Decimal("180.40")),
        LineIn(PAYMENT, "vipps", Decimal("50.00")),
        LineIn(EVENT, "rounding", Decimal("0.40")),
    )


_CENTS = st.integers(min_value=1, max_value=5_000_000).map(lambda c: Decimal(c) / 100)
_SALES = st.sampled_from(
    [
        ("food", Decimal(25), False),
        ("drinks", Decimal(25), False),
        ("books", Decimal(0), False),
        ("food", Decimal(15), True),
        ("drinks", Decimal(15), True),
    ]
)


@st.composite
def balanced_days(draw: st.DrawFn) -> DayIn:
    lines = [
        LineIn(SALE, code, draw(_CENTS), rate, takeaway=ta)
        for code, rate, ta in draw(st.lists(_SALES, min_size=1, max_size=8))
    ]
    for code in draw(st.lists(st.sampled_from(["tips", "gift_card_sold", "gift_card_redeemed"]), max_size=3)):
        lines.append(LineIn(EVENT, code, draw(_CENTS)))
    if draw(st.booleans()):
        lines.append(LineIn(EVENT, "rounding", Decimal(draw(st.integers(-49, 49))) / 100))
    # Payments take what is owed, split over methods; a cash difference may make up a few øre.
    owed = -difference(lines)
    methods = draw(st.lists(st.sampled_from(["cash", "card", "vipps", "gift_card"]), min_size=1, max_size=4))
    shares = draw(st.lists(st.integers(1, 100), min_size=len(methods), max_size=len(methods)))
    paid = Decimal(0)
    for method, share in zip(methods, shares, strict=True):
        amount = (owed * share / sum(shares)).quantize(Decimal("0.01"))
        lines.append(LineIn(PAYMENT, method, amount))
        paid += amount
    if paid != owed:
        lines.append(LineIn(EVENT, "cash_difference", paid - owed))
    order = draw(st.permutations(range(len(lines))))
    return day_of(*(lines[i] for i in order))
