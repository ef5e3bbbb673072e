"""Tripletex webhook callbacks: signature check and the event envelope.

Tripletex signs a callback with ``x-request-signature = base64(HMAC-SHA512(secret,
idempotency-key + "&" + body))`` when the subscription has an ``hmacSharedSecret``."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ._exceptions import TripletexError

SIGNATURE_HEADER = "x-request-signature"
IDEMPOTENCY_HEADER = "idempotency-key"


class WebhookSignatureError(TripletexError):
    """The callback's signature is missing or does not match: do not trust its body."""


class WebhookPayloadError(TripletexError):
    """The callback body is not a Tripletex event envelope."""


def _bytes(value: str | bytes) -> bytes:
    return value.encode() if isinstance(value, str) else value


def _digest(secret: str | bytes, idempotency_key: str | bytes, body: str | bytes) -> bytes:
    return hmac.new(_bytes(secret), _bytes(idempotency_key) + b"&" + _bytes(body), hashlib.sha512).digest()


def compute_signature(secret: str | bytes, idempotency_key: str | bytes, body: str | bytes) -> str:
    return base64.b64encode(_digest(secret, idempotency_key, body)).decode()


def verify_signature(
    secret: str | bytes, idempotency_key: str | bytes, body: str | bytes, signature: str | bytes | None
) -> bool:
    """True when ``signature`` is Tripletex' signature of this body. Constant-time comparison of the
    raw digests, so neither timing nor base64 padding variants leak anything."""
    if not signature or not secret:
        return False
    try:
        given = base64.b64decode(_bytes(signature).strip(), validate=True)
    except (binascii.Error, ValueError):
        return False
    return hmac.compare_digest(given, _digest(secret, idempotency_key, body))


@dataclass(frozen=True)
class WebhookEvent:
    subscription_id: int | None
    event: str
    id: int | None
    #: The object as the subscription's ``fields`` selected it; None when it was deleted.
    value: dict[str, Any] | None

    @property
    def subject(self) -> str:
        """``customer`` of ``customer.update``."""
        return self.event.split(".", 1)[0]

    @property
    def verb(self) -> str:
        """``update`` of ``customer.update``."""
        return self.event.split(".", 1)[1] if "." in self.event else ""

    @property
    def is_delete(self) -> bool:
        return self.verb == "delete" or self.value is None


def parse_event(body: str | bytes | Mapping[str, Any]) -> WebhookEvent:
    """Parse the envelope ``{subscriptionId, event, id, value}``."""
    if isinstance(body, Mapping):
        data: Any = body
    else:
        try:
            data = json.loads(body)
        except ValueError:
            raise WebhookPayloadError("Webhook body is not JSON") from None
    if not isinstance(data, Mapping) or not isinstance(data.get("event"), str):
        raise WebhookPayloadError("Webhook body has no 'event'")
    value = data.get("value")
    return WebhookEvent(
        subscription_id=_opt_int(data.get("subscriptionId")),
        event=data["event"],
        id=_opt_int(data.get("id")),
        value=dict(value) if isinstance(value, Mapping) else None,
    )


def construct_event(
    body: str | bytes, *, secret: str | bytes, idempotency_key: str | bytes, signature: str | bytes | None
) -> WebhookEvent:
    """Verify, then parse; raises :class:`WebhookSignatureError` before looking at an unverified body."""
    if not verify_signature(secret, idempotency_key, body, signature):
        raise WebhookSignatureError("Webhook signature does not match")
    return parse_event(body)


def _opt_int(value: Any) -> int | None:
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        return None
