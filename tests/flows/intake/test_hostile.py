"""Hostile and broken files: a clear refusal (one catalog message), never a traceback, never the
process taken down."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from txbridge.flows.intake import IntakeFileError, import_data, read_file
from txbridge.flows.intake.files import MAX_JSON_DEPTH, decode, parse_csv, parse_json
from txbridge.store import Database


def test_json_nested_beyond_what_the_parser_survives(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
    with pytest.raises(IntakeFileError) as info:
        read_file(path)
    assert info.value.message.id == "intake_file_too_deep"


def test_json_nested_deeper_than_the_format_needs(tmp_path: Path) -> None:
    deep: Any = "x"
    for _ in range(MAX_JSON_DEPTH):
        deep = {"a": deep}
    document = {"customers": [{"number": 1, "name": deep}]}
    with pytest.raises(IntakeFileError) as info:
        parse_json(json.dumps(document), "deep.json")
    assert info.value.message.id == "intake_file_too_deep"
    assert str(MAX_JSON_DEPTH) in info.value.message.en


def test_the_import_format_is_well_inside_the_depth_limit() -> None:
    document = {"invoices": [{"number": "F-1", "lines": [{"description": {"a": [1]}}]}]}
    assert parse_json(json.dumps(document))["invoices"][0]["number"] == "F-1"


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(b"number;name\n" + b"1;A\n" * 1000)
    with pytest.raises(IntakeFileError) as info:
        read_file(path, max_bytes=1024)
    assert info.value.message.id == "intake_file_too_large"
    assert read_file(path, max_bytes=10_000).items["customers"][0]["name"] == "A"


def test_integers_python_refuses_to_convert(tmp_path: Path) -> None:
    with pytest.raises(IntakeFileError) as info:
        parse_json('{"customers": [{"number": ' + "9" * 5000 + "}]}")
    assert info.value.message.id == "intake_bad_file"


def test_a_folder_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(IntakeFileError) as info:
        read_file(tmp_path)
    assert info.value.message.id == "intake_file_unreadable"
    assert "mappe" in info.value.message.nb


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400), st.sampled_from([".json", ".csv"]))
def test_any_bytes_read_or_refused_never_a_traceback(data: bytes, suffix: str) -> None:
    try:
        text = decode(data)[0]
        parse_json(text) if suffix == ".json" else parse_csv(text, kind="invoices")
    except IntakeFileError as exc:
        assert exc.message.id.startswith("intake_")


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20) | st.decimals(allow_nan=False),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
_FIELDS = st.sampled_from(
    [
        "number",
        "name",
        "invoiceDate",
        "dueDate",
        "customerNumber",
        "lines",
        "quantity",
        "unitPrice",
        "vatCode",
        "currency",
        "organizationNumber",
        "isPrivatePerson",
        "code",
        "accountNumber",
        "discount",
        "lineNo",
        # The keys the CSV reader notes rows and problems under: from a JSON file they are just fields.
        "__rows__",
        "__problems__",
        "__invalid__",
    ]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.sampled_from(["productClasses", "customers", "products", "invoices"]),
    st.lists(st.dictionaries(_FIELDS, _JSON, max_size=8), min_size=1, max_size=4),
)
def test_any_items_are_imported_or_rejected_never_a_traceback(
    database: Database, connection_id: int, kind: str, items: list[dict[str, Any]]
) -> None:
    report = import_data(database, connection_id, {kind: items})
    counts = report.counts[kind]
    assert counts.accepted + counts.rejected == len(items)
    for rejection in report.rejections:
        assert rejection.message.id.startswith("intake_")
        assert "Input should" not in rejection.message.en


def test_reader_notes_cannot_be_forged_from_json(database: Database, connection_id: int) -> None:
    items = [
        {"number": 1, "name": "A", "__rows__": "2"},
        {"number": 2, "name": "B", "__problems__": [{"field": "x"}]},
        {"number": "x" * 10_000, "name": "C"},
    ]
    report = import_data(database, connection_id, {"customers": items})
    assert [(r.item[:16], r.field, r.message.id) for r in report.rejections] == [
        ("customers[0] 1", "__rows__", "intake_field_unknown"),
        ("customers[1] 2", "__problems__", "intake_field_unknown"),
        ("customers[2] xxx", "number", "intake_whole_number_invalid"),
    ]
    assert all(len(r.message.en) < 300 for r in report.rejections)  # a long value is cut short
