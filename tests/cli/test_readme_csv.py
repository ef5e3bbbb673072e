"""The README's CSV example reads as the README says: Norwegian amounts become plain decimals."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from txbridge.flows.intake.files import parse_csv
from txbridge.flows.intake.values import FieldProblem, read_decimal

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_csv_example_has_decimal_comma_amounts_that_read_as_documented() -> None:
    text = README.read_text(encoding="utf-8")
    blocks = re.findall(r"```csv\n(.*?)```", text, flags=re.DOTALL)
    assert blocks, "the README shows a CSV example"
    (invoice,) = parse_csv(blocks[0], "README.md")["invoices"]
    lines = invoice["lines"]
    assert [read_decimal(line["unitPrice"]) for line in lines] == [Decimal("1234.50"), Decimal("1234.50")]
    assert [read_decimal(line["quantity"]) for line in lines] == [Decimal("1.5"), Decimal("2")]
    # The forms the README names, each as it says.
    for written in ("1 234,50", "1.234,50", "1234,50", "1234.50", "1,234.50"):
        assert f"`{written}`" in text and read_decimal(written) == Decimal("1234.50")
    assert "(`1,234`, `12.500`) could be a thousands separator or a decimal sign" in text
    for ambiguous in ("1,234", "12.500"):
        with pytest.raises(FieldProblem):
            read_decimal(ambiguous)
