"""Sandbox throughput: requests per second the Tripletex sandbox answers on one core.

Starts ``txbridge sandbox`` (uvicorn) in a separate process pinned to one CPU, creates a company with
the control API, lifts the rate limit, and measures from this process (pinned to another CPU when
there is one) with keep-alive httpx clients in a few threads:

- ``GET /customer/{id}`` (a simple request; target ≥ 500/s so the sandbox never limits the engine),
- ``GET /customer?count=1000`` (a 1,000-row list page, after creating 1,000 customers via /customer/list),
- ``POST /invoice`` (an invoice with an embedded order: order, lines, voucher and postings).

Run: ``.venv/bin/python bench/sandbox_throughput.py [--quick]``; ``make bench`` runs it too.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import httpx

TARGET_SIMPLE_RPS = 500
THREADS = 4


@dataclass(frozen=True)
class Figure:
    name: str
    requests: int
    seconds: float
    latencies_ms: list[float]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def line(self) -> str:
        lat = sorted(self.latencies_ms)
        p50 = statistics.median(lat)
        p95 = lat[int(len(lat) * 0.95) - 1]
        return (
            f"{self.name:<26} {self.requests:>6} req {self.rps:>8.1f} req/s"
            f"  p50 {p50:6.2f} ms  p95 {p95:6.2f} ms"
        )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _pin(pid: int, cpu: int) -> bool:
    """Pin a process to one CPU (Linux); False where affinity cannot be set."""
    if not hasattr(os, "sched_setaffinity"):
        return False
    try:
        available = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(pid, {available[cpu % len(available)]})
        return True
    except OSError:
        return False


def start_sandbox(port: int) -> subprocess.Popen[bytes]:
    # The installed `txbridge` entry point, run with this interpreter (no PATH lookup).
    launcher = "import sys; from txbridge.cli import main; sys.argv[0] = 'txbridge'; main()"
    command = [sys.executable, "-c", launcher, "sandbox", "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"the sandbox exited: {process.stderr.read().decode() if process.stderr else ''}"
            )
        try:
            httpx.get(f"http://127.0.0.1:{port}/_sandbox/clock", timeout=1).raise_for_status()
            return process
        except httpx.HTTPError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("the sandbox did not start within 30 s")


def measure(
    name: str,
    total: int,
    threads: int,
    make_client: Callable[[], httpx.Client],
    request: Callable[[httpx.Client, int], httpx.Response],
) -> Figure:
    """Send `total` requests from `threads` keep-alive clients; every answer must be 2xx."""
    latencies: list[float] = []
    lock = threading.Lock()
    counter = iter(range(total))
    errors: list[str] = []

    def worker() -> None:
        own: list[float] = []
        with make_client() as client:
            while True:
                with lock:
                    i = next(counter, None)
                if i is None:
                    break
                started = time.perf_counter()
                response = request(client, i)
                own.append((time.perf_counter() - started) * 1000)
                if not response.is_success:
                    errors.append(f"{response.status_code}: {response.text[:200]}")
                    break
        with lock:
            latencies.extend(own)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    started = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    seconds = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"{name}: {errors[0]}")
    return Figure(name, len(latencies), seconds, latencies)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer requests (a smoke run)")
    args = parser.parse_args()
    scale = 0.2 if args.quick else 1.0

    port = _free_port()
    sandbox = start_sandbox(port)
    pinned = _pin(sandbox.pid, 0)
    _pin(0, 1)
    root = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=f"{root}/_sandbox", timeout=30) as control:
            company = control.post("/companies", json={"name": "Benk AS"}).json()
            control.put("/rate-limit", json={"limit": 100_000_000, "period": 60}).raise_for_status()
        session = httpx.put(
            f"{root}/v2/token/session/:create",
            params={
                "consumerToken": company["consumerToken"],
                "employeeToken": company["employeeToken"],
                "expirationDate": (date.today() + timedelta(days=2)).isoformat(),
            },
        ).json()["value"]["token"]

        def client() -> httpx.Client:
            return httpx.Client(base_url=f"{root}/v2", auth=("0", session), timeout=30)

        with client() as setup:
            for start in range(0, 1000, 100):
                batch = [
                    {"name": f"Kunde {n}", "email": f"k{n}@example.no"} for n in range(start, start + 100)
                ]
                setup.post("/customer/list", json=batch).raise_for_status()
            ids = [
                c["id"]
                for c in setup.get("/customer", params={"count": 1000, "fields": "id"}).json()["values"]
            ]
            customer_id = ids[0]
        assert len(ids) == 1000, len(ids)
        today = date.today().isoformat()
        due = (date.today() + timedelta(days=14)).isoformat()

        def invoice_body(i: int) -> dict[str, object]:
            order = {
                "customer": {"id": ids[i % len(ids)]},
                "orderDate": today,
                "deliveryDate": today,
                "orderLines": [
                    {"description": "Benk", "count": 1, "unitPriceExcludingVatCurrency": 100 + i % 7}
                ],
            }
            return {"invoiceDate": today, "invoiceDueDate": due, "orders": [order]}

        figures = [
            measure(
                "GET /customer/{id}",
                int(5000 * scale),
                THREADS,
                client,
                lambda c, i: c.get(f"/customer/{customer_id}"),
            ),
            measure(
                "GET /customer?count=1000",
                int(100 * scale),
                THREADS,
                client,
                lambda c, i: c.get("/customer", params={"count": 1000}),
            ),
            measure(
                "POST /invoice",
                int(1000 * scale),
                THREADS,
                client,
                lambda c, i: c.post("/invoice", params={"sendToCustomer": False}, json=invoice_body(i)),
            ),
        ]
    finally:
        sandbox.terminate()
        try:
            sandbox.wait(timeout=10)
        except subprocess.TimeoutExpired:
            sandbox.kill()

    print(
        f"Sandbox throughput (server pinned to one core: {'yes' if pinned else 'no'}; "
        f"{THREADS} client threads, keep-alive)"
    )
    for figure in figures:
        print("  " + figure.line())
    simple = figures[0].rps
    verdict = "met" if simple >= TARGET_SIMPLE_RPS else "MISSED"
    print(f"  target ≥ {TARGET_SIMPLE_RPS} simple requests/s: {verdict} ({simple:.0f}/s)")
    return 0 if simple >= TARGET_SIMPLE_RPS else 1


if __name__ == "__main__":
    sys.exit(main())
