"""Soak: the chaos test at the issue's full size and for longer.

50 connections × 200 invoices (two batches and a payments refresh each), 3 ``txbridge worker``
processes on PostgreSQL, one SIGKILLed every ~4 s and replaced for the first two minutes, the sandbox
(over HTTP) injecting 5xx bursts, answers lost after commit, 429 storms and slow calls. Prints the
figures and exits 1 if an invoice is missing or doubled in Tripletex, a job did not succeed, or two
runs of one connection overlapped.

Run: ``make soak`` or ``.venv/bin/python bench/jobs_soak.py [--connections 50] [--invoices 200]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fixtures.jobs_chaos import run_chaos  # noqa: E402
from tests.fixtures.jobs_world import fresh_database, postgres_server  # noqa: E402

from txbridge.sandbox.server import SandboxServer  # noqa: E402
from txbridge.settings import Settings  # noqa: E402
from txbridge.store import TokenCipher  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--invoices", type=int, default=200)
    parser.add_argument("--chaos-seconds", type=float, default=120)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="txb-jobs-soak-") as tmp, postgres_server() as server:
        logs = Path(tmp)
        with SandboxServer() as sandbox:
            settings = Settings(
                database_url=fresh_database(server, "soak"),
                secret_key=TokenCipher.generate_key().decode(),
                key_file=logs / "unused.key",
                # Injected faults stop runs now and then; they must not put connections in error state.
                error_state_threshold=50,
            )
            report = run_chaos(
                settings,
                control_url=sandbox.control_url,
                base_url=sandbox.base_url,
                logs=logs,
                connections=args.connections,
                invoices=args.invoices,
                chaos_seconds=args.chaos_seconds,
                timeout=3600,  # about 18 min on 2 shared cores at load 15–24
                progress=True,
            )
    print(
        f"{args.connections} connections × {args.invoices} invoices, 3 workers: {report.seconds:.0f} s, "
        f"{report.kills} workers killed, {report.runs} runs "
        f"({report.interrupted_runs} interrupted and taken up)"
    )
    print(f"  jobs {dict(report.states)} of {report.jobs}; procrastinate {dict(report.engine_states)}")
    print(
        f"  invoices in Tripletex {len(report.in_tripletex)} of {report.invoices}: "
        f"missing {len(report.missing)}, duplicates {report.duplicates}; "
        f"overlapping runs {len(report.overlaps)}"
    )
    ok = (
        not report.missing
        and report.duplicates == 0
        and not report.overlaps
        and report.states == {"succeeded": report.jobs}
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
