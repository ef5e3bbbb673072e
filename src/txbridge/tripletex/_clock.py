"""Time as an injected dependency, so tests never sleep and never depend on the wall clock."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def monotonic(self) -> float:
        """Seconds on a clock that never goes back (pacing, waits, durations)."""

    def now(self) -> datetime:
        """Aware current time (session expiry)."""


class SystemClock:
    def monotonic(self) -> float:
        return time.monotonic()

    def now(self) -> datetime:
        return datetime.now(UTC)
