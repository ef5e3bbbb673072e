"""Scale-out: the same exports with 1, 2 and 4 ``txbridge worker`` processes on PostgreSQL.

200 connections × 100 invoices (one batch each, its own sandbox company each); every sandbox call
waits 50 ms (a control-API delay fault), so the work waits on the network as against Tripletex. For
each number of workers, in a fresh database with fresh companies (all built first, then the timed
runs back to back): wall time from queueing the 200
export jobs until the last one finished (workers started and ready before), the speed-up over one
worker, API calls (the sandbox's count), 429s (the workers' ``/metrics``) and duplicates in
Tripletex (each local invoice counted by its order marker). Target: ≥ 3× from 1 to 4 workers, 0
duplicates. Figures only, no assertion on time.

``--accountant``: all connections are the clients of one accountant, on its one token pair, under a
sandbox rate limit of ``RATE_LIMIT`` calls per ``RATE_PERIOD`` s for that pair (the sandbox has at most
50 clients per accountant): the 429s the whole fleet meets with 1 and 4 workers (target: equal, which
needs the rate-limit budget shared across processes).

Run: ``.venv/bin/python bench/jobs_scaling.py [--connections 200] [--invoices 100] [--workers 1,2,4]``
or ``… --accountant --connections 50 --workers 1,4``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._jobs_world import (  # noqa: E402
    World,
    build_world,
    fresh_database,
    invoices_in_tripletex,
    postgres_server,
    scrape,
    start_worker,
    stop,
)
from bench.export_throughput import _free_port  # noqa: E402

from txbridge.jobs import api, engine  # noqa: E402
from txbridge.sandbox.server import SandboxServer  # noqa: E402
from txbridge.settings import Settings  # noqa: E402
from txbridge.store import TokenCipher  # noqa: E402

LATENCY = 0.05
RATE_LIMIT, RATE_PERIOD = 40, 5.0


def _wait_ready(ports: list[int], timeout: float = 120) -> None:
    import httpx

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


def prepare(
    server: Any, sandbox: Any, workers: int, connections: int, invoices: int, logs: Path, accountant: bool
) -> World:
    """A fresh database and fresh companies for one run (all are built before any run is timed, so
    the timed runs follow each other under the same conditions)."""
    url = fresh_database(server, f"scaling_{workers}_{int(accountant)}")
    settings = Settings(
        database_url=url, secret_key=TokenCipher.generate_key().decode(), key_file=logs / "unused.key"
    )
    return build_world(
        settings,
        control_url=sandbox.control_url,
        base_url=sandbox.base_url,
        connections_count=connections,
        invoices=invoices,
        accountant=accountant,
    )


def run_once(world: World, workers: int, logs: Path, accountant: bool) -> dict[str, Any]:
    settings = world.settings

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
        _wait_ready(ports)
        control("DELETE", "/stats")
        if accountant:
            control("PUT", "/rate-limit", json={"limit": RATE_LIMIT, "period": RATE_PERIOD})
        control(
            "POST",
            "/faults",
            json={"method": "*", "path": "/v2/*", "kind": "delay", "delaySeconds": LATENCY, "count": 10**9},
        )
        started = time.monotonic()
        ids = [api.start_export(world.db, settings, b, requested_by="bench").id for b in world.batch_ids]
        while True:
            states = {j.state for j in api.list_jobs(world.db, settings, limit=len(ids) + 10)}
            if states <= {"succeeded", "failed", "cancelled"}:
                break
            time.sleep(0.2)
        wall = time.monotonic() - started
        control("DELETE", "/faults")
        control("PUT", "/rate-limit", json={"limit": 10**6, "period": 1})
        calls = int(control("GET", "/stats")["total"])
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
        "duplicates": sum(n - 1 for n in found.values() if n > 1),
        "missing": len(expected - set(found)),
        "failed_jobs": sum(1 for j in jobs if j.state != "succeeded"),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--connections", type=int, default=200)
    parser.add_argument("--invoices", type=int, default=100)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--accountant", action="store_true", help="all connections on one accountant token")
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]
    print(
        f"{args.connections} connections × {args.invoices} invoices, "
        f"{LATENCY * 1000:.0f} ms per sandbox call, workers {counts} "
        "(PostgreSQL, procrastinate, one job per connection at a time)"
        + (f"; one accountant token, {RATE_LIMIT} calls per {RATE_PERIOD:.0f} s" if args.accountant else ""),
        flush=True,
    )
    rows = []
    with tempfile.TemporaryDirectory(prefix="txb-jobs-scaling-") as tmp, postgres_server() as server:
        logs = Path(tmp)
        # In a thread of this process, which otherwise only waits: ready at once, no start-up race.
        with SandboxServer() as sandbox:
            worlds = [
                prepare(server, sandbox, n, args.connections, args.invoices, logs, args.accountant)
                for n in counts
            ]
            for workers, world in zip(counts, worlds, strict=True):
                row = run_once(world, workers, logs, args.accountant)
                rows.append(row)
                print(
                    f"  {workers} worker(s): {row['wall']:7.1f} s   API calls {row['calls']:6d}   "
                    f"429s {row['rate_limited']:4d}   duplicates {row['duplicates']}   "
                    f"missing {row['missing']}   failed jobs {row['failed_jobs']}",
                    flush=True,
                )
    base = rows[0]["wall"]
    for row in rows[1:]:
        print(f"  speed-up {rows[0]['workers']} → {row['workers']} workers: {base / row['wall']:.2f}×")
    print("  target: ≥ 3× from 1 to 4 workers; 0 duplicates")
    return 0 if all(r["duplicates"] == 0 and r["missing"] == 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
