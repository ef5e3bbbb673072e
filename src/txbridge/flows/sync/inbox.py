"""The webhook inbox: a Tripletex callback checked, then kept once by its idempotency key.

:func:`receive` is all the receiver (``POST /webhooks/tripletex/{connection id}``) does before it
answers: it finds the connection's subscription to the callback's event, compares the auth header and
the HMAC-SHA512 signature (``x-request-signature`` over ``idempotency-key + "&" + body``) in constant
time, and stores the event. Nothing in an unverified body is acted on; the event name only picks the
keys to check it with. A second delivery with the same idempotency key (Tripletex retries, or delivers
twice) finds the stored row and is acknowledged without a second one.

Processing (fetching the object and applying it) is :mod:`txbridge.flows.sync.realtime`, run as a job.
Processed events are pruned after ``TXBRIDGE_SYNC_INBOX_RETENTION_DAYS`` (:func:`prune_processed`, a
nightly job); an event not processed yet — waiting, or failed and to be tried again — is kept.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from txbridge.catalog import Bilingual, Message, render
from txbridge.flows.sync.subscriptions import receiver_keys
from txbridge.settings import Settings
from txbridge.store import Connection, Database
from txbridge.store.models import WebhookInboxEvent, utcnow
from txbridge.tripletex.webhooks import (
    IDEMPOTENCY_HEADER,
    SIGNATURE_HEADER,
    WebhookPayloadError,
    parse_event,
    verify_signature,
)

log = logging.getLogger("txbridge.webhooks")

Verdict = Literal["accepted", "duplicate", "refused"]
#: Longest idempotency key kept (the column's size); Tripletex sends UUIDs.
MAX_KEY_LENGTH = 200


@dataclass(frozen=True, slots=True)
class Received:
    verdict: Verdict
    #: Why a call was refused (catalog ``webhook_refused``); None otherwise.
    message: Message | None = None
    inbox_id: int | None = None

    @property
    def new(self) -> bool:
        return self.verdict == "accepted"


_REASONS = {
    "body": ("innholdet er ikke en Tripletex-hendelse", "the body is not a Tripletex event"),
    "subscription": (
        "tilkoblingen abonnerer ikke på denne hendelsen",
        "the connection has no such subscription",
    ),
    "auth": ("nøkkelen i kallet stemmer ikke", "the key in the call does not match"),
    "key": ("kallet mangler idempotency-key", "the call has no idempotency-key"),
    "signature": ("signaturen mangler eller stemmer ikke", "the signature is missing or does not match"),
}


def _refused(connection_id: int, why: str) -> Received:
    nb, en = _REASONS[why]
    message = render("webhook_refused", connection=connection_id, reason=Bilingual(nb, en))
    # The operators' log only: refused calls come from anyone and must not fill the integration log.
    log.warning("webhook for connection %s refused: %s", connection_id, en)
    return Received("refused", message)


def receive(
    db: Database, settings: Settings, connection_id: int, *, headers: Mapping[str, str], body: bytes
) -> Received:
    """Check one callback and keep it in the inbox (see the module). ``headers`` with lower-case names."""
    try:
        event = parse_event(body)
    except WebhookPayloadError:
        return _refused(connection_id, "body")
    keys = receiver_keys(db, settings, connection_id, event.event)
    if keys is None:
        return _refused(connection_id, "subscription")
    given = headers.get(keys.auth_header_name.lower(), "")
    if not hmac.compare_digest(given.encode(), keys.auth_header_value.encode()):
        return _refused(connection_id, "auth")
    key = headers.get(IDEMPOTENCY_HEADER, "")
    if not key or len(key) > MAX_KEY_LENGTH:
        return _refused(connection_id, "key")
    if not verify_signature(keys.secret, key, body, headers.get(SIGNATURE_HEADER)):
        return _refused(connection_id, "signature")
    return _store(db, connection_id, key, event.subscription_id, event.event, event.id)


def _store(
    db: Database, connection_id: int, key: str, subscription_id: int | None, event: str, object_id: int | None
) -> Received:
    try:
        with db.transaction() as session:
            if session.get(Connection, connection_id) is None:  # deleted since it subscribed
                return _refused(connection_id, "subscription")
            row = WebhookInboxEvent(
                connection_id=connection_id,
                idempotency_key=key,
                subscription_id=subscription_id,
                event=event,
                object_id=object_id,
                received_at=utcnow(),
                attempts=0,
            )
            session.add(row)
            session.flush()
            return Received("accepted", inbox_id=row.id)
    except IntegrityError:
        with db.reading() as session:
            found = session.scalar(
                select(WebhookInboxEvent.id).where(
                    WebhookInboxEvent.connection_id == connection_id, WebhookInboxEvent.idempotency_key == key
                )
            )
        return Received("duplicate", inbox_id=found)


#: Events deleted per transaction when pruning: short transactions beside the receiver's inserts.
PRUNE_BATCH = 1000


def prune_processed(
    db: Database, *, older_than: timedelta, now: datetime | None = None, batch: int = PRUNE_BATCH
) -> int:
    """Delete events processed more than ``older_than`` ago, ``batch`` per transaction; returns how
    many. Only processed events go (``processed_at`` is set in the transaction that applied one): an
    event waiting or failed is kept whatever its age. The retention must outlast Tripletex's retries,
    or a late duplicate of a pruned event would be applied once more (harmless by the version check,
    but announced again)."""
    cutoff = (now or utcnow()) - older_than
    pruned = 0
    while True:
        with db.transaction() as session:
            ids = list(
                session.scalars(
                    select(WebhookInboxEvent.id)
                    .where(
                        WebhookInboxEvent.processed_at.is_not(None), WebhookInboxEvent.processed_at < cutoff
                    )
                    .order_by(WebhookInboxEvent.id)
                    .limit(batch)
                )
            )
            if ids:
                session.execute(delete(WebhookInboxEvent).where(WebhookInboxEvent.id.in_(ids)))
        pruned += len(ids)
        if len(ids) < batch:
            return pruned
