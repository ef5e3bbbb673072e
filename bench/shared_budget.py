"""Shared rate-limit budget: 429s met by processes on one accountant token pair, with the budget kept in
PostgreSQL (what the flows use there) and, for comparison, with each process's own limiter.

Starts a private PostgreSQL server and the sandbox, stores one connection per client company and runs
``python -m tests.store.budget_fleet_driver`` processes (the same driver the test uses) against a
sandbox limit of 8 calls per second. Figures: 429s, calls, wall time per run. Target: 4 shared
processes meet no more 429s than 1."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

from tests.fixtures import postgres as pg  # noqa: E402
from tests.store.test_ratebudget_fleet import run_fleet, store_fleet  # noqa: E402

from export_throughput import start_sandbox  # noqa: E402
from txbridge.store import Database  # noqa: E402


def start_postgres(root: Path) -> pg.PostgresServer:
    bin_dir = pg._pg_bin_dir()
    data_dir, socket_dir, log = root / "data", root / "sock", root / "server.log"
    socket_dir.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(socket_dir, "postgres")
    initdb = [str(bin_dir / "initdb"), "-D", str(data_dir), "-U", "postgres", "-A", "trust", "--no-sync"]
    pg._run(initdb, "initdb")
    port = pg._start(bin_dir, data_dir, socket_dir, log)
    return pg.PostgresServer(host="127.0.0.1", port=port, user="postgres", data_dir=data_dir)


def summary(label: str, results: list[dict[str, float]], seconds: float) -> int:
    limited = int(sum(r["rateLimited"] for r in results))
    calls = int(sum(r["calls"] for r in results))
    print(f"{label:<32} 429s {limited:>4}   calls {calls:>4}   wall {seconds:6.1f} s", flush=True)
    return limited


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--calls", type=int, default=20, help="calls per process")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="txbridge-bench-pg-"))
    sandbox = start_sandbox(root / "sandbox.log")
    server = start_postgres(root)
    try:
        server.execute_autocommit("CREATE DATABASE bench")
        database = Database.from_url(server.url("bench"))
        database.upgrade()
        database.dispose()
        accountant = sandbox.control(
            "POST", "/companies", json={"name": "Regnskap AS", "accountantClients": args.processes}
        )
        env = store_fleet(
            server.url("bench"),
            sandbox.base_url,
            accountant["consumerToken"],
            accountant["employeeToken"],
            accountant["clientCompanyIds"],
        )
        place = (f"{sandbox.root}/_sandbox", accountant["companyId"])
        many = [(f"client-{n}", args.calls) for n in range(args.processes)]
        runs = [
            ("1 process, shared budget", [("client-0", args.processes * args.calls)], ()),
            (f"{args.processes} processes, shared budget", many, ()),
            (f"{args.processes} processes, own limiters", many, ("--in-process",)),
        ]
        limited = []
        for label, jobs, options in runs:
            started = time.monotonic()
            results = run_fleet(env, *place, jobs, *options)
            limited.append(summary(label, results, time.monotonic() - started))
        ok = limited[1] <= limited[0]
        print(f"target: shared {args.processes} ≤ shared 1 → {'met' if ok else 'NOT met'}")
        return 0 if ok else 1
    finally:
        sandbox.process.kill()
        pg._stop(pg._pg_bin_dir(), server.data_dir)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
