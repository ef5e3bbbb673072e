from __future__ import annotations

import socket
import ssl
from collections.abc import Callable
from datetime import date

import httpx
import pytest

from txbridge.tripletex import (
    APIConnectionError,
    APITimeoutError,
    InternalServerError,
    OutcomeUnknownError,
    RateLimiterRegistry,
    RateLimitError,
    TransportProblem,
    Tripletex,
    models,
)
from txbridge.tripletex import _retry as policy
from txbridge.tripletex._ratelimit import PROBE_SPACING

from .conftest import FakeApi, FakeClock, error, ok


def unavailable() -> httpx.Response:
    return httpx.Response(503, text="Service Unavailable")


# ---- pure policy ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("GET", "/customer", True),
        ("DELETE", "/customer/1", True),
        ("PUT", "/customer/1", True),
        ("PUT", "/token/session/:create", True),
        ("PUT", "/order/5/:invoice", False),
        ("PUT", "/order/:invoiceMultipleOrders", False),
        ("PUT", "/ledger/voucher/list", False),
        ("POST", "/customer", False),
        ("POST", "/invoice/list", False),
    ],
)
def test_only_requests_safe_to_repeat_are_idempotent(method: str, path: str, expected: bool) -> None:
    assert policy.is_idempotent(method, path) is expected


def test_backoff_grows_exponentially_with_jitter_and_a_cap() -> None:
    assert policy.backoff_delay(0, 0.0) == pytest.approx(policy.BACKOFF_BASE / 2)
    assert policy.backoff_delay(1, 0.0) == pytest.approx(policy.BACKOFF_BASE)
    assert policy.backoff_delay(0, 0.999) < policy.BACKOFF_BASE
    assert policy.backoff_delay(30, 0.999) <= policy.BACKOFF_CAP


def test_rate_limit_wait_follows_the_header_or_a_bounded_fallback() -> None:
    assert policy.rate_limit_wait(7.0, 0) == pytest.approx(7.0 + policy.RESET_MARGIN)
    fallback = [policy.rate_limit_wait(None, n) for n in range(10)]
    assert fallback[0] == policy.FALLBACK_RATE_LIMIT_WAIT
    assert fallback == sorted(fallback) and max(fallback) == policy.FALLBACK_RATE_LIMIT_CAP
    assert policy.parse_reset("abc") is None and policy.parse_reset("-1") is None
    assert policy.parse_reset("12") == 12.0


# ---- retries through the client -------------------------------------------------------------------


def test_get_backs_off_on_503_then_succeeds(
    make_client: Callable[..., Tripletex], api: FakeApi, clock: FakeClock
) -> None:
    api.on("GET", "/customer/1", unavailable(), unavailable(), ok({"id": 1}))
    client = make_client()
    assert client.customers.get(1).id == 1
    assert clock.sleeps == [policy.backoff_delay(0, 0.5), policy.backoff_delay(1, 0.5)]
    assert client.stats.retries == 2
    assert client.stats.by_endpoint["GET /customer/{id}"] == 3


def test_retries_are_bounded(make_client: Callable[..., Tripletex], api: FakeApi, clock: FakeClock) -> None:
    api.on("GET", "/customer/1", unavailable())
    with pytest.raises(InternalServerError) as info:
        make_client().customers.get(1)
    assert info.value.status == 503
    assert len(api.calls("GET", "/customer/1")) == policy.MAX_RETRIES + 1
    assert sum(clock.sleeps) <= policy.RETRY_BUDGET


def test_connection_errors_and_timeouts_are_retried_for_get(
    make_client: Callable[..., Tripletex], api: FakeApi
) -> None:
    api.on(
        "GET",
        "/customer/1",
        httpx.ConnectError("refused"),
        httpx.ReadTimeout("slow"),
        httpx.Response(502),
        ok({"id": 1}),
    )
    assert make_client().customers.get(1).id == 1
    assert len(api.calls("GET", "/customer/1")) == 4


def test_a_read_answered_500_is_retried(
    make_client: Callable[..., Tripletex], api: FakeApi, clock: FakeClock
) -> None:
    failed = httpx.Response(500, json={"status": 500, "code": 1000, "message": "Ukjent feil"})
    api.on("GET", "/customer/1", failed, failed, ok({"id": 1}))
    client = make_client()
    assert client.customers.get(1).id == 1
    assert len(api.calls("GET", "/customer/1")) == 3
    assert client.stats.retries == 2 and len(clock.sleeps) == 2


def test_an_update_answered_500_is_not_sent_again(
    make_client: Callable[..., Tripletex], api: FakeApi, clock: FakeClock
) -> None:
    # Safe to repeat as far as the network goes, but Tripletex may have done it before failing.
    api.on("PUT", "/customer/3", httpx.Response(500), ok({"id": 3, "version": 2}))
    with pytest.raises(InternalServerError):
        make_client().customers.update(models.Customer(id=3, version=1, name="B"))
    assert len(api.calls("PUT", "/customer/3")) == 1 and clock.sleeps == []


@pytest.mark.parametrize(
    ("method", "status", "expected"),
    [("GET", 500, True), ("get", 503, True), ("PUT", 500, False), ("DELETE", 500, False), ("PUT", 502, True)],
)
def test_which_answers_a_request_safe_to_repeat_is_sent_again_on(
    method: str, status: int, expected: bool
) -> None:
    assert policy.retries_status(method, status) is expected


def test_persistent_timeout_becomes_api_timeout_error(
    make_client: Callable[..., Tripletex], api: FakeApi
) -> None:
    api.on("GET", "/customer/1", httpx.ReadTimeout("slow"))
    with pytest.raises(APITimeoutError) as info:
        make_client().customers.get(1)
    assert isinstance(info.value, APIConnectionError)
    assert info.value.path == "/customer/1"


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ReadTimeout("timed out"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
        httpx.ReadError("connection reset"),
        httpx.Response(503),
        httpx.Response(500, json={"status": 500, "code": 1000, "message": "Ukjent feil"}),
        httpx.Response(504),
    ],
)
def test_post_with_unknown_outcome_is_never_retried(
    failure: httpx.Response | Exception, make_client: Callable[..., Tripletex], api: FakeApi, clock: FakeClock
) -> None:
    api.on("POST", "/customer", failure, ok({"id": 9}))
    with pytest.raises(OutcomeUnknownError) as info:
        make_client().customers.create(
            models.Customer(name="Ola Nordmann AS", organizationNumber="123456785")
        )
    assert len(api.calls("POST", "/customer")) == 1
    assert clock.sleeps == []
    err = info.value
    assert (err.method, err.path) == ("POST", "/customer")
    assert err.body == {"name": "Ola Nordmann AS", "organizationNumber": "123456785"}
    assert "ukjent" in str(err) and "unknown" in str(err)


def test_post_that_never_left_is_retried(make_client: Callable[..., Tripletex], api: FakeApi) -> None:
    api.on("POST", "/customer", httpx.ConnectError("refused"), ok({"id": 9}))
    assert make_client().customers.create(models.Customer(name="A")).id == 9
    assert len(api.calls("POST", "/customer")) == 2


def test_action_put_is_a_write_with_unknown_outcome(
    make_client: Callable[..., Tripletex], api: FakeApi
) -> None:
    api.on("PUT", "/order/5/:invoice", httpx.ReadTimeout("slow"), ok({"id": 77}))
    with pytest.raises(OutcomeUnknownError) as info:
        make_client().orders.invoice(5, invoice_date=date(2026, 3, 1))
    assert len(api.calls("PUT", "/order/5/:invoice")) == 1
    assert info.value.params == {"invoiceDate": "2026-03-01", "sendToCustomer": "false"}


def test_plain_put_is_retried(make_client: Callable[..., Tripletex], api: FakeApi) -> None:
    api.on("PUT", "/customer/3", httpx.ReadTimeout("slow"), ok({"id": 3, "version": 2}))
    assert make_client().customers.update(models.Customer(id=3, version=1, name="B")).version == 2


# ---- rate limits ----------------------------------------------------------------------------------


def test_429_waits_for_the_reset_in_the_header(
    make_client: Callable[..., Tripletex], api: FakeApi, clock: FakeClock
) -> None:
    limited = httpx.Response(
        429, headers={"X-Rate-Limit-Limit": "100", "X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Reset": "7"}
    )
    api.on("GET", "/customer/1", limited, ok({"id": 1}))
    client = make_client()
    assert client.customers.get(1).id == 1
    assert clock.sleeps == [pytest.approx(7 + policy.RESET_MARGIN)]
    assert client.stats.rate_limited == 1


def test_429_without_reset_uses_a_bounded_fallback(
    make_client: Callable[..., Tripletex], api: FakeApi, clock: FakeClock
) -> None:
    api.on("GET", "/customer/1", httpx.Response(429))
    with pytest.raises(RateLimitError) as info:
        make_client().customers.get(1)
    assert info.value.retry_after is None
    assert len(clock.sleeps) == policy.MAX_RATE_LIMIT_WAITS
    assert clock.sleeps[0] == policy.FALLBACK_RATE_LIMIT_WAIT
    assert max(clock.sleeps) <= policy.FALLBACK_RATE_LIMIT_CAP
    assert len(api.calls("GET", "/customer/1")) == policy.MAX_RATE_LIMIT_WAITS + 1


def test_429_with_a_long_period_is_not_waited_out(
    make_client: Callable[..., Tripletex], api: FakeApi, clock: FakeClock
) -> None:
    api.on("GET", "/customer/1", httpx.Response(429, headers={"X-Rate-Limit-Reset": "3600"}))
    with pytest.raises(RateLimitError) as info:
        make_client().customers.get(1)
    assert info.value.retry_after == 3600
    assert clock.sleeps == []


def test_post_refused_by_429_is_sent_again(make_client: Callable[..., Tripletex], api: FakeApi) -> None:
    api.on("POST", "/customer", httpx.Response(429, headers={"X-Rate-Limit-Reset": "2"}), ok({"id": 4}))
    assert make_client().customers.create({"name": "X"}).id == 4


def test_throttles_ahead_of_the_limit_instead_of_hitting_429(
    make_client: Callable[..., Tripletex], api: FakeApi, clock: FakeClock
) -> None:
    exhausted = {"X-Rate-Limit-Limit": "100", "X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Reset": "5"}
    api.on(
        "GET",
        "/customer/1",
        ok({"id": 1}, **exhausted),
        ok({"id": 1}, **{**exhausted, "X-Rate-Limit-Remaining": "99", "X-Rate-Limit-Reset": "60"}),
    )
    client = make_client()
    client.who_am_i()
    client.customers.get(1)
    client.customers.get(1)
    assert clock.sleeps == [pytest.approx(5.0)]
    assert client.stats.rate_limited == 0 and client.stats.throttle_waits == 1


def test_pacing_spreads_the_last_calls_of_a_period(
    make_client: Callable[..., Tripletex], api: FakeApi, clock: FakeClock
) -> None:
    low = {"X-Rate-Limit-Limit": "100", "X-Rate-Limit-Remaining": "3", "X-Rate-Limit-Reset": "8"}
    api.on("GET", "/customer/1", ok({"id": 1}, **low))
    client = make_client()
    client.customers.get(1)  # learn: 3 left, 8 s to go
    for _ in range(3):
        client.customers.get(1)
    # Calls are spaced out rather than fired at once; none were refused.
    assert clock.sleeps and all(s > 0 for s in clock.sleeps)
    assert client.stats.rate_limited == 0


def test_token_pairs_share_one_limiter(
    api: FakeApi, clock: FakeClock, make_client: Callable[..., Tripletex]
) -> None:
    registry = RateLimiterRegistry()
    first_sleeps: list[float] = []
    first = make_client(rate_limiters=registry, sleep=first_sleeps.append)  # waits without moving the clock
    second = make_client(rate_limiters=registry)
    other = make_client(rate_limiters=registry, employee_token="another-employee-token")
    assert first._limiter is second._limiter
    assert first._limiter is not other._limiter
    api.on("GET", "/customer/1", httpx.Response(429, headers={"X-Rate-Limit-Reset": "4"}), ok({"id": 1}))
    first.customers.get(1)
    assert first_sleeps[0] == pytest.approx(4 + policy.RESET_MARGIN)
    # Same instant: a client with other tokens has its own period and goes straight away ...
    other.customers.get(1)
    assert clock.sleeps == []
    # ... while one with the same tokens waits out the period the first one ran into, behind the
    # first one's own retry (calls into a period not known yet go a little apart).
    second.customers.get(1)
    assert clock.sleeps == [pytest.approx(4 + policy.RESET_MARGIN + PROBE_SPACING)]
    assert repr(registry) == "RateLimiterRegistry(2 token pairs)"


def test_404_and_other_client_errors_are_not_retried(
    make_client: Callable[..., Tripletex], api: FakeApi, clock: FakeClock
) -> None:
    api.on("GET", "/customer/1", error(404, 6000))
    with pytest.raises(Exception):  # noqa: B017 - the type is tested in test_exceptions
        make_client().customers.get(1)
    assert len(api.calls("GET", "/customer/1")) == 1 and clock.sleeps == []


def test_a_long_exhausted_period_fails_fast_without_calling(
    make_client: Callable[..., Tripletex], api: FakeApi, clock: FakeClock
) -> None:
    api.on(
        "GET",
        "/customer/1",
        httpx.Response(429, headers={"X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Reset": "600"}),
    )
    client = make_client()
    with pytest.raises(RateLimitError):
        client.customers.get(1)
    sent = len(api.requests)
    with pytest.raises(RateLimitError) as info:
        client.customers.get(1)
    assert len(api.requests) == sent  # refused locally: no call that could only be a 429
    assert info.value.retry_after == pytest.approx(600)
    assert "brukt opp" in str(info.value) and "used up" in str(info.value)
    assert clock.sleeps == []


def test_bulk_post_refused_by_429_without_reset_is_sent_again_after_the_fallback_wait(
    make_client: Callable[..., Tripletex], api: FakeApi, clock: FakeClock
) -> None:
    # A 429 means Tripletex did nothing: the same invoices go again once the wait is over.
    api.on("POST", "/invoice/list", httpx.Response(429), httpx.Response(201, json={"values": [{"id": 1}]}))
    created = make_client().invoices.create_many([{"invoiceDate": "2026-03-01"}])
    assert [i.id for i in created] == [1]
    sent = api.calls("POST", "/invoice/list")
    assert len(sent) == 2 and sent[0].content == sent[1].content
    assert clock.sleeps == [policy.FALLBACK_RATE_LIMIT_WAIT]


def _caused_by(error: httpx.TransportError, cause: BaseException) -> httpx.TransportError:
    """An httpx error as httpx raises it: the OS error kept in the chain, message text unhelpful."""
    error.__cause__ = cause
    return error


@pytest.mark.parametrize(
    ("failure", "problem"),
    [
        (httpx.ReadTimeout("?"), TransportProblem.TIMEOUT),
        (_caused_by(httpx.ConnectError("?"), socket.gaierror(-2, "?")), TransportProblem.DNS),
        (_caused_by(httpx.ConnectError("?"), ConnectionRefusedError(111, "?")), TransportProblem.REFUSED),
        (_caused_by(httpx.ConnectError("?"), ssl.SSLError("?")), TransportProblem.TLS),
        (httpx.RemoteProtocolError("?"), TransportProblem.DROPPED),
        (_caused_by(httpx.ReadError("?"), ConnectionResetError(104, "?")), TransportProblem.DROPPED),
        (httpx.ProxyError("?"), TransportProblem.OTHER),
    ],
)
def test_a_transport_failure_says_what_went_wrong_by_type_not_text(
    failure: httpx.TransportError,
    problem: TransportProblem,
    make_client: Callable[..., Tripletex],
    api: FakeApi,
) -> None:
    api.on("GET", "/customer/1", *([failure] * (policy.MAX_RETRIES + 1)))
    with pytest.raises(APIConnectionError) as info:
        make_client().customers.get(1)
    assert info.value.problem is problem


def test_a_lost_write_and_a_5xx_after_sending_carry_their_problem(
    make_client: Callable[..., Tripletex], api: FakeApi
) -> None:
    api.on("POST", "/customer", httpx.RemoteProtocolError("?"), httpx.Response(500))
    client = make_client()
    with pytest.raises(OutcomeUnknownError) as dropped:
        client.customers.create(models.Customer(name="A"))
    assert dropped.value.problem is TransportProblem.DROPPED
    with pytest.raises(OutcomeUnknownError) as server:
        client.customers.create(models.Customer(name="A"))
    assert server.value.problem is TransportProblem.SERVER_ERROR
