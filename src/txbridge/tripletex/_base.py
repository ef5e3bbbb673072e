"""The one implementation of sending: request building, pacing, sessions, retries, error mapping.

The decisions live in :meth:`BaseClient._flow`, a generator that *yields* what it needs done
(send this request, sleep this long, give me a session token) and never does I/O itself. The sync
and async clients each drive it with a dozen lines, so both behave identically by construction."""

from __future__ import annotations

import base64
import json
import random
import socket
import ssl
import time
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Generic, TypeVar

import httpx
from pydantic import SecretStr, ValidationError

from . import _retry
from ._clock import Clock, SystemClock
from ._config import ClientConfig
from ._envelope import NotModified, build_params
from ._exceptions import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    OutcomeUnknownError,
    RateLimitError,
    TransportProblem,
    TripletexError,
    make_status_error,
)
from ._observe import RequestStats, install_httpx_redaction, log_response, logger, path_template, redact
from ._ratelimit import RateBudget, RateLimiterRegistry, process_registry
from ._session import CREATE_PATH, DELETE_PATH, SessionManager

R = TypeVar("R")

USER_AGENT = "txbridge-tripletex/0.1"
_DEFAULT_HEADERS = {"User-Agent": USER_AGENT, "Accept": "application/json"}


@dataclass(frozen=True)
class Call:
    """One logical API call (it may take several HTTP attempts)."""

    method: str
    path: str
    params: dict[str, str] = field(default_factory=dict, repr=False)
    body: Any = field(default=None, repr=False)
    headers: dict[str, str] = field(default_factory=dict, repr=False)
    idempotent: bool = True
    authenticated: bool = True
    #: Renew the session once on a 401 (not when the call is about the session itself).
    renew_on_401: bool = True


@dataclass(frozen=True)
class Operation(Generic[R]):
    """A call plus what to make of its JSON body; built by resources, run by either client."""

    call: Call
    parse: Callable[[Any], R]
    #: Give back NotModified on a 304 (the caller sent If-None-Match).
    allow_not_modified: bool = False
    #: Faster path: parse the raw body in one pass (envelope + models) instead of json.loads + parse.
    parse_bytes: Callable[[bytes], R] | None = None


# What the flow asks its driver for.
@dataclass(frozen=True)
class Sleep:
    seconds: float


@dataclass(frozen=True)
class Send:
    #: Hidden from repr: the session-create URL carries both tokens, and drivers' frames show up in
    #: tracebacks printed with their locals.
    request: httpx.Request = field(repr=False)


@dataclass(frozen=True)
class NeedToken:
    pass


_NEED_TOKEN = NeedToken()
Action = Sleep | Send | NeedToken


def make_call(
    method: str,
    path: str,
    *,
    params: Mapping[str, Any] | None = None,
    body: Any = None,
    headers: Mapping[str, str] | None = None,
    idempotent: bool | None = None,
) -> Call:
    method = method.upper()
    if not path.startswith("/"):
        path = "/" + path
    return Call(
        method=method,
        path=path,
        params=build_params(params),
        body=body,
        headers=dict(headers or {}),
        idempotent=_retry.is_idempotent(method, path) if idempotent is None else idempotent,
    )


def _encode(body: Any) -> bytes:
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False, default=_json_default).encode()


def _json_default(value: Any) -> Any:
    """Models given to the raw ``request()`` go out like resource writes: set, known, writable fields."""
    to_api = getattr(value, "to_api", None)
    if callable(to_api):
        return to_api()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _safe_params(params: Mapping[str, str]) -> dict[str, str]:
    return {k: v for k, v in params.items() if "token" not in k.lower()}


class BaseClient:
    """State shared by a client family (a client and those made by ``for_company``)."""

    def __init__(
        self,
        config: ClientConfig,
        *,
        clock: Clock | None,
        rate_limiters: RateLimiterRegistry | None,
        session: SessionManager | None = None,
        limiter: RateBudget | None = None,
        stats: RequestStats | None = None,
        jitter: Callable[[], float] | None = None,
    ) -> None:
        install_httpx_redaction()
        self.config = config
        self._clock: Clock = clock or SystemClock()
        self._session = session or SessionManager(config.expiration_days)
        if limiter is None:
            registry = rate_limiters if rate_limiters is not None else process_registry()
            limiter = registry.get(
                config.consumer_token.get_secret_value(), config.employee_token.get_secret_value()
            )
        self._limiter: RateBudget = limiter
        self.stats = stats or RequestStats()
        self._jitter = jitter or random.random
        self._timeout = httpx.Timeout(config.timeout).as_dict()
        self._auth: tuple[str, str] | None = None  # (token, header value), rebuilt when the token changes

    # ---- request building -----------------------------------------------------------------------

    def _authorization(self, token: str) -> str:
        cached = self._auth
        if cached is not None and cached[0] == token:
            return cached[1]
        value = "Basic " + base64.b64encode(f"{self.config.company_id}:{token}".encode()).decode()
        self._auth = (token, value)
        return value

    def _build_request(self, call: Call, token: SecretStr | None) -> httpx.Request:
        # Built directly rather than via Client.build_request: no cookie/URL/header merging is needed
        # for an API that uses none of them, and that merging was a visible part of our overhead.
        headers = {**_DEFAULT_HEADERS, **call.headers}
        if token is not None:
            headers["Authorization"] = self._authorization(token.get_secret_value())
        content = None
        if call.body is not None:
            content = _encode(call.body)
            headers["Content-Type"] = "application/json; charset=utf-8"
        return httpx.Request(
            call.method,
            self.config.base_url + call.path,
            params=call.params or None,
            headers=headers,
            content=content,
            extensions={"timeout": self._timeout},
        )

    def _session_call(self) -> tuple[Call, Any]:
        expiration = self._session.expiration_date(self._clock.now())
        call = Call(
            method="PUT",
            path=CREATE_PATH,
            params={
                "consumerToken": self.config.consumer_token.get_secret_value(),
                "employeeToken": self.config.employee_token.get_secret_value(),
                "expirationDate": expiration.isoformat(),
            },
            idempotent=True,
            authenticated=False,
        )
        return call, expiration

    def _accept_session(self, body: Any, expiration: Any) -> str:
        value = body.get("value") if isinstance(body, Mapping) else None
        token = value.get("token") if isinstance(value, Mapping) else None
        if not isinstance(token, str) or not token:
            raise APIConnectionError(
                "Tripletex answered the session request without a token",
                method="PUT",
                path=CREATE_PATH,
                problem=TransportProblem.BAD_ANSWER,
            )
        self._session.accept(token, expiration)
        self.stats.add("sessions_created")
        return token

    def _share_with(self, child: BaseClient, company_id: int) -> None:
        """Make ``child`` act for another company with this client's session, limiter and counters."""
        BaseClient.__init__(
            child,
            self.config.for_company(company_id),
            clock=self._clock,
            rate_limiters=None,
            session=self._session,
            limiter=self._limiter,
            stats=self.stats,
            jitter=self._jitter,
        )

    def _delete_session_call(self) -> Call | None:
        """The call that ends the live session on close (None when there is none to end)."""
        token = self._session.current(self._clock.now())
        if token is None:
            return None
        return Call("DELETE", DELETE_PATH.format(token=token), renew_on_401=False)

    # ---- the decisions ----------------------------------------------------------------------------

    def _flow(self, call: Call) -> Generator[Action, Any, httpx.Response]:
        held = [False]  # a call reserved in the budget and not ended
        try:
            return (yield from self._paced(call, held))
        finally:
            if held[0]:
                # Stopped between reservation and answer (cancelled, closed, an error of ours): the
                # call is no longer in flight for anyone sharing the budget.
                self._limiter.update({}, self._clock.monotonic())

    def _paced(self, call: Call, held: list[bool]) -> Generator[Action, Any, httpx.Response]:
        clock = self._clock
        started = clock.monotonic()
        retries = 0
        rate_limit_waits = 0
        blind_waits = 0
        renewed = False
        template = path_template(call.path)
        while True:
            delay = self._limiter.acquire(clock.monotonic())
            if delay > _retry.MAX_RATE_LIMIT_WAIT:
                # The period is used up for a long while: say so now rather than block the caller.
                self._limiter.update({}, clock.monotonic())  # the call reserved is not sent
                raise _period_exhausted(call, delay)
            held[0] = True
            if delay > 0:
                self.stats.add("throttle_waits")
                self.stats.add("throttle_seconds", delay)
                yield Sleep(delay)
            # Kept as SecretStr and the request never bound to a local: a traceback printed with its
            # locals (Rich, Typer, Sentry) must not show the session token or the session-create URL.
            token = SecretStr((yield _NEED_TOKEN)) if call.authenticated else None
            sent_at = time.perf_counter()
            result = yield Send(self._build_request(call, token))
            now = clock.monotonic()
            elapsed = now - started

            if isinstance(result, httpx.TransportError):
                held[0] = False
                self._limiter.update({}, now)  # ended; the budget learns nothing else from it
                if not (call.idempotent or _retry.was_not_sent(result)):
                    raise _outcome_unknown(
                        call, _describe_transport_error(result), problem=transport_problem(result)
                    ) from None
                wait = self._backoff(call, retries, elapsed, f"failed ({type(result).__name__})")
                if wait is None:
                    raise self._connection_error(call, result) from None
                retries += 1
                yield Sleep(wait)
                continue

            response: httpx.Response = result
            status = response.status_code
            headers = _tripletex_headers(response)
            held[0] = False
            self._limiter.update(headers, now)
            self.stats.record(call.method, template, status)
            log_response(
                call.method,
                call.path,
                status,
                time.perf_counter() - sent_at,
                headers.get("x-tlx-request-id"),
                headers.get("x-rate-limit-remaining"),
            )

            if status == 401 and token is not None and call.renew_on_401 and not renewed:
                # The session may have been ended elsewhere: renew once, then let the 401 stand.
                renewed = True
                self._session.invalidate(token.get_secret_value())
                continue
            if status == 429:
                reset = _retry.parse_reset(headers.get("x-rate-limit-reset"))
                # Without the header, what earlier answers said of this period beats guessing.
                known = None if reset is not None else self._limiter.period_left(now)
                wait = _retry.rate_limit_wait(reset, blind_waits, known)
                if _retry.may_wait_for_rate_limit(rate_limit_waits, wait, elapsed):
                    rate_limit_waits += 1
                    blind = reset is None and known is None
                    blind_waits += blind
                    self._limiter.block(wait, now, period_end=not blind)
                    logger.warning(
                        "%s %s hit the rate limit; waiting %.1f s (%s)",
                        call.method,
                        redact(call.path),
                        wait,
                        _WAIT_REASONS[0 if reset is not None else 1 if known is not None else 2],
                    )
                    yield Sleep(wait)
                    continue
                return response
            if status >= 500:
                if not call.idempotent:
                    raise _outcome_unknown(
                        call, f"HTTP {status} after sending", status, problem=TransportProblem.SERVER_ERROR
                    )
                if _retry.retries_status(call.method, status):
                    wait = self._backoff(call, retries, elapsed, f"answered {status}")
                    if wait is not None:
                        retries += 1
                        yield Sleep(wait)
                        continue
            return response

    def _backoff(self, call: Call, retries_done: int, elapsed: float, what: str) -> float | None:
        """The wait before the next retry of a request safe to repeat; None when the budget is spent."""
        wait = _retry.backoff_delay(retries_done, self._jitter())
        if not _retry.may_retry(retries_done, elapsed, wait):
            return None
        self.stats.add("retries")
        logger.warning(
            "%s %s %s; retry %d in %.1f s", call.method, redact(call.path), what, retries_done + 1, wait
        )
        return wait

    def _connection_error(self, call: Call, exc: httpx.TransportError) -> APIConnectionError:
        cls = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
        return cls(
            _describe_transport_error(exc),
            method=call.method,
            path=redact(call.path),
            problem=transport_problem(exc),
        )

    def _handle(self, op: Operation[R], response: httpx.Response) -> R | NotModified:
        """Turn one final answer into the operation's result or the right exception."""
        status = response.status_code
        if status == 304 and op.allow_not_modified:
            # No body to parse: the digest we sent is still the digest of the data.
            return NotModified(op.call.headers.get("If-None-Match", ""))
        if status >= 400:
            raise self._status_error(op.call, response)
        if status == 204 or not response.content:
            return op.parse(None)
        try:
            if op.parse_bytes is not None:
                return op.parse_bytes(response.content)
            return op.parse(response.json())
        except ValueError as exc:  # json's decode error and pydantic's ValidationError alike
            raise _unreadable(op.call, status, exc) from None

    def _status_error(self, call: Call, response: httpx.Response) -> APIStatusError:
        try:
            body = response.json()
        except ValueError:
            body = None
        error = make_status_error(
            response.status_code,
            body,
            request_id_header=response.headers.get("x-tlx-request-id"),
            method=call.method,
            path=redact(call.path),
            reason=response.reason_phrase,
        )
        if isinstance(error, RateLimitError):
            error.retry_after = _retry.parse_reset(response.headers.get("x-rate-limit-reset"))
            if error.retry_after is None:
                error.retry_after = self._limiter.period_left(self._clock.monotonic())
        return error

    def rate_limit(self) -> Any:
        """What we know of the rate limit period right now (limit, remaining, seconds to reset)."""
        return self._limiter.snapshot(self._clock.monotonic())


_WAIT_REASONS = (
    "period reset from header",
    "no reset header; the end of the period earlier answers gave",
    "no reset header and no period known; short fallback wait",
)


def _tripletex_headers(response: httpx.Response) -> dict[str, str]:
    """The x-rate-limit-* and x-tlx-request-id headers in one pass over the raw list (httpx' own
    lookups rescan and decode every header each time, which showed in the overhead benchmark)."""
    found: dict[str, str] = {}
    for name, value in response.headers.raw:
        if name[:2] in (b"x-", b"X-"):
            found[name.decode("latin-1").lower()] = value.decode("latin-1")
    return found


def _period_exhausted(call: Call, delay: float) -> RateLimitError:
    error = RateLimitError(
        status=429,
        code=None,
        message=(
            f"Kvoten for API-kall er brukt opp; prøv igjen om {delay:.0f} s / "
            f"API rate limit used up; try again in {delay:.0f} s"
        ),
        method=call.method,
        path=redact(call.path),
    )
    error.retry_after = delay
    return error


def _outcome_unknown(
    call: Call,
    reason: str,
    status: int | None = None,
    *,
    problem: TransportProblem = TransportProblem.OTHER,
) -> OutcomeUnknownError:
    return OutcomeUnknownError(
        reason,
        method=call.method,
        path=redact(call.path),
        params=_safe_params(call.params),
        body=call.body,
        status=status,
        problem=problem,
    )


def _unreadable(call: Call, status: int, exc: ValueError) -> TripletexError:
    """The error for a success answer whose body cannot be read."""
    if isinstance(exc, ValidationError):
        what = f"{exc.error_count()} problems, first at {_first_location(exc)}"
    else:
        what = "not JSON"
    if not call.idempotent:
        # The write was carried out but what it made is unknown to us: like a lost answer, the caller
        # must look it up before sending again (a "refused" error here would invite a second send).
        return _outcome_unknown(
            call,
            f"HTTP {status} with a body this client could not read: {what}",
            status,
            problem=TransportProblem.BAD_ANSWER,
        )
    cls = APIResponseValidationError if isinstance(exc, ValidationError) else APIConnectionError
    return cls(
        f"Tripletex answered {status} with a body this client could not read ({what})",
        method=call.method,
        path=redact(call.path),
        problem=TransportProblem.BAD_ANSWER,
    )


def _first_location(exc: ValidationError) -> str:
    errors = exc.errors(include_url=False, include_input=False)
    location = ".".join(str(p) for p in errors[0]["loc"]) if errors else "?"
    return location or "the body"


def transport_problem(exc: httpx.TransportError) -> TransportProblem:
    """Classify a transport failure by the exception types in its chain (httpx keeps the OS error)."""
    if isinstance(exc, httpx.TimeoutException):
        return TransportProblem.TIMEOUT
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, socket.gaierror):
            return TransportProblem.DNS
        if isinstance(cause, ssl.SSLError):
            return TransportProblem.TLS
        if isinstance(cause, ConnectionRefusedError):
            return TransportProblem.REFUSED
        if isinstance(cause, ConnectionResetError | BrokenPipeError | ConnectionAbortedError):
            return TransportProblem.DROPPED
        cause = cause.__cause__ or cause.__context__
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError):
        return TransportProblem.DROPPED
    return TransportProblem.OTHER


def _describe_transport_error(exc: httpx.TransportError) -> str:
    text = redact(str(exc))[:200]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
