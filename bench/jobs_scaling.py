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
sandbox rate limit of ``RATE_LIMIT`` calls per ``RATE_PERIOD`` s for that pair: the 429s the whole
fleet meets with 1 and 4 workers (target: equal, which needs the rate-limit budget shared across
processes).

Run: ``.venv/bin/python bench/jobs_scaling.py [--connections 200] [--invoices 100] [--workers 1,2,4]``
or ``… --accountant --invoices 10 --workers 1,4`` (all 200 connections on one token).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fixtures.jobs_world import (  # noqa: E402
    World,
    build_world,
    fresh_database,
    postgres_server,
    run_exports,
)

from txbridge.sandbox.server import SandboxServer  # noqa: E402
from txbridge.settings import Settings  # noqa: E402
from txbridge.store import TokenCipher  # noqa: E402

LATENCY = 0.05
RATE_LIMIT, RATE_PERIOD = 40, 5.0


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


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--connections", type=int, default=200)
    parser.add_argument("--invoices", type=int, default=100)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--accountant", action="store_true", help="all connections on one accountant token")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds one run may take")
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
                limit = (RATE_LIMIT, RATE_PERIOD) if args.accountant else None
                row = run_exports(
                    world, workers, logs, latency=LATENCY, rate_limit=limit, timeout=args.timeout
                )
                rows.append(row)
                print(
                    f"  {workers} worker(s): {row['wall']:7.1f} s   API calls {row['calls']:6d}   "
                    f"429s {row['sandbox_429s']:4d} (workers counted {row['rate_limited']})   "
                    f"duplicates {row['duplicates']}   "
                    f"missing {row['missing']}   failed jobs {row['failed_jobs']}   "
                    # The machine may be shared: the figures mean little without its load.
                    f"load {' '.join(f'{n:.1f}' for n in os.getloadavg())}",
                    flush=True,
                )
    base = rows[0]["wall"]
    for row in rows[1:]:
        print(f"  speed-up {rows[0]['workers']} → {row['workers']} workers: {base / row['wall']:.2f}×")
    print("  target: ≥ 3× from 1 to 4 workers; 0 duplicates")
    return 0 if all(r["duplicates"] == 0 and r["missing"] == 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
