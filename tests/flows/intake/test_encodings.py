"""Files as Norwegian Excel saves them: Windows-1252 («CSV (semikolondelt)»), UTF-8 with BOM
(«CSV UTF-8») and UTF-16 with BOM («Unicode-tekst», tab-separated), each with æøå, – and €."""

from __future__ import annotations

import codecs
from decimal import Decimal
from pathlib import Path

import pytest

from tests.flows.intake.conftest import small_payload
from txbridge.flows.intake import IntakeFileError, import_data, import_file, read_file
from txbridge.flows.intake.files import decode
from txbridge.store import Database, queries

FIXTURES = Path(__file__).parent / "fixtures"
FIRST_LINE = "Montering av skap på kjøkken – Bærum"


@pytest.mark.parametrize(
    ("name", "encoding"),
    [
        ("excel-windows-1252.csv", "Windows-1252"),
        ("excel-utf8-bom.csv", "UTF-8 (BOM)"),
        ("excel-utf16-bom.txt", "UTF-16 (BOM)"),
    ],
)
def test_excel_files_read_with_norwegian_letters_intact(name: str, encoding: str) -> None:
    loaded = read_file(FIXTURES / name)
    assert loaded.encoding_name == encoding
    first, second = loaded.items["invoices"]
    assert [line["description"] for line in first["lines"]] == [FIRST_LINE, "Reisetillegg 50 €"]
    assert first["comment"] == "Takk for oppdraget, hilsen Ærlige Øyvind"
    assert second["lines"][0]["description"] == "Blåbærsyltetøy"
    assert "number" in first  # the BOM is not glued to the first column's name


@pytest.mark.parametrize("name", ["excel-windows-1252.csv", "excel-utf8-bom.csv", "excel-utf16-bom.txt"])
def test_excel_files_import_with_norwegian_dates_and_amounts(
    name: str, database: Database, connection_id: int
) -> None:
    payload = small_payload()
    assert import_data(database, connection_id, {"customers": payload["customers"]}).all_accepted
    report = import_file(database, connection_id, FIXTURES / name)
    assert report.all_accepted, report.rejections
    assert report.counts["invoices"].created == 2
    with database.session() as session:
        invoice = queries.invoice_by_number(session, connection_id, "F-2001")
        assert invoice is not None
        assert invoice.invoice_date.isoformat() == "2026-10-05" and invoice.prices_include_vat is False
        assert invoice.lines[0].description == FIRST_LINE
        assert (invoice.lines[0].quantity, invoice.lines[0].unit_price) == (
            Decimal("2.5"),
            Decimal("1234.50"),
        )
        other = queries.invoice_by_number(session, connection_id, "F-2002")
        assert other is not None and other.prices_include_vat is True


@pytest.mark.parametrize(
    ("data", "text", "encoding"),
    [
        ("blåbær".encode(), "blåbær", "utf-8"),
        (codecs.BOM_UTF8 + "blåbær".encode(), "blåbær", "utf-8-sig"),
        ("blåbær".encode("utf-16-be").join([codecs.BOM_UTF16_BE, b""]), "blåbær", "utf-16"),
        ("blåbær".encode("cp1252"), "blåbær", "cp1252"),
        # Valid UTF-8 stays UTF-8 even where Windows-1252 would also read it (as «Ã¦»): the rule
        # is fixed, not a guess from statistics.
        ("æ".encode(), "æ", "utf-8"),
    ],
)
def test_decode_rule(data: bytes, text: str, encoding: str) -> None:
    assert decode(data) == (text, encoding)


def test_bytes_no_encoding_reads_are_refused_naming_the_offset() -> None:
    # 0x81 is one of the five bytes Windows-1252 leaves undefined.
    with pytest.raises(IntakeFileError) as info:
        decode(b"number;name\n1;A\x81S\n", "kunder.csv")
    assert info.value.message.id == "intake_file_not_text"
    assert "Windows-1252" in info.value.message.nb and "byte 16 " in info.value.message.en  # counted from 1


def test_utf16_without_bom_and_binary_files_are_not_text() -> None:
    with pytest.raises(IntakeFileError) as info:
        decode("number;name\n".encode("utf-16-le"), "kunder.csv")
    assert info.value.message.id == "intake_file_binary"
    with pytest.raises(IntakeFileError) as info:
        decode(b"PK\x03\x04\x14\x00\x06\x00", "kunder.xlsx")
    assert info.value.message.id == "intake_file_binary"
    assert "xlsx" in info.value.message.cause_nb
