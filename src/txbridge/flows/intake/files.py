"""Reading import files: JSON (all kinds in one object) and CSV (one flat list per file).

A file is refused as a whole only when it cannot be read at all (not text, not JSON, no header, too
big, nested too deep); everything else is a problem of one item, carried to the importer with the
item (see :data:`PROBLEMS_KEY`) so the rest of the file goes on."""

from __future__ import annotations

import codecs
import csv
import errno
import io
import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from txbridge.catalog import Bilingual, Message, render

#: The kinds of items, in the order they are imported (references point backwards in this list).
KINDS: tuple[str, ...] = ("productClasses", "customers", "products", "invoices", "daySales", "hours")

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
    "daysales": "daySales",
    "day-sales": "daySales",
    "day_sales": "daySales",
    "daysale": "daySales",
    "hours": "hours",
    "hour": "hours",
    "timesheet": "hours",
}

#: CSV invoice columns that belong to the invoice; the others describe one line each.
INVOICE_COLUMNS = (
    "number",
    "invoiceDate",
    "dueDate",
    "customerNumber",
    "currency",
    "pricesIncludeVat",
    "status",
    "comment",
    "tripletexInvoiceNumber",
)
#: CSV day-sale columns that belong to the day (one Z-report); the others describe one line each.
DAY_SALE_COLUMNS = ("hostId", "location", "date")

#: A file bigger than this is refused before it is read (the whole file is held in memory).
MAX_FILE_BYTES = 64 * 1024 * 1024
#: JSON nesting deeper than this is refused: the format needs 4 (object, list, invoice, lines, line).
MAX_JSON_DEPTH = 16

#: Keys the reader adds to a raw item (never in the import format; the importer takes them out).
#: ``__rows__``: the CSV row of the item, or of each invoice line. ``__problems__``: what is wrong
#: with the item as a whole (:class:`Problem`), found while reading.
ROWS_KEY = "__rows__"
PROBLEMS_KEY = "__problems__"
#: A list element that is not an object (JSON): the importer rejects it with its position.
INVALID_KEY = "__invalid__"

RawItems = dict[str, list[dict[str, Any]]]

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
#: Shown to the user, in the order the rule tries them.
ENCODING_NAMES = {
    "utf-8-sig": "UTF-8 (BOM)",
    "utf-16": "UTF-16 (BOM)",
    "utf-8": "UTF-8",
    "cp1252": "Windows-1252",
}


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with one item found while reading the file: a catalog id and its parameters
    (without ``item``, which the importer fills in)."""

    field: str | None
    message_id: str
    params: Mapping[str, object]


@dataclass(frozen=True, slots=True)
class IntakeFile:
    """What :func:`read_file` found: the items by kind and the encoding the text was read in."""

    items: RawItems
    #: A key of :data:`ENCODING_NAMES`.
    encoding: str

    @property
    def encoding_name(self) -> str:
        return ENCODING_NAMES[self.encoding]


class IntakeFileError(Exception):
    """The file cannot be read as an import file (not text, bad JSON/CSV, wrong shape, unknown kind)."""

    def __init__(self, message_id: str, /, **params: object) -> None:
        self.message: Message = render(message_id, **params)
        super().__init__(str(self.message))


def kind_name(value: str) -> str:
    """``customers``, ``product-classes`` … → the canonical kind; ValueError if unknown."""
    try:
        return _KIND_NAMES[value.strip().lower()]
    except KeyError:
        raise ValueError(f"unknown kind {value!r}; use one of {', '.join(KINDS)}") from None


def decode(data: bytes, source: str = "<file>") -> tuple[str, str]:
    """The text and the encoding, by a fixed rule: a UTF-8 or UTF-16 byte-order mark says which; else
    UTF-8 if the bytes are valid UTF-8; else Windows-1252 (Norwegian Excel's «CSV»). No guessing from
    statistics, so the same bytes always read the same way."""
    if data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif data.startswith(_UTF16_BOMS):
        encoding = "utf-16"
    else:
        try:
            return _text_only(data.decode("utf-8"), source), "utf-8"
        except UnicodeDecodeError:
            encoding = "cp1252"
    try:
        return _text_only(data.decode(encoding), source), encoding
    except UnicodeDecodeError as exc:
        # UTF-16 with an odd byte, or one of the five bytes Windows-1252 leaves undefined.
        raise IntakeFileError(
            "intake_file_not_text", path=source, encoding=ENCODING_NAMES[encoding], offset=exc.start + 1
        ) from None


def _text_only(text: str, source: str) -> str:
    nul = text.find("\x00")
    if nul >= 0:
        # A text file never holds NUL: this is a binary file (or UTF-16 without its mark).
        raise IntakeFileError("intake_file_binary", path=source, offset=nul + 1)
    return text


def read_file(path: Path, kind: str | None = None, *, max_bytes: int = MAX_FILE_BYTES) -> IntakeFile:
    """Items by kind from a ``.json`` or ``.csv`` file (by extension; CSV also for ``.txt``)."""
    source = str(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise IntakeFileError(
                "intake_file_too_large", path=source, size=_megabytes(size), limit=_megabytes(max_bytes)
            )
        with path.open("rb") as stream:
            # Read at most one byte past the limit: the file may have grown since stat().
            data = stream.read(max_bytes + 1)
    except OSError as exc:
        raise IntakeFileError("intake_file_unreadable", path=source, reason=_os_reason(exc)) from None
    if len(data) > max_bytes:
        raise IntakeFileError(
            "intake_file_too_large", path=source, size=_megabytes(len(data)), limit=_megabytes(max_bytes)
        )
    text, encoding = decode(data, source)
    del data
    try:
        if path.suffix.lower() == ".json":
            return IntakeFile(parse_json(text, source, kind), encoding)
        return IntakeFile(parse_csv(text, source, kind), encoding)
    except MemoryError:
        # Below the size limit but still too much for this machine: refuse, do not crash.
        reason = Bilingual("for lite minne til å lese den", "not enough memory to read it")
        raise IntakeFileError("intake_bad_file", path=source, reason=reason) from None


def load_file(path: Path, kind: str | None = None) -> RawItems:
    """The items of :func:`read_file`, without the encoding."""
    return read_file(path, kind).items


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


_OS_REASONS = {
    errno.ENOENT: Bilingual("filen finnes ikke", "the file does not exist"),
    errno.EACCES: Bilingual("ingen lesetilgang", "permission denied"),
    errno.EPERM: Bilingual("ingen lesetilgang", "permission denied"),
    errno.EISDIR: Bilingual("det er en mappe", "it is a folder"),
}


def _os_reason(exc: OSError) -> Bilingual:
    if isinstance(exc, IsADirectoryError):
        return _OS_REASONS[errno.EISDIR]
    found = _OS_REASONS.get(exc.errno or 0)
    if found is not None:
        return found
    name = errno.errorcode.get(exc.errno or 0, exc.__class__.__name__)
    return Bilingual(f"feil fra operativsystemet ({name})", f"error from the operating system ({name})")


# ---- JSON ---------------------------------------------------------------------------------------------


def parse_json(text: str, source: str = "<json>", kind: str | None = None) -> RawItems:
    try:
        # Decimal keeps amounts exact: 0.1 stays 0.1, never 0.1000000000000000055.
        document = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise IntakeFileError("intake_json_invalid", path=source, line=exc.lineno, column=exc.colno) from None
    except RecursionError:
        # The parser gives up long before memory does; say so instead of a traceback.
        raise IntakeFileError("intake_file_too_deep", path=source, limit=MAX_JSON_DEPTH) from None
    except ValueError:
        # Python refuses integers of more than 4,300 digits (a guard against slow conversion).
        reason = Bilingual("et tall har for mange sifre", "a number has too many digits")
        raise IntakeFileError("intake_bad_file", path=source, reason=reason) from None
    if _depth(document) > MAX_JSON_DEPTH:
        raise IntakeFileError("intake_file_too_deep", path=source, limit=MAX_JSON_DEPTH)
    if isinstance(document, list):
        if kind is None:
            raise IntakeFileError("intake_json_list_needs_kind", path=source)
        return {_kind_or_error(kind, source): _objects(document, source)}
    if not isinstance(document, dict):
        raise IntakeFileError("intake_json_shape", path=source)
    unknown = set(document) - set(KINDS)
    if unknown:
        raise IntakeFileError(
            "intake_json_unknown_kinds",
            path=source,
            keys=", ".join(sorted(str(key) for key in unknown)),
            allowed=", ".join(KINDS),
        )
    return {name: _objects(document.get(name, []), source) for name in KINDS if name in document}


def _depth(document: Any) -> int:
    """How deeply lists and objects nest (iteratively: a deep document must not exhaust the stack)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            deepest = max(deepest, depth)
            if depth <= MAX_JSON_DEPTH:
                stack.extend((child, depth + 1) for child in value if isinstance(child, (dict, list)))
    return deepest


def _objects(value: Any, source: str) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise IntakeFileError("intake_json_shape", path=source)
    # Non-objects are kept: the importer rejects them one by one with their position.
    return [item if isinstance(item, dict) else {INVALID_KEY: item} for item in value]


def _kind_or_error(kind: str, source: str) -> str:
    try:
        return kind_name(kind)
    except ValueError:
        raise IntakeFileError(
            "intake_kind_unknown", path=source, value=kind, allowed=", ".join(KINDS)
        ) from None


def detect_kind(header: list[str]) -> str | None:
    """Guess the kind of a CSV file from its header."""
    columns = set(header)
    if {"hostId", "location"} <= columns:
        return "daySales"
    if "invoiceDate" in columns:
        return "invoices"
    if "hours" in columns and "date" in columns:
        return "hours"
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


# ---- CSV ----------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Row:
    """One data row: its number as a spreadsheet shows it (the header is row 1) and its cells."""

    number: int
    cells: dict[str, str]
    problems: list[Problem] = field(default_factory=list)


def parse_csv(text: str, source: str = "<csv>", kind: str | None = None) -> RawItems:
    """A flat list: one row per item (invoices: one row per line, invoice columns repeated)."""
    if not text.strip():
        raise IntakeFileError("intake_csv_empty", path=source)
    try:
        dialect: Any = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect=dialect)
    rows: list[_Row] = []
    try:
        header = [name.strip() for name in next(reader)]
        if not all(header) or len(set(header)) != len(header):
            raise IntakeFileError("intake_csv_header_invalid", path=source, columns=", ".join(header))
        found = _kind_or_error(kind, source) if kind else detect_kind(header)
        if found is None:
            raise IntakeFileError("intake_csv_kind_unclear", path=source, columns=", ".join(header))
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue  # a blank row separates nothing and is no item
            rows.append(_row(number, header, cells))
    except csv.Error:
        raise IntakeFileError("intake_csv_invalid", path=source, row=reader.line_num) from None
    if found == "invoices":
        return {found: _group_rows(rows, "number", INVOICE_COLUMNS, _INVOICE_PROBLEMS)}
    if found == "daySales":
        return {found: _group_rows(rows, "hostId", DAY_SALE_COLUMNS, _DAY_SALE_PROBLEMS)}
    return {found: [_item(row.cells, [row.number], row.problems) for row in rows]}


def _row(number: int, header: list[str], cells: list[str]) -> _Row:
    # Empty cells mean "not given", so defaults apply.
    row = _Row(
        number, {name: cell.strip() for name, cell in zip(header, cells, strict=False) if cell.strip()}
    )
    if len(cells) != len(header):
        # A cell too many or too few shifts values into the wrong columns: never guess which.
        params = {"row": number, "cells": len(cells), "columns": len(header)}
        row.problems.append(Problem(None, "intake_csv_cell_count", params))
    return row


def _item(cells: Mapping[str, Any], rows: list[int], problems: list[Problem]) -> dict[str, Any]:
    item: dict[str, Any] = {**cells, ROWS_KEY: rows}
    if problems:
        item[PROBLEMS_KEY] = problems
    return item


#: The problems of a grouped CSV item: (rows that disagree, a key on rows that are not together).
_INVOICE_PROBLEMS = ("intake_csv_rows_disagree", "intake_csv_invoice_split")
_DAY_SALE_PROBLEMS = ("daysales_csv_rows_disagree", "daysales_csv_split")


def _group_rows(
    rows: list[_Row], key: str, item_columns: tuple[str, ...], problem_ids: tuple[str, str]
) -> list[dict[str, Any]]:
    """One item (an invoice, a day) per run of adjacent rows with the same ``key``. Rows of one item
    must agree on every item column; a key in two runs is two items with one key. Either way the
    item is rejected naming the rows: merging would write an item nobody wrote."""
    disagree_id, split_id = problem_ids
    runs: list[list[_Row]] = []
    for row in rows:
        value = row.cells.get(key)
        if runs and value is not None and runs[-1][0].cells.get(key) == value:
            runs[-1].append(row)
        else:
            runs.append([row])
    runs_of_key: dict[str, list[list[_Row]]] = defaultdict(list)
    for run in runs:
        value = run[0].cells.get(key)
        if value is not None:
            runs_of_key[value].append(run)
    items = []
    for run in runs:
        problems = [problem for row in run for problem in row.problems]
        problems.extend(_disagreements(run, item_columns, disagree_id))
        value = run[0].cells.get(key)
        if value is not None and len(runs_of_key[value]) > 1:
            all_rows = [row.number for other in runs_of_key[value] for row in other]
            problems.append(Problem(key, split_id, {"rows": _row_list(all_rows)}))
        header = {name: cell for name, cell in run[0].cells.items() if name in item_columns}
        lines = [{name: cell for name, cell in row.cells.items() if name not in item_columns} for row in run]
        item = _item(header, [row.number for row in run], problems)
        item["lines"] = lines
        items.append(item)
    return items


def _disagreements(run: list[_Row], item_columns: tuple[str, ...], message_id: str) -> list[Problem]:
    problems = []
    for column in item_columns:
        values = [row.cells.get(column, "") for row in run]
        if len(set(values)) > 1:
            distinct = list(dict.fromkeys(values))
            shown = " / ".join(f"«{value}»" for value in distinct)
            params = {"rows": _row_list([row.number for row in run]), "column": column, "values": shown}
            problems.append(Problem(column, message_id, params))
    return problems


def _row_list(numbers: list[int]) -> str:
    return ", ".join(str(number) for number in numbers)
