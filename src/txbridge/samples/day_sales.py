"""The demo's POS: a café with two locations (Storgata, Torget), October 2026, one Z-report per
location and day (62 days), deterministic. Its set-up and its deliberate defects:

* 1 October is before the sales export's start date (2 October): left out, never sent;
* 14 October at Torget sold «dessert», a product group the set-up has no account for: that day fails
  with ``daysales_mapping_missing`` naming the group and where to set it;
* takeaway «drinks» are mapped to 3000 (25 %) but sold at 15 %: the one day that sold them
  (21 October, Storgata) fails with ``daysales_vat_rate_mismatch``;
* 10 October at Storgata is sent again after it was posted (a cash count corrected): its voucher is
  reversed and the new figures posted.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from txbridge.store import PosAccountGroup

LOCATIONS = ("Storgata", "Torget")
START = date(2026, 10, 2)
PERIOD = "2026-10"


@dataclass(frozen=True)
class DayDefects:
    before_start: tuple[tuple[str, date], ...] = tuple((loc, date(2026, 10, 1)) for loc in LOCATIONS)
    unmapped_group: tuple[str, date] = ("Torget", date(2026, 10, 14))
    vat_mismatch: tuple[str, date] = ("Storgata", date(2026, 10, 21))
    corrected: tuple[str, date] = ("Storgata", date(2026, 10, 10))


DEFECTS = DayDefects()

#: The set-up the demo saves (the wizard's steps); «dessert» has no account, on purpose.
MAPPING: dict[PosAccountGroup, dict[str, int]] = {
    PosAccountGroup.PAYMENT_METHOD: {"cash": 1900, "card": 1920, "vipps": 1570, "gift_card": 2900},
    PosAccountGroup.PRODUCT_GROUP: {"food": 3000, "drinks": 3000, "books": 3100},
    PosAccountGroup.TAKEAWAY_GROUP: {"food": 3001, "drinks": 3000},
    PosAccountGroup.EVENT: {
        "tips": 2915,
        "rounding": 7960,
        "cash_difference": 3900,
        "gift_card_sold": 2900,
        "gift_card_redeemed": 2900,
    },
}


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low * 100, high * 100)) / 100


def z_report(location: str, day: date, *, seed: int = 0) -> dict[str, Any]:
    """One balanced Z-report (the POS's own arithmetic: payments = sales + tips + gift cards sold)."""
    rng = random.Random(f"{location}-{day.isoformat()}-{seed}")
    sales = [
        ("food", Decimal(25), False, _money(rng, 2000, 9000)),
        ("drinks", Decimal(25), False, _money(rng, 800, 4000)),
        ("food", Decimal(15), True, _money(rng, 500, 3000)),
    ]
    if (location, day) == DEFECTS.unmapped_group:
        sales.append(("dessert", Decimal(25), False, _money(rng, 200, 900)))
    if (location, day) == DEFECTS.vat_mismatch:
        sales.append(("drinks", Decimal(15), True, _money(rng, 100, 500)))
    if day.weekday() == 5:
        sales.append(("books", Decimal(0), False, _money(rng, 100, 600)))
    tips = _money(rng, 50, 400)
    sold_cards = _money(rng, 0, 500) if day.day % 7 == 0 else Decimal(0)
    redeemed = _money(rng, 100, 300) if day.day % 5 == 0 else Decimal(0)
    owed = sum((s[3] for s in sales), Decimal(0)) + tips + sold_cards
    lines: list[dict[str, Any]] = [
        {"type": "sale", "code": code, "vatRate": str(rate), "takeaway": takeaway, "amount": str(amount)}
        for code, rate, takeaway, amount in sales
    ]
    lines.append({"type": "event", "code": "tips", "amount": str(tips)})
    if sold_cards:
        lines.append({"type": "event", "code": "gift_card_sold", "amount": str(sold_cards)})
    if redeemed:
        # Paid with gift cards: the gift-card liability is debited instead of a payment account.
        lines.append({"type": "event", "code": "gift_card_redeemed", "amount": str(redeemed)})
        owed -= redeemed
    vipps = (owed * Decimal("0.15")).quantize(Decimal("0.01"))
    cash_counted = (owed * Decimal("0.10")).quantize(Decimal(1))  # cash is counted in whole kroner
    card = owed - vipps - cash_counted
    lines += [
        {"type": "payment", "code": "card", "amount": str(card)},
        {"type": "payment", "code": "cash", "amount": str(cash_counted)},
        {"type": "payment", "code": "vipps", "amount": str(vipps)},
    ]
    if seed:
        # The corrected count: 20 kroner more cash than first reported, booked as a cash difference.
        lines[-2]["amount"] = str(cash_counted + 20)
        lines.append({"type": "event", "code": "cash_difference", "amount": "20.00"})
    return {
        "hostId": f"Z-{location[:3].upper()}-{day.isoformat()}",
        "location": location,
        "date": day.isoformat(),
        "lines": lines,
    }


def demo_days() -> list[dict[str, Any]]:
    first = date(2026, 10, 1)
    return [z_report(loc, first + timedelta(days=n)) for n in range(31) for loc in LOCATIONS]


def corrected_day() -> dict[str, Any]:
    location, day = DEFECTS.corrected
    return z_report(location, day, seed=1)
