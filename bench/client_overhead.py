"""Client overhead: calls per second through ``txbridge.tripletex.Tripletex`` vs raw ``httpx.Client``
against the same local server (uvicorn in a thread, a trivial Tripletex-like ASGI app).

Both sides keep connections alive, send Basic auth and parse the JSON; the client additionally
paces by the rate-limit headers, keeps a session, counts, logs and builds typed models.
Rounds are interleaved and the best round of each side is compared (noise only slows rounds).
Target: overhead under 15 % per call. Run: ``python bench/client_overhead.py [calls] [rounds]``."""

from __future__ import annotations

import base64
import json
import socket
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import uvicorn

from txbridge.tripletex import RateLimiterRegistry, Tripletex
from txbridge.tripletex.models import Customer

CUSTOMER = {
    "id": 1,
    "version": 3,
    "url": "http://127.0.0.1/v2/customer/1",
    "name": "Fjord Handel AS",
    "organizationNumber": "923609016",
    "customerNumber": 10001,
    "email": "post@fjordhandel.no",
    "isCustomer": True,
    "isInactive": False,
    "invoicesDueIn": 14,
    "invoiceSendMethod": "EMAIL",
    "currency": {"id": 1},
    "postalAddress": {"id": 5, "addressLine1": "Strandkaien 1", "postalCode": "5013", "city": "Bergen"},
}
SINGLE = json.dumps({"value": CUSTOMER}).encode()
LIST = json.dumps(
    {"fullResultSize": 50, "from": 0, "count": 50, "versionDigest": "d", "values": [CUSTOMER] * 50}
).encode()
SESSION = json.dumps({"value": {"token": "bench-session-token"}}).encode()
HEADERS = [
    (b"content-type", b"application/json"),
    (b"x-rate-limit-limit", b"100000000"),
    (b"x-rate-limit-remaining", b"99999999"),
    (b"x-rate-limit-reset", b"3600"),
    (b"x-tlx-request-id", b"bench"),
]

# Stand-ins for the local bench server, not credentials.
BENCH_CONSUMER = "bench-consumer-token"
BENCH_EMPLOYEE = "bench-employee-token"

Send = Callable[[dict[str, Any]], Awaitable[None]]


async def app(scope: dict[str, Any], receive: Callable[[], Awaitable[dict[str, Any]]], send: Send) -> None:
    if scope["type"] != "http":
        return
    path = scope["path"]
    body = SESSION if path.endswith(":create") else LIST if path == "/v2/customer" else SINGLE
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [*HEADERS, (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_server() -> tuple[uvicorn.Server, str]:
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", access_log=False)
    )
    threading.Thread(target=server.run, daemon=True).start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("bench server did not start")
        time.sleep(0.01)
    return server, f"http://127.0.0.1:{port}/v2"


def rate(fn: Callable[[], object], calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        fn()
    return calls / (time.perf_counter() - started)


def main() -> int:
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    server, base = start_server()
    auth = "Basic " + base64.b64encode(b"0:bench-session-token").decode()
    raw = httpx.Client(headers={"Authorization": auth, "Accept": "application/json"})
    client = Tripletex(
        consumer_token=BENCH_CONSUMER,
        employee_token=BENCH_EMPLOYEE,
        base_url=base,
        rate_limiters=RateLimiterRegistry(),
    )

    cases: list[tuple[str, Callable[[], object], Callable[[], object], int]] = [
        (
            "GET one customer",
            lambda: raw.get(f"{base}/customer/1").json(),
            lambda: client.customers.get(1),
            calls,
        ),
        (
            "* page of 50, raw untyped",
            lambda: raw.get(f"{base}/customer", params={"from": 0, "count": 50}).json(),
            lambda: client.customers.list(count=50),
            max(calls // 4, 50),
        ),
        (
            "page of 50, both typed",
            lambda: [
                Customer.model_validate(v)
                for v in raw.get(f"{base}/customer", params={"from": 0, "count": 50}).json()["values"]
            ],
            lambda: client.customers.list(count=50),
            max(calls // 4, 50),
        ),
        (
            "raw request() passthrough",
            lambda: raw.get(f"{base}/customer/1").json(),
            lambda: client.request("GET", "/customer/1"),
            calls,
        ),
    ]
    worst = 0.0
    try:
        for name, raw_call, client_call, n in cases:
            rate(raw_call, 100)  # warm up connections and code paths
            rate(client_call, 100)
            raw_rates, client_rates = [], []
            for _ in range(rounds):  # interleave so drift in machine load hits both sides alike
                raw_rates.append(rate(raw_call, n))
                client_rates.append(rate(client_call, n))
            # Best round of each: other load on the machine only ever slows a round down, never speeds it up.
            raw_rate, client_rate = max(raw_rates), max(client_rates)
            overhead = (raw_rate / client_rate - 1) * 100
            if not name.startswith("*"):
                worst = max(worst, overhead)
            print(
                f"{name:28} raw httpx {raw_rate:8.0f} calls/s | Tripletex client {client_rate:8.0f} calls/s"
                f" | overhead {overhead:+5.1f} % per call"
            )
        print(f"API calls counted by the client: {client.stats.calls}")
        print(f"target < 15 % per call: {'met' if worst < 15 else 'NOT met'} (worst {worst:+.1f} %)")
        print(
            "(* raw side gets bare dicts, the client typed models: prices the models, not counted in target)"
        )
    finally:
        client.close()
        raw.close()
        server.should_exit = True
    return 0


if __name__ == "__main__":
    sys.exit(main())
