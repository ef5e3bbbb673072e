"""The export benchmarks' host data, kept with the test fixtures (``tests/fixtures/export_data.py``)
so tests never import from bench/."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.fixtures.export_data import CLASSES, PERIOD, VAT_RATES, generate

__all__ = ["CLASSES", "PERIOD", "VAT_RATES", "generate"]
