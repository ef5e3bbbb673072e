"""One limiter per token pair, shared by threads and asyncio tasks (and by both at once).

Calls are reserved one at a time under the limiter's lock, so however threads and tasks interleave,
the waits handed out are exactly those of the same calls made one after another."""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections.abc import Callable

import httpx
import pytest

from txbridge.tripletex import AsyncTripletex, RateLimiter, RateLimiterRegistry, Tripletex

from .conftest import FakeApi, FakeClock, ok

#: The period as the first answers describe it: 30 calls left of 100, 60 s to go; then 28 (the server
#: has counted the second client's session and whoAmI calls).
PERIOD = {"X-Rate-Limit-Limit": "100", "X-Rate-Limit-Remaining": "30", "X-Rate-Limit-Reset": "60"}
AFTER_TWO = {**PERIOD, "X-Rate-Limit-Remaining": "28"}
CALLS = 40  # more than the period has left: some are paced, the last ones wait for the reset


def reference_waits(clock: FakeClock) -> list[float]:
    """The waits of CALLS calls made one by one on a limiter in the same state (no threads)."""
    limiter = RateLimiter()
    limiter.update({k.lower(): v for k, v in AFTER_TWO.items()}, clock.monotonic())
    waits = [limiter.acquire(clock.monotonic()) for _ in range(CALLS)]
    return sorted(w for w in waits if w > 0)


def script(api: FakeApi) -> None:
    # whoAmI teaches the limiter the period; customer answers carry no rate-limit headers.
    who = {"employeeId": 1, "companyId": 1}
    api.on("GET", "/token/session/>whoAmI", ok(who, **PERIOD), ok(who, **AFTER_TWO))
    api.on("GET", "/customer/1", ok({"id": 1}))


def test_threads_share_one_limiter(
    api: FakeApi, clock: FakeClock, make_client: Callable[..., Tripletex]
) -> None:
    script(api)
    registry = RateLimiterRegistry()
    waits: list[float] = []  # the clock stands still: every wait is measured from the same instant
    clients = [make_client(rate_limiters=registry, sleep=waits.append) for _ in range(2)]
    for client in clients:
        client.who_am_i()  # session and period known before the race starts
    expected = reference_waits(clock)
    assert expected and expected[-1] >= 60  # the scenario really paces and waits for the next period
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def work(client: Tripletex) -> None:
        try:
            barrier.wait()
            for _ in range(CALLS // 8):
                client.customers.get(1)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(clients[n % 2],)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(waits) == pytest.approx(expected)


async def test_tasks_and_threads_share_one_limiter(
    api: FakeApi,
    clock: FakeClock,
    make_client: Callable[..., Tripletex],
    make_async_client: Callable[..., AsyncTripletex],
) -> None:
    script(api)
    registry = RateLimiterRegistry()
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    tasks_client = make_async_client(rate_limiters=registry, sleep=record)
    thread_client = make_client(rate_limiters=registry, sleep=waits.append)
    await tasks_client.who_am_i()
    thread_client.who_am_i()
    expected = reference_waits(clock)

    async def task_calls() -> None:
        for _ in range(CALLS // 8):
            await tasks_client.customers.get(1)

    def thread_calls() -> None:
        for _ in range(CALLS // 8):
            thread_client.customers.get(1)

    await asyncio.gather(
        *(task_calls() for _ in range(4)), *(asyncio.to_thread(thread_calls) for _ in range(4))
    )
    assert sorted(waits) == pytest.approx(expected)
    assert len(api.calls("GET", "/customer/1")) == CALLS
    await tasks_client.close()


async def test_a_429_met_by_one_task_holds_back_the_others(
    api: FakeApi, clock: FakeClock, make_async_client: Callable[..., AsyncTripletex]
) -> None:
    registry = RateLimiterRegistry()
    first_waits: list[float] = []
    second = make_async_client(rate_limiters=registry)  # sleeps on the clock: clock.sleeps

    async def first_sleep(seconds: float) -> None:
        # While the first task waits out the period, another task with the same tokens calls.
        first_waits.append(seconds)
        await second.customers.get(1)

    first = make_async_client(rate_limiters=registry, sleep=first_sleep)
    await first.who_am_i()
    await second.who_am_i()
    api.on("GET", "/customer/1", httpx.Response(429, headers={"X-Rate-Limit-Reset": "4"}), ok({"id": 1}))
    await first.customers.get(1)
    assert first_waits == [pytest.approx(4.25)]
    # The second task waited out the same period without sending a call that could only be refused.
    assert clock.sleeps == [pytest.approx(4.25)]
    assert second.stats.rate_limited == 0 and first.stats.rate_limited == 1
    assert len(api.calls("GET", "/customer/1")) == 3  # the refused one, then one each
    await first.close()
    await second.close()


def test_calls_reserved_at_one_instant_are_spread_within_the_period() -> None:
    limiter = RateLimiter()
    limiter.update(
        {"x-rate-limit-limit": "100", "x-rate-limit-remaining": "10", "x-rate-limit-reset": "60"}, 0.0
    )
    waits = [limiter.acquire(0.0) for _ in range(10)]
    # Evenly spaced, every one of them before the period ends (none pushed into a spurious
    # "rate limit used up" beyond the reset).
    assert waits == sorted(waits) and len(set(waits)) == 10
    assert max(waits) < 60
    gaps = [b - a for a, b in itertools.pairwise(waits)]
    assert max(gaps) - min(gaps) < 1e-9
