from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError

from txbridge.flows.intake import IntakeFileError, InvoiceLineIn, detect_kind, kind_name, load_file
from txbridge.flows.intake.files import parse_csv, parse_json, plain_decimal


def test_json_keeps_amounts_exact_and_rejects_unknown_keys() -> None:
    items = parse_json('{"products": [{"number": "A", "unitPrice": 0.1}]}')
    assert str(items["products"][0]["unitPrice"]) == "0.1"
    with pytest.raises(IntakeFileError) as info:
        parse_json('{"kunder": []}', "x.json")
    assert info.value.message.id == "intake_bad_file"
    assert "x.json" in info.value.message.nb and "kunder" in info.value.message.en


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", '"text"', '{"customers": {"a": 1}}'])
def test_json_of_the_wrong_shape_is_a_bad_file(text: str) -> None:
    with pytest.raises(IntakeFileError):
        parse_json(text)


def test_json_list_with_kind() -> None:
    assert parse_json('[{"number": 1, "name": "A"}]', kind="customer") == {
        "customers": [{"number": 1, "name": "A"}]
    }


def test_csv_semicolons_empty_cells_and_kind_from_header() -> None:
    text = "number;name;organizationNumber;isPrivatePerson\n10001;Fjord AS;974760673;\n10002;Kari;;true\n"
    assert parse_csv(text) == {
        "customers": [
            {"number": "10001", "name": "Fjord AS", "organizationNumber": "974760673"},
            {"number": "10002", "name": "Kari", "isPrivatePerson": "true"},
        ]
    }


def test_csv_invoice_rows_grouped_into_invoices_with_lines() -> None:
    text = (
        "number,invoiceDate,dueDate,customerNumber,productNumber,quantity,unitPrice\n"
        "F-1,2026-10-01,2026-10-15,10001,A-1,2,100.00\n"
        "F-1,2026-10-01,2026-10-15,10001,M-1,1,50.00\n"
        "F-2,2026-10-02,2026-10-16,10002,A-1,1,100.00\n"
    )
    (first, second) = parse_csv(text)["invoices"]
    assert first["number"] == "F-1" and first["customerNumber"] == "10001"
    assert [line["productNumber"] for line in first["lines"]] == ["A-1", "M-1"]
    assert second["lines"] == [{"productNumber": "A-1", "quantity": "1", "unitPrice": "100.00"}]


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        (["code", "name", "accountNumber"], "productClasses"),
        (["number", "name", "vatCode", "productClassCode"], "products"),
        (["number", "name"], "customers"),
        (["number", "invoiceDate"], "invoices"),
        (["foo", "bar"], None),
    ],
)
def test_detect_kind(header: list[str], kind: str | None) -> None:
    assert detect_kind(header) == kind


def test_csv_problems_are_bad_files(tmp_path: Path) -> None:
    with pytest.raises(IntakeFileError):
        parse_csv("")
    with pytest.raises(IntakeFileError):
        parse_csv("foo,bar\n1,2\n")
    with pytest.raises(IntakeFileError):
        parse_csv("number,name\n1,A,extra\n")
    with pytest.raises(IntakeFileError):
        load_file(tmp_path / "missing.json")


def test_load_file_by_extension(tmp_path: Path) -> None:
    path = tmp_path / "products.csv"
    path.write_text("number,name,vatCode\nA-1,Montasje,3\n", encoding="utf-8")
    assert load_file(path) == {"products": [{"number": "A-1", "name": "Montasje", "vatCode": "3"}]}
    assert kind_name("Product-Classes") == "productClasses"
    with pytest.raises(ValueError):
        kind_name("vouchers")


def test_csv_norwegian_decimal_comma_and_thousands_spaces() -> None:
    # As a Norwegian spreadsheet saves it: semicolons, decimal comma, (no-break) space per thousand.
    text = (
        "number;invoiceDate;dueDate;customerNumber;productNumber;quantity;unitPrice;discount\n"
        "F-1;2026-10-01;2026-10-15;10001;A-1;2,5;1 234,50;12,5\n"
        "F-1;2026-10-01;2026-10-15;10001;M-1;1;1\u00a0000;0\n"
    )
    (invoice,) = parse_csv(text)["invoices"]
    first, second = (InvoiceLineIn.model_validate(line) for line in invoice["lines"])
    assert (first.quantity, first.unit_price, first.discount) == (
        Decimal("2.5"),
        Decimal("1234.50"),
        Decimal("12.5"),
    )
    assert second.unit_price == Decimal("1000")
    # Only decimal columns are touched: a product number with a comma stays as written.
    assert invoice["lines"][0]["productNumber"] == "A-1"


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("1 234,50", "1234.50"),
        ("1.234,50", "1234.50"),
        ("1,234.50", "1234.50"),
        ("-3,25", "-3.25"),
        ("100.00", "100.00"),
        ("1,234,567", "1,234,567"),  # ambiguous: left as written, so validation names it
        ("12 kr", "12 kr"),
    ],
)
def test_plain_decimal(written: str, read: str) -> None:
    assert plain_decimal(written) == read


def test_an_unreadable_amount_is_rejected_with_what_the_user_wrote() -> None:
    (invoice,) = parse_csv(
        "number;invoiceDate;dueDate;customerNumber;description;quantity;unitPrice;vatCode\n"
        "F-1;2026-10-01;2026-10-15;10001;Frakt;1;12 kr;3\n"
    )["invoices"]
    assert invoice["lines"][0]["unitPrice"] == "12 kr"
    with pytest.raises(ValidationError):
        InvoiceLineIn.model_validate(invoice["lines"][0])
