"""The same-key and 24-hour rules across hours, before anything is sent."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from txbridge.flows.hours.mapping import Resolved
from txbridge.flows.hours.rules import refusals
from txbridge.store import HoursEntry


def hour(
    entry_id: int, hours: str, *, employee: int = 1, activity: int = 10, project: int | None = 5, day: int = 5
) -> tuple[HoursEntry, Resolved]:
    entry = HoursEntry(
        host_id=f"s-{entry_id:02d}",
        employee_number=str(employee),
        work_date=date(2026, 10, day),
        hours=Decimal(hours),
    )
    entry.id = entry_id
    return entry, Resolved(employee, project, activity)


def test_same_key_is_refused_naming_the_hour_that_holds_it() -> None:
    exported = [hour(1, "2")]
    found = refusals(
        [
            hour(2, "1"),
            hour(3, "1", activity=11),
            hour(4, "1", project=None, activity=1),
            hour(5, "1", employee=2),
        ],
        exported,
    )
    assert {k: (m.id, m.en) for k, m in found.items()} == {
        2: ("hours_same_key", "Hour s-02: same employee, date, activity and project as hour s-01")
    }
    # Within the batch: the hour imported first keeps the key.
    found = refusals([hour(7, "1"), hour(6, "1")], [])
    assert list(found) == [7] and "s-06" in found[7].nb


def test_a_day_stops_at_24_hours_counting_what_is_exported() -> None:
    exported = [hour(1, "10")]
    found = refusals(
        [
            hour(2, "8", activity=11),
            hour(3, "6", activity=12),
            hour(4, "6", activity=13),
            hour(5, "14", day=6),
        ],
        exported,
    )
    # 10 + 8 = 18; +6 = 24 (allowed); +6 = 30 (refused); another day is its own.
    assert {k: m.id for k, m in found.items()} == {4: "hours_over_24"}
    assert "2026-10-05" in found[4].en
