"""The CSV path is exactly as strict as JSON: rows of one invoice agree and stand together, and a
row that does not fit rejects its own item (naming row and column), never the file or a neighbour."""

from __future__ import annotations

import pytest

from tests.flows.intake.conftest import small_payload
from txbridge.flows.intake import ImportReport, IntakeFileError, import_data
from txbridge.flows.intake.files import parse_csv
from txbridge.store import Database, queries

HEADER = "number;invoiceDate;dueDate;customerNumber;currency;description;quantity;unitPrice;vatCode\n"


def _import_csv(database: Database, connection_id: int, text: str) -> ImportReport:
    payload = small_payload()
    assert import_data(database, connection_id, {"customers": payload["customers"]}).all_accepted
    return import_data(database, connection_id, parse_csv(text))


def _numbers(database: Database, connection_id: int, *numbers: str) -> list[str]:
    with database.session() as session:
        return [n for n in numbers if queries.invoice_by_number(session, connection_id, n) is not None]


def test_rows_of_one_number_apart_are_never_merged(database: Database, connection_id: int) -> None:
    text = HEADER + (
        "F-1;2026-10-01;2026-10-15;10001;NOK;Montasje;1;100;3\n"
        "F-2;2026-10-01;2026-10-15;10002;NOK;Frakt;1;50;3\n"
        "F-1;2026-10-01;2026-10-15;10001;NOK;Montasje;1;100;3\n"
    )
    report = _import_csv(database, connection_id, text)
    split = [r for r in report.rejections if r.message.id == "intake_csv_invoice_split"]
    assert [(r.item, r.rows) for r in split] == [("invoices[0] F-1", (2,)), ("invoices[2] F-1", (4,))]
    assert "2, 4" in split[0].message.nb and "2, 4" in split[0].message.en
    assert report.counts["invoices"].created == 1 and report.counts["invoices"].rejected == 2
    assert _numbers(database, connection_id, "F-1", "F-2") == ["F-2"]


def test_json_refuses_the_same_duplicates(database: Database, connection_id: int) -> None:
    # The JSON path's rule, for comparison: the same number twice rejects both, the rest goes in.
    payload = small_payload()
    payload["invoices"].append(dict(payload["invoices"][0]))
    report = import_data(database, connection_id, payload)
    assert [r.item for r in report.rejections] == ["invoices[0] F-1001", "invoices[2] F-1001"]
    assert report.counts["invoices"].created == 1


@pytest.mark.parametrize(
    ("column", "second_row"),
    [
        ("customerNumber", "F-1;2026-10-01;2026-10-15;10002;NOK;Frakt;1;50;3"),
        ("invoiceDate", "F-1;2026-10-02;2026-10-15;10001;NOK;Frakt;1;50;3"),
        ("currency", "F-1;2026-10-01;2026-10-15;10001;EUR;Frakt;1;50;3"),
        ("currency", "F-1;2026-10-01;2026-10-15;10001;;Frakt;1;50;3"),  # empty is not «the same»
    ],
)
def test_rows_that_disagree_reject_the_invoice_naming_rows_and_column(
    database: Database, connection_id: int, column: str, second_row: str
) -> None:
    text = HEADER + "F-1;2026-10-01;2026-10-15;10001;NOK;Montasje;1;100;3\n" + second_row + "\n"
    text += "F-2;2026-10-01;2026-10-15;10002;NOK;Frakt;1;50;3\n"
    report = _import_csv(database, connection_id, text)
    (rejection,) = report.rejections
    assert (rejection.item, rejection.field, rejection.message.id) == (
        "invoices[0] F-1",
        column,
        "intake_csv_rows_disagree",
    )
    assert rejection.rows == (2, 3)
    assert f"radene 2, 3 er samme faktura, men {column} er ulik" in rejection.message.nb
    assert f"rows 2, 3 are one invoice, but {column} differs" in rejection.message.en
    assert _numbers(database, connection_id, "F-1", "F-2") == ["F-2"]


@pytest.mark.parametrize("row", ["F-1;2026-10-01;2026-10-15;10001;NOK;Montasje;1;100;3;x", "F-1;2026-10-01"])
def test_a_row_with_too_many_or_too_few_cells_rejects_its_invoice_only(
    database: Database, connection_id: int, row: str
) -> None:
    text = HEADER + row + "\nF-2;2026-10-01;2026-10-15;10002;NOK;Frakt;1;50;3\n"
    report = _import_csv(database, connection_id, text)
    (rejection,) = report.rejections
    assert (rejection.item, rejection.message.id, rejection.rows) == (
        "invoices[0] F-1",
        "intake_csv_cell_count",
        (2,),
    )
    cells = row.count(";") + 1
    assert f"rad 2 har {cells} celler, men overskriften har 9" in rejection.message.nb
    assert _numbers(database, connection_id, "F-1", "F-2") == ["F-2"]


def test_customer_rows_that_do_not_fit_are_rejected_one_by_one(
    database: Database, connection_id: int
) -> None:
    text = "number;name;organizationNumber\n20001;Fjord; Bølge AS;974760673\n20002;Ørsta Sag AS;\n"
    report = import_data(database, connection_id, parse_csv(text))
    assert [(r.item, r.message.id) for r in report.rejections] == [
        ("customers[0] 20001", "intake_csv_cell_count")
    ]
    assert report.counts["customers"].created == 1


def test_unreadable_cells_name_row_and_column(database: Database, connection_id: int) -> None:
    text = HEADER + (
        "F-1;32.10.2026;2026-11-15;10001;NOK;Montasje;1;100;3\n"
        "F-2;2026-10-01;2026-10-15;10002;NOK;Montasje;1;100;3\n"
        "F-2;2026-10-01;2026-10-15;10002;NOK;Frakt;en;50;3\n"
        "F-3;2026-10-01;2026-10-15;10002;NOK;Frakt;1;50;3\n"
    )
    report = _import_csv(database, connection_id, text)
    found = {(r.item, r.field): r.message for r in report.rejections}
    date = found[("invoices[0] F-1", "invoiceDate")]
    assert date.id == "intake_date_invalid"
    assert date.nb == "invoices[0] F-1: invoiceDate (rad 2) «32.10.2026» er ikke en dato"
    assert date.en == "invoices[0] F-1: invoiceDate (row 2) «32.10.2026» is not a date"
    quantity = found[("invoices[1] F-2", "lines[1].quantity")]
    assert quantity.id == "intake_number_invalid"
    assert quantity.en == "invoices[1] F-2: quantity (row 4) «en» is not a number"
    assert _numbers(database, connection_id, "F-1", "F-2", "F-3") == ["F-3"]


def test_a_cell_beyond_what_csv_reads_refuses_the_file() -> None:
    with pytest.raises(IntakeFileError) as info:
        parse_csv("number;name\n1;" + "x" * 200_000 + "\n", "kunder.csv")
    assert info.value.message.id == "intake_csv_invalid"
