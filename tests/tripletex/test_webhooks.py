from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest

from txbridge.tripletex import (
    WebhookPayloadError,
    WebhookSignatureError,
    compute_signature,
    construct_event,
    parse_event,
    verify_signature,
)

SECRET = "delt-hemmelighet"
KEY = "3f1c2a9e-idempotency"
BODY = json.dumps(
    {"subscriptionId": 12, "event": "customer.update", "id": 501, "value": {"id": 501, "version": 4}}
)


def tripletex_signature(secret: str, key: str, body: str) -> str:
    # Computed independently of the module: base64(HMAC-SHA512(secret, key + "&" + body)).
    return base64.b64encode(
        hmac.new(secret.encode(), f"{key}&{body}".encode(), hashlib.sha512).digest()
    ).decode()


def test_valid_signature_is_accepted() -> None:
    signature = tripletex_signature(SECRET, KEY, BODY)
    assert verify_signature(SECRET, KEY, BODY, signature)
    assert verify_signature(SECRET.encode(), KEY.encode(), BODY.encode(), signature.encode())
    assert compute_signature(SECRET, KEY, BODY) == signature


@pytest.mark.parametrize(
    ("secret", "key", "body", "signature"),
    [
        ("wrong-secret", KEY, BODY, None),
        (SECRET, "other-key", BODY, None),
        (SECRET, KEY, BODY.replace("501", "502"), None),
        (SECRET, KEY, BODY, ""),
        (SECRET, KEY, BODY, "not base64 !!"),
        (SECRET, KEY, BODY, base64.b64encode(b"short").decode()),
    ],
)
def test_anything_else_is_rejected(secret: str, key: str, body: str, signature: str | None) -> None:
    sig = tripletex_signature(secret, key, body) if signature is None else signature
    # The signature is checked against the *real* secret/key/body.
    assert not verify_signature(SECRET, KEY, BODY, sig)


def test_envelope_is_parsed() -> None:
    event = parse_event(BODY)
    assert (event.subscription_id, event.event, event.id) == (12, "customer.update", 501)
    assert event.value == {"id": 501, "version": 4}
    assert (event.subject, event.verb, event.is_delete) == ("customer", "update", False)
    deleted = parse_event({"subscriptionId": 12, "event": "customer.delete", "id": 501, "value": None})
    assert deleted.is_delete and deleted.value is None


def test_construct_event_verifies_before_parsing() -> None:
    assert (
        construct_event(
            BODY, secret=SECRET, idempotency_key=KEY, signature=tripletex_signature(SECRET, KEY, BODY)
        ).id
        == 501
    )
    with pytest.raises(WebhookSignatureError):
        construct_event(BODY, secret=SECRET, idempotency_key=KEY, signature="AAAA")
    with pytest.raises(WebhookPayloadError):
        parse_event("not json")
    with pytest.raises(WebhookPayloadError):
        parse_event("[1, 2]")
