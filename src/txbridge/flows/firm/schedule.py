"""When a firm's monthly statistics are imported: the import-day rule (seed 004's «Import data»:
the last working day of the month, the last calendar day, or a day 1–28 of the following month),
with Norwegian public holidays from the maintained ``holidays`` library."""

from __future__ import annotations

import calendar
import functools
from datetime import date, timedelta

import holidays

from txbridge.store.models import ImportDayRule


@functools.lru_cache(maxsize=64)
def _norwegian_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("NO", years=year))


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a Norwegian public holiday (Sundays are holidays in the library's
    Norway calendar too; weekends are excluded either way)."""
    return day.weekday() < 5 and day not in _norwegian_holidays(day.year)


def last_working_day(year: int, month: int) -> date:
    day = date(year, month, calendar.monthrange(year, month)[1])
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def import_day(rule: ImportDayRule, day_of_month: int | None, month: str) -> date:
    """The day ``month`` (``YYYY-MM``) is imported on under the firm's rule."""
    year, number = int(month[:4]), int(month[5:7])
    if rule is ImportDayRule.LAST_WORKING_DAY:
        return last_working_day(year, number)
    if rule is ImportDayRule.LAST_CALENDAR_DAY:
        return date(year, number, calendar.monthrange(year, number)[1])
    following = date(year + (number == 12), number % 12 + 1, 1)
    return following.replace(day=day_of_month or 1)


def month_due(rule: ImportDayRule, day_of_month: int | None, today: date) -> str | None:
    """The month whose import day is ``today``, or None."""
    this_month = f"{today.year:04d}-{today.month:02d}"
    last = date(today.year, today.month, 1) - timedelta(days=1)
    previous = f"{last.year:04d}-{last.month:02d}"
    for month in (this_month, previous):
        if import_day(rule, day_of_month, month) == today:
            return month
    return None
