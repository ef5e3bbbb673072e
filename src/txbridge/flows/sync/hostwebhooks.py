"""Signed outbound webhooks to the host, so a host need not poll the change feed.

Like Stripe's: each call carries ``Txbridge-Signature: t=<unix time>,v1=<hex HMAC-SHA256(secret,
"<t>.<body>")>``; a host checks it with :func:`verify_signature` (constant time, with a tolerance
against replays). The endpoint's secret is encrypted at rest with the store's key and shown once.

A delivery carries feed entries ``from_seq..to_seq`` in order; it is retried (the job's backoff)
until the host answers 2xx, and the endpoint's cursor moves only then — a host sees every change at
least once, in order, and dedupes by ``seq``. After ``MAX_ATTEMPTS`` failures the endpoint is
switched off (the feed still has everything; the host can poll it or be switched on again)."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import httpx
from sqlalchemy import func, select

from txbridge.catalog import render
from txbridge.flows.sync.errors import SyncError
from txbridge.flows.sync.feed import changes_after
from txbridge.settings import Settings
from txbridge.store import (
    ChangeFeedEntry,
    Database,
    DeliveryState,
    HostWebhookDelivery,
    HostWebhookEndpoint,
    TokenCipher,
)
from txbridge.store.models import utcnow

SIGNATURE_HEADER = "Txbridge-Signature"
#: Changes per delivery.
BATCH = 100
#: Failed attempts of one delivery before the endpoint is switched off.
MAX_ATTEMPTS = 12
#: Seconds a signature stays acceptable (replay window).
TOLERANCE = 300
TIMEOUT = 10.0


class SignatureError(ValueError):
    """The signature header is missing, malformed, too old, or does not match."""


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    t = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def verify_signature(
    secret: str, header: str | None, body: bytes, *, tolerance: int = TOLERANCE, now: int | None = None
) -> int:
    """For the host: check a delivery's signature; its timestamp, or :class:`SignatureError`."""
    if not header:
        raise SignatureError("no signature")
    parts: dict[str, list[str]] = {}
    for item in header.split(","):
        key, _, value = item.strip().partition("=")
        parts.setdefault(key, []).append(value)
    try:
        t = int(parts["t"][0])
    except (KeyError, ValueError):
        raise SignatureError("no timestamp") from None
    if abs((int(time.time()) if now is None else now) - t) > tolerance:
        raise SignatureError("timestamp outside the tolerance")
    expected = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    if not any(hmac.compare_digest(expected, given) for given in parts.get("v1", [])):
        raise SignatureError("signature does not match")
    return t


@dataclass(frozen=True, slots=True)
class NewEndpoint:
    id: int
    #: Shown once; only its encryption is kept.
    secret: str


@dataclass(frozen=True, slots=True)
class EndpointRow:
    """A host endpoint as screens, the CLI and the REST API show it: the secret only masked."""

    id: int
    connection_id: int
    url: str
    secret_hint: str
    active: bool
    delivered_seq: int
    created_at: datetime


def _checked_url(url: str) -> str:
    parsed = urlsplit(url.strip())
    if parsed.scheme not in ("http", "https") or not parsed.hostname or len(url.strip()) > 500:
        raise SyncError(render("sync_webhook_url_invalid", url=url[:200]))
    return url.strip()


def add_endpoint(db: Database, settings: Settings, connection_id: int, url: str) -> NewEndpoint:
    url = _checked_url(url)
    secret = "whsec_" + secrets.token_urlsafe(32)
    cipher = TokenCipher.from_settings(settings)
    with db.transaction() as session:
        endpoint = HostWebhookEndpoint(
            connection_id=connection_id,
            url=url,
            secret_encrypted=cipher.encrypt(secret),
            secret_hint=f"whsec_…{secret[-4:]}",
            active=True,
            delivered_seq=0,
        )
        session.add(endpoint)
        session.flush()
        return NewEndpoint(endpoint.id, secret)


def has_undelivered(db: Database, connection_id: int) -> bool:
    """Whether an active endpoint of the connection has not acknowledged the last change yet (what
    the jobs layer asks before it queues a delivery: no endpoint, no job)."""
    with db.reading() as session:
        last = session.scalar(
            select(func.max(ChangeFeedEntry.seq)).where(ChangeFeedEntry.connection_id == connection_id)
        )
        behind = session.scalar(
            select(HostWebhookEndpoint.id)
            .where(
                HostWebhookEndpoint.connection_id == connection_id,
                HostWebhookEndpoint.active.is_(True),
                HostWebhookEndpoint.delivered_seq < (last or 0),
            )
            .limit(1)
        )
    return behind is not None


def list_endpoints(db: Database, connection_id: int) -> list[EndpointRow]:
    with db.reading() as session:
        return [
            EndpointRow(e.id, e.connection_id, e.url, e.secret_hint, e.active, e.delivered_seq, e.created_at)
            for e in session.scalars(
                select(HostWebhookEndpoint)
                .where(HostWebhookEndpoint.connection_id == connection_id)
                .order_by(HostWebhookEndpoint.id)
            )
        ]


def remove_endpoint(db: Database, connection_id: int, endpoint_id: int) -> None:
    """The endpoint gets nothing more (its deliveries go with it); the feed itself stays."""
    with db.transaction() as session:
        endpoint = session.get(HostWebhookEndpoint, endpoint_id)
        if endpoint is None or endpoint.connection_id != connection_id:
            raise SyncError(render("sync_webhook_not_found", endpoint=endpoint_id))
        session.delete(endpoint)


@dataclass(slots=True)
class DeliveryResult:
    delivered: int = 0
    failed_attempts: int = 0
    #: Deliveries still waiting for a 2xx (the job retries them).
    pending: int = 0
    switched_off: int = 0


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(6 * 3600, 30 * 2 ** max(0, attempts - 1)))


def deliver_pending(
    db: Database,
    settings: Settings,
    connection_id: int,
    *,
    transport: httpx.BaseTransport | None = None,
) -> DeliveryResult:
    """Send every active endpoint of the connection what it has not acknowledged yet."""
    result = DeliveryResult()
    cipher = TokenCipher.from_settings(settings)
    with db.reading() as session:
        endpoints = [
            (e.id, e.url, cipher.decrypt(e.secret_encrypted))
            for e in session.scalars(
                select(HostWebhookEndpoint).where(
                    HostWebhookEndpoint.connection_id == connection_id, HostWebhookEndpoint.active.is_(True)
                )
            )
        ]
    with httpx.Client(transport=transport, timeout=TIMEOUT) as http:
        for endpoint_id, url, secret in endpoints:
            _deliver_endpoint(db, http, connection_id, endpoint_id, url, secret, result)
    return result


def _next_delivery(db: Database, connection_id: int, endpoint_id: int) -> tuple[int, int, int] | None:
    """The delivery to try now (id, from, to): the pending one, else a new one for what follows."""
    with db.transaction() as session:
        endpoint = session.get(HostWebhookEndpoint, endpoint_id)
        assert endpoint is not None
        pending = session.scalar(
            select(HostWebhookDelivery).where(
                HostWebhookDelivery.endpoint_id == endpoint_id,
                HostWebhookDelivery.state == DeliveryState.PENDING,
            )
        )
        if pending is not None:
            return pending.id, pending.from_seq, pending.to_seq
        changes = changes_after(db, connection_id, endpoint.delivered_seq, limit=BATCH)
        if not changes:
            return None
        delivery = HostWebhookDelivery(
            endpoint_id=endpoint_id, from_seq=changes[0].seq, to_seq=changes[-1].seq, attempts=0
        )
        session.add(delivery)
        session.flush()
        return delivery.id, delivery.from_seq, delivery.to_seq


def _deliver_endpoint(
    db: Database,
    http: httpx.Client,
    connection_id: int,
    endpoint_id: int,
    url: str,
    secret: str,
    result: DeliveryResult,
) -> None:
    while True:
        found = _next_delivery(db, connection_id, endpoint_id)
        if found is None:
            return
        delivery_id, from_seq, to_seq = found
        changes = [c for c in changes_after(db, connection_id, from_seq - 1, limit=to_seq - from_seq + 1)]
        body = json.dumps(
            {"connection": connection_id, "changes": [c.as_json() for c in changes]}, ensure_ascii=False
        ).encode()
        status: int | None = None
        error: str | None = None
        try:
            response = http.post(
                url,
                content=body,
                headers={"Content-Type": "application/json", SIGNATURE_HEADER: sign(secret, body)},
            )
            status = response.status_code
        except httpx.HTTPError as exc:
            error = type(exc).__name__
        with db.transaction() as session:
            delivery = session.get(HostWebhookDelivery, delivery_id)
            endpoint = session.get(HostWebhookEndpoint, endpoint_id)
            assert delivery is not None and endpoint is not None
            delivery.attempts += 1
            delivery.last_status, delivery.last_error = status, error
            if status is not None and 200 <= status < 300:
                delivery.state, delivery.delivered_at = DeliveryState.DELIVERED, utcnow()
                endpoint.delivered_seq = max(endpoint.delivered_seq, to_seq)
                result.delivered += 1
                continue
            result.failed_attempts += 1
            if delivery.attempts >= MAX_ATTEMPTS:
                delivery.state = DeliveryState.FAILED
                endpoint.active = False
                result.switched_off += 1
            else:
                delivery.next_attempt_at = utcnow() + _backoff(delivery.attempts)
                result.pending += 1
        return


def enable_endpoint(db: Database, endpoint_id: int) -> None:
    """Switch an endpoint on again; it resumes after the last change it acknowledged."""
    with db.transaction() as session:
        endpoint = session.get(HostWebhookEndpoint, endpoint_id)
        if endpoint is None:
            raise LookupError(f"no host webhook endpoint {endpoint_id}")
        for delivery in session.scalars(
            select(HostWebhookDelivery).where(
                HostWebhookDelivery.endpoint_id == endpoint_id,
                HostWebhookDelivery.state != DeliveryState.DELIVERED,
            )
        ):
            session.delete(delivery)
        endpoint.active = True
