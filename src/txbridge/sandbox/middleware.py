"""One pure-ASGI middleware for what every Tripletex response has in common.

Per request, in this order: request id, statistics, injected faults, Basic auth (user = company id,
password = session token), rate limiting, then the route. It adds ``x-tlx-request-id`` and the
``X-Rate-Limit-*`` headers to every response and turns any error into Tripletex's envelope.
Kept free of per-request parsing of the spec so the sandbox stays fast.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import logging
import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from txbridge.sandbox import errors
from txbridge.sandbox.faults import ConnectionDropped, ConnectionRegistry
from txbridge.sandbox.state import CompanyState, RateStatus, SandboxState, Session

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
Sleep = Callable[[float], Awaitable[None]]

log = logging.getLogger("txbridge.sandbox")

API_PREFIX = "/v2"
SESSION_CREATE = "/v2/token/session/:create"
_ID_SEGMENT = re.compile(r"/\d+(?=/|$)")


@dataclass(slots=True)
class RequestAuth:
    """What the middleware learned about the caller; routes read it from ``request.state.tx``."""

    request_id: str
    session: Session | None = None
    company: CompanyState | None = None
    rate: RateStatus | None = None


_SESSION_TOKEN_PATH = re.compile(r"^/v2/token/session/(?![:>])[^/]+$")


def stats_path(path: str) -> str:
    """The path with ids (and session tokens, which are secrets) replaced by placeholders."""
    if _SESSION_TOKEN_PATH.match(path):
        return "/v2/token/session/{token}"
    return _ID_SEGMENT.sub("/{id}", path)


class TripletexMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        state: SandboxState,
        sleep: Sleep = asyncio.sleep,
        connections: Callable[[], ConnectionRegistry | None] = lambda: None,
    ) -> None:
        self.app = app
        self.state = state
        self.sleep = sleep
        self.connections = connections

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = str(uuid.uuid4())
        auth = RequestAuth(request_id)
        scope.setdefault("state", {})["tx"] = auth
        path: str = scope["path"]
        method: str = scope["method"]
        extra_headers: list[tuple[bytes, bytes]] = [(b"x-tlx-request-id", request_id.encode())]
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message = dict(message)
                message["headers"] = [*message.get("headers", []), *extra_headers]
            await send(message)

        try:
            if not path.startswith(API_PREFIX + "/"):
                await self.app(scope, receive, send_with_headers)
                return
            fault = self.state.take_fault(method, path, self._caller_company(scope, path, method))
            if fault is not None and fault.kind == "status" and fault.status > 500:
                # 502/503/504 come from the gateway in front of Tripletex, before authentication.
                raise _injected(fault.status, 1000)
            if fault is not None and fault.kind == "delay":
                await self.sleep(fault.delay_seconds)
            if fault is not None and fault.kind == "drop":
                self._count(auth, method, path)
                await self._drop(scope)
                return
            try:
                rate = self._authenticate(scope, auth, path, method)
            finally:
                # A known caller gets the rate-limit headers even when refused (e.g. 403 on a company).
                self._count(auth, method, path)
                if auth.rate is not None:
                    extra_headers.extend(_rate_headers(auth.rate))
            if rate is not None and not rate.allowed:
                self._count_refused(auth)
                raise errors.TripletexError(
                    429,
                    429,
                    "For mange forespørsler; vent til perioden er over. Too many requests.",
                    f"Rate limit of {rate.limit} requests hit; retry in {rate.reset_seconds} s.",
                )
            if fault is not None and fault.kind == "status" and fault.status == 500:
                raise _injected(500, 1000)  # from the application: after authentication
            if fault is not None and fault.kind == "status":
                # An injected 429 comes from the limiter, after authentication, without
                # X-Rate-Limit-Reset: Tripletex's 429s sometimes lack it.
                extra_headers[:] = [
                    (name, b"0" if name == b"x-rate-limit-remaining" else value)
                    for name, value in extra_headers
                    if name != b"x-rate-limit-reset"
                ]
                raise _injected(429, 429)
            if fault is not None and fault.kind == "drop_after_commit":
                await self.app(scope, receive, _discard)
                await self._drop(scope)
                return
            if fault is not None and fault.kind == "delay_after_commit":
                # The write is done; the answer is held back (a client killed now never learns it).
                held: list[Message] = []

                async def hold(message: Message) -> None:
                    held.append(message)

                await self.app(scope, receive, hold)
                await self.sleep(fault.delay_seconds)
                for message in held:
                    await send_with_headers(message)
                return
            await self.app(scope, receive, send_with_headers)
        except errors.TripletexError as exc:
            if started:
                raise
            await _send_json(send_with_headers, exc.status, exc.body(request_id), exc.headers)
        except ConnectionDropped:
            raise
        except Exception as exc:
            if started:
                raise
            log.exception("sandbox: unexpected error", exc_info=exc)
            body = errors.error_body(500, 1000, "Uventet feil. Unexpected error.", request_id)
            await _send_json(send_with_headers, 500, body, {})

    def _caller_company(self, scope: Scope, path: str, method: str) -> int | None:
        """The company whose tokens make the request, when they are known (for scoped faults).
        Only looks: faults come before authentication decides anything."""
        if not self.state.faults:
            return None
        if path == SESSION_CREATE and method == "PUT":
            query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            token = self.state.employee_tokens.get((query.get("employeeToken") or [""])[0])
            return token.company_id if token is not None else None
        _, password = _basic_credentials(scope)
        session = self.state.sessions.get(password) if password else None
        return session.company_id if session is not None else None

    def _count(self, auth: RequestAuth, method: str, path: str) -> None:
        company_id = auth.company.id if auth.company is not None else 0
        self.state.stats[(company_id, method, stats_path(path))] += 1

    def _count_refused(self, auth: RequestAuth) -> None:
        with self.state.lock:
            self.state.rate_limited[auth.company.id if auth.company is not None else 0] += 1

    async def _drop(self, scope: Scope) -> None:
        registry = self.connections()
        if registry is None or not registry.abort(scope.get("client")):
            raise ConnectionDropped("connection dropped by an injected fault")
        # Let the server see the lost connection so it does not try to answer.
        for _ in range(3):
            await asyncio.sleep(0)

    def _authenticate(self, scope: Scope, auth: RequestAuth, path: str, method: str) -> RateStatus | None:
        state = self.state
        now = state.clock.now()
        if path == SESSION_CREATE and method == "PUT":
            query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            consumer = (query.get("consumerToken") or [""])[0]
            employee = (query.get("employeeToken") or [""])[0]
            token = state.employee_tokens.get(employee)
            if token is None or token.consumer_token != consumer:
                return None  # the route answers 401 with the reason
            auth.rate = state.rate_limits.hit((consumer, employee), token.company_id, now.timestamp())
            return auth.rate
        user, password = _basic_credentials(scope)
        session = state.sessions.get(password) if password else None
        if session is None:
            raise errors.authentication("Unknown or deleted session token (Basic auth password).")
        if session.expired(now):
            raise errors.authentication(f"Session token expired at midnight on {session.expiration_date}.")
        if session.employee_id in state.inactive_employees:
            raise errors.authentication("The employee who owns the session token is deactivated.")
        own = state.companies.get(session.company_id)
        if own is None:
            raise errors.authentication("The session token's company no longer exists.")
        auth.rate = state.rate_limits.hit(
            (session.consumer_token, session.employee_token), own.id, now.timestamp()
        )
        company = own
        if user not in ("", "0"):
            try:
                wanted = int(user)
            except ValueError:
                raise errors.authentication(
                    "Basic auth user must be a company id (0 = own company)."
                ) from None
            if wanted != own.id:
                target = state.companies.get(wanted)
                if target is None or wanted not in own.accountant_client_ids:
                    raise errors.TripletexError(
                        403,
                        9000,
                        "Du har ikke tilgang til dette firmaet. You have no access to this company.",
                        f"Company {wanted} is not a client of company {own.id}.",
                    )
                company = target
        auth.session = session
        auth.company = company
        return auth.rate


def _injected(status: int, code: int) -> errors.TripletexError:
    return errors.TripletexError(
        status, code, "Sandkassen svarer med en feil med vilje. The sandbox answers with an injected error."
    )


def _rate_headers(rate: RateStatus) -> list[tuple[bytes, bytes]]:
    return [
        (b"x-rate-limit-limit", str(rate.limit).encode()),
        (b"x-rate-limit-remaining", str(rate.remaining).encode()),
        (b"x-rate-limit-reset", str(rate.reset_seconds).encode()),
    ]


def _basic_credentials(scope: Scope) -> tuple[str, str]:
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            scheme, _, encoded = value.decode("latin-1").partition(" ")
            if scheme.lower() != "basic":
                break
            try:
                decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                break
            user, _, password = decoded.partition(":")
            return user.strip(), password
    raise errors.authentication("Basic authentication (company id : session token) is required.")


async def _discard(message: Message) -> None:
    """Send function that throws the response away (the write is committed, the answer is lost)."""


async def _send_json(send: Send, status: int, body: dict[str, Any], headers: dict[str, str]) -> None:
    payload = json.dumps(body, ensure_ascii=False).encode()
    raw_headers = [
        (b"content-type", b"application/json; charset=utf-8"),
        (b"content-length", str(len(payload)).encode()),
        *((k.lower().encode(), v.encode()) for k, v in headers.items()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": payload})
