"""Unit tests of the `fields` parser and the KID check digit (pure functions, no HTTP)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from txbridge.sandbox import errors
from txbridge.sandbox.accounting import kid_for
from txbridge.sandbox.query import filter_changed_since, parse_changed_since, parse_fields


def test_parse_fields_nested() -> None:
    assert parse_fields("*,orderLines(*,product(name)),customer") == {
        "*": None,
        "orderLines": {"*": None, "product": {"name": None}},
        "customer": None,
    }
    assert parse_fields(" id , name ") == {"id": None, "name": None}
    assert parse_fields(None) == {"*": None}
    assert parse_fields("") == {"*": None}


@pytest.mark.parametrize("text", ["a(b", "a)b", "a(,)", ",(x)"])
def test_parse_fields_refuses_broken_filters(text: str) -> None:
    with pytest.raises(errors.TripletexError) as caught:
        parse_fields(text)
    assert (caught.value.status, caught.value.code) == (400, 11000)


def _luhn_ok(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch) * (2 if i % 2 == 1 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


@given(st.integers(min_value=1, max_value=999_999), st.integers(min_value=0, max_value=99_999))
def test_kid_has_a_valid_mod10_check_digit(invoice_number: int, customer_number: int) -> None:
    kid = kid_for(invoice_number, customer_number)
    assert kid.isdigit() and _luhn_ok(kid)


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        ("2026-11-20", datetime(2026, 11, 20)),
        ("2026-11-20T10:00:00", datetime(2026, 11, 20, 10)),
        ("2026-11-20T10:00:00Z", datetime(2026, 11, 20, 10)),
        ("2026-11-20T11:00:00+01:00", datetime(2026, 11, 20, 10)),
    ],
)
def test_changed_since_is_compared_in_utc(text: str, utc: datetime) -> None:
    assert parse_changed_since(text) == utc
    rows = [{"id": 1, "_changed": utc - timedelta(minutes=1)}, {"id": 2, "_changed": utc}]
    assert [r["id"] for r in filter_changed_since(rows, text)] == [2]
