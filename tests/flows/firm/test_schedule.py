"""The import-day rule: last working day (Norwegian public holidays from the holidays library), last
calendar day, or a day of the following month."""

from __future__ import annotations

from datetime import date

import pytest

from txbridge.flows.firm.schedule import import_day, is_working_day, last_working_day, month_due
from txbridge.store.models import ImportDayRule


def test_easter_moves_the_last_working_day_of_march_2024() -> None:
    # Maundy Thursday 28th and Good Friday 29th are public holidays, the 30th–31st a weekend.
    assert last_working_day(2024, 3) == date(2024, 3, 27)
    assert not is_working_day(date(2024, 3, 28)) and is_working_day(date(2024, 3, 27))


@pytest.mark.parametrize(
    ("rule", "day_of_month", "month", "expected"),
    [
        (ImportDayRule.LAST_WORKING_DAY, None, "2026-05", date(2026, 5, 29)),  # the 31st is a Sunday
        (ImportDayRule.LAST_WORKING_DAY, None, "2026-12", date(2026, 12, 31)),
        (ImportDayRule.LAST_CALENDAR_DAY, None, "2026-02", date(2026, 2, 28)),
        (ImportDayRule.DAY_OF_NEXT_MONTH, 5, "2026-12", date(2027, 1, 5)),
        (ImportDayRule.DAY_OF_NEXT_MONTH, 28, "2026-01", date(2026, 2, 28)),
    ],
)
def test_import_day(rule: ImportDayRule, day_of_month: int | None, month: str, expected: date) -> None:
    assert import_day(rule, day_of_month, month) == expected


def test_month_due_names_the_month_whose_import_day_is_today() -> None:
    assert month_due(ImportDayRule.LAST_WORKING_DAY, None, date(2024, 3, 27)) == "2024-03"
    assert month_due(ImportDayRule.LAST_WORKING_DAY, None, date(2024, 3, 29)) is None
    assert month_due(ImportDayRule.DAY_OF_NEXT_MONTH, 5, date(2027, 1, 5)) == "2026-12"
    assert month_due(ImportDayRule.LAST_CALENDAR_DAY, None, date(2026, 2, 28)) == "2026-02"
