"""Reading import files: JSON (all kinds in one object) and CSV (one flat list per file)."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from txbridge.catalog import Message, render

#: The kinds of items, in the order they are imported (references point backwards in this list).
KINDS: tuple[str, ...] = ("productClasses", "customers", "products", "invoices")

_KIND_NAMES = {
    "productclasses": "productClasses",
    "productclass": "productClasses",
    "product-classes": "productClasses",
    "product_classes": "productClasses",
    "customers": "customers",
    "customer": "customers",
    "products": "products",
    "product": "products",
    "invoices": "invoices",
    "invoice": "invoices",
}

#: CSV invoice columns that belong to the invoice; the others describe one line each.
INVOICE_COLUMNS = frozenset(
    {
        "number",
        "invoiceDate",
        "dueDate",
        "customerNumber",
        "currency",
        "pricesIncludeVat",
        "status",
        "comment",
        "tripletexInvoiceNumber",
    }
)

#: CSV columns holding decimals, where Norwegian spreadsheets write ``1 234,50`` (see
#: :func:`plain_decimal`); JSON carries numbers and needs none of this.
DECIMAL_COLUMNS = frozenset({"quantity", "unitPrice", "discount"})
_PLAIN_DECIMAL = re.compile(r"^[+-]?\d+(\.\d+)?$")

RawItems = dict[str, list[dict[str, Any]]]


class IntakeFileError(Exception):
    """The file cannot be read as an import file (bad JSON/CSV, wrong shape, unknown kind)."""

    def __init__(self, path: str, reason: str) -> None:
        self.message: Message = render("intake_bad_file", path=path, reason=reason)
        super().__init__(str(self.message))


def kind_name(value: str) -> str:
    """``customers``, ``product-classes`` … → the canonical kind; ValueError if unknown."""
    try:
        return _KIND_NAMES[value.strip().lower()]
    except KeyError:
        raise ValueError(f"unknown kind {value!r}; use one of {', '.join(KINDS)}") from None


def load_file(path: Path, kind: str | None = None) -> RawItems:
    """Items by kind from a ``.json`` or ``.csv`` file (by extension; CSV also for ``.txt``)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise IntakeFileError(str(path), exc.__class__.__name__ + ": " + str(exc)) from None
    if path.suffix.lower() == ".json":
        return parse_json(text, str(path), kind)
    return parse_csv(text, str(path), kind)


def parse_json(text: str, source: str = "<json>", kind: str | None = None) -> RawItems:
    try:
        # Decimal keeps amounts exact: 0.1 stays 0.1, never 0.1000000000000000055.
        document = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise IntakeFileError(source, f"invalid JSON: {exc}") from None
    if isinstance(document, list):
        if kind is None:
            raise IntakeFileError(source, "a JSON list needs --kind")
        return {_kind_or_error(kind, source): _objects(document, source)}
    if not isinstance(document, dict):
        raise IntakeFileError(
            source, "expected a JSON object with customers/productClasses/products/invoices"
        )
    unknown = set(document) - set(KINDS)
    if unknown:
        raise IntakeFileError(source, f"unknown keys {sorted(unknown)}; expected {list(KINDS)}")
    return {name: _objects(document.get(name, []), source) for name in KINDS if name in document}


def _objects(value: Any, source: str) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise IntakeFileError(source, "each kind must be a list of objects")
    # Non-objects are kept: the importer rejects them one by one with their position.
    return [item if isinstance(item, dict) else {"__invalid__": item} for item in value]


def _kind_or_error(kind: str, source: str) -> str:
    try:
        return kind_name(kind)
    except ValueError as exc:
        raise IntakeFileError(source, str(exc)) from None


def detect_kind(header: list[str]) -> str | None:
    """Guess the kind of a CSV file from its header."""
    columns = set(header)
    if "invoiceDate" in columns:
        return "invoices"
    if "accountNumber" in columns or ("code" in columns and "number" not in columns):
        return "productClasses"
    if "vatCode" in columns:
        return "products"
    if columns & {"organizationNumber", "isPrivatePerson", "email", "invoiceEmail"} or columns == {
        "number",
        "name",
    }:
        return "customers"
    return None


def parse_csv(text: str, source: str = "<csv>", kind: str | None = None) -> RawItems:
    """A flat list: one row per item (invoices: one row per line, invoice columns repeated)."""
    if not text.strip():
        raise IntakeFileError(source, "the file is empty")
    try:
        dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [name.strip() for name in (reader.fieldnames or [])]
    if not header or len(set(header)) != len(header):
        raise IntakeFileError(source, "missing or repeated column names in the header")
    found = _kind_or_error(kind, source) if kind else detect_kind(header)
    if found is None:
        raise IntakeFileError(source, "cannot tell the kind from the header; give --kind")
    rows: list[dict[str, Any]] = []
    try:
        for raw in reader:
            if None in raw:
                raise IntakeFileError(source, f"row {reader.line_num} has more cells than the header")
            # Empty cells mean "not given", so defaults apply.
            row = {key.strip(): value.strip() for key, value in raw.items() if value and value.strip()}
            for column in DECIMAL_COLUMNS & row.keys():
                row[column] = plain_decimal(row[column])
            if row:
                rows.append(row)
    except csv.Error as exc:
        raise IntakeFileError(source, f"invalid CSV: {exc}") from None
    if found == "invoices":
        return {found: _group_invoice_rows(rows)}
    return {found: rows}


def plain_decimal(text: str) -> str:
    """``1 234,50`` (Norwegian: space or no-break space between thousands, decimal comma) and
    ``1,234.50`` both become ``1234.50``; a lone comma is the decimal sign. Anything that does not
    then read as a plain number comes back unchanged, so the rejection quotes what the user wrote."""
    compact = "".join(text.split())  # split() also takes the no-break spaces spreadsheets write
    comma, dot = compact.rfind(","), compact.rfind(".")
    if comma > dot:
        compact = (
            compact.replace(".", "").replace(",", ".") if dot >= 0 or compact.count(",") == 1 else compact
        )
    elif comma >= 0:
        compact = compact.replace(",", "")
    return compact if _PLAIN_DECIMAL.match(compact) else text


def _group_invoice_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    invoices: dict[str, dict[str, Any]] = {}
    for position, row in enumerate(rows):
        number = row.get("number", f"<row {position + 2}>")
        header = {key: value for key, value in row.items() if key in INVOICE_COLUMNS}
        line = {key: value for key, value in row.items() if key not in INVOICE_COLUMNS}
        invoice = invoices.setdefault(number, {**header, "lines": []})
        invoice["lines"].append(line)
    return list(invoices.values())
