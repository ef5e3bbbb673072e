"""The sandbox's clock: real time by default, settable and advanceable for expiry tests."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")


class SandboxClock:
    """Wall-clock time plus an offset; ``set``/``advance`` move it without touching the machine."""

    def __init__(self, now: Callable[[], datetime] | None = None) -> None:
        self._source = now or (lambda: datetime.now(UTC))
        self._offset = timedelta(0)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        return self._source() + self._offset

    def set(self, when: datetime) -> None:
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        with self._lock:
            self._offset = when - self._source()

    def advance(self, delta: timedelta) -> None:
        with self._lock:
            self._offset += delta

    def reset(self) -> None:
        with self._lock:
            self._offset = timedelta(0)

    def today_oslo(self) -> date:
        return self.now().astimezone(OSLO).date()


def oslo_midnight(day: date) -> datetime:
    """The instant a token with this expirationDate dies: 00:00 Oslo time on that day."""
    return datetime.combine(day, time(0, 0), tzinfo=OSLO)
