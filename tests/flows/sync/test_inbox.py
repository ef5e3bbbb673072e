"""The inbox on SQLite and PostgreSQL: a verified callback is kept once by its idempotency key, also
when two deliveries of it race; a forged one is refused; pending events are counted."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from pathlib import Path

from txbridge.flows.sync import inbox, realtime
from txbridge.settings import Settings
from txbridge.store import Connection, Database, Environment, TokenCipher
from txbridge.store.models import WebhookSubscription

SECRET = "inbox-secret"
KEY = "inbox-key"


def _setup(database_url: str, tmp_path: Path) -> tuple[Database, Settings, int]:
    settings = Settings(
        database_url=database_url, secret_key=TokenCipher.generate_key().decode(), key_file=tmp_path / "k"
    )
    db = Database(settings)
    cipher = TokenCipher.from_settings(settings)
    with db.transaction() as session:
        connection = Connection(
            name="inbox", environment=Environment.SANDBOX, base_url="http://127.0.0.1:9/v2"
        )
        connection.set_tokens(cipher, consumer_token="c" * 20, employee_token="e" * 20)
        session.add(connection)
        session.flush()
        session.add(
            WebhookSubscription(
                connection_id=connection.id,
                event="employee.update",
                tripletex_id=5,
                status="ACTIVE",
                target_url="https://bro.example.no/webhooks/tripletex/1",
                auth_header_name="X-Txbridge-Webhook-Key",
                auth_header_encrypted=cipher.encrypt(KEY),
                secret_encrypted=cipher.encrypt(SECRET),
                reenabled_count=0,
            )
        )
        return db, settings, connection.id


def _call(key: str, object_id: int = 9) -> tuple[dict[str, str], bytes]:
    body = json.dumps(
        {"subscriptionId": 5, "event": "employee.update", "id": object_id, "value": None}
    ).encode()
    signature = base64.b64encode(
        hmac.new(SECRET.encode(), key.encode() + b"&" + body, hashlib.sha512).digest()
    )
    headers = {
        "x-txbridge-webhook-key": KEY,
        "idempotency-key": key,
        "x-request-signature": signature.decode(),
    }
    return headers, body


def test_kept_once_even_when_deliveries_race(database_url: str, tmp_path: Path) -> None:
    db, settings, connection_id = _setup(database_url, tmp_path)
    try:
        headers, body = _call("same-key")
        verdicts: list[str] = []
        start = threading.Barrier(4)

        def deliver() -> None:
            start.wait()
            verdicts.append(inbox.receive(db, settings, connection_id, headers=headers, body=body).verdict)

        threads = [threading.Thread(target=deliver) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(verdicts) == ["accepted", "duplicate", "duplicate", "duplicate"]
        assert realtime.pending_count(db, connection_id) == 1

        forged_headers = {**headers, "idempotency-key": "other-key"}  # the signature was for same-key
        forged = inbox.receive(db, settings, connection_id, headers=forged_headers, body=body)
        assert forged.verdict == "refused" and forged.message is not None
        assert forged.message.id == "webhook_refused" and SECRET not in str(forged.message)
        assert realtime.pending_count(db, connection_id) == 1
    finally:
        db.dispose()
