"""Client-side view of Tripletex' rate limit, shared by all clients using one token pair.

Tripletex limits calls per employee per consumer; once the limit is hit, *every* call is 429 until the
period ends. So the client asks a :class:`RateBudget` per (consumer token, employee token) before each
call and tells it every answer's headers. The default is :class:`RateLimiter`, in this process's
memory; a fleet of processes passes one kept in the database (``txbridge.store.ratebudget``), which
makes the same decisions (:class:`BudgetState`) on a shared row. Callers get a delay back and sleep
their own way, so one budget serves threads and asyncio tasks alike."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

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


class RateBudget(Protocol):
    """What the client needs from whoever keeps the budget of one token pair.

    ``now`` is the client's monotonic clock. An implementation shared between processes cannot compare
    monotonic clocks across machines and keeps its own time (the database's), turning it into waits."""

    def acquire(self, now: float) -> float:
        """Reserve one call; the seconds to wait before sending it (0 when free to go)."""

    def update(self, headers: Mapping[str, str], now: float) -> None:
        """Take the server's word from the ``x-rate-limit-*`` headers (lower-case keys) of any answer."""

    def block(self, seconds: float, now: float, *, period_end: bool = True) -> None:
        """After a 429: nobody sharing the tokens sends for ``seconds``. ``period_end`` says the period
        is known to end then; a blind pause (no reset known) blocks without claiming that."""

    def period_left(self, now: float) -> float | None:
        """Seconds to the end of the current period as earlier answers told it; None when not known."""

    def snapshot(self, now: float) -> RateLimitSnapshot: ...


def budget_does_io(budget: object) -> bool:
    """Whether a budget waits on I/O to answer (one kept in a database): it then sets a true class
    attribute ``does_io``, and the async client asks it from a worker thread, never on the event loop."""
    return bool(getattr(budget, "does_io", False))


#: Calls into a period not known yet (a new one, or after a 429) go this many seconds apart, so the
#: first answer arrives before the rest are sent: a fleet starts a period as one process does.
PROBE_SPACING = 0.2

#: Two estimates of one period's end differ by the rounding of X-Rate-Limit-Reset (whole seconds).
SAME_PERIOD_SLACK = 1.0

#: Longer than any call stays in flight: the longest wait for a slot the client accepts
#: (``_retry.MAX_RATE_LIMIT_WAIT``, 90 s) and a request's time-out on top.
MAX_CALL_SECONDS = 180.0


@dataclass
class BudgetState:
    """The budget's numbers and every decision about them, with no storage and no lock of its own:
    :class:`RateLimiter` keeps one in memory, the store keeps one in a database row. Times are seconds
    on whatever clock the keeper uses, as long as it uses one clock.

    Every call let go is *in flight* until it ends (its answer seen, or given up). The first answer
    from a new period has not counted the calls still on their way (sent before it was answered, or
    waiting on a slot) and they may land in that period: they all come off what it says is left. A
    fleet has many calls in flight at a period's end, one process one: that is what keeps the fleet's
    429s at one process's."""

    limit: int | None = None
    remaining: int | None = None
    reset_at: float | None = None  # when the period ends
    blocked_until: float = 0.0
    next_slot: float = 0.0
    #: Calls let go and not ended yet (answered, or given up without being sent).
    in_flight: int = 0

    def reserve(self, now: float, want: int = 1) -> tuple[int, float]:
        """Reserve up to ``want`` calls: (calls granted, seconds to wait before the first).

        More than one is granted only far from the limit (a lease a process spends without asking
        again); near it, one at a time on evenly spread slots. Every call granted is in flight."""
        if self.limit is not None and now > self._last_seen() + MAX_CALL_SECONDS:
            # Nothing reserved or answered for longer than any call lives: whatever still counts as
            # in flight was lost with its process (killed), not on its way.
            self.in_flight = 0
        granted, delay = self._reserve(now, want)
        self.in_flight += granted
        return granted, delay

    def _last_seen(self) -> float:
        """No earlier than the last reservation or answer: each leaves a period end, a slot or a pause
        ahead of its own time."""
        return max(self.reset_at or 0.0, self.next_slot, self.blocked_until)

    def _reserve(self, now: float, want: int) -> tuple[int, float]:
        if self.blocked_until > now:
            return 1, self._into_next_period(self.blocked_until, now)
        if self.reset_at is not None and now >= self.reset_at:
            # The period we know about has ended: the next answer tells us about the new one.
            self.remaining = None
            self.reset_at = None
        if self.remaining is None or self.reset_at is None:
            if self.limit is None:
                # No limit seen yet (or none there): nothing to pace against, but counted.
                return 1, 0.0
            # A limit exists but nothing is known of this period (it may be spent already).
            return 1, self._into_next_period(now, now)
        low_water = max(_MIN_LOW_WATER, int((self.limit or 0) * LOW_WATER_SHARE))
        if self.remaining <= 0:
            return 1, self._into_next_period(self.reset_at, now)
        if self.remaining > low_water:
            granted = max(1, min(want, self.remaining - 2 * low_water))
            self.remaining -= granted
            return granted, 0.0
        # Near the limit: spread the calls left evenly over the time left instead of running dry.
        # Measured from the slot, not from now: callers reserving at the same instant (threads,
        # tasks, processes) would otherwise be pushed past the end of the period.
        slot = max(now, self.next_slot)
        self.next_slot = slot + (self.reset_at - slot) / (self.remaining + 1)
        self.remaining -= 1
        return 1, slot - now

    def _into_next_period(self, start: float, now: float) -> float:
        """A call for a period not known yet: one goes first to find out, the others follow a little
        apart (not all at once into what may be spent already)."""
        slot = max(start, self.next_slot)
        self.next_slot = slot + PROBE_SPACING
        return slot - now

    def settle(self, calls: int) -> None:
        """``calls`` calls ended without an answer that says anything of the period (an answer
        without the headers, a connection error, a call given up unsent, a lease left unspent)."""
        self.in_flight = max(0, self.in_flight - calls)

    def observe(self, headers: Mapping[str, str], now: float) -> None:
        self.settle(1)  # this call has ended
        remaining = _int_header(headers, "x-rate-limit-remaining")
        if remaining is None:
            return  # an answer that says nothing (a gateway's 503)
        reset = _int_header(headers, "x-rate-limit-reset")
        limit = _int_header(headers, "x-rate-limit-limit")
        if limit is not None:
            self.limit = limit
        new_reset = None if reset is None else now + reset
        ongoing = self.reset_at is not None and self.reset_at > now
        same_period = ongoing and (
            new_reset is None or new_reset <= (self.reset_at or 0.0) + SAME_PERIOD_SLACK
        )
        if same_period and self.remaining is not None and self.reset_at is not None:
            # Our count already holds calls reserved but not yet answered (by other threads or
            # processes): an answer that left before them must not give them back.
            self.remaining = min(self.remaining, remaining)
            if new_reset is not None:
                self.reset_at = min(self.reset_at, new_reset)
            return
        # A new period: every other call in flight may still land in it, uncounted by this answer.
        # They stay in flight: one waiting on a slot may even land in the period after.
        self.remaining = max(0, remaining - self.in_flight)
        if new_reset is not None:
            self.reset_at = new_reset
        elif not ongoing:
            self.reset_at = None

    def block(self, seconds: float, now: float, *, period_end: bool = True) -> None:
        self.blocked_until = max(self.blocked_until, now + seconds)
        if period_end:
            self.remaining = 0
            self.reset_at = now + seconds

    def period_left(self, now: float) -> float | None:
        if self.reset_at is None or self.reset_at <= now:
            return None
        return self.reset_at - now

    def snapshot(self, now: float) -> RateLimitSnapshot:
        resets_in = None if self.reset_at is None else max(0.0, self.reset_at - now)
        return RateLimitSnapshot(self.limit, self.remaining, resets_in)


class RateLimiter:
    """The in-process budget (the default): one :class:`BudgetState` behind a threading lock that is
    never held while waiting, so it serves threads and asyncio tasks alike."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state = BudgetState()

    def acquire(self, now: float) -> float:
        with self._lock:
            return self._state.reserve(now)[1]

    def update(self, headers: Mapping[str, str], now: float) -> None:
        with self._lock:
            self._state.observe(headers, now)

    def block(self, seconds: float, now: float, *, period_end: bool = True) -> None:
        with self._lock:
            self._state.block(seconds, now, period_end=period_end)

    def period_left(self, now: float) -> float | None:
        with self._lock:
            return self._state.period_left(now)

    def snapshot(self, now: float) -> RateLimitSnapshot:
        with self._lock:
            return self._state.snapshot(now)


def token_pair_key(consumer_token: str, employee_token: str) -> str:
    """The name of a token pair's budget: a digest, so no registry or table ever holds a token."""
    return hashlib.sha256(f"{consumer_token}\x00{employee_token}".encode()).hexdigest()


class RateLimiterRegistry:
    """One limiter per token pair. Keys are digests, so the registry holds no token."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._limiters: dict[str, RateLimiter] = {}

    def get(self, consumer_token: str, employee_token: str) -> RateLimiter:
        key = token_pair_key(consumer_token, employee_token)
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
