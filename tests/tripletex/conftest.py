"""A scripted Tripletex behind httpx.MockTransport, an injected clock, and client factories."""

from __future__ import annotations

import base64
import itertools
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from txbridge.tripletex import AsyncTripletex, RateLimiterRegistry, Tripletex

CONSUMER = "consumer-TOKEN-c0ffee42"
EMPLOYEE = "employee-TOKEN-deadbeef"
BASE = "http://tripletex.local/v2"

Reply = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


class FakeClock:
    """Monotonic seconds and wall time move only when someone sleeps (or a test says so)."""

    def __init__(self, start: datetime = datetime(2026, 3, 10, 11, 0, tzinfo=UTC)) -> None:
        self.t = 1000.0
        self.start = start
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.t

    def now(self) -> datetime:
        return self.start + timedelta(seconds=self.t - 1000.0)

    def advance(self, seconds: float) -> None:
        self.t += seconds

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.t += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)


class FakeApi:
    """Routes (method, path) to scripted replies; sessions and whoAmI answer by default."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.routes: dict[tuple[str, str], list[Reply]] = {}
        self._tokens = itertools.count(1)
        self.session_tokens: list[str] = []

    def on(self, method: str, path: str, *replies: Reply) -> FakeApi:
        """Replies are used in order; the last one repeats."""
        self.routes[(method.upper(), path)] = list(replies)
        return self

    def calls(self, method: str | None = None, path: str | None = None) -> list[httpx.Request]:
        return [
            r
            for r in self.requests
            if (method is None or r.method == method) and (path is None or _api_path(r) == path)
        ]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        key = (request.method, _api_path(request))
        replies = self.routes.get(key)
        if replies:
            reply = replies.pop(0) if len(replies) > 1 else replies[0]
            if isinstance(reply, Exception):
                raise reply
            if isinstance(reply, httpx.Response):
                return httpx.Response(
                    reply.status_code, headers=reply.headers, content=reply.content, request=request
                )
            return reply(request)
        if key == ("PUT", "/token/session/:create"):
            token = f"session-{next(self._tokens)}-SECRETSESSION"
            self.session_tokens.append(token)
            return httpx.Response(200, json={"value": {"token": token}})
        if key == ("GET", "/token/session/>whoAmI"):
            company_id = int(basic_user(request) or 0) or 1001
            return ok(
                {"employeeId": 7, "companyId": company_id, "company": {"id": company_id, "name": "Fjord AS"}}
            )
        if key[0] == "DELETE" and key[1].startswith("/token/session/"):
            return httpx.Response(204)
        return error(404, 6000, "Not found")


def basic_user(request: httpx.Request) -> str | None:
    header = request.headers.get("authorization")
    if not header or not header.startswith("Basic "):
        return None
    return base64.b64decode(header[6:]).decode().split(":", 1)[0]


def basic_password(request: httpx.Request) -> str | None:
    header = request.headers.get("authorization")
    if not header or not header.startswith("Basic "):
        return None
    return base64.b64decode(header[6:]).decode().split(":", 1)[1]


def _api_path(request: httpx.Request) -> str:
    path = request.url.path
    path = path.replace("%3E", ">").replace("%3A", ":")
    return path[len("/v2") :] if path.startswith("/v2") else path


def ok(value: Any, **headers: str) -> httpx.Response:
    return httpx.Response(200, json={"value": value}, headers=headers)


def page(
    values: list[Any], *, from_: int = 0, digest: str | None = "digest-1", **headers: str
) -> httpx.Response:
    return httpx.Response(
        200,
        json={
            "fullResultSize": 999999,
            "from": from_,
            "count": len(values),
            "versionDigest": digest,
            "values": values,
        },
        headers=headers,
    )


def error(status: int, code: int | None, message: str = "Feil", **extra: Any) -> httpx.Response:
    body = {
        "status": status,
        "code": code,
        "message": message,
        "link": "https://tripletex.no/v2-docs/",
        "developerMessage": extra.pop("developerMessage", None),
        "validationMessages": extra.pop("validationMessages", None),
        "requestId": extra.pop("requestId", "req-123"),
    }
    return httpx.Response(status, json=body, headers={"x-tlx-request-id": "hdr-req-1", **extra})


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def api() -> FakeApi:
    return FakeApi()


@pytest.fixture
def make_client(api: FakeApi, clock: FakeClock) -> Iterator[Callable[..., Tripletex]]:
    made: list[Tripletex] = []

    def make(**kwargs: Any) -> Tripletex:
        options: dict[str, Any] = {
            "consumer_token": CONSUMER,
            "employee_token": EMPLOYEE,
            "base_url": BASE,
            "transport": httpx.MockTransport(api),
            "clock": clock,
            "sleep": clock.sleep,
            "rate_limiters": RateLimiterRegistry(),
            "jitter": lambda: 0.5,
        }
        options.update(kwargs)
        client = Tripletex(**options)
        made.append(client)
        return client

    yield make
    for client in made:
        client._http.close()


@pytest.fixture
def client(make_client: Callable[..., Tripletex]) -> Tripletex:
    return make_client()


@pytest.fixture
def make_async_client(api: FakeApi, clock: FakeClock) -> Callable[..., AsyncTripletex]:
    def make(**kwargs: Any) -> AsyncTripletex:
        options: dict[str, Any] = {
            "consumer_token": CONSUMER,
            "employee_token": EMPLOYEE,
            "base_url": BASE,
            "transport": httpx.MockTransport(api),
            "clock": clock,
            "sleep": clock.async_sleep,
            "rate_limiters": RateLimiterRegistry(),
            "jitter": lambda: 0.5,
        }
        options.update(kwargs)
        return AsyncTripletex(**options)

    return make
