"""Webhook delivery for `event/subscription`, as Tripletex does it, off the request path.

A resource that changes an object calls ``ctx.emit("customer.update", …)``; the dispatcher (a listener
in ``state.event_listeners``) finds the company's ACTIVE subscriptions for that event and queues one
delivery each on a bounded queue. One worker thread POSTs them in order:

- body ``{"subscriptionId", "event", "id", "value"}`` (value null on delete; the subscription's
  `fields` select the value's top-level fields);
- headers ``idempotency-key`` (one per delivery, the same on every retry), the subscription's own auth
  header, and — when a shared secret is set — ``x-request-signature`` =
  base64(HMAC-SHA512(secret, idempotency-key + "&" + body));
- a non-2xx answer or a network error is retried with exponential backoff; when every attempt of
  `disable_after_failures` deliveries in a row failed, the subscription becomes
  ``DISABLED_TOO_MANY_ERRORS`` — or ``DISABLED_RATE_LIMIT_EXCEEDED`` when the target answered every
  last attempt with 429 (setting it ACTIVE again re-enables it);
- test hooks (``/_sandbox/webhook-faults``): drop, duplicate (same idempotency key twice) or reorder
  (hold N deliveries, then send them newest first) what a subscription would send;
- every attempt is recorded in ``state.webhook_deliveries`` (`GET /_sandbox/webhook-deliveries`),
  without credentials or secrets.

``dispatcher_for(state)`` installs the dispatcher on first use; tests install their own first with an
injected transport, sleep function and policy.
"""

from __future__ import annotations

import base64
import contextlib
import fnmatch
import hashlib
import hmac
import json
import logging
import queue
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from txbridge.sandbox.state import CompanyState, Row, SandboxState

log = logging.getLogger("txbridge.sandbox.webhooks")

SUBSCRIPTION_SCHEMA = "Subscription"
ACTIVE = "ACTIVE"
DISABLED_TOO_MANY_ERRORS = "DISABLED_TOO_MANY_ERRORS"
DISABLED_RATE_LIMIT_EXCEEDED = "DISABLED_RATE_LIMIT_EXCEEDED"
DISABLED_STATUSES = ("DISABLED", DISABLED_TOO_MANY_ERRORS, DISABLED_RATE_LIMIT_EXCEEDED, "DISABLED_MISUSE")
# Write-only subscription fields, kept under private keys the renderer never shows.
AUTH_VALUE_KEY = "_authHeaderValue"
SECRET_KEY = "_hmacSharedSecret"  # noqa: S105 - a dict key, not a secret
FAILURES_KEY = "_failedDeliveries"
RATE_LIMITED_KEY = "_rateLimitedDeliveries"
EXTENSION_KEY = "webhooks"
SIGNATURE_HEADER = "x-request-signature"
IDEMPOTENCY_HEADER = "idempotency-key"


@dataclass(frozen=True, slots=True)
class DeliveryPolicy:
    """Retry and disable rules, in one place."""

    max_attempts: int = 3
    first_backoff_seconds: float = 0.2
    max_backoff_seconds: float = 5.0
    disable_after_failures: int = 3
    timeout_seconds: float = 5.0
    queue_size: int = 1000


def retry_delay(policy: DeliveryPolicy, failed_attempts: int) -> float:
    """Seconds to wait after the n-th failed attempt: doubling from the first backoff, capped."""
    delay: float = policy.first_backoff_seconds * 2 ** (failed_attempts - 1)
    return min(policy.max_backoff_seconds, delay)


def signature(secret: str, idempotency_key: str, body: bytes) -> str:
    """Tripletex's ``x-request-signature``: base64(HMAC-SHA512(secret, key + "&" + body))."""
    digest = hmac.new(secret.encode(), idempotency_key.encode() + b"&" + body, hashlib.sha512).digest()
    return base64.b64encode(digest).decode("ascii")


def verify_signature(secret: str, idempotency_key: str, body: bytes, received: str) -> bool:
    """Constant-time check of a received signature (for receivers and tests)."""
    return hmac.compare_digest(signature(secret, idempotency_key, body), received)


def public_url(url: str) -> str:
    """The target URL without user:password, for records and logs."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


@dataclass(slots=True)
class Delivery:
    company_id: int
    subscription_id: int
    event: str
    object_id: int
    target_url: str = field(repr=False)  # may carry user:password
    body: bytes = field(repr=False)
    headers: dict[str, str] = field(repr=False)
    idempotency_key: str = field(default_factory=lambda: str(uuid.uuid4()))


FAULT_KINDS = ("drop", "duplicate", "reorder")


@dataclass(slots=True)
class DeliveryFault:
    """A test hook on the next ``count`` deliveries whose event matches ``event`` (fnmatch)."""

    id: int
    kind: str  # one of FAULT_KINDS
    event: str = "*"
    count: int = 1
    company_id: int | None = None
    held: list[Delivery] = field(default_factory=list, repr=False)

    def matches(self, delivery: Delivery) -> bool:
        return fnmatch.fnmatchcase(delivery.event, self.event) and self.company_id in (
            None,
            delivery.company_id,
        )

    def to_json(self) -> Row:
        return {
            "id": self.id,
            "kind": self.kind,
            "event": self.event,
            "remaining": self.count,
            "companyId": self.company_id,
            "held": len(self.held),
        }


def _select(value: Row | None, fields: str | None) -> Row | None:
    """Top-level selection by the subscription's `fields` ("*" or empty: everything)."""
    if value is None or not fields or fields.strip() == "*":
        return value
    depth, names, current = 0, set(), ""
    for ch in fields:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            names.add(current.strip())
            current = ""
        elif depth == 0:
            current += ch
    names.add(current.strip())
    if "*" in names:
        return value
    return {k: v for k, v in value.items() if k in names}


class WebhookDispatcher:
    """Queues deliveries from the request path and sends them from one worker thread."""

    def __init__(
        self,
        state: SandboxState,
        *,
        policy: DeliveryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.state = state
        self.policy = policy or DeliveryPolicy()
        self._sleep = sleep
        self._client = httpx.Client(transport=transport, timeout=self.policy.timeout_seconds)
        self._queue: queue.Queue[Delivery | None] = queue.Queue(maxsize=self.policy.queue_size)
        self._idle = threading.Condition()
        self._pending = 0
        self._thread = threading.Thread(target=self._run, name="txbridge-sandbox-webhooks", daemon=True)
        self._stopped = False
        self._faults: list[DeliveryFault] = []
        self._fault_ids = 0
        self._thread.start()

    # -- request path -----------------------------------------------------------------------------

    def on_event(self, company: CompanyState, event: str, object_id: int, value: Row | None) -> None:
        """The state listener: queue one delivery per matching ACTIVE subscription, never block."""
        if self._stopped:
            return
        with self.state.lock:
            subscriptions = [
                dict(s)
                for s in company.table(SUBSCRIPTION_SCHEMA).values()
                if s.get("event") == event and s.get("status") == ACTIVE
            ]
        for subscription in subscriptions:
            payload = {
                "subscriptionId": subscription["id"],
                "event": event,
                "id": object_id,
                "value": _select(value, subscription.get("fields")),
            }
            headers = {"content-type": "application/json"}
            auth_name, auth_value = subscription.get("authHeaderName"), subscription.get(AUTH_VALUE_KEY)
            if auth_name and auth_value:
                headers[str(auth_name)] = str(auth_value)
            delivery = Delivery(
                company.id,
                subscription["id"],
                event,
                object_id,
                str(subscription["targetUrl"]),
                json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
                headers,
            )
            delivery.headers[IDEMPOTENCY_HEADER] = delivery.idempotency_key
            secret = subscription.get(SECRET_KEY)
            if secret:
                delivery.headers[SIGNATURE_HEADER] = signature(
                    str(secret), delivery.idempotency_key, delivery.body
                )
            self._route(delivery)

    def _route(self, delivery: Delivery) -> None:
        """Send a delivery, unless a test hook drops, duplicates or holds it."""
        with self._idle:
            fault = next((f for f in self._faults if f.matches(delivery)), None)
            release: list[Delivery] = []
            if fault is not None:
                fault.count -= 1
                if fault.kind == "reorder":
                    fault.held.append(delivery)
                    if fault.count <= 0:
                        release = fault.held[::-1]
                if fault.count <= 0:
                    self._faults.remove(fault)
        if fault is None:
            self._enqueue(delivery)
        elif fault.kind == "drop":
            self._record(delivery, 0, None, "dropped: test hook")
        elif fault.kind == "duplicate":
            self._enqueue(delivery)
            self._enqueue(delivery)
        for held in release:
            self._enqueue(held)

    # -- test hooks -------------------------------------------------------------------------------

    def add_fault(self, kind: str, *, event: str = "*", count: int = 1, company_id: int | None = None) -> Row:
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown delivery fault {kind!r}")
        with self._idle:
            self._fault_ids += 1
            fault = DeliveryFault(self._fault_ids, kind, event, count, company_id)
            self._faults.append(fault)
            return fault.to_json()

    def faults(self) -> list[Row]:
        with self._idle:
            return [f.to_json() for f in self._faults]

    def clear_faults(self) -> None:
        """Forget every hook; deliveries a reorder hook still holds are sent (newest first)."""
        with self._idle:
            held = [d for f in self._faults for d in f.held[::-1]]
            self._faults.clear()
        for delivery in held:
            self._enqueue(delivery)

    def _enqueue(self, delivery: Delivery) -> None:
        with self._idle:
            self._pending += 1
        try:
            self._queue.put_nowait(delivery)
        except queue.Full:
            with self._idle:
                self._pending -= 1
                self._idle.notify_all()
            self._record(delivery, 0, None, "dropped: delivery queue full")

    # -- worker -----------------------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            delivery = self._queue.get()
            if delivery is None:
                return
            try:
                self._deliver(delivery)
            except Exception:  # a bug here must not kill the worker; the record says what happened
                log.exception("webhook delivery %s failed unexpectedly", delivery.idempotency_key)
            finally:
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()

    def _deliver(self, delivery: Delivery) -> None:
        for attempt in range(1, self.policy.max_attempts + 1):
            if not self._still_active(delivery):
                return
            status: int | None = None
            error: str | None = None
            try:
                response = self._client.post(
                    delivery.target_url, content=delivery.body, headers=delivery.headers
                )
                status = response.status_code
                if not 200 <= status < 300:
                    error = f"HTTP {status}"
            except httpx.HTTPError as exc:
                error = type(exc).__name__
            self._record(delivery, attempt, status, error)
            if error is None:
                self._settle(delivery, ok=True)
                return
            if attempt < self.policy.max_attempts:
                self._sleep(retry_delay(self.policy, attempt))
        self._settle(delivery, ok=False, rate_limited=status == 429)

    def _still_active(self, delivery: Delivery) -> bool:
        with self.state.lock:
            subscription = self._subscription(delivery)
            return subscription is not None and subscription.get("status") == ACTIVE

    def _subscription(self, delivery: Delivery) -> Row | None:
        company = self.state.companies.get(delivery.company_id)
        if company is None:
            return None
        return company.table(SUBSCRIPTION_SCHEMA).get(delivery.subscription_id)

    def _settle(self, delivery: Delivery, *, ok: bool, rate_limited: bool = False) -> None:
        with self.state.lock:
            subscription = self._subscription(delivery)
            if subscription is None:
                return
            if ok:
                subscription[FAILURES_KEY] = 0
                subscription[RATE_LIMITED_KEY] = 0
                return
            failures = int(subscription.get(FAILURES_KEY, 0)) + 1
            limited = int(subscription.get(RATE_LIMITED_KEY, 0)) + 1 if rate_limited else 0
            subscription[FAILURES_KEY] = failures
            subscription[RATE_LIMITED_KEY] = limited
            if failures >= self.policy.disable_after_failures and subscription.get("status") == ACTIVE:
                # Every failed delivery ended in 429: the target throttles us, not broken.
                status = DISABLED_RATE_LIMIT_EXCEEDED if limited >= failures else DISABLED_TOO_MANY_ERRORS
                subscription["status"] = status
                subscription["version"] = int(subscription.get("version", 0)) + 1

    def _record(self, delivery: Delivery, attempt: int, status: int | None, error: str | None) -> None:
        record: Row = {
            "companyId": delivery.company_id,
            "subscriptionId": delivery.subscription_id,
            "event": delivery.event,
            "id": delivery.object_id,
            "targetUrl": public_url(delivery.target_url),
            "idempotencyKey": delivery.idempotency_key,
            "attempt": attempt,
            "status": status,
            "ok": error is None,
            "error": error,
            "at": self.state.clock.now().astimezone(UTC).isoformat(),
        }
        with self.state.lock:
            self.state.webhook_deliveries.append(record)

    # -- control ----------------------------------------------------------------------------------

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """True once every queued delivery has been sent (or given up); False on timeout."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while self._pending:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(left)
        return True

    def stop(self, timeout: float = 5.0) -> None:
        self._stopped = True
        with contextlib.suppress(queue.Full):
            self._queue.put_nowait(None)
        self._thread.join(timeout)
        self._client.close()


def install(
    state: SandboxState,
    *,
    policy: DeliveryPolicy | None = None,
    transport: httpx.BaseTransport | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> WebhookDispatcher:
    """Install a dispatcher on this sandbox, replacing (and stopping) any earlier one."""
    with state.lock:
        for listener in list(state.event_listeners):
            owner: Any = getattr(listener, "__self__", None)
            if isinstance(owner, WebhookDispatcher):
                state.event_listeners.remove(listener)
                owner.stop(timeout=0)
        dispatcher = WebhookDispatcher(state, policy=policy, transport=transport, sleep=sleep)
        state.extensions[EXTENSION_KEY] = dispatcher
        state.event_listeners.append(dispatcher.on_event)
        return dispatcher


def dispatcher_for(state: SandboxState) -> WebhookDispatcher:
    """The sandbox's dispatcher, installed with the default policy on first use (and after a reset)."""
    with state.lock:
        dispatcher = state.extensions.get(EXTENSION_KEY)
        if isinstance(dispatcher, WebhookDispatcher):
            return dispatcher
        return install(state)
