"""Exchange rates to NOK, as Tripletex takes them from Norges Bank.

Tripletex fetches Norges Bank's rates twice a day and uses, for a date, the newest rate published on or
before it (the spec's words for `/currency/{id}/exchangeRate`: «using the newest exchange rate
available for the given date»). The sandbox reads the same table offline from a snapshot in Norges
Bank's EXR CSV export (``data.norges-bank.no/api/data/EXR/B.EUR+USD….NOK.SP?format=csv``: semicolon
separated, one observation per row, ``UNIT_MULT`` 2 for currencies quoted per 100 units such as SEK and
DKK). The shipped snapshot, ``data/norges_bank_exr.csv``, is ILLUSTRATIVE: business days June–November
2026 at levels close to Norges Bank's published 2025 rates, generated for the sandbox, not real
quotes. Tests replace or extend it through the control API (``PUT /_sandbox/rates``), for every
company or for one company only.
"""

from __future__ import annotations

import bisect
import csv
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from importlib import resources
from typing import Any

from txbridge.sandbox.state import SandboxState

SNAPSHOT = "norges_bank_exr.csv"
COMPANY_CURRENCY = "NOK"
REQUIRED_COLUMNS = ("BASE_CUR", "QUOTE_CUR", "TIME_PERIOD", "OBS_VALUE")
_EXTENSION = "rates"


class RateFormatError(ValueError):
    """An EXR CSV the sandbox cannot read; the message names the line and the column."""


@dataclass(frozen=True, slots=True)
class Observation:
    """NOK for ``unit`` units of ``code`` on ``day`` (``unit`` is 10 ** UNIT_MULT)."""

    code: str
    day: date
    value: Decimal
    unit: int = 1

    @property
    def per_unit(self) -> Decimal:
        return self.value / self.unit

    def to_json(self) -> dict[str, Any]:
        return {
            "currency": self.code,
            "date": self.day.isoformat(),
            "rate": float(self.value),
            "unit": self.unit,
        }


@dataclass(slots=True)
class RateTable:
    """Observations per currency code, sorted by date."""

    series: dict[str, list[Observation]] = field(default_factory=dict)

    def add(self, observations: list[Observation]) -> None:
        """Add observations; one for a currency and date that is already there replaces it."""
        for obs in observations:
            rows = self.series.setdefault(obs.code, [])
            days = [o.day for o in rows]
            i = bisect.bisect_left(days, obs.day)
            if i < len(rows) and rows[i].day == obs.day:
                rows[i] = obs
            else:
                rows.insert(i, obs)

    def rate_on(self, code: str, day: date) -> Observation | None:
        """The newest observation on or before ``day`` (None: the currency has none that early)."""
        if code == COMPANY_CURRENCY:
            return Observation(code, day, Decimal(1))
        rows = self.series.get(code)
        if not rows:
            return None
        i = bisect.bisect_right([o.day for o in rows], day)
        return rows[i - 1] if i else None

    def observations(self) -> list[Observation]:
        return [o for code in sorted(self.series) for o in self.series[code]]

    def copy(self) -> RateTable:
        return RateTable({code: list(rows) for code, rows in self.series.items()})


def parse_exr_csv(text: str) -> list[Observation]:
    """Observations to NOK from Norges Bank's EXR CSV (semicolon or comma separated, header row)."""
    lines = text.lstrip("\ufeff").splitlines()
    if not lines:
        raise RateFormatError("empty CSV: expected Norges Bank's EXR header row")
    dialect = ";" if lines[0].count(";") >= lines[0].count(",") else ","
    reader = csv.DictReader(io.StringIO("\n".join(lines)), delimiter=dialect)
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise RateFormatError(f"line 1: missing column(s) {', '.join(missing)}")
    out: list[Observation] = []
    for number, row in enumerate(reader, start=2):
        if not any((v or "").strip() for v in row.values()):
            continue
        if (row.get("QUOTE_CUR") or "").strip() != COMPANY_CURRENCY:
            continue  # only rates to NOK are used
        out.append(_observation(row, number))
    return out


def _observation(row: dict[str, str], number: int) -> Observation:
    code = (row.get("BASE_CUR") or "").strip().upper()
    if len(code) != 3 or not code.isalpha():
        raise RateFormatError(f"line {number}: BASE_CUR {code!r} is not a currency code")
    try:
        day = date.fromisoformat((row.get("TIME_PERIOD") or "").strip())
    except ValueError:
        raise RateFormatError(f"line {number}: TIME_PERIOD is not a date (YYYY-MM-DD)") from None
    try:
        value = Decimal((row.get("OBS_VALUE") or "").strip().replace(",", "."))
        mult = int((row.get("UNIT_MULT") or "0").strip() or "0")
    except (InvalidOperation, ValueError):
        raise RateFormatError(f"line {number}: OBS_VALUE or UNIT_MULT is not a number") from None
    if value <= 0 or not 0 <= mult <= 4:
        raise RateFormatError(f"line {number}: OBS_VALUE must be positive, UNIT_MULT 0–4")
    return Observation(code, day, value, 10**mult)


def snapshot() -> RateTable:
    """The shipped snapshot (illustrative figures, see the module docstring)."""
    text = resources.files("txbridge.sandbox.data").joinpath(SNAPSHOT).read_text(encoding="utf-8")
    table = RateTable()
    table.add(parse_exr_csv(text))
    return table


@dataclass(slots=True)
class SandboxRates:
    """The sandbox's table, and per-company tables that tests set for themselves."""

    common: RateTable
    per_company: dict[int, RateTable] = field(default_factory=dict)

    def table(self, company_id: int) -> RateTable:
        return self.per_company.get(company_id, self.common)


def sandbox_rates(state: SandboxState) -> SandboxRates:
    """The rates of this sandbox (the snapshot until the control API changes them; reset restores it)."""
    with state.lock:
        rates = state.extensions.get(_EXTENSION)
        if not isinstance(rates, SandboxRates):
            rates = state.extensions[_EXTENSION] = SandboxRates(snapshot())
        return rates


def set_rates(
    state: SandboxState, observations: list[Observation], *, company_id: int | None, replace: bool
) -> RateTable:
    """Add (or with ``replace`` put instead of the current ones) observations, for one company or all."""
    rates = sandbox_rates(state)
    with state.lock:
        if company_id is None:
            table = RateTable() if replace else rates.common
            rates.common = table
        else:
            table = RateTable() if replace else rates.table(company_id).copy()
            rates.per_company[company_id] = table
        table.add(observations)
        return table
