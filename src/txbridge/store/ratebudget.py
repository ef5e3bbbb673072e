"""One rate-limit budget per token pair for every process on one PostgreSQL database.

Tripletex counts calls per (consumer token, employee token), and an accountant's token serves all of
its client companies: N workers that each kept their own count would each spend the whole period and
meet 429s. :class:`SharedRateBudget` keeps the count in a row (``rate_limit_budget``, keyed by a digest
of the tokens) and makes the client's own decisions (:class:`~txbridge.tripletex.BudgetState`) on it
under the row's lock, in the database server's time, so the whole fleet paces as one process would.

Round trips are kept down two ways: far from the limit a process takes a short *lease* of a few calls
and spends them without asking again (unspent ones lapse after ``LEASE_SECONDS``), and an answer that
cannot change the row (same period, no fewer calls left than the row said) is not written."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TypeVar, cast

from sqlalchemy import Engine, Table, create_engine, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import make_url

from txbridge.store.models import RateLimitBudget
from txbridge.tripletex import BudgetState, RateBudget, RateLimitSnapshot, token_pair_key
from txbridge.tripletex._ratelimit import SAME_PERIOD_SLACK

T = TypeVar("T")

#: Calls one process may take at once while far from the limit, and how long it may hold them.
LEASE_CALLS = 8
LEASE_SECONDS = 0.5

_TABLE = cast(Table, RateLimitBudget.__table__)
_NOW = func.extract("epoch", func.clock_timestamp()).label("now")


@dataclass(frozen=True)
class _Seen:
    """The row as this process last saw it, and when (database time, and our monotonic time then)."""

    state: BudgetState
    db_now: float
    at: float

    def db_time(self, monotonic: float) -> float:
        return self.db_now + (monotonic - self.at)


class SharedRateBudget:
    """A :class:`~txbridge.tripletex.RateBudget` kept in the database; pass it to the client as
    ``rate_budget=``. Thread-safe; one per token pair and process is enough (see :func:`shared_budget`).

    The ``now`` the client passes (its monotonic clock) is not used for the shared numbers: machines do
    not share monotonic clocks, so every decision is made in the database server's time.

    It waits on the database (``does_io``): the async client asks it from a worker thread."""

    does_io = True

    def __init__(
        self,
        engine: Engine,
        token_pair: str,
        *,
        lease_calls: int = LEASE_CALLS,
        lease_seconds: float = LEASE_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._engine = engine
        self._key = token_pair
        self._lease_calls = lease_calls
        self._lease_seconds = lease_seconds
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._leased = 0
        self._lease_until = 0.0
        #: Calls of this process that ended (answered, or a lease's never sent) and are not yet
        #: counted off the row's calls in flight: its next write does it, not a write of their own.
        self._unsettled = 0
        self._seen: _Seen | None = None

    # ---- the protocol ---------------------------------------------------------------------------

    def acquire(self, now: float) -> float:
        with self._lock:
            if self._leased > 0 and self._monotonic() < self._lease_until:
                self._leased -= 1
                return 0.0
            self._unsettled += self._leased  # a lapsed lease's calls were never sent
            self._leased = 0
        granted, delay = self._change(lambda state, t: state.reserve(t, self._lease_calls))
        if granted > 1 and delay == 0.0:
            with self._lock:
                until = self._monotonic() + self._lease_seconds
                seen = self._seen
                if seen is not None and seen.state.reset_at is not None:
                    # A lease lapses with its period: calls sent after it would land uncounted in the
                    # next one, past what another process's first answer there says is left.
                    until = min(until, seen.at + (seen.state.reset_at - seen.db_now))
                self._leased = granted - 1
                self._lease_until = until
        return delay

    def update(self, headers: Mapping[str, str], now: float) -> None:
        if "x-rate-limit-remaining" not in headers or self._changes_nothing(headers):
            # Only the call's end is news: told with this process's next write, not a write of its own.
            with self._lock:
                self._unsettled += 1
            return
        self._change(lambda state, t: state.observe(headers, t))

    def block(self, seconds: float, now: float, *, period_end: bool = True) -> None:
        with self._lock:
            self._unsettled += self._leased
            self._leased = 0  # nobody sends in the pause, ourselves included
        self._change(lambda state, t: state.block(seconds, t, period_end=period_end))

    def period_left(self, now: float) -> float | None:
        state, db_now = self._read()
        return state.period_left(db_now)

    def snapshot(self, now: float) -> RateLimitSnapshot:
        state, db_now = self._read()
        return state.snapshot(db_now)

    # ---- the row --------------------------------------------------------------------------------

    def _change(self, decide: Callable[[BudgetState, float], T]) -> T:
        """Lock the row, decide on its numbers in database time, write back what changed (with the
        calls this process saw end since its last write)."""
        with self._lock:
            settled, self._unsettled = self._unsettled, 0
        try:
            return self._write(decide, settled)
        except BaseException:
            with self._lock:
                self._unsettled += settled
            raise

    def _write(self, decide: Callable[[BudgetState, float], T], settled: int) -> T:
        with self._engine.begin() as conn:
            query = select(_TABLE, _NOW).where(_TABLE.c.token_pair == self._key).with_for_update()
            row = conn.execute(query).first()
            if row is None:
                conn.execute(insert(_TABLE).values(token_pair=self._key).on_conflict_do_nothing())
                row = conn.execute(query).one()
            before = _state_of(row)
            db_now = float(row.now)
            state = replace(before)
            state.settle(settled)
            result = decide(state, db_now)
            if state != before:
                conn.execute(
                    update(_TABLE)
                    .where(_TABLE.c.token_pair == self._key)
                    .values(
                        period_limit=state.limit,
                        remaining=state.remaining,
                        reset_at=state.reset_at,
                        blocked_until=state.blocked_until,
                        next_slot=state.next_slot,
                        early_calls=state.in_flight,
                    )
                )
        with self._lock:
            self._seen = _Seen(state, db_now, self._monotonic())
        return result

    def _read(self) -> tuple[BudgetState, float]:
        with self._engine.connect() as conn:
            row = conn.execute(select(_TABLE, _NOW).where(_TABLE.c.token_pair == self._key)).first()
            if row is None:
                db_now = float(conn.execute(select(_NOW)).scalar_one())
                return BudgetState(), db_now
            return _state_of(row), float(row.now)

    def _changes_nothing(self, headers: Mapping[str, str]) -> bool:
        """Whether writing this answer could not change the row: the period we last saw goes on, the
        answer leaves no fewer calls than the row had then (others' reservations since only lower it,
        and the row keeps the lower count), and it says nothing about the reset we did not know."""
        with self._lock:
            seen = self._seen
        if seen is None or seen.state.remaining is None or seen.state.reset_at is None:
            return False
        try:
            remaining = int(float(headers["x-rate-limit-remaining"]))
            reset = float(headers["x-rate-limit-reset"])
        except (KeyError, ValueError):
            return False
        db_now = seen.db_time(self._monotonic())
        if seen.state.reset_at <= db_now + SAME_PERIOD_SLACK:
            return False  # the period is ending: the row may need the new one
        return remaining >= seen.state.remaining and db_now + reset <= seen.state.reset_at + SAME_PERIOD_SLACK

    def __repr__(self) -> str:
        return f"SharedRateBudget(token_pair={self._key[:8]}…)"


def _state_of(row: object) -> BudgetState:
    return BudgetState(
        limit=getattr(row, "period_limit"),  # noqa: B009 - a Row's attributes are not typed
        remaining=getattr(row, "remaining"),  # noqa: B009
        reset_at=getattr(row, "reset_at"),  # noqa: B009
        blocked_until=getattr(row, "blocked_until"),  # noqa: B009
        next_slot=getattr(row, "next_slot"),  # noqa: B009
        in_flight=getattr(row, "early_calls"),  # noqa: B009
    )


_budgets: dict[tuple[int, str, str], SharedRateBudget] = {}
_engines: dict[tuple[int, str], Engine] = {}
_budgets_lock = threading.Lock()


def budget_for(database_url: str, consumer_token: str, employee_token: str) -> RateBudget | None:
    """The budget clients of this token pair share: on PostgreSQL, the process's one
    :class:`SharedRateBudget` (shared with every other process through the row); on SQLite None, and
    the client keeps its in-process limiter (one machine, and usually one process).

    Kept per process id: a forked worker must not use its parent's pooled connections."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        return None
    pid = os.getpid()
    key = token_pair_key(consumer_token, employee_token)
    with _budgets_lock:
        budget = _budgets.get((pid, database_url, key))
        if budget is None:
            engine = _engines.get((pid, database_url))
            if engine is None:
                # Its own small pool: a reservation holds a connection for a millisecond or two.
                engine = _engines[(pid, database_url)] = create_engine(
                    url, pool_size=2, max_overflow=8, pool_pre_ping=True
                )
            budget = _budgets[(pid, database_url, key)] = SharedRateBudget(engine, key)
        return budget
