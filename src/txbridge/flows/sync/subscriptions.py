"""Tripletex event subscriptions of a connection: make them, keep them on, notice when Tripletex
turned one off.

Every approved connection subscribes to ``customer.*``, ``project.*`` and ``employee.*`` (nine event
types), each with its own auth header value and HMAC shared secret (random, stored encrypted as tokens
are) and the target ``{TXBRIDGE_PUBLIC_URL}/webhooks/tripletex/{connection id}``.

:func:`ensure_subscriptions` converges, whatever state a crash left behind:

1. local rows first: one per event type, with its secrets, committed before Tripletex hears of them;
2. one ``GET /event/subscription``: what Tripletex has for our target URL;
3. missing ones are created in one ``POST /event/subscription/list``; one Tripletex has but we never
   recorded (a crash after its create) is taken over by sending our secrets with a ``PUT``, never
   created again; one Tripletex disabled (``DISABLED_TOO_MANY_ERRORS``, ``DISABLED_RATE_LIMIT_EXCEEDED``,
   …) is reported (catalog ``webhook_subscription_disabled``, integration log) and put back to ACTIVE;
   extra copies for one event are deleted.

The caller (the jobs layer) queues a reconcile when anything had been disabled: events Tripletex did
not send meanwhile are fetched by it.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import select

from txbridge.catalog import Bilingual, Message, render
from txbridge.flows import connections
from txbridge.flows.sync.realtime import api_calls
from txbridge.settings import Settings
from txbridge.store import Connection, Database, LogLevel, TokenCipher
from txbridge.store import queries as q
from txbridge.store.models import WebhookSubscription, utcnow
from txbridge.tripletex import Tripletex, TripletexError
from txbridge.tripletex.models import EventSubscription

RESOURCES = ("customer", "project", "employee")
EVENTS: tuple[str, ...] = tuple(f"{r}.{verb}" for r in RESOURCES for verb in ("create", "update", "delete"))
#: The header Tripletex sends our per-subscription key in (not ``Authorization``: proxies keep that).
AUTH_HEADER_NAME = "X-Txbridge-Webhook-Key"
ACTIVE = "ACTIVE"
#: What the callback's value holds: the id and version are enough, the object is fetched anyway.
CALLBACK_FIELDS = "id,version"
RECEIVER_PATH = "/webhooks/tripletex/{connection_id}"


class WebhookSetupError(Exception):
    """Subscriptions could not be made or checked; ``message`` is the catalog message to show."""

    def __init__(self, message: Message) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True, slots=True)
class Reenabled:
    event: str
    status: str
    message: Message


@dataclass
class SubscriptionCheck:
    connection_id: int
    created: list[str] = field(default_factory=list)
    adopted: list[str] = field(default_factory=list)
    reenabled: list[Reenabled] = field(default_factory=list)
    removed: int = 0
    api_calls: int = 0

    @property
    def gap(self) -> bool:
        """Events may have been missed: a reconcile should fill the gap."""
        return bool(self.reenabled)


def target_url(settings: Settings, connection_id: int, connection_name: str = "") -> str:
    if not settings.public_url:
        name = connection_name or connection_id
        raise WebhookSetupError(render("webhook_public_url_missing", connection=name))
    return settings.public_url.rstrip("/") + RECEIVER_PATH.format(connection_id=connection_id)


def _new_row(cipher: TokenCipher, connection_id: int, event: str, url: str) -> WebhookSubscription:
    return WebhookSubscription(
        connection_id=connection_id,
        event=event,
        status="PENDING",
        target_url=url,
        auth_header_name=AUTH_HEADER_NAME,
        auth_header_encrypted=cipher.encrypt(secrets.token_urlsafe(32)),
        secret_encrypted=cipher.encrypt(secrets.token_urlsafe(48)),
        reenabled_count=0,
    )


def _prepare_rows(db: Database, settings: Settings, connection_id: int) -> tuple[Connection, str]:
    """Step 1: a row (with fresh secrets) per event type, committed before Tripletex is asked."""
    cipher = TokenCipher.from_settings(settings)
    with db.transaction() as session:
        connection = session.get(Connection, connection_id)
        if connection is None:
            raise WebhookSetupError(render("connection_not_found", connection=connection_id))
        url = target_url(settings, connection_id, connection.name)
        rows = {
            r.event: r
            for r in session.scalars(
                select(WebhookSubscription).where(WebhookSubscription.connection_id == connection_id)
            )
        }
        for event in EVENTS:
            row = rows.get(event)
            if row is None:
                session.add(_new_row(cipher, connection_id, event, url))
            elif row.target_url != url:  # the public address moved: subscribe afresh there
                row.target_url, row.tripletex_id, row.status = url, None, "PENDING"
        session.flush()
        session.expunge(connection)
    return connection, url


def _body(row: WebhookSubscription, cipher: TokenCipher) -> dict[str, Any]:
    return {
        "event": row.event,
        "targetUrl": row.target_url,
        "fields": CALLBACK_FIELDS,
        "status": ACTIVE,
        "authHeaderName": row.auth_header_name,
        "authHeaderValue": row.auth_header_value(cipher),
        "hmacSharedSecret": row.secret(cipher),
    }


def ensure_subscriptions(
    db: Database,
    settings: Settings,
    connection_id: int,
    *,
    client: Tripletex | None = None,
    transport: httpx.BaseTransport | None = None,
) -> SubscriptionCheck:
    """Subscribe, take over, re-enable, de-duplicate (see the module). Idempotent."""
    connection, url = _prepare_rows(db, settings, connection_id)
    own = client is None
    api = client or connections.client_for(connection, settings, transport=transport)
    try:
        return _converge(db, settings, connection, url, api)
    except (TripletexError, httpx.HTTPError) as exc:
        reason = connections.message_for_error(exc, connection.base_url)
        message = render(
            "webhook_subscribe_failed", connection=connection.name, reason=Bilingual(reason.nb, reason.en)
        )
        raise WebhookSetupError(message) from None
    finally:
        if own:
            api.close()


def _converge(
    db: Database, settings: Settings, connection: Connection, url: str, api: Tripletex
) -> SubscriptionCheck:
    cipher = TokenCipher.from_settings(settings)
    check = SubscriptionCheck(connection.id)
    calls_before = api_calls(api)
    remote: dict[str, list[EventSubscription]] = {}
    for found in api.event_subscriptions.iter(fields="id,version,event,targetUrl,status"):
        if found.targetUrl == url and found.event in EVENTS:
            remote.setdefault(str(found.event), []).append(found)
    with db.transaction() as session:
        rows = {
            r.event: r
            for r in session.scalars(
                select(WebhookSubscription).where(WebhookSubscription.connection_id == connection.id)
            )
        }
        to_create: list[WebhookSubscription] = []
        extras: list[int] = []
        for event in EVENTS:
            row = rows[event]
            copies = sorted(remote.get(event, []), key=lambda s: (s.id != row.tripletex_id, s.id or 0))
            keep, extras_here = (copies[0], copies[1:]) if copies else (None, [])
            extras.extend(s.id for s in extras_here if s.id is not None)
            if keep is None:
                to_create.append(row)
                continue
            status = keep.status or ACTIVE
            if keep.id != row.tripletex_id:
                # Created by a run that died before recording it: ours now, with our secrets.
                api.event_subscriptions.update(_body(row, cipher), id=keep.id, version=keep.version)
                check.adopted.append(event)
            elif status != ACTIVE:
                api.event_subscriptions.update({"status": ACTIVE}, id=keep.id, version=keep.version)
                message = render(
                    "webhook_subscription_disabled",
                    event=event,
                    status=status,
                    connection=connection.name,
                    url=url,
                )
                check.reenabled.append(Reenabled(event, status, message))
                row.disabled_seen_at = utcnow()
                row.reenabled_count += 1
                _log(session, connection, message, event)
            row.tripletex_id, row.status, row.checked_at = keep.id, ACTIVE, utcnow()
        if to_create:
            created = api.event_subscriptions.create_many([_body(row, cipher) for row in to_create])
            for row, made in zip(to_create, created, strict=True):
                row.tripletex_id, row.status, row.checked_at = made.id, made.status or ACTIVE, utcnow()
                check.created.append(row.event)
        for extra in extras:
            api.event_subscriptions.delete(extra)
        check.removed = len(extras)
    check.api_calls = api_calls(api) - calls_before
    return check


def _log(session: Any, connection: Connection, message: Message, event: str) -> None:
    q.add_log(
        session,
        connection.id,
        message.nb,
        level=LogLevel.WARNING,
        message_id=message.id,
        object_type="webhook",
        object_key=event,
        detail=message.en,
    )


@dataclass(frozen=True, slots=True)
class ReceiverKeys:
    """What the receiver checks a callback against (decrypted only for that check)."""

    auth_header_name: str
    auth_header_value: str = field(repr=False)
    secret: str = field(repr=False)


def receiver_keys(db: Database, settings: Settings, connection_id: int, event: str) -> ReceiverKeys | None:
    """The keys of this connection's subscription to ``event``; None when we have none."""
    cipher = TokenCipher.from_settings(settings)
    with db.reading() as session:
        row = session.scalar(
            select(WebhookSubscription).where(
                WebhookSubscription.connection_id == connection_id, WebhookSubscription.event == event
            )
        )
        if row is None:
            return None
        return ReceiverKeys(row.auth_header_name, row.auth_header_value(cipher), row.secret(cipher))


def subscribed_connections(db: Database, is_wanted: Callable[[Connection], bool]) -> list[int]:
    """Connections the periodic check visits (the caller says which: approved, set up …)."""
    with db.reading() as session:
        return [c.id for c in q.connections(session) if is_wanted(c)]
