"""Dates and yes/no the Norwegian way, and nothing guessed."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from txbridge.flows.intake.values import FieldProblem, read_bool, read_date


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("2026-10-05", date(2026, 10, 5)),
        ("05.10.2026", date(2026, 10, 5)),
        ("5.10.2026", date(2026, 10, 5)),
        (" 29.02.2028 ", date(2028, 2, 29)),
        (date(2026, 10, 5), date(2026, 10, 5)),
        (datetime(2026, 10, 5), date(2026, 10, 5)),
    ],
)
def test_dates_read(written: object, read: date) -> None:
    assert read_date(written) == read


@pytest.mark.parametrize(
    ("written", "problem"),
    [
        ("05/10/2026", "intake_date_ambiguous"),  # 5 October or May 10?
        ("10-05-2026", "intake_date_ambiguous"),
        ("05.10.26", "intake_date_ambiguous"),  # 1926 or 2026?
        ("5/10/26", "intake_date_ambiguous"),
        ("31.09.2026", "intake_date_invalid"),  # no such day
        ("2026-02-29", "intake_date_invalid"),
        ("46300", "intake_date_invalid"),  # Excel's day count
        (46300, "intake_date_invalid"),
        (1790000000, "intake_date_invalid"),  # Unix time
        ("5. oktober 2026", "intake_date_invalid"),
        ("2026-10-05T12:00:00", "intake_date_invalid"),
        (datetime(2026, 10, 5, 12, 30), "intake_date_invalid"),
        ("", "intake_date_invalid"),
    ],
)
def test_dates_that_would_need_a_guess_are_refused(written: object, problem: str) -> None:
    with pytest.raises(FieldProblem) as info:
        read_date(written)
    assert info.value.message_id == problem


@pytest.mark.parametrize(
    ("written", "read"),
    [(True, True), ("ja", True), ("Nei", False), ("TRUE", True), ("0", False), (1, True), ("yes", True)],
)
def test_yes_no(written: object, read: bool) -> None:
    assert read_bool(written) is read


@pytest.mark.parametrize("written", ["kanskje", "2", 2, None, 1.0])
def test_yes_no_refuses_the_rest(written: object) -> None:
    with pytest.raises(FieldProblem):
        read_bool(written)
