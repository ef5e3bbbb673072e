"""Client-side view of Tripletex' rate limit, shared by all clients using one token pair.

Tripletex limits calls per employee per consumer; once the limit is hit, *every* call is 429 until the
period ends. So we keep one :class:`RateLimiter` per (consumer token, employee token) and pace calls
ahead of the limit. A threading lock guards the state and is never held while waiting, so the same
limiter serves threads and asyncio tasks alike: callers get a delay back and sleep their own way."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Mapping
from dataclasses import dataclass

#: Start pacing when this share of the period's calls is left (and at least ``_MIN_LOW_WATER`` calls).
LOW_WATER_SHARE = 0.1
_MIN_LOW_WATER = 2


def _int_header(headers: Mapping[str, str], name: str) -> int | None:
    value = headers.get(name)
    if value is None:
        return None
    try:
        return int(float(value))
    except ValueError:
        return None


@dataclass(frozen=True)
class RateLimitSnapshot:
    limit: int | None
    remaining: int | None
    resets_in: float | None


class RateLimiter:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._limit: int | None = None
        self._remaining: int | None = None
        self._reset_at: float | None = None  # monotonic time the period ends
        self._blocked_until = 0.0
        self._next_slot = 0.0

    def acquire(self, now: float) -> float:
        """Reserve one call; returns the seconds to wait before sending it (0 when free to go)."""
        with self._lock:
            if self._blocked_until > now:
                return self._blocked_until - now
            if self._remaining is None or self._reset_at is None:
                return 0.0
            if now >= self._reset_at:
                # The period we know about has ended: the next answer tells us about the new one.
                self._remaining = None
                self._reset_at = None
                return 0.0
            low_water = max(_MIN_LOW_WATER, int((self._limit or 0) * LOW_WATER_SHARE))
            if self._remaining <= 0:
                return self._reset_at - now
            if self._remaining > low_water:
                self._remaining -= 1
                return 0.0
            # Near the limit: spread the calls left evenly over the time left instead of running dry.
            # Measured from the slot, not from now: callers reserving at the same instant (threads,
            # tasks) would otherwise be pushed past the end of the period.
            slot = max(now, self._next_slot)
            self._next_slot = slot + (self._reset_at - slot) / (self._remaining + 1)
            self._remaining -= 1
            return slot - now

    def update(self, headers: Mapping[str, str], now: float) -> None:
        """Take the server's word from the X-Rate-Limit-* headers of any answer."""
        remaining = _int_header(headers, "x-rate-limit-remaining")
        if remaining is None:
            return
        reset = _int_header(headers, "x-rate-limit-reset")
        limit = _int_header(headers, "x-rate-limit-limit")
        with self._lock:
            self._remaining = remaining
            if limit is not None:
                self._limit = limit
            if reset is not None:
                self._reset_at = now + reset
            elif self._reset_at is None or self._reset_at <= now:
                self._reset_at = None

    def block(self, seconds: float, now: float) -> None:
        """After a 429: nobody sharing these tokens sends before the period is over."""
        with self._lock:
            self._blocked_until = max(self._blocked_until, now + seconds)
            self._remaining = 0
            self._reset_at = now + seconds

    def snapshot(self, now: float) -> RateLimitSnapshot:
        with self._lock:
            resets_in = None if self._reset_at is None else max(0.0, self._reset_at - now)
            return RateLimitSnapshot(self._limit, self._remaining, resets_in)


class RateLimiterRegistry:
    """One limiter per token pair. Keys are digests, so the registry holds no token."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._limiters: dict[str, RateLimiter] = {}

    @staticmethod
    def _key(consumer_token: str, employee_token: str) -> str:
        return hashlib.sha256(f"{consumer_token}\x00{employee_token}".encode()).hexdigest()

    def get(self, consumer_token: str, employee_token: str) -> RateLimiter:
        key = self._key(consumer_token, employee_token)
        with self._lock:
            limiter = self._limiters.get(key)
            if limiter is None:
                limiter = self._limiters[key] = RateLimiter()
            return limiter

    def __len__(self) -> int:
        return len(self._limiters)

    def __repr__(self) -> str:
        return f"RateLimiterRegistry({len(self._limiters)} token pairs)"


_process_registry: RateLimiterRegistry | None = None
_process_registry_lock = threading.Lock()


def process_registry() -> RateLimiterRegistry:
    """The default registry: Tripletex counts per token pair across the whole process, so do we.

    Created on first use, not at import. Pass your own registry to a client to scope it differently."""
    global _process_registry
    with _process_registry_lock:
        if _process_registry is None:
            _process_registry = RateLimiterRegistry()
        return _process_registry
