"""The rate-limit budget shared through PostgreSQL: several budgets on one row behave as one (each
stands for a process; the test with real processes against the sandbox is in test_ratebudget_fleet)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, event, select, text

from txbridge.store import Database
from txbridge.store.models import RateLimitBudget
from txbridge.store.ratebudget import LEASE_CALLS, SharedRateBudget, budget_for
from txbridge.tripletex import BudgetState, token_pair_key

pytestmark = pytest.mark.postgres

CONSUMER = "consumer-TOKEN-c0ffee42"
EMPLOYEE = "employee-TOKEN-deadbeef"
KEY = token_pair_key(CONSUMER, EMPLOYEE)


def period(remaining: int, reset: int, limit: int = 100) -> dict[str, str]:
    return {
        "x-rate-limit-limit": str(limit),
        "x-rate-limit-remaining": str(remaining),
        "x-rate-limit-reset": str(reset),
    }


@pytest.fixture
def engines(postgres_url: str) -> Iterator[list[Engine]]:
    """One engine per simulated process."""
    made = [create_engine(postgres_url) for _ in range(3)]
    yield made
    for engine in made:
        engine.dispose()


def row(engine: Engine) -> BudgetState:
    with engine.connect() as conn:
        found = conn.execute(
            select(RateLimitBudget.__table__).where(text("token_pair = :k")), {"k": KEY}
        ).one()
    return BudgetState(
        found.period_limit, found.remaining, found.reset_at, found.blocked_until, found.next_slot
    )


def test_calls_reserved_by_two_processes_are_paced_as_by_one(engines: list[Engine]) -> None:
    first, second = (SharedRateBudget(e, KEY, lease_calls=1) for e in engines[:2])
    first.update(period(remaining=6, reset=30), 0.0)
    waits = [budget.acquire(0.0) for _ in range(4) for budget in (first, second)]
    # Eight calls on six left: the last ones wait for the end of the period, not a single 429 among them.
    assert sum(1 for w in waits if w > 0) >= 6
    assert max(waits) == pytest.approx(30, abs=1.0)
    assert waits[-1] > 29  # the shared row ran dry, whoever asked
    assert row(engines[2]).remaining == 0


def test_a_429_met_by_one_process_holds_back_the_others(engines: list[Engine]) -> None:
    first, second = (SharedRateBudget(e, KEY) for e in engines[:2])
    first.block(4.0, 0.0)
    wait = second.acquire(0.0)
    assert 3.0 < wait <= 4.0
    assert second.period_left(0.0) == pytest.approx(wait, abs=0.2)


def test_a_blind_pause_holds_back_the_others_without_inventing_a_period(engines: list[Engine]) -> None:
    first, second = (SharedRateBudget(e, KEY) for e in engines[:2])
    first.block(2.0, 0.0, period_end=False)
    assert 1.0 < second.acquire(0.0) <= 2.0
    assert second.period_left(0.0) is None


def test_far_from_the_limit_a_process_leases_calls_and_spends_them_without_asking(
    engines: list[Engine],
) -> None:
    budget = SharedRateBudget(engines[0], KEY)
    budget.update(period(remaining=90, reset=60), 0.0)
    assert budget.acquire(0.0) == 0.0
    assert row(engines[1]).remaining == 90 - LEASE_CALLS
    statements: list[str] = []
    event.listen(engines[0], "before_cursor_execute", lambda *a: statements.append(a[2]))
    for _ in range(LEASE_CALLS - 1):
        assert budget.acquire(0.0) == 0.0
    assert statements == []  # the lease, not the database
    # An answer that leaves more than the row already counts changes nothing, so it is not written.
    budget.update(period(remaining=85, reset=59), 0.0)
    assert statements == []
    budget.update(period(remaining=40, reset=59), 0.0)
    assert row(engines[1]).remaining == 40


def test_a_lease_lapses_at_the_end_of_its_period(engines: list[Engine]) -> None:
    clock = [0.0]
    budget = SharedRateBudget(engines[0], KEY, lease_seconds=5.0, monotonic=lambda: clock[0])
    budget.update(period(remaining=90, reset=1), 0.0)
    assert budget.acquire(0.0) == 0.0  # a lease of LEASE_CALLS, for at most the period's 1 s left
    statements: list[str] = []
    event.listen(engines[0], "before_cursor_execute", lambda *a: statements.append(a[2]))
    assert budget.acquire(0.0) == 0.0
    assert statements == []
    clock[0] = 1.5  # past the period's end, within the lease's own 5 s: the rest of it is gone
    budget.acquire(0.0)
    assert statements != []


def in_flight(engine: Engine) -> int:
    with engine.connect() as conn:
        found = conn.execute(
            text("SELECT early_calls FROM rate_limit_budget WHERE token_pair = :k"), {"k": KEY}
        ).scalar_one()
    return int(found)


def test_calls_in_flight_in_other_processes_come_off_the_next_period(engines: list[Engine]) -> None:
    first, second = (SharedRateBudget(e, KEY, lease_calls=1) for e in engines[:2])
    first.update(period(remaining=3, reset=1, limit=8), 0.0)
    for _ in range(3):
        second.acquire(0.0)  # the period's last three, not answered yet
    assert in_flight(engines[2]) == 3
    time.sleep(1.1)  # the period ends (database time): the first process finds the next one
    first.acquire(0.0)
    first.update(period(remaining=7, reset=1, limit=8), 0.0)
    assert row(engines[2]).remaining == 4  # the second's three may still land in it


def test_a_process_counts_its_ended_calls_off_with_its_next_write(engines: list[Engine]) -> None:
    clock = [0.0]
    budget = SharedRateBudget(engines[0], KEY, monotonic=lambda: clock[0])
    budget.update(period(remaining=90, reset=60), 0.0)
    budget.acquire(0.0)  # a lease: LEASE_CALLS in flight
    assert in_flight(engines[1]) == LEASE_CALLS
    budget.update(period(remaining=89, reset=59), 0.0)  # one answered: not worth a write of its own
    assert in_flight(engines[1]) == LEASE_CALLS
    clock[0] = 5.0  # the lease lapses with LEASE_CALLS - 1 never sent
    budget.acquire(0.0)  # the next write counts all of them off, and takes a new lease
    assert in_flight(engines[1]) == LEASE_CALLS


def test_threads_of_many_processes_never_overspend_the_period(engines: list[Engine]) -> None:
    budgets = [SharedRateBudget(e, KEY) for e in engines]
    budgets[0].update(period(remaining=30, reset=60), 0.0)
    waits: list[float] = []
    lock = threading.Lock()

    def spend(budget: SharedRateBudget) -> None:
        for _ in range(15):
            wait = budget.acquire(0.0)
            with lock:
                waits.append(wait)

    threads = [threading.Thread(target=spend, args=(budgets[n % 3],)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # 90 calls on 30 left: at most 30 go out within the period (free or paced), the rest wait it out.
    within = [w for w in waits if w < 59]
    assert len(within) <= 30
    assert len(waits) == 90


def test_the_row_holds_a_digest_and_no_token(postgres_url: str) -> None:
    budget = budget_for(postgres_url, CONSUMER, EMPLOYEE)
    assert isinstance(budget, SharedRateBudget)
    assert budget_for(postgres_url, CONSUMER, EMPLOYEE) is budget  # one per token pair and process
    assert budget_for(postgres_url, CONSUMER, "another-employee-token") is not budget
    budget.update(period(remaining=10, reset=30), 0.0)
    database = Database.from_url(postgres_url)
    with database.engine.connect() as conn:
        dump = str(conn.execute(text("SELECT * FROM rate_limit_budget")).all())
    database.dispose()
    assert KEY in dump and CONSUMER not in dump and EMPLOYEE not in dump
    assert CONSUMER not in repr(budget)


def test_sqlite_keeps_the_in_process_limiter() -> None:
    assert budget_for("sqlite:///./somewhere.db", CONSUMER, EMPLOYEE) is None
