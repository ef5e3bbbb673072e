"""Real-time sync figures (issue 12), against the sandbox in its own process on loopback:

1. **Nightly reconcile with nothing changed**: API calls per resource (target: 1) and wall time, for
   a company with ``--customers`` customers, ``--projects`` projects and ``--employees`` employees
   (after a first reconcile has read them all; that first read is reported too).
2. **Webhook received → change applied in the store**: the web app under uvicorn on a loopback port,
   one job worker (the embedded runner, concurrency 1), Tripletex's webhooks delivered by the
   sandbox over real HTTP. ``--updates`` customer updates one after another; for each, the time from
   the receiver storing the event (``received_at``) to the change being applied (``processed_at``),
   and from the sandbox's answer to the update to the store holding the new version. p50 and p95.

Usage: ``python bench/sync_realtime.py [--customers 2000] [--projects 200] [--employees 100] [--updates 100]``
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from sqlalchemy import select

HERE = Path(__file__).parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from export_throughput import Sandbox, start_sandbox  # noqa: E402
from txbridge.flows import connections  # noqa: E402
from txbridge.flows.sync import reconcile as rc  # noqa: E402
from txbridge.flows.sync import subscriptions as subs  # noqa: E402
from txbridge.jobs.runner import EmbeddedRunner  # noqa: E402
from txbridge.settings import Settings  # noqa: E402
from txbridge.store import Database, SyncResource, TokenCipher, TripletexObject  # noqa: E402
from txbridge.store.models import Job, WebhookInboxEvent  # noqa: E402
from txbridge.web import create_app  # noqa: E402

TARGET_CALLS_PER_RESOURCE = 1


def _client(sandbox: Sandbox, company: dict[str, Any]) -> httpx.Client:
    token = httpx.put(
        f"{sandbox.base_url}/token/session/:create",
        params={
            "consumerToken": company["consumerToken"],
            "employeeToken": company["employeeToken"],
            "expirationDate": (date.today() + timedelta(days=2)).isoformat(),
        },
        timeout=30,
    ).json()["value"]["token"]
    return httpx.Client(base_url=sandbox.base_url, auth=("0", token), timeout=120)


def _seed(api: httpx.Client, customers: int, projects: int, employees: int) -> list[int]:
    ids: list[int] = []
    for start in range(0, customers, 500):
        body = [
            {"name": f"Kunde {n} AS", "email": f"k{n}@example.no"}
            for n in range(start, min(customers, start + 500))
        ]
        answer = api.post("/customer/list", json=body)
        answer.raise_for_status()
        ids.extend(v["id"] for v in answer.json()["values"])
    department = api.get("/department", params={"fields": "id", "count": 1}).json()["values"][0]
    people = [
        {"firstName": f"Ansatt{n}", "lastName": "Hansen", "department": department} for n in range(employees)
    ]
    if people:
        api.post("/employee/list", json=people).raise_for_status()
    manager = api.get("/employee", params={"fields": "id", "count": 1}).json()["values"][0]
    body = [
        {
            "name": f"Prosjekt {n}",
            "projectManager": manager,
            "customer": {"id": ids[n % len(ids)]},
            "startDate": "2026-01-05",
        }
        for n in range(projects)
    ]
    for start in range(0, len(body), 500):
        api.post("/project/list", json=body[start : start + 500]).raise_for_status()
    return ids


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--projects", type=int, default=200)
    parser.add_argument("--employees", type=int, default=100)
    parser.add_argument("--updates", type=int, default=100)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        sandbox = start_sandbox(root / "sandbox.log", timeout=180)  # a loaded machine starts it slowly
        try:
            return _run(sandbox, root, args)
        finally:
            sandbox.process.terminate()
            sandbox.process.wait(10)


def _run(sandbox: Sandbox, root: Path, args: argparse.Namespace) -> int:
    company = sandbox.company("Sanntid AS")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    settings = Settings(
        database_url=f"sqlite:///{root / 'bench.db'}",
        secret_key=TokenCipher.generate_key().decode(),
        key_file=root / "unused.key",
        public_url=url,
    )
    db = Database.open(settings)
    connection = connections.connect(
        db,
        settings,
        name="bench",
        environment="sandbox",
        consumer_token=company["consumerToken"],
        employee_token=company["employeeToken"],
        base_url=sandbox.base_url,
    )
    connections.approve(db, connection.id)
    with _client(sandbox, company) as api:
        started = time.perf_counter()
        ids = _seed(api, args.customers, args.projects, args.employees)
        print(
            f"seeded {args.customers} customers, {args.projects} projects, {args.employees + 1} employees "
            f"in {time.perf_counter() - started:.1f} s"
        )

        started = time.perf_counter()
        first = rc.reconcile_connection(db, settings, connection.id)
        print(
            f"first reconcile (reads everything): {first.api_calls} API calls, "
            f"{time.perf_counter() - started:.2f} s"
        )
        started = time.perf_counter()
        again = rc.reconcile_connection(db, settings, connection.id)
        wall = time.perf_counter() - started
        print("\nNightly reconcile with nothing changed")
        print(f"{'resource':<10} {'API calls':>9} {'304':>4}")
        for part in again.resources:
            print(f"{part.resource.value:<10} {part.api_calls:>9} {'yes' if part.unchanged else 'no':>4}")
        target = TARGET_CALLS_PER_RESOURCE
        print(f"total {again.api_calls} calls, {wall * 1000:.0f} ms (target: {target} call per resource)")
        ok = all(p.api_calls <= TARGET_CALLS_PER_RESOURCE for p in again.resources)

        latencies, end_to_end = _webhooks(db, settings, connection.id, api, ids, sock, url, args.updates)
    db.dispose()
    print("\nWebhook received → change applied in the store (loopback, one worker)")
    print(f"{args.updates} updates, one after another")
    print(
        f"received → applied:            p50 {_percentile(latencies, 0.5) * 1000:6.1f} ms   "
        f"p95 {_percentile(latencies, 0.95) * 1000:6.1f} ms"
    )
    print(
        f"Tripletex answered → applied:  p50 {_percentile(end_to_end, 0.5) * 1000:6.1f} ms   "
        f"p95 {_percentile(end_to_end, 0.95) * 1000:6.1f} ms   "
        f"(mean {statistics.mean(end_to_end) * 1000:.1f} ms)"
    )
    return 0 if ok else 1


def _jobs(db: Database) -> list[tuple[str, str, str | None]]:
    with db.reading() as session:
        return [
            (j.task, j.state.value, j.message)
            for j in session.scalars(select(Job).order_by(Job.id.desc()).limit(3))
        ]


def _webhooks(
    db: Database,
    settings: Settings,
    connection_id: int,
    api: httpx.Client,
    ids: list[int],
    sock: socket.socket,
    url: str,
    updates: int,
) -> tuple[list[float], list[float]]:
    app = create_app(settings, db=db)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    runner = EmbeddedRunner(db, settings, concurrency=1, poll_seconds=0.5, run_schedules=False)
    runner.start()
    try:
        subs.ensure_subscriptions(db, settings, connection_id)
        end_to_end: list[float] = []
        for n in range(updates):
            customer = ids[n % len(ids)]
            answer = api.put(f"/customer/{customer}", json={"name": f"Endret {n} AS"})
            answer.raise_for_status()
            answered = time.perf_counter()
            version = answer.json()["value"]["version"]
            deadline = answered + 30
            while True:
                with db.reading() as session:
                    found = session.get(TripletexObject, (connection_id, SyncResource.CUSTOMER, customer))
                    if found is not None and (found.version or 0) >= version:
                        break
                if time.perf_counter() > deadline:
                    raise RuntimeError(
                        f"update {n} of customer {customer} not applied within 30 s: {_jobs(db)}"
                    )
                time.sleep(0.002)
            end_to_end.append(time.perf_counter() - answered)
        with db.reading() as session:
            rows = session.execute(
                select(WebhookInboxEvent.received_at, WebhookInboxEvent.processed_at).where(
                    WebhookInboxEvent.connection_id == connection_id,
                    WebhookInboxEvent.processed_at.is_not(None),
                )
            ).all()
        latencies = [(done - got).total_seconds() for got, done in rows]
        return latencies, end_to_end
    finally:
        runner.stop(timeout=10)
        server.should_exit = True
        thread.join(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
