"""On which day a voucher may be dated: never in a closed accounting period, never (with VAT) in a VAT
term that is already reported. A day that falls there is dated on the first open day after it, and the
export says so. Pure, over what the preflight read once per batch."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from txbridge.catalog import Bilingual
from txbridge.tripletex import models as m


@dataclass(frozen=True, slots=True)
class Locks:
    #: Closed accounting periods as (first day, first day after), sorted.
    closed: Sequence[tuple[date, date]]
    vat_reported_through: date | None = None

    @classmethod
    def of(cls, periods: Iterable[m.AccountingPeriod], vat_reported_through: date | None) -> Locks:
        closed = sorted(
            (p.start, p.end) for p in periods if p.isClosed and p.start is not None and p.end is not None
        )
        return cls(tuple(closed), vat_reported_through)

    def open_date(self, day: date) -> tuple[date, Bilingual | None]:
        """The first day on or after ``day`` a voucher with VAT may carry, and why it moved (None when
        it did not)."""
        when, reason = day, None
        if self.vat_reported_through is not None and when <= self.vat_reported_through:
            through = self.vat_reported_through.isoformat()
            when = self.vat_reported_through + timedelta(days=1)
            reason = Bilingual(
                f"mva er rapportert til og med {through}", f"VAT is reported through {through}"
            )
        for start, end in self.closed:
            if start <= when < end:
                period = f"{start.year:04d}-{start.month:02d}"
                when = end
                reason = Bilingual(f"perioden {period} er stengt", f"the period {period} is closed")
        return when, reason
