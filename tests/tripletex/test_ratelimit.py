"""The budget's decisions (:class:`BudgetState`) and what a 429 without X-Rate-Limit-Reset costs: the end
of the period earlier answers described, then only short, bounded blind waits."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from txbridge.tripletex import BudgetState, RateLimitError, Tripletex
from txbridge.tripletex import _retry as policy
from txbridge.tripletex._ratelimit import MAX_CALL_SECONDS, PROBE_SPACING

from .conftest import FakeApi, FakeClock, ok


def headers(remaining: int, reset: int | None = None, limit: int = 100) -> dict[str, str]:
    found = {"x-rate-limit-limit": str(limit), "x-rate-limit-remaining": str(remaining)}
    if reset is not None:
        found["x-rate-limit-reset"] = str(reset)
    return found


def test_an_answer_from_the_same_period_never_gives_back_reserved_calls() -> None:
    state = BudgetState()
    state.observe(headers(50, 30), now=0.0)
    for _ in range(5):
        state.reserve(1.0)  # five calls on their way, not yet counted by the server
    state.observe(headers(49, 29), now=1.0)  # an answer that left before them
    assert state.remaining == 45
    assert state.reset_at == pytest.approx(30.0)


def test_an_answer_from_a_new_period_is_taken_as_it_is() -> None:
    state = BudgetState()
    state.observe(headers(2, 3), now=0.0)
    state.reserve(0.5)
    # The period ended early by our estimate's rounding; the server starts a new one of 60 s.
    state.observe(headers(99, 60), now=2.5)
    assert state.remaining == 99 and state.reset_at == pytest.approx(62.5)


def test_a_lease_is_granted_only_far_from_the_limit() -> None:
    state = BudgetState()
    state.observe(headers(60, 30), now=0.0)
    assert state.reserve(0.0, want=8) == (8, 0.0)
    assert state.remaining == 52
    state.observe(headers(22, 30), now=0.0)
    granted, delay = state.reserve(0.0, want=8)
    assert (granted, delay) == (2, 0.0)  # only what keeps two low-water marks in hand
    granted, delay = state.reserve(0.0, want=8)
    assert granted == 1  # closer to it: one call at a time


def test_calls_waiting_for_the_next_period_go_apart_and_come_off_its_first_answer() -> None:
    state = BudgetState()
    state.observe(headers(0, 10, limit=8), now=0.0)
    waits = [state.reserve(1.0)[1] for _ in range(3)]
    # The first goes when the period ends, the others a little after it, not all at once.
    assert waits == pytest.approx([9.0, 9.0 + PROBE_SPACING, 9.0 + 2 * PROBE_SPACING])
    # The first answer of the new period (from the first of them) has not counted the other two.
    state.observe(headers(7, 10, limit=8), now=10.05)
    assert state.remaining == 5
    assert state.in_flight == 2  # the two are still on their way


def test_calls_still_in_flight_at_a_period_end_come_off_the_next_period() -> None:
    # Measured with four workers on one token (1 s periods, whole-second resets): calls reserved
    # near the end of one period, still on their way when another worker took up the next period from
    # its first answer, landed in it uncounted and the last calls of that period met 429s.
    state = BudgetState()
    state.observe(headers(3, 1, limit=8), now=0.0)
    slots = [state.reserve(0.1)[1] for _ in range(3)]  # near the limit: spread over the period
    assert all(0.0 <= s < 0.9 for s in slots)
    # The probe into the new period is answered before the three are: 7 left says the server.
    probe = state.reserve(1.0)
    assert probe == (1, pytest.approx(0.0))
    state.observe(headers(7, 1, limit=8), now=1.01)
    assert state.remaining == 4  # 7 less the three still in flight
    for _ in range(3):
        state.observe(headers(4, 1, limit=8), now=1.02)  # their answers give nothing back
    assert (state.remaining, state.in_flight) == (4, 0)


def test_a_call_waiting_on_a_slot_counts_in_every_period_it_may_land_in() -> None:
    # Measured too: calls queued on slots more than a period ahead were still on their way after the
    # next period began and after the one after it.
    state = BudgetState()
    state.observe(headers(0, 1, limit=8), now=0.0)
    waits = [state.reserve(0.1)[1] for _ in range(8)]
    assert max(waits) > 2.0  # the last ones wait beyond the next period
    state.observe(headers(7, 1, limit=8), now=1.05)  # the first of them opens the next period
    assert state.remaining == 0 and state.in_flight == 7
    for _ in range(4):
        state.observe(headers(3, 1, limit=8), now=1.5)
    state.observe(headers(7, 1, limit=8), now=2.55)  # the period after, from one of the last three
    assert state.remaining == 5


def test_calls_lost_with_their_process_are_given_up_once_nothing_moves() -> None:
    state = BudgetState()
    state.observe(headers(50, 1), now=0.0)
    for _ in range(5):
        state.reserve(0.1)  # five calls of a process that is then killed: never answered
    state.reserve(1.0)
    state.observe(headers(99, 1), now=1.05)  # the next period: the five may still land in it
    assert state.remaining == 94 and state.in_flight == 5
    later = 2.05 + MAX_CALL_SECONDS + 1  # longer than any call lives, nobody reserved or answered
    state.reserve(later)
    state.observe(headers(99, 1), now=later + 0.05)
    assert state.remaining == 99 and state.in_flight == 0


def test_a_call_that_ends_without_an_answer_is_no_longer_in_flight() -> None:
    state = BudgetState()
    state.observe(headers(50, 10), now=0.0)
    state.reserve(0.1, want=4)
    state.settle(3)  # e.g. a lease's calls left unspent, a connection error
    state.observe(headers(90, 10), now=20.0)  # the answer of the fourth, from a new period
    assert state.remaining == 90


def test_a_fleet_starting_blind_counts_every_call_it_let_go() -> None:
    state = BudgetState()
    for _ in range(4):
        assert state.reserve(0.0) == (1, 0.0)  # no limit known yet: nobody waits
    state.observe({}, now=0.01)  # one answered without rate-limit headers (a gateway's 503)
    state.observe(headers(7, 1, limit=8), now=0.02)
    assert state.remaining == 5  # two more of the four are still on their way


def test_a_blind_pause_claims_nothing_about_the_period() -> None:
    state = BudgetState()
    state.block(2.0, now=10.0, period_end=False)
    assert state.period_left(10.0) is None
    assert state.reserve(10.5) == (1, pytest.approx(1.5))
    state.block(4.0, now=20.0)
    assert state.period_left(21.0) == pytest.approx(3.0)


#: As Tripletex sometimes answers (and the sandbox's injected 429s): no X-Rate-Limit-Reset.
BARE_429 = httpx.Response(429, headers={"X-Rate-Limit-Limit": "100", "X-Rate-Limit-Remaining": "0"})


def known_period(reset: int) -> httpx.Response:
    """An answer that tells the client the period: 40 of 100 calls left, ``reset`` seconds to go."""
    period = {"X-Rate-Limit-Limit": "100", "X-Rate-Limit-Remaining": "40", "X-Rate-Limit-Reset": str(reset)}
    return ok({"id": 1}, **period)


def test_429_without_reset_waits_for_the_end_of_the_known_period(
    make_client: Callable[..., Tripletex], api: FakeApi, clock: FakeClock
) -> None:
    api.on(
        "GET",
        "/customer/1",
        known_period(reset=20),
        BARE_429,
        ok({"id": 1}),
    )
    client = make_client()
    client.customers.get(1)
    clock.advance(6.0)
    assert client.customers.get(1).id == 1
    # 14 s were left of the period the first answer described: that, not a guess.
    assert clock.sleeps == [pytest.approx(14.0 + policy.RESET_MARGIN)]


def test_a_storm_after_the_known_period_falls_back_to_short_bounded_waits(
    make_client: Callable[..., Tripletex], api: FakeApi, clock: FakeClock
) -> None:
    api.on(
        "GET",
        "/customer/1",
        known_period(reset=10),
        BARE_429,
        BARE_429,
        BARE_429,
        ok({"id": 1}),
    )
    client = make_client()
    client.customers.get(1)
    assert client.customers.get(1).id == 1
    first, *blind = clock.sleeps
    assert first == pytest.approx(10.0 + policy.RESET_MARGIN)
    # The period it knew is over: nothing is known any more, so short doubling waits, never minutes.
    assert blind == [policy.FALLBACK_RATE_LIMIT_WAIT, 2 * policy.FALLBACK_RATE_LIMIT_WAIT]
    assert max(blind) <= policy.FALLBACK_RATE_LIMIT_CAP <= 5.0
    assert client.stats.rate_limited == 3


def test_a_call_that_gives_up_names_the_known_end_of_the_period(
    make_client: Callable[..., Tripletex], api: FakeApi, clock: FakeClock
) -> None:
    # A known period longer than the client waits inside one call: the caller (the export) pauses
    # for what is left of it, not a fixed guess.
    api.on(
        "GET",
        "/customer/1",
        known_period(reset=300),
        BARE_429,
    )
    client = make_client()
    client.customers.get(1)
    clock.advance(100.0)
    with pytest.raises(RateLimitError) as info:
        client.customers.get(1)
    assert info.value.retry_after == pytest.approx(200.0)
    assert clock.sleeps == []
