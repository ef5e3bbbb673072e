"""The Tripletex webhook receiver: signed calls are kept once and queue a job; forged, unsigned or
mis-keyed calls are refused with nothing stored."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.fixtures.sandbox import SandboxCompany
from txbridge.flows import connections
from txbridge.settings import Settings
from txbridge.store import Database, TokenCipher
from txbridge.store.models import Job, WebhookInboxEvent, WebhookSubscription

SECRET = "shared-secret-for-tests"
KEY_VALUE = "header-key-for-tests"
HEADER = "X-Txbridge-Webhook-Key"


@pytest.fixture
def connection_id(db: Database, settings: Settings, sandbox_company: SandboxCompany) -> int:
    connection = connections.connect(
        db,
        settings,
        name="hooks",
        environment="sandbox",
        consumer_token=sandbox_company.consumer_token,
        employee_token=sandbox_company.employee_token,
        base_url=sandbox_company.base_url,
    )
    cipher = TokenCipher.from_settings(settings)
    with db.transaction() as session:
        session.add(
            WebhookSubscription(
                connection_id=connection.id,
                event="customer.update",
                tripletex_id=77,
                status="ACTIVE",
                target_url="https://bro.example.no/webhooks/tripletex/1",
                auth_header_name=HEADER,
                auth_header_encrypted=cipher.encrypt(KEY_VALUE),
                secret_encrypted=cipher.encrypt(SECRET),
                reenabled_count=0,
            )
        )
    return connection.id


@pytest.fixture
def client(app: object) -> Iterator[TestClient]:
    with TestClient(app) as c:  # type: ignore[arg-type]
        yield c


def body_of(object_id: int = 5, event: str = "customer.update") -> bytes:
    return json.dumps(
        {"subscriptionId": 77, "event": event, "id": object_id, "value": {"id": object_id}}
    ).encode()


def signed(body: bytes, key: str, secret: str = SECRET) -> dict[str, str]:
    digest = hmac.new(secret.encode(), key.encode() + b"&" + body, hashlib.sha512).digest()
    return {
        HEADER: KEY_VALUE,
        "idempotency-key": key,
        "x-request-signature": base64.b64encode(digest).decode(),
        "content-type": "application/json",
    }


def inbox(db: Database) -> list[tuple[str, str, int | None]]:
    with db.reading() as session:
        return [
            (r.idempotency_key, r.event, r.object_id)
            for r in session.scalars(select(WebhookInboxEvent).order_by(WebhookInboxEvent.id))
        ]


def jobs(db: Database) -> int:
    with db.reading() as session:
        return int(
            session.scalar(select(func.count()).select_from(Job).where(Job.task == "webhook_event")) or 0
        )


def test_a_signed_call_is_kept_once_and_queues_one_job(
    client: TestClient, db: Database, connection_id: int
) -> None:
    body = body_of()
    first = client.post(f"/webhooks/tripletex/{connection_id}", content=body, headers=signed(body, "k-1"))
    assert (first.status_code, first.json()) == (200, {"status": "accepted"})
    again = client.post(f"/webhooks/tripletex/{connection_id}", content=body, headers=signed(body, "k-1"))
    assert (again.status_code, again.json()) == (200, {"status": "duplicate"})
    assert inbox(db) == [("k-1", "customer.update", 5)]
    assert jobs(db) == 1
    other = body_of(6)
    assert client.post(
        f"/webhooks/tripletex/{connection_id}", content=other, headers=signed(other, "k-2")
    ).json() == {"status": "accepted"}
    assert [k for k, _, _ in inbox(db)] == ["k-1", "k-2"]
    assert jobs(db) == 1  # the queued job takes both


FORGERIES = (
    "wrong secret",
    "no signature",
    "body changed",
    "other key",
    "no auth header",
    "wrong auth header",
    "unknown event",
    "not json",
    "other connection",
)


def forged(forge: str, connection_id: int) -> tuple[str, bytes, dict[str, str]]:
    body = body_of()
    headers = signed(body, "k-9")
    path = f"/webhooks/tripletex/{connection_id}"
    if forge == "wrong secret":
        headers = signed(body, "k-9", secret="guessed")
    elif forge == "no signature":
        headers.pop("x-request-signature")
    elif forge == "body changed":
        body = body_of(object_id=6)
    elif forge == "other key":
        headers["idempotency-key"] = "k-10"
    elif forge == "no auth header":
        headers.pop(HEADER)
    elif forge == "wrong auth header":
        headers[HEADER] = "guess"
    elif forge == "unknown event":
        body = body_of(event="invoice.charged")
        headers = signed(body, "k-9")
    elif forge == "not json":
        body = b"<xml/>"
        headers = signed(body, "k-9")
    elif forge == "other connection":
        path = f"/webhooks/tripletex/{connection_id + 1}"
    return path, body, headers


def test_forged_or_unsigned_calls_are_refused(client: TestClient, db: Database, connection_id: int) -> None:
    for forge in FORGERIES:
        path, body, headers = forged(forge, connection_id)
        answer = client.post(path, content=body, headers=headers)
        assert answer.status_code == 401, forge
        assert answer.json()["status"] == "refused"
        assert SECRET not in answer.text and KEY_VALUE not in answer.text
    assert inbox(db) == [] and jobs(db) == 0


def test_a_huge_body_is_refused_unread(client: TestClient, connection_id: int) -> None:
    answer = client.post(f"/webhooks/tripletex/{connection_id}", content=b"x" * 300_000)
    assert answer.status_code == 413
