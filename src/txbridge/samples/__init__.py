"""Shipped sample data: ``demo.json`` (the month of invoices `make demo` exports) and ``invalid.json``
(a few items the intake rejects, to show per-item rejection). Regenerate ``demo.json`` with
``python -m txbridge.samples.generate``; see README.md in this directory for its deliberate defects."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from txbridge.samples.generate import DemoDefects

SAMPLES_DIR = Path(__file__).parent
#: The accounting period the demo sample's invoices belong to (all but one deliberate defect).
DEMO_PERIOD = "2026-10"


def demo_path() -> Path:
    return SAMPLES_DIR / "demo.json"


def invalid_path() -> Path:
    return SAMPLES_DIR / "invalid.json"


def demo_defects() -> DemoDefects:
    """Which invoices, customers and accounts of ``demo.json`` are deliberately wrong."""
    from txbridge.samples.generate import demo_defects as build_defects

    return build_defects()


__all__ = ["DEMO_PERIOD", "SAMPLES_DIR", "demo_defects", "demo_path", "invalid_path"]
