"""Webhooks over real HTTP: the sandbox POSTs to a tiny local receiver, as Tripletex would."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from tests.fixtures.sandbox import SandboxCompany, new_sandbox_company
from tests.sandbox.spec import spec_validator
from txbridge.sandbox import webhooks
from txbridge.sandbox.app import create_app
from txbridge.sandbox.clock import SandboxClock
from txbridge.sandbox.companies import create_company
from txbridge.sandbox.server import SandboxServer
from txbridge.sandbox.state import SandboxState

POLICY = webhooks.DeliveryPolicy(max_attempts=3, first_backoff_seconds=0.25, disable_after_failures=2)
WAIT = 5.0


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """Records every callback; answers `status`; holds answers while `gate` is closed."""

    url: str
    requests: queue.Queue[Received] = field(default_factory=queue.Queue)
    status: int = 200
    gate: threading.Event = field(default_factory=threading.Event)

    def next(self) -> Received:
        return self.requests.get(timeout=WAIT)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    holder: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            target = holder["r"]
            target.requests.put(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            target.gate.wait(WAIT)
            self.send_response(target.status)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:  # quiet test output
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    result = Receiver(f"http://127.0.0.1:{server.server_address[1]}/hook")
    result.gate.set()
    holder["r"] = result
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield result
    result.gate.set()
    server.shutdown()
    server.server_close()


@dataclass
class WebhookSandbox:
    server: SandboxServer
    dispatcher: webhooks.WebhookDispatcher
    sleeps: list[float]


@pytest.fixture(scope="module")
def webhook_sandbox() -> Iterator[WebhookSandbox]:
    """A sandbox of its own whose dispatcher records backoff waits instead of sleeping."""
    app = create_app()
    sleeps: list[float] = []
    dispatcher = webhooks.install(app.state.sandbox, policy=POLICY, sleep=sleeps.append)
    with SandboxServer(app) as server:
        yield WebhookSandbox(server, dispatcher, sleeps)
    dispatcher.stop()


@pytest.fixture
def company(webhook_sandbox: WebhookSandbox) -> SandboxCompany:
    return new_sandbox_company(webhook_sandbox.server)


@pytest.fixture
def client(company: SandboxCompany) -> Iterator[httpx.Client]:
    with company.client() as c:
        yield c


def subscribe(client: httpx.Client, url: str, event: str, **extra: Any) -> dict[str, Any]:
    response = client.post("/event/subscription", json={"event": event, "targetUrl": url, **extra})
    assert response.status_code == 201, response.text
    value: dict[str, Any] = response.json()["value"]
    return value


def expected_signature(secret: str, key: str, body: bytes) -> str:
    # Computed here independently of txbridge.sandbox.webhooks.
    return base64.b64encode(
        hmac.new(secret.encode(), key.encode() + b"&" + body, hashlib.sha512).digest()
    ).decode()


def test_create_delivers_signed_envelope_with_auth_header(client: httpx.Client, receiver: Receiver) -> None:
    subscription = subscribe(
        client,
        receiver.url,
        "customer.create",
        authHeaderName="Authorization",
        authHeaderValue="Bearer hook-token",
        hmacSharedSecret="s3cret-shared",
    )
    # Write-only: answered as null like every unset property, never with the value.
    assert subscription["authHeaderValue"] is None and subscription["hmacSharedSecret"] is None
    customer = client.post("/customer", json={"name": "Fjord Kafé AS"}).json()["value"]

    got = receiver.next()
    body = got.json()
    assert body == {
        "subscriptionId": subscription["id"],
        "event": "customer.create",
        "id": customer["id"],
        "value": body["value"],
    }
    assert body["value"]["name"] == "Fjord Kafé AS"
    validator = spec_validator()
    assert not list(validator.schema_errors(body, {"$ref": "#/components/schemas/WebHookWrapper"}))
    assert not list(validator.schema_errors(body["value"], {"$ref": "#/components/schemas/Customer"}))
    assert got.headers["authorization"] == "Bearer hook-token"
    key = got.headers["idempotency-key"]
    assert key
    assert got.headers["x-request-signature"] == expected_signature("s3cret-shared", key, got.body)


def test_no_signature_without_secret_and_delete_sends_null_value(
    client: httpx.Client, receiver: Receiver
) -> None:
    subscribe(client, receiver.url, "customer.delete")
    customer = client.post("/customer", json={"name": "Borte AS"}).json()["value"]
    assert client.delete(f"/customer/{customer['id']}").status_code == 204
    got = receiver.next()
    assert got.json()["value"] is None
    assert got.json()["id"] == customer["id"]
    assert "x-request-signature" not in got.headers
    assert got.headers["idempotency-key"]


def test_fields_select_the_value(client: httpx.Client, receiver: Receiver) -> None:
    subscribe(client, receiver.url, "customer.update", fields="id,name")
    customer = client.post("/customer", json={"name": "Før AS", "email": "a@example.no"}).json()["value"]
    client.put(f"/customer/{customer['id']}", json={"name": "Etter AS"}).raise_for_status()
    assert receiver.next().json()["value"] == {"id": customer["id"], "name": "Etter AS"}


def test_employee_and_project_events_are_delivered(client: httpx.Client, receiver: Receiver) -> None:
    subscribe(client, receiver.url, "project.create")
    owner = client.get("/employee").json()["values"][0]
    project = client.post("/project", json={"name": "Hytta", "projectManager": {"id": owner["id"]}}).json()
    body = receiver.next().json()
    assert (body["event"], body["id"], body["value"]["name"]) == (
        "project.create",
        project["value"]["id"],
        "Hytta",
    )


def test_other_companies_events_do_not_reach_the_subscription(
    webhook_sandbox: WebhookSandbox, client: httpx.Client, receiver: Receiver
) -> None:
    subscribe(client, receiver.url, "customer.create")
    other = new_sandbox_company(webhook_sandbox.server)
    with other.client() as other_client:
        other_client.post("/customer", json={"name": "Annen AS"}).raise_for_status()
    assert webhook_sandbox.dispatcher.wait_idle(WAIT)
    assert receiver.requests.empty()


def test_delivery_does_not_block_the_request(
    webhook_sandbox: WebhookSandbox, client: httpx.Client, receiver: Receiver
) -> None:
    subscribe(client, receiver.url, "customer.create")
    receiver.gate.clear()  # the receiver now holds its answer
    response = client.post("/customer", json={"name": "Rask AS"}, timeout=2)
    assert response.status_code == 201
    assert receiver.next().json()["value"]["name"] == "Rask AS"  # delivered, still unanswered
    receiver.gate.set()
    assert webhook_sandbox.dispatcher.wait_idle(WAIT)


def test_failures_retry_with_backoff_then_disable(
    webhook_sandbox: WebhookSandbox, company: SandboxCompany, client: httpx.Client, receiver: Receiver
) -> None:
    receiver.status = 500
    subscription = subscribe(
        client, receiver.url, "customer.create", authHeaderName="X-Key", authHeaderValue="k-1"
    )
    webhook_sandbox.sleeps.clear()

    client.post("/customer", json={"name": "Feil 1 AS"}).raise_for_status()
    attempts = [receiver.next() for _ in range(POLICY.max_attempts)]
    assert webhook_sandbox.dispatcher.wait_idle(WAIT)
    assert len({a.headers["idempotency-key"] for a in attempts}) == 1  # same key on every retry
    assert webhook_sandbox.sleeps == [0.25, 0.5]
    assert client.get(f"/event/subscription/{subscription['id']}").json()["value"]["status"] == "ACTIVE"

    client.post("/customer", json={"name": "Feil 2 AS"}).raise_for_status()
    assert webhook_sandbox.dispatcher.wait_idle(WAIT)
    disabled = client.get(f"/event/subscription/{subscription['id']}").json()["value"]
    assert disabled["status"] == "DISABLED_TOO_MANY_ERRORS"

    # Disabled: nothing more is sent.
    while not receiver.requests.empty():
        receiver.requests.get_nowait()
    client.post("/customer", json={"name": "Feil 3 AS"}).raise_for_status()
    assert webhook_sandbox.dispatcher.wait_idle(WAIT)
    assert receiver.requests.empty()

    # The record lists every attempt, never the auth header value.
    with company.control() as control:
        deliveries = control.get("/webhook-deliveries").json()["values"]
    mine = [d for d in deliveries if d["subscriptionId"] == subscription["id"]]
    assert [d["attempt"] for d in mine] == [1, 2, 3, 1, 2, 3]
    assert all(d["status"] == 500 and not d["ok"] for d in mine)
    assert "k-1" not in json.dumps(deliveries)

    # Reactivating sends again.
    receiver.status = 200
    client.put(f"/event/subscription/{subscription['id']}", json={"status": "ACTIVE"}).raise_for_status()
    client.post("/customer", json={"name": "Frisk AS"}).raise_for_status()
    assert receiver.next().json()["value"]["name"] == "Frisk AS"


def test_unreachable_target_is_recorded_as_an_error(
    webhook_sandbox: WebhookSandbox, company: SandboxCompany, client: httpx.Client
) -> None:
    closed = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    url = f"http://user:pw@127.0.0.1:{closed.server_address[1]}/gone"
    closed.server_close()  # nothing listens there any more
    subscription = subscribe(client, url, "customer.create")
    client.post("/customer", json={"name": "Ingen AS"}).raise_for_status()
    assert webhook_sandbox.dispatcher.wait_idle(WAIT)
    with company.control() as control:
        deliveries = control.get("/webhook-deliveries").json()["values"]
    mine = [d for d in deliveries if d["subscriptionId"] == subscription["id"]]
    assert mine and all(d["error"] == "ConnectError" and d["status"] is None for d in mine)
    assert all("pw" not in d["targetUrl"] for d in mine)


def test_subscription_crud_and_validation(client: httpx.Client, receiver: Receiver) -> None:
    created = subscribe(client, receiver.url, "product.create")
    listed = client.get("/event/subscription").json()["values"]
    assert [s["id"] for s in listed] == [created["id"]]

    stale = client.put(f"/event/subscription/{created['id']}", json={"version": created["version"] + 5})
    assert (stale.status_code, stale.json()["code"]) == (409, 8000)

    for body, field_name in [
        ({"event": "nonsense.create", "targetUrl": receiver.url}, "event"),
        ({"event": "customer.create", "targetUrl": "http://example.com/hook"}, "targetUrl"),
        ({"event": "customer.create", "targetUrl": "/relative"}, "targetUrl"),
        ({"event": "customer.create"}, "targetUrl"),
        ({"event": "customer.create", "targetUrl": receiver.url, "status": "DISABLED_MISUSE"}, "status"),
    ]:
        response = client.post("/event/subscription", json=body)
        assert response.status_code == 422, body
        assert [m["field"] for m in response.json()["validationMessages"]] == [field_name]

    assert client.delete(f"/event/subscription/{created['id']}").status_code == 204
    assert client.get(f"/event/subscription/{created['id']}").status_code == 404


def test_event_types_are_listed_and_described(client: httpx.Client) -> None:
    events = client.get("/event").json()["value"]
    assert {"customer.create", "customer.update", "customer.delete", "invoice.charged"} <= set(events)
    info = client.get("/event/customer.delete").json()["value"]
    assert info["payloadModel"] == "Customer"
    assert info["examples"][0]["value"] is None
    assert client.get("/event/customer.create").json()["value"]["examples"][0]["value"] == {}
    assert client.get("/event/customer.explode").status_code == 404


def test_signature_helpers() -> None:
    assert webhooks.signature("k", "id-1", b"{}") == expected_signature("k", "id-1", b"{}")
    assert webhooks.verify_signature("k", "id-1", b"{}", expected_signature("k", "id-1", b"{}"))
    assert not webhooks.verify_signature("k", "id-2", b"{}", expected_signature("k", "id-1", b"{}"))
    policy = webhooks.DeliveryPolicy(first_backoff_seconds=1, max_backoff_seconds=3)
    assert [webhooks.retry_delay(policy, n) for n in (1, 2, 3, 4)] == [1, 2, 3, 3]
    assert webhooks.public_url("https://u:p@h.example:8443/x?y=1") == "https://h.example:8443/x?y=1"
    delivery = webhooks.Delivery(
        1, 2, "customer.create", 3, "https://u:pw-9@h.example/x", b"{}", {"X-Key": "hv-9"}
    )
    assert "pw-9" not in repr(delivery) and "hv-9" not in repr(delivery)


def test_write_only_fields_never_come_back(client: httpx.Client, receiver: Receiver) -> None:
    created = subscribe(
        client,
        receiver.url,
        "customer.create",
        authHeaderName="X-Key",
        authHeaderValue="v-123",
        hmacSharedSecret="secret-123",
    )
    asked = client.get(
        f"/event/subscription/{created['id']}", params={"fields": "authHeaderValue,hmacSharedSecret"}
    )
    assert asked.json()["value"] == {"authHeaderValue": None, "hmacSharedSecret": None}
    everything = client.get("/event/subscription", params={"fields": "*"}).text
    assert "v-123" not in everything and "secret-123" not in everything
    assert client.get("/event/subscription", params={"fields": "_authHeaderValue"}).status_code == 400


def test_subscription_secrets_stay_out_of_the_company_repr(
    webhook_sandbox: WebhookSandbox, company: SandboxCompany, client: httpx.Client, receiver: Receiver
) -> None:
    subscribe(
        client,
        receiver.url,
        "product.create",
        authHeaderName="X-Key",
        authHeaderValue="v-456",
        hmacSharedSecret="secret-456",
    )
    state = webhook_sandbox.server.state
    shown = repr(state.companies[company.company_id])
    assert str(company.company_id) in shown
    assert "v-456" not in shown and "secret-456" not in shown


def test_bounded_queue_drops_instead_of_blocking() -> None:
    """In process, with an injected transport that holds the first delivery: the queue never blocks."""
    state = SandboxState(SandboxClock())
    company = state.companies[create_company(state).company_id]
    company.table("Subscription")[1] = {
        "id": 1,
        "version": 0,
        "event": "customer.create",
        "targetUrl": "https://hooks.example.no/x",
        "status": "ACTIVE",
    }
    release, first_arrived = threading.Event(), threading.Event()
    seen: list[bytes] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.content)
        first_arrived.set()
        release.wait(WAIT)
        return httpx.Response(204)

    policy = webhooks.DeliveryPolicy(queue_size=1)
    dispatcher = webhooks.install(
        state, policy=policy, transport=httpx.MockTransport(handler), sleep=lambda s: None
    )
    try:
        dispatcher.on_event(company, "customer.create", 10, {"id": 10})
        assert first_arrived.wait(WAIT)  # the worker holds delivery 1
        dispatcher.on_event(company, "customer.create", 11, {"id": 11})  # fills the queue
        dispatcher.on_event(company, "customer.create", 12, {"id": 12})  # no room: dropped, not blocked
        dispatcher.on_event(company, "customer.update", 13, {"id": 13})  # not subscribed
        release.set()
        assert dispatcher.wait_idle(WAIT)
    finally:
        dispatcher.stop()
    assert [json.loads(b)["id"] for b in seen] == [10, 11]
    dropped = [d for d in state.webhook_deliveries if d["id"] == 12]
    assert dropped and dropped[0]["error"] == "dropped: delivery queue full"


def _drain(receiver: Receiver) -> list[Received]:
    got: list[Received] = []
    while not receiver.requests.empty():
        got.append(receiver.requests.get_nowait())
    return got


def test_delivery_hooks_drop_duplicate_and_reorder(
    webhook_sandbox: WebhookSandbox, company: SandboxCompany, client: httpx.Client, receiver: Receiver
) -> None:
    subscribe(client, receiver.url, "customer.create")
    with company.control() as control:
        for kind, count in (("drop", 1), ("duplicate", 1), ("reorder", 2)):
            hook = {"kind": kind, "event": "customer.*", "count": count, "companyId": company.company_id}
            assert control.post("/webhook-faults", json=hook).status_code == 201
        names = ["Borte AS", "Dobbel AS", "Først AS", "Sist AS"]
        for name in names:
            client.post("/customer", json={"name": name}).raise_for_status()
        assert webhook_sandbox.dispatcher.wait_idle(WAIT)
        got = _drain(receiver)
        assert [r.json()["value"]["name"] for r in got] == ["Dobbel AS", "Dobbel AS", "Sist AS", "Først AS"]
        assert got[0].headers["idempotency-key"] == got[1].headers["idempotency-key"]
        assert control.get("/webhook-faults").json()["values"] == []
        dropped = [d for d in control.get("/webhook-deliveries").json()["values"] if d["error"]]
        assert [d["error"] for d in dropped if d["companyId"] == company.company_id] == ["dropped: test hook"]

        # A reorder hook still holding deliveries sends them when the hooks are cleared.
        control.post("/webhook-faults", json={"kind": "reorder", "count": 5, "companyId": company.company_id})
        client.post("/customer", json={"name": "Holdt AS"}).raise_for_status()
        assert webhook_sandbox.dispatcher.wait_idle(WAIT) and receiver.requests.empty()
        assert control.delete("/webhook-faults").status_code == 204
        assert receiver.next().json()["value"]["name"] == "Holdt AS"
        assert control.post("/webhook-faults", json={"kind": "explode"}).status_code == 422


def test_a_target_answering_429_disables_with_rate_limit_exceeded(
    webhook_sandbox: WebhookSandbox, client: httpx.Client, receiver: Receiver
) -> None:
    receiver.status = 429
    subscription = subscribe(client, receiver.url, "customer.create")
    for name in ("Tregt 1 AS", "Tregt 2 AS"):
        client.post("/customer", json={"name": name}).raise_for_status()
        assert webhook_sandbox.dispatcher.wait_idle(WAIT)
    status = client.get(f"/event/subscription/{subscription['id']}").json()["value"]["status"]
    assert status == "DISABLED_RATE_LIMIT_EXCEEDED"


def test_control_sets_any_status_and_clients_only_active_or_disabled(
    company: SandboxCompany, client: httpx.Client, receiver: Receiver
) -> None:
    subscription = subscribe(client, receiver.url, "customer.update")
    with company.control() as control:
        answer = control.put(
            f"/webhook-subscriptions/{subscription['id']}/status", json={"status": "DISABLED_MISUSE"}
        )
        assert answer.json()["status"] == "DISABLED_MISUSE"
        assert (
            control.put("/webhook-subscriptions/999999999/status", json={"status": "ACTIVE"}).status_code
            == 404
        )
    row = client.get(f"/event/subscription/{subscription['id']}").json()["value"]
    assert (row["status"], row["version"]) == ("DISABLED_MISUSE", subscription["version"] + 1)
    refused = client.put(f"/event/subscription/{subscription['id']}", json={"status": "DISABLED_MISUSE"})
    assert refused.status_code == 422
    client.put(f"/event/subscription/{subscription['id']}", json={"status": "ACTIVE"}).raise_for_status()


def test_changed_since_only_where_the_spec_has_it_and_304_on_sync_lists(client: httpx.Client) -> None:
    """`changedSince` filters customers; on /project and /employee Tripletex ignores it (every row
    comes back); every list answers 304 to its own versionDigest until something changes."""
    future = "2999-01-01T00:00:00"
    client.post("/customer", json={"name": "Gammel AS"}).raise_for_status()
    assert client.get("/customer", params={"changedSince": future}).json()["values"] == []
    employees = client.get("/employee", params={"changedSince": future}).json()["values"]
    assert employees  # the company's own employee: the parameter was ignored
    manager = {"id": employees[0]["id"]}
    body = {"name": "Bro", "projectManager": manager, "startDate": "2026-01-05"}
    client.post("/project", json=body).raise_for_status()
    assert client.get("/project", params={"changedSince": future}).json()["values"]
    for path in ("/customer", "/project", "/employee"):
        first = client.get(path, params={"fields": "id,version"})
        digest = first.json()["versionDigest"]
        again = client.get(path, params={"fields": "id,version"}, headers={"If-None-Match": digest})
        assert again.status_code == 304, path
