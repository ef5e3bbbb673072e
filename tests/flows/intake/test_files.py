from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError

from txbridge.flows.intake import IntakeFileError, InvoiceLineIn, detect_kind, kind_name, load_file
from txbridge.flows.intake.files import ROWS_KEY, parse_csv, parse_json
from txbridge.flows.intake.values import FieldProblem, read_decimal


def _fields(item: dict[str, object]) -> dict[str, object]:
    """An item as the import format has it, without the rows the CSV reader notes."""
    return {key: value for key, value in item.items() if key != ROWS_KEY}


def test_json_keeps_amounts_exact_and_rejects_unknown_keys() -> None:
    items = parse_json('{"products": [{"number": "A", "unitPrice": 0.1}]}')
    assert str(items["products"][0]["unitPrice"]) == "0.1"
    with pytest.raises(IntakeFileError) as info:
        parse_json('{"kunder": []}', "x.json")
    assert info.value.message.id == "intake_json_unknown_kinds"
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
            {"number": "10001", "name": "Fjord AS", "organizationNumber": "974760673", ROWS_KEY: [2]},
            {"number": "10002", "name": "Kari", "isPrivatePerson": "true", ROWS_KEY: [3]},
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
    assert first[ROWS_KEY] == [2, 3] and second[ROWS_KEY] == [4]
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


@pytest.mark.parametrize(
    ("text", "message_id"),
    [
        ("", "intake_csv_empty"),
        ("foo,bar\n1,2\n", "intake_csv_kind_unclear"),
        ("number,name,number\n1,A,2\n", "intake_csv_header_invalid"),
        ("number,,name\n1,,A\n", "intake_csv_header_invalid"),
    ],
)
def test_csv_problems_are_bad_files(text: str, message_id: str) -> None:
    with pytest.raises(IntakeFileError) as info:
        parse_csv(text, kind=None)
    assert info.value.message.id == message_id


def test_missing_file_is_a_bad_file(tmp_path: Path) -> None:
    with pytest.raises(IntakeFileError) as info:
        load_file(tmp_path / "missing.json")
    assert info.value.message.id == "intake_file_unreadable"
    assert "finnes ikke" in info.value.message.nb and "does not exist" in info.value.message.en


def test_load_file_by_extension(tmp_path: Path) -> None:
    path = tmp_path / "products.csv"
    path.write_text("number,name,vatCode\nA-1,Montasje,3\n", encoding="utf-8")
    assert load_file(path) == {
        "products": [{"number": "A-1", "name": "Montasje", "vatCode": "3", ROWS_KEY: [2]}]
    }
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
    assert invoice["lines"][1]["unitPrice"] == "1\u00a0000"  # read by the schema, as JSON text is


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("1 234,50", "1234.50"),
        ("1\u202f234,50", "1234.50"),
        ("1.234,50", "1234.50"),
        ("1,234.50", "1234.50"),
        ("1.234.567", "1234567"),
        ("1,234,567", "1234567"),
        ("-3,25", "-3.25"),
        ("100.00", "100.00"),
        ("2,5", "2.5"),
        ("0,125", "0.125"),  # thousands never follow a lone 0
        ("1234,567", "1234.567"),  # four digits before: not a thousands group
    ],
)
def test_read_decimal(written: str, read: str) -> None:
    assert read_decimal(written) == Decimal(read)


@pytest.mark.parametrize(
    ("written", "problem"),
    [
        ("1,234", "intake_number_ambiguous"),
        ("12.500", "intake_number_ambiguous"),
        ("12 kr", "intake_number_invalid"),
        ("12 34", "intake_number_invalid"),  # spaces only between groups of three
        ("1.23,4.5", "intake_number_invalid"),
        ("(100)", "intake_number_invalid"),
        ("NaN", "intake_number_invalid"),
        ("", "intake_number_invalid"),
    ],
)
def test_read_decimal_refuses_what_it_would_have_to_guess(written: str, problem: str) -> None:
    with pytest.raises(FieldProblem) as info:
        read_decimal(written)
    assert info.value.message_id == problem


def test_an_unreadable_amount_is_rejected_with_what_the_user_wrote() -> None:
    (invoice,) = parse_csv(
        "number;invoiceDate;dueDate;customerNumber;description;quantity;unitPrice;vatCode\n"
        "F-1;2026-10-01;2026-10-15;10001;Frakt;1;12 kr;3\n"
    )["invoices"]
    assert invoice["lines"][0]["unitPrice"] == "12 kr"
    with pytest.raises(ValidationError):
        InvoiceLineIn.model_validate(invoice["lines"][0])
