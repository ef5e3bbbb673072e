"""Signed outbound webhooks to the host over real HTTP: every change delivered in order, signed
(HMAC-SHA256 over timestamp and body), retried until the host answers 2xx, as a job whose failure
is retried with backoff; a forged or replayed call fails the host's check."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.flows.export.conftest import Env
from txbridge.flows.sync import SyncResource, apply_from_tripletex
from txbridge.flows.sync.hostwebhooks import (
    SIGNATURE_HEADER,
    SignatureError,
    add_endpoint,
    deliver_pending,
    sign,
    verify_signature,
)
from txbridge.jobs import api as jobs
from txbridge.jobs.tasks import RunOptions, execute
from txbridge.store import HostWebhookEndpoint


class Host:
    """A host's webhook receiver: answers 500 to the first ``fail`` calls, then 204."""

    def __init__(self, fail: int) -> None:
        self.fail, self.calls = fail, []
        host = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                host.calls.append((self.headers.get(SIGNATURE_HEADER), body))
                self.send_response(500 if len(host.calls) <= host.fail else 204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def host() -> Iterator[Host]:
    receiver = Host(fail=1)
    yield receiver
    receiver.server.shutdown()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # HTTP and signing: one store is enough
def test_changes_reach_the_host_signed_in_order_and_retried(env: Env, host: Host) -> None:
    db, settings = env.db, env.settings
    connection_id = env.connection_id
    for n in (1, 2, 3):
        apply_from_tripletex(
            db, connection_id, SyncResource.CUSTOMER, 700 + n, {"id": 700 + n, "version": 1, "name": f"K{n}"}
        )
    endpoint = add_endpoint(db, settings, connection_id, host.url)
    with db.reading() as session:
        stored = session.get(HostWebhookEndpoint, endpoint.id)
        assert stored is not None and endpoint.secret not in stored.secret_encrypted
        assert endpoint.secret not in repr(stored)

    # First attempt: the host answers 500; as a job that is a transient failure, retried later.
    job = jobs.start_host_webhooks(db, settings, connection_id, requested_by="test")
    outcome = execute(db, settings, job.id, RunOptions(heartbeat_seconds=0.5))
    assert outcome.verdict == "retry" and outcome.message is not None
    assert outcome.message.id == "sync_webhook_retry"
    # The retry delivers the same changes; the host checks the signature.
    result = deliver_pending(db, settings, connection_id)
    assert result.delivered == 1 and result.pending == 0
    assert len(host.calls) == 2 and host.calls[0][1] == host.calls[1][1]
    header, body = host.calls[1]
    verify_signature(endpoint.secret, header, body)
    sent = json.loads(body)
    assert [c["seq"] for c in sent["changes"]] == [1, 2, 3]
    assert [c["tripletex_id"] for c in sent["changes"]] == [701, 702, 703]
    # Nothing new: nothing sent. A new change: only it.
    assert deliver_pending(db, settings, connection_id).delivered == 0
    apply_from_tripletex(
        db, connection_id, SyncResource.CUSTOMER, 704, {"id": 704, "version": 1, "name": "K4"}
    )
    assert deliver_pending(db, settings, connection_id).delivered == 1
    assert [c["seq"] for c in json.loads(host.calls[-1][1])["changes"]] == [4]

    # Forged, altered, replayed: refused by the host's check.
    for bad_header, bad_body in (
        (sign("whsec_wrong", body), body),
        (header, body.replace(b"K1", b"K9")),
        (sign(endpoint.secret, body, timestamp=1_000_000), body),
        (None, body),
    ):
        with pytest.raises(SignatureError):
            verify_signature(endpoint.secret, bad_header, bad_body)
