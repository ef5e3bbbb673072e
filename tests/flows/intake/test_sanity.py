"""Sanity before anything reaches Tripletex: totals, limits per connection, currency, country and
organisation numbers that can exist."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest
from stdnum.no import orgnr

from tests.flows.intake.conftest import small_payload
from txbridge.flows.intake import (
    ConnectionNotFoundError,
    ImportReport,
    IntakeLimitError,
    IntakeLimits,
    import_data,
    intake_limits,
    set_intake_limits,
)
from txbridge.store import Connection, Database


def _run(database: Database, connection_id: int, payload: dict[str, Any]) -> ImportReport:
    return import_data(database, connection_id, payload)


def _ids(report: ImportReport) -> list[tuple[str, str | None, str]]:
    return [(r.item, r.field, r.message.id) for r in report.rejections]


def _with_lines(*lines: dict[str, Any], currency: str = "NOK") -> dict[str, Any]:
    payload = small_payload()
    payload["invoices"][1] = dict(payload["invoices"][1], lines=list(lines), currency=currency)
    return payload


def _line(quantity: str, unit_price: str, discount: str = "0") -> dict[str, Any]:
    return {
        "description": "x",
        "quantity": quantity,
        "unitPrice": unit_price,
        "discount": discount,
        "vatCode": 3,
    }


# ---- organisation numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize("number", ["000000000", "123456785", "700000044"])
def test_organisation_numbers_that_cannot_exist(database: Database, connection_id: int, number: str) -> None:
    # Brønnøysundregistrene: «Organisasjonsnummeret består av ni siffer og starter på tallet 8 eller 9»
    # (https://www.brreg.no/samordning/organisasjonsnummeret.html). Each of these passes the mod-11
    # check (python-stdnum says valid) but starts with another digit, so it can never be assigned.
    assert orgnr.is_valid(number)
    payload = small_payload()
    payload["customers"][0]["organizationNumber"] = number
    report = _run(database, connection_id, payload)
    assert ("customers[0] 10001", "organizationNumber", "intake_invalid_organization_number") in _ids(report)
    message = report.rejections[0].message
    assert number in message.nb and "8 eller 9" in message.cause_nb and "8 or 9" in message.cause_en


@pytest.mark.parametrize("number", ["974 760 673", "883409442"])
def test_organisation_numbers_that_can_exist(database: Database, connection_id: int, number: str) -> None:
    payload = small_payload()
    payload["customers"][0]["organizationNumber"] = number
    assert _run(database, connection_id, payload).all_accepted


def test_mod_11_still_applies(database: Database, connection_id: int) -> None:
    payload = small_payload()
    payload["customers"][0]["organizationNumber"] = "974760674"  # starts with 9, wrong check digit
    assert _ids(_run(database, connection_id, payload))[0][2] == "intake_invalid_organization_number"


# ---- currency and country --------------------------------------------------------------------------------


@pytest.mark.parametrize("currency", ["XYZ", "KRO", "XAU", "XTS", "N0K", "NOKK"])
def test_currency_not_iso_4217_money_is_rejected_at_intake(
    database: Database, connection_id: int, currency: str
) -> None:
    report = _run(database, connection_id, _with_lines(_line("1", "100"), currency=currency))
    assert _ids(report) == [("invoices[1] F-1002", "currency", "intake_currency_unknown")]
    assert currency in report.rejections[0].message.nb


@pytest.mark.parametrize("currency", ["EUR", "sek", "USD", "XOF"])
def test_iso_4217_currencies_are_accepted(database: Database, connection_id: int, currency: str) -> None:
    assert _run(database, connection_id, _with_lines(_line("1", "100"), currency=currency)).all_accepted


def test_country_code_must_exist(database: Database, connection_id: int) -> None:
    payload = small_payload()
    payload["customers"][0]["countryCode"] = "ZZ"
    payload["customers"][1]["countryCode"] = "se"
    report = _run(database, connection_id, payload)
    assert ("customers[0] 10001", "countryCode", "intake_country_unknown") in _ids(report)
    assert report.counts["customers"].created == 1


# ---- totals ------------------------------------------------------------------------------------------


def test_negative_total_is_a_credit_note_not_an_invoice(database: Database, connection_id: int) -> None:
    report = _run(database, connection_id, _with_lines(_line("-1", "250")))
    assert _ids(report) == [("invoices[1] F-1002", None, "intake_invoice_total_negative")]
    message = report.rejections[0].message
    assert "-250.00 NOK" in message.nb and "kreditnota" in message.fix_nb and "credit note" in message.fix_en


def test_zero_total_is_rejected(database: Database, connection_id: int) -> None:
    report = _run(database, connection_id, _with_lines(_line("1", "100"), _line("1", "-100")))
    assert _ids(report) == [("invoices[1] F-1002", None, "intake_invoice_total_zero")]
    report = _run(database, connection_id, _with_lines(_line("1", "100", discount="100")))
    assert _ids(report) == [("invoices[1] F-1002", None, "intake_invoice_total_zero")]


def test_a_credit_line_on_a_positive_invoice_is_fine(database: Database, connection_id: int) -> None:
    report = _run(database, connection_id, _with_lines(_line("2", "100"), _line("-1", "50")))
    assert report.all_accepted


# ---- limits ------------------------------------------------------------------------------------------


def test_default_limits_reject_what_no_real_invoice_has(database: Database, connection_id: int) -> None:
    payload = small_payload()
    base = payload["invoices"][1]
    payload["invoices"][1:] = [
        dict(base, number="BIG-TOTAL", lines=[_line("20", "6000000")]),  # 120 million
        dict(base, number="BIG-QTY", lines=[_line("200000000", "0.01")]),
        dict(base, number="BIG-PRICE", lines=[_line("-1", "200000000"), _line("1", "200000001")]),
        dict(base, number="JUST-UNDER", lines=[_line("1", "100000000")]),
    ]
    report = _run(database, connection_id, payload)
    assert _ids(report) == [
        ("invoices[1] BIG-TOTAL", None, "intake_invoice_total_too_large"),
        ("invoices[2] BIG-QTY", "lines[0].quantity", "intake_limit_exceeded"),
        ("invoices[3] BIG-PRICE", "lines[0].unitPrice", "intake_limit_exceeded"),
        ("invoices[3] BIG-PRICE", "lines[1].unitPrice", "intake_limit_exceeded"),
    ]
    assert "120000000.00 NOK" in report.rejections[0].message.en
    assert "txbridge import-limits --max-invoice-total" in report.rejections[0].message.fix_en
    assert report.counts["invoices"].created == 2


def test_limits_are_set_per_connection_and_kept(database: Database, connection_id: int) -> None:
    assert intake_limits(database, connection_id) == IntakeLimits()
    changed = set_intake_limits(database, connection_id, max_invoice_total=Decimal("250000000"))
    assert changed == IntakeLimits(max_invoice_total=Decimal("250000000"))
    with database.session() as session:
        stored = session.get(Connection, connection_id)
        assert stored is not None and stored.intake_limits == {"max_invoice_total": "250000000"}
    set_intake_limits(database, connection_id, max_quantity=Decimal("20"))
    assert intake_limits(database, connection_id) == IntakeLimits(
        max_invoice_total=Decimal("250000000"), max_quantity=Decimal("20")
    )
    payload = _with_lines(_line("20", "6000000"))
    payload["invoices"][0]["lines"][0]["quantity"] = "21"
    report = _run(database, connection_id, payload)
    # 120 million now passes; a quantity of 21 does not.
    assert _ids(report) == [("invoices[0] F-1001", "lines[0].quantity", "intake_limit_exceeded")]
    assert set_intake_limits(database, connection_id, reset=True) == IntakeLimits()
    with database.session() as session:
        stored = session.get(Connection, connection_id)
        assert stored is not None and stored.intake_limits is None


@pytest.mark.parametrize("value", [Decimal("0"), Decimal("-5"), Decimal("NaN")])
def test_a_limit_must_be_positive(database: Database, connection_id: int, value: Decimal) -> None:
    with pytest.raises(IntakeLimitError) as info:
        set_intake_limits(database, connection_id, max_unit_price=value)
    assert info.value.message.id == "intake_limit_invalid"
    assert intake_limits(database, connection_id) == IntakeLimits()


def test_limits_of_an_unknown_connection(database: Database) -> None:
    with pytest.raises(ConnectionNotFoundError):
        intake_limits(database, 4242)
    with pytest.raises(ConnectionNotFoundError):
        set_intake_limits(database, 4242, max_quantity=Decimal("1"))


def test_stored_limits_ignore_names_a_later_version_dropped() -> None:
    assert IntakeLimits.from_stored({"max_quantity": "5", "max_lines": "3"}) == IntakeLimits(
        max_quantity=Decimal("5")
    )
    assert copy.copy(IntakeLimits()).to_stored() is None
