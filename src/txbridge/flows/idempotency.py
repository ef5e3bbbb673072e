"""Idempotency keys, as Stripe has them: the first request with a key runs and its answer is kept;
the same key with the same request replays that answer; the same key with another request is
refused; a second request while the first still runs is refused too (it does not run as well).

    claim = claim_key(db, api_key_id, "3f9a…", request_hash(method, path, body))
    if isinstance(claim, StoredAnswer): replay it
    else: answer = run(); finish(db, claim, status, body)   # or release(db, claim) if it broke

The unique (API key, key) row is the lock: whichever request inserts it runs. A request killed while
running leaves its row unanswered; after :data:`ABANDONED_AFTER` the next request with the key takes
it over (its work is itself safe to redo: intake is by number, exports are jobs)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from txbridge.catalog import Bilingual, Message, render
from txbridge.store import Database, IdempotentRequest
from txbridge.store.models import utcnow

MAX_KEY_LENGTH = 255
#: A request still unanswered after this long died with its process; its key may be taken over.
ABANDONED_AFTER = timedelta(minutes=5)
#: How long answers are kept for replay (Stripe keeps them 24 hours).
KEPT_FOR = timedelta(hours=24)


class IdempotencyError(Exception):
    """The key cannot be used for this request (missing, malformed, reused, in use)."""

    def __init__(self, message: Message, status: int) -> None:
        super().__init__(str(message))
        self.message = message
        self.status = status


@dataclass(frozen=True, slots=True)
class Claim:
    """This request holds the key: run it, then :func:`finish` or :func:`release`."""

    record_id: int


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    """The first request's answer, to be sent again unchanged."""

    status_code: int
    body: str


def request_hash(method: str, path: str, body: bytes) -> str:
    """What makes two requests "the same": method, path and the exact body bytes."""
    digest = hashlib.sha256()
    for part in (method.upper().encode(), path.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def check_key(key: str | None) -> str:
    if key is None or key == "":
        raise IdempotencyError(render("idempotency_key_missing"), 400)
    if len(key) > MAX_KEY_LENGTH or not all("!" <= ch <= "~" for ch in key):
        reason = Bilingual(
            "høyst 255 synlige ASCII-tegn uten mellomrom", "at most 255 visible ASCII characters, no spaces"
        )
        raise IdempotencyError(render("idempotency_key_invalid", reason=reason), 400)
    return key


def claim_key(
    db: Database, api_key_id: int, key: str, fingerprint: str, *, now: datetime | None = None
) -> Claim | StoredAnswer:
    """Take the key for this request, or the answer it already has. Raises IdempotencyError when the
    key belongs to another request (409) or its first request still runs (409)."""
    moment = now or utcnow()
    try:
        with db.transaction() as session:
            # Answers past their time go as the key's owner makes new ones: no sweeper needed.
            expired = IdempotentRequest.completed_at < moment - KEPT_FOR
            session.execute(
                delete(IdempotentRequest).where(IdempotentRequest.api_key_id == api_key_id, expired)
            )
            record = IdempotentRequest(
                api_key_id=api_key_id, key=key, request_hash=fingerprint, created_at=moment
            )
            session.add(record)
            session.flush()
            return Claim(record.id)
    except IntegrityError:
        pass
    with db.transaction() as session:
        found = session.scalars(
            select(IdempotentRequest).where(
                IdempotentRequest.api_key_id == api_key_id, IdempotentRequest.key == key
            )
        ).one()
        shown = key if len(key) <= 60 else key[:57] + "…"
        if found.request_hash != fingerprint:
            raise IdempotencyError(render("idempotency_key_reused", key=shown), 409)
        if found.status_code is not None and found.body is not None:
            return StoredAnswer(found.status_code, found.body)
        if moment - found.created_at < ABANDONED_AFTER:
            raise IdempotencyError(render("idempotency_key_in_use", key=shown), 409)
        # The first request died without an answer: this one runs in its place.
        found.created_at = moment
        return Claim(found.id)


def finish(db: Database, claim: Claim, status_code: int, body: str, *, now: datetime | None = None) -> None:
    """Keep the answer for replay."""
    with db.transaction() as session:
        record = session.get(IdempotentRequest, claim.record_id)
        if record is not None:
            record.status_code = status_code
            record.body = body
            record.completed_at = now or utcnow()


def release(db: Database, claim: Claim) -> None:
    """The request broke before it had an answer worth keeping: a retry with the key runs again."""
    with db.transaction() as session:
        session.execute(delete(IdempotentRequest).where(IdempotentRequest.id == claim.record_id))


def forget_old(db: Database, *, now: datetime | None = None) -> int:
    """Delete answers older than :data:`KEPT_FOR`; returns how many."""
    cutoff = (now or utcnow()) - KEPT_FOR
    with db.transaction() as session:
        result = session.execute(
            delete(IdempotentRequest).where(
                IdempotentRequest.completed_at.is_not(None), IdempotentRequest.completed_at < cutoff
            )
        )
        return int(getattr(result, "rowcount", 0) or 0)
