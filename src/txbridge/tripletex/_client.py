"""The two public clients. They share everything in :class:`BaseClient`; each only drives the flow."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Generator, Mapping
from functools import cached_property
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx
from pydantic import SecretStr

from . import models as m
from ._base import BaseClient, Call, NeedToken, Operation, Send, Sleep, make_call
from ._clock import Clock
from ._config import ClientConfig, Environment, clean_token, resolve_base_url
from ._envelope import ConnectionInfo, NotModified, parse_value
from ._exceptions import TripletexError
from ._observe import logger
from ._ratelimit import RateBudget, RateLimiterRegistry, budget_does_io
from .resources import _async as ar
from .resources import _specs as specs
from .resources import _sync as sr

R = TypeVar("R")

_WHO_AM_I = "/token/session/>whoAmI"
_CONNECTION_FIELDS = "employeeId,companyId,company(id,name)"


def _config(
    consumer_token: str | SecretStr,
    employee_token: str | SecretStr,
    environment: Environment | str | None,
    base_url: str | None,
    company_id: int,
    page_size: int,
    expiration_days: int,
    timeout: float,
) -> ClientConfig:
    return ClientConfig(
        base_url=resolve_base_url(environment, base_url),
        consumer_token=clean_token(consumer_token, "Consumer-token", "consumer token"),
        employee_token=clean_token(employee_token, "Ansatt-token (employee token)", "employee token"),
        company_id=company_id,
        page_size=page_size,
        expiration_days=expiration_days,
        timeout=timeout,
    )


def _connection_info(who: m.WhoAmI, company: m.Company | None, environment: str) -> ConnectionInfo:
    source = company or who.company
    return ConnectionInfo(
        company_id=int(who.companyId if who.companyId is not None else (source.id if source else 0) or 0),
        company_name=source.name if source else None,
        employee_id=who.employeeId,
        environment=environment,
    )


def _raw(body: Any) -> Any:
    return body


class Tripletex(BaseClient):
    """Synchronous Tripletex API v2 client.

    ``Tripletex(consumer_token=…, employee_token=…, environment="test")`` — or ``base_url=`` for the
    sandbox. Safe to share between threads. Use as a context manager or call :meth:`close`.

    The rate limit is paced by the token pair's limiter in ``rate_limiters`` (the process's by
    default), or by ``rate_budget`` when given: any :class:`RateBudget`, e.g. one shared by a fleet."""

    def __init__(
        self,
        *,
        consumer_token: str | SecretStr,
        employee_token: str | SecretStr,
        environment: Environment | str | None = Environment.TEST,
        base_url: str | None = None,
        company_id: int = 0,
        transport: httpx.BaseTransport | None = None,
        clock: Clock | None = None,
        sleep: Callable[[float], None] | None = None,
        page_size: int = 1000,
        expiration_days: int = 3,
        timeout: float = 30.0,
        rate_limiters: RateLimiterRegistry | None = None,
        jitter: Callable[[], float] | None = None,
        rate_budget: RateBudget | None = None,
    ) -> None:
        config = _config(
            consumer_token,
            employee_token,
            environment,
            base_url,
            company_id,
            page_size,
            expiration_days,
            timeout,
        )
        super().__init__(config, clock=clock, rate_limiters=rate_limiters, limiter=rate_budget, jitter=jitter)
        # No client-level headers: every request is built whole by BaseClient._build_request.
        self._http = httpx.Client(transport=transport, timeout=timeout)
        self._sleep = sleep or time.sleep
        self._owner = True
        self._closed = False

    # ---- driving the flow -------------------------------------------------------------------------

    def _run(self, call: Call) -> httpx.Response:
        flow = self._flow(call)
        result: Any = None
        while True:
            try:
                action = flow.send(result)
            except StopIteration as done:
                response: httpx.Response = done.value
                return response
            result = None
            if isinstance(action, Send):
                try:
                    result = self._http.send(action.request)
                except httpx.TransportError as exc:
                    result = exc
            elif isinstance(action, Sleep):
                self._sleep(action.seconds)
            elif isinstance(action, NeedToken):
                result = self._token()

    def _token(self) -> str:
        token = self._session.current(self._clock.now())
        if token is not None:
            return token
        with self._session.thread_lock:  # one creator; the others find its token when they get the lock
            token = self._session.current(self._clock.now())
            if token is not None:
                return token
            call, expiration = self._session_call()
            op: Operation[Any] = Operation(call, _raw)
            body = self._handle(op, self._run(call))
            return self._accept_session(body, expiration)

    def _execute(self, op: Operation[R]) -> R:
        result = self._handle(op, self._run(op.call))
        assert not isinstance(result, NotModified)
        return result

    def _execute_conditional(self, op: Operation[R]) -> R | NotModified:
        return self._handle(op, self._run(op.call))

    # ---- public surface ---------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        idempotent: bool | None = None,
    ) -> Any:
        """Any endpoint of the spec; returns the parsed JSON body (None for 204, NotModified for 304).

        POSTs and action PUTs (``/:invoice``) are never retried blindly; pass ``idempotent=True`` only
        when repeating the call cannot do something twice."""
        call = make_call(method, path, params=params, body=json, headers=headers, idempotent=idempotent)
        allow_304 = any(k.lower() == "if-none-match" for k in (headers or {}))
        return self._execute_conditional(Operation(call, _raw, allow_not_modified=allow_304))

    def who_am_i(self, *, fields: str | None = None) -> m.WhoAmI:
        return self._execute(Operation(make_call("GET", _WHO_AM_I, params={"fields": fields}), _who))

    def test_connection(self) -> ConnectionInfo:
        """The "Test connection" button: which company these tokens reach (one call, two if needed)."""
        who = self.who_am_i(fields=_CONNECTION_FIELDS)
        company = None
        if (who.company is None or not who.company.name) and who.companyId:
            company = self.companies.get(who.companyId, fields="id,name")
        return _connection_info(who, company, self.config.environment_name)

    def for_company(self, company_id: int) -> Tripletex:
        """A client acting for an accountant's client company; shares session, limiter and stats."""
        child = object.__new__(Tripletex)
        self._share_with(child, company_id)
        child._http = self._http
        child._sleep = self._sleep
        child._owner = False
        child._closed = False
        return child

    def close(self) -> None:
        """Delete the session token in Tripletex and release connections (the parent's job only)."""
        if self._closed:
            return
        self._closed = True
        if not self._owner:
            return
        call = self._delete_session_call()
        if call is not None:
            try:
                self._execute(Operation(call, _raw))
            except TripletexError as exc:
                logger.info("Could not delete the session token on close: %s", type(exc).__name__)
            self._session.take()
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Tripletex(base_url={self.config.base_url!r}, company_id={self.config.company_id})"

    # ---- resources --------------------------------------------------------------------------------

    @cached_property
    def customers(self) -> sr.Resource[m.Customer]:
        return sr.Resource(self, specs.CUSTOMERS)

    @cached_property
    def products(self) -> sr.Resource[m.Product]:
        return sr.Resource(self, specs.PRODUCTS)

    @cached_property
    def product_groups(self) -> sr.Resource[m.ProductGroup]:
        return sr.Resource(self, specs.PRODUCT_GROUPS)

    @cached_property
    def orders(self) -> sr.Orders:
        return sr.Orders(self, specs.ORDERS)

    @cached_property
    def order_lines(self) -> sr.Resource[m.OrderLine]:
        return sr.Resource(self, specs.ORDER_LINES)

    @cached_property
    def invoices(self) -> sr.Invoices:
        return sr.Invoices(self, specs.INVOICES)

    @cached_property
    def ledger(self) -> sr.Ledger:
        return sr.Ledger(self)

    @cached_property
    def employees(self) -> sr.Resource[m.Employee]:
        return sr.Resource(self, specs.EMPLOYEES)

    @cached_property
    def departments(self) -> sr.Resource[m.Department]:
        return sr.Resource(self, specs.DEPARTMENTS)

    @cached_property
    def projects(self) -> sr.Resource[m.Project]:
        return sr.Resource(self, specs.PROJECTS)

    @cached_property
    def activities(self) -> sr.Resource[m.Activity]:
        return sr.Resource(self, specs.ACTIVITIES)

    @cached_property
    def timesheet_entries(self) -> sr.Resource[m.TimesheetEntry]:
        return sr.Resource(self, specs.TIMESHEET_ENTRIES)

    @cached_property
    def event_subscriptions(self) -> sr.Resource[m.EventSubscription]:
        return sr.Resource(self, specs.EVENT_SUBSCRIPTIONS)

    @cached_property
    def currencies(self) -> sr.Resource[m.Currency]:
        return sr.Resource(self, specs.CURRENCIES)

    @cached_property
    def companies(self) -> sr.Companies:
        return sr.Companies(self, specs.COMPANIES)


def _who(body: Any) -> m.WhoAmI:
    return parse_value(body, m.WhoAmI)


def _step(flow: Generator[Any, Any, httpx.Response], value: Any) -> tuple[bool, Any]:
    """One step of a flow: (True, its response) when it is done, else (False, its next action).
    StopIteration stays inside: it cannot cross a thread's future."""
    try:
        return False, flow.send(value)
    except StopIteration as finished:
        return True, finished.value


class AsyncTripletex(BaseClient):
    """The asyncio twin of :class:`Tripletex`: the same surface, with ``await``."""

    def __init__(
        self,
        *,
        consumer_token: str | SecretStr,
        employee_token: str | SecretStr,
        environment: Environment | str | None = Environment.TEST,
        base_url: str | None = None,
        company_id: int = 0,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Clock | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        page_size: int = 1000,
        expiration_days: int = 3,
        timeout: float = 30.0,
        rate_limiters: RateLimiterRegistry | None = None,
        jitter: Callable[[], float] | None = None,
        rate_budget: RateBudget | None = None,
    ) -> None:
        config = _config(
            consumer_token,
            employee_token,
            environment,
            base_url,
            company_id,
            page_size,
            expiration_days,
            timeout,
        )
        super().__init__(config, clock=clock, rate_limiters=rate_limiters, limiter=rate_budget, jitter=jitter)
        self._http = httpx.AsyncClient(transport=transport, timeout=timeout)
        self._sleep = sleep or asyncio.sleep
        self._owner = True
        self._closed = False

    async def _run(self, call: Call) -> httpx.Response:
        flow = self._flow(call)
        # A budget kept in a database answers over the network: the flow's steps (its questions to the
        # budget among them) then run in a worker thread, so other tasks go on while it waits.
        off_loop = budget_does_io(self._limiter)
        result: Any = None
        while True:
            done, action = await asyncio.to_thread(_step, flow, result) if off_loop else _step(flow, result)
            if done:
                response: httpx.Response = action
                return response
            result = None
            if isinstance(action, Send):
                try:
                    result = await self._http.send(action.request)
                except httpx.TransportError as exc:
                    result = exc
            elif isinstance(action, Sleep):
                await self._sleep(action.seconds)
            elif isinstance(action, NeedToken):
                result = await self._token()

    async def _token(self) -> str:
        token = self._session.current(self._clock.now())
        if token is not None:
            return token
        async with self._session.async_lock:
            token = self._session.current(self._clock.now())
            if token is not None:
                return token
            call, expiration = self._session_call()
            op: Operation[Any] = Operation(call, _raw)
            body = self._handle(op, await self._run(call))
            return self._accept_session(body, expiration)

    async def _execute(self, op: Operation[R]) -> R:
        result = self._handle(op, await self._run(op.call))
        assert not isinstance(result, NotModified)
        return result

    async def _execute_conditional(self, op: Operation[R]) -> R | NotModified:
        return self._handle(op, await self._run(op.call))

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        idempotent: bool | None = None,
    ) -> Any:
        call = make_call(method, path, params=params, body=json, headers=headers, idempotent=idempotent)
        allow_304 = any(k.lower() == "if-none-match" for k in (headers or {}))
        return await self._execute_conditional(Operation(call, _raw, allow_not_modified=allow_304))

    async def who_am_i(self, *, fields: str | None = None) -> m.WhoAmI:
        return await self._execute(Operation(make_call("GET", _WHO_AM_I, params={"fields": fields}), _who))

    async def test_connection(self) -> ConnectionInfo:
        who = await self.who_am_i(fields=_CONNECTION_FIELDS)
        company = None
        if (who.company is None or not who.company.name) and who.companyId:
            company = await self.companies.get(who.companyId, fields="id,name")
        return _connection_info(who, company, self.config.environment_name)

    def for_company(self, company_id: int) -> AsyncTripletex:
        child = object.__new__(AsyncTripletex)
        self._share_with(child, company_id)
        child._http = self._http
        child._sleep = self._sleep
        child._owner = False
        child._closed = False
        return child

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if not self._owner:
            return
        call = self._delete_session_call()
        if call is not None:
            try:
                await self._execute(Operation(call, _raw))
            except TripletexError as exc:
                logger.info("Could not delete the session token on close: %s", type(exc).__name__)
            self._session.take()
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    def __repr__(self) -> str:
        return f"AsyncTripletex(base_url={self.config.base_url!r}, company_id={self.config.company_id})"

    @cached_property
    def customers(self) -> ar.Resource[m.Customer]:
        return ar.Resource(self, specs.CUSTOMERS)

    @cached_property
    def products(self) -> ar.Resource[m.Product]:
        return ar.Resource(self, specs.PRODUCTS)

    @cached_property
    def product_groups(self) -> ar.Resource[m.ProductGroup]:
        return ar.Resource(self, specs.PRODUCT_GROUPS)

    @cached_property
    def orders(self) -> ar.Orders:
        return ar.Orders(self, specs.ORDERS)

    @cached_property
    def order_lines(self) -> ar.Resource[m.OrderLine]:
        return ar.Resource(self, specs.ORDER_LINES)

    @cached_property
    def invoices(self) -> ar.Invoices:
        return ar.Invoices(self, specs.INVOICES)

    @cached_property
    def ledger(self) -> ar.Ledger:
        return ar.Ledger(self)

    @cached_property
    def employees(self) -> ar.Resource[m.Employee]:
        return ar.Resource(self, specs.EMPLOYEES)

    @cached_property
    def departments(self) -> ar.Resource[m.Department]:
        return ar.Resource(self, specs.DEPARTMENTS)

    @cached_property
    def projects(self) -> ar.Resource[m.Project]:
        return ar.Resource(self, specs.PROJECTS)

    @cached_property
    def activities(self) -> ar.Resource[m.Activity]:
        return ar.Resource(self, specs.ACTIVITIES)

    @cached_property
    def timesheet_entries(self) -> ar.Resource[m.TimesheetEntry]:
        return ar.Resource(self, specs.TIMESHEET_ENTRIES)

    @cached_property
    def event_subscriptions(self) -> ar.Resource[m.EventSubscription]:
        return ar.Resource(self, specs.EVENT_SUBSCRIPTIONS)

    @cached_property
    def currencies(self) -> ar.Resource[m.Currency]:
        return ar.Resource(self, specs.CURRENCIES)

    @cached_property
    def companies(self) -> ar.Companies:
        return ar.Companies(self, specs.COMPANIES)
