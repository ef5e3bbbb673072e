"""Many connected sandbox companies with closed batches, for the jobs tests and benchmarks.

Each connection gets its own sandbox company (or all share one accountant's token), host data from
``bench._export_data`` and ``batches`` closed batches of the same period (the invoices split evenly)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
from bench._export_data import PERIOD, generate

from txbridge.flows import connections
from txbridge.flows.export import close_batch
from txbridge.flows.intake import import_data
from txbridge.jobs import api, engine
from txbridge.settings import Settings
from txbridge.store import Connection, Database

if TYPE_CHECKING:
    from tests.fixtures.postgres import PostgresServer

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class World:
    db: Database
    settings: Settings
    control_url: str
    base_url: str
    #: Per connection: (connection id, sandbox company id, local invoice numbers)
    connections: list[tuple[int, int, list[str]]] = field(default_factory=list)
    batch_ids: list[int] = field(default_factory=list)
    #: The accountant company whose token pair every connection uses (``accountant=True``), else None.
    accountant_id: int | None = None

    @property
    def invoice_count(self) -> int:
        return sum(len(numbers) for _, _, numbers in self.connections)


def new_company(control_url: str, **body: Any) -> dict[str, Any]:
    response = httpx.post(f"{control_url}/companies", json=body, timeout=30)
    response.raise_for_status()
    body: dict[str, Any] = response.json()
    return body


def build_world(
    settings: Settings,
    *,
    control_url: str,
    base_url: str,
    connections_count: int,
    invoices: int,
    batches: int = 1,
    customers: int = 20,
    products: int = 10,
    accountant: bool = False,
) -> World:
    """Connect ``connections_count`` fresh companies, import ``invoices`` invoices into each and
    close them into ``batches`` batches per connection. ``accountant``: the companies are the clients
    of one accountant, every connection on the accountant's one token pair (at most 50)."""
    db = Database(settings)
    world = World(db, settings, control_url, base_url)
    firm = new_company(control_url, accountantClients=connections_count) if accountant else None
    world.accountant_id = int(firm["companyId"]) if firm else None
    for index in range(connections_count):
        company = firm or new_company(control_url)
        client_id = firm["clientCompanyIds"][index] if firm else 0
        connection = connections.connect(
            db,
            settings,
            name=f"firma-{index:04d}",
            environment="sandbox",
            consumer_token=company["consumerToken"],
            employee_token=company["employeeToken"],
            base_url=base_url,
            company_id=client_id,
            token_expires_on=date.today() + timedelta(days=300),
        )
        connections.approve(db, connection.id)
        data = generate(invoices, customers=customers, products=products, seed=index + 1)
        rows = data["invoices"]
        share = -(-len(rows) // batches)
        for part in range(batches):
            chunk = rows[part * share : (part + 1) * share]
            if not chunk:
                continue
            report = import_data(
                db, connection.id, {**data, "invoices": chunk} if part == 0 else {"invoices": chunk}
            )
            assert report.all_accepted, report.rejections
            world.batch_ids.append(close_batch(db, connection.id, PERIOD).batch_id)
        company_id = client_id or int(company["companyId"])
        world.connections.append((connection.id, company_id, [r["number"] for r in rows]))
    return world


def invoices_in_tripletex(world: World) -> Counter[str]:
    """How many times each local invoice number is in Tripletex (by the order marker ``TXB-<no>-…``),
    read over the API for every company."""
    found: Counter[str] = Counter()
    for connection_id, _company_id, _numbers in world.connections:
        with world.db.transaction() as session:
            connection = session.get(Connection, connection_id)
            assert connection is not None
        with connections.client_for(connection, world.settings) as client:
            response = client.request(
                "GET",
                "/invoice",
                params={
                    "invoiceDateFrom": "2026-01-01",
                    "invoiceDateTo": "2027-12-31",
                    "fields": "id,orders(number)",
                    "count": 10000,
                },
            )
        for invoice in response["values"]:
            for order in invoice["orders"]:
                number = str(order["number"])
                if number.startswith("TXB-"):
                    found[f"{connection_id}:{number[4:].rsplit('-', 1)[0]}"] += 1
    return found


def worker_env(settings: Settings, **extra: str) -> dict[str, str]:
    secret = settings.secret_key.get_secret_value() if settings.secret_key else ""
    return {
        **os.environ,
        "TXBRIDGE_DATABASE_URL": settings.database_url,
        "TXBRIDGE_SECRET_KEY": secret,
        "TXBRIDGE_ERROR_STATE_THRESHOLD": str(settings.error_state_threshold),
        "PYTHONPATH": str(ROOT / "src"),
        **extra,
    }


def start_worker(settings: Settings, *args: str, log: Path | None = None) -> subprocess.Popen[bytes]:
    """A real ``txbridge worker`` process (its operators' log to ``log``, if given)."""
    out = open(log, "ab") if log is not None else subprocess.DEVNULL  # noqa: SIM115 - the child keeps it
    return subprocess.Popen(
        [sys.executable, "-m", "txbridge", "worker", *args],
        env=worker_env(settings),
        stdout=out,
        stderr=out,
    )


def kill(process: subprocess.Popen[bytes]) -> float:
    """SIGKILL and wait; returns the moment (``time.time()``) it was dead."""
    process.send_signal(signal.SIGKILL)
    process.wait()
    return time.time()


def stop(process: subprocess.Popen[bytes], timeout: float = 20) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def postgres_server() -> AbstractContextManager[PostgresServer]:
    """A throwaway PostgreSQL server for a benchmark (the test suite's own)."""
    from tests.fixtures.postgres import running_server

    return running_server()


def fresh_database(server: PostgresServer, name: str) -> str:
    """A new, migrated database with procrastinate's schema; returns its URL."""
    server.execute_autocommit(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    server.execute_autocommit(f"CREATE DATABASE {name}")
    url = server.url(name)
    db = Database.from_url(url)
    db.migrate()
    db.dispose()
    return url


def scrape(port: int) -> dict[str, float]:
    """Sums of a worker's counters by metric name (``txbridge_api_calls_total`` …)."""
    from prometheus_client.parser import text_string_to_metric_families

    totals: Counter[str] = Counter()
    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=30).text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            totals[sample.name] += sample.value
    return dict(totals)


def wait_ready(ports: list[int], timeout: float = 120) -> None:
    """Until every worker answers on its metrics port, and a little more."""
    deadline = time.monotonic() + timeout
    for port in ports:
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"worker on port {port} did not come up") from None
                time.sleep(0.2)
    time.sleep(2)  # the procrastinate worker starts just after its metrics server


def run_exports(
    world: World,
    workers: int,
    logs: Path,
    *,
    latency: float = 0.0,
    rate_limit: tuple[int, float] | None = None,
    timeout: float = 600,
) -> dict[str, Any]:
    """Export every batch of ``world`` with ``workers`` real ``txbridge worker`` processes (started and
    ready first): the sandbox's stats cleared, every call delayed ``latency`` s, and ``rate_limit``
    (calls, period s) on the accountant's token pair (or on every pair without one). Returns wall time
    from queueing to the last job done, API calls and 429s (the sandbox's counts; 429s also as the
    workers' ``/metrics`` count them), duplicates and missing invoices in Tripletex, and jobs that did
    not succeed."""
    from tests.fixtures.postgres import _free_port

    settings = world.settings
    limit_scope = {"companyId": world.accountant_id} if world.accountant_id is not None else {}

    def control(method: str, path: str, **kw: Any) -> Any:
        response = httpx.request(method, f"{world.control_url}{path}", timeout=60, **kw)
        response.raise_for_status()
        return response.json() if response.content else None

    engine.apply_schema(world.db, settings)
    ports = [_free_port() for _ in range(workers)]
    pool = [
        start_worker(settings, "--metrics-port", str(port), log=logs / f"w{workers}-{i}.log")
        for i, port in enumerate(ports)
    ]
    try:
        wait_ready(ports)
        control("DELETE", "/stats")
        if rate_limit is not None:
            body = {"limit": rate_limit[0], "period": rate_limit[1], **limit_scope}
            control("PUT", "/rate-limit", json=body)
        if latency:
            fault = {"method": "*", "path": "/v2/*", "kind": "delay", "delaySeconds": latency, "count": 10**9}
            control("POST", "/faults", json=fault)
        started = time.monotonic()
        ids = [api.start_export(world.db, settings, b, requested_by="bench").id for b in world.batch_ids]
        while time.monotonic() - started < timeout:
            states = {j.state for j in api.list_jobs(world.db, settings, limit=len(ids) + 10)}
            if states <= {"succeeded", "failed", "cancelled"}:
                break
            time.sleep(0.2)
        wall = time.monotonic() - started
        control("DELETE", "/faults")
        control("PUT", "/rate-limit", json={"limit": 10**6, "period": 1, **limit_scope})
        stats = control("GET", "/stats")
        calls, refused = int(stats["total"]), int(stats["rateLimited"])
        counted = [scrape(port) for port in ports]
    finally:
        for worker in pool:
            stop(worker)
    found = invoices_in_tripletex(world)
    expected = {f"{cid}:{n}" for cid, _, numbers in world.connections for n in numbers}
    jobs = [api.get_job(world.db, settings, i) for i in ids]
    world.db.dispose()
    return {
        "workers": workers,
        "wall": wall,
        "calls": calls,
        "rate_limited": int(sum(c.get("txbridge_api_rate_limited_total", 0) for c in counted)),
        "sandbox_429s": refused,
        "duplicates": sum(n - 1 for n in found.values() if n > 1),
        "missing": len(expected - set(found)),
        "unexpected": len(set(found) - expected),
        "failed_jobs": sum(1 for j in jobs if j.state != "succeeded"),
    }
