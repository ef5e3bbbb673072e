"""Hours export: 10,000 timesheet entries (50 employees, 40 projects, one month) in one batch.

The sandbox runs in this process on loopback (in a thread); the export runs in a fresh subprocess
(``bench/_export_worker.py export``) for a clean ``ru_maxrss``, a second time under tracemalloc.
Figures: API calls per entry (the client's count and the sandbox's), wall time, peak memory.
Target: ≤ 0.02 calls per entry.

Run: ``.venv/bin/python bench/hours_export.py [--entries 10000] [--employees 50] [--projects 40]``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from export_throughput import worker  # noqa: E402
from txbridge.flows import connections  # noqa: E402
from txbridge.flows.hours.batches import close_hours_batch  # noqa: E402
from txbridge.flows.intake import import_data  # noqa: E402
from txbridge.samples.hours import hours_items, make_team, session_client  # noqa: E402
from txbridge.sandbox.server import SandboxServer  # noqa: E402
from txbridge.settings import Settings  # noqa: E402
from txbridge.store import Database, Environment, TokenCipher  # noqa: E402

TARGET_CALLS_PER_ENTRY = 0.02
MONTH_START = date(2026, 10, 1)


def _control(server: SandboxServer, method: str, path: str, **kw: Any) -> Any:
    response = httpx.request(method, f"{server.control_url}{path}", timeout=60, **kw)
    response.raise_for_status()
    return response.json()


def _calls(server: SandboxServer, company_id: int) -> int:
    return int(_control(server, "GET", "/stats", params={"companyId": company_id})["total"])


def prepare(
    sandbox: SandboxServer, folder: Path, run: str, args: argparse.Namespace
) -> tuple[dict[str, str], str, int, int]:
    """A company with the team, a store with the month's hours in one closed batch (not measured)."""
    company: dict[str, Any] = _control(sandbox, "POST", "/companies", json={"name": f"Bench hours {run}"})
    with session_client(sandbox.base_url, company["consumerToken"], company["employeeToken"]) as api:
        team = make_team(api, employees=args.employees, projects=args.projects, start=date(2026, 1, 1))
    per_day = -(-args.entries // (args.employees * 20))
    items = hours_items(team, count=args.entries, start=MONTH_START, per_day=per_day)
    env = {
        **os.environ,
        "TXBRIDGE_BENCH_CONSUMER": company["consumerToken"],
        "TXBRIDGE_BENCH_EMPLOYEE": company["employeeToken"],
        "TXBRIDGE_SECRET_KEY": TokenCipher.generate_key().decode(),
    }
    url = f"sqlite:///{folder / f'hours-{run}.db'}"
    settings = Settings(database_url=url, secret_key=env["TXBRIDGE_SECRET_KEY"])
    database = Database.open(settings)
    try:
        connection = connections.connect(
            database,
            settings,
            name="bench",
            environment=Environment.SANDBOX,
            consumer_token=company["consumerToken"],
            employee_token=company["employeeToken"],
            base_url=sandbox.base_url,
        )
        connections.approve(database, connection.id)
        report = import_data(database, connection.id, {"hours": items})
        if not report.all_accepted:
            raise SystemExit(f"import rejected hours: {report.rejections[:3]}")
        closed = close_hours_batch(database, connection.id, "2026-10")
        assert closed.batch_id is not None and closed.new == args.entries, closed
    finally:
        database.dispose()
    return env, url, closed.batch_id, int(company["companyId"])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--employees", type=int, default=50)
    parser.add_argument("--projects", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with SandboxServer().start(timeout=120) as sandbox:
            results = []
            for run, trace in (("timed", False), ("traced", True)):
                env, url, batch_id, company_id = prepare(sandbox, folder, run, args)
                before = _calls(sandbox, company_id)
                result = worker(env, "export", url, str(batch_id), *(["--tracemalloc"] if trace else []))
                result["sandboxCalls"] = _calls(sandbox, company_id) - before
                results.append(result)
    timed, traced = results
    per_entry = timed["calls"] / max(timed["exported"], 1)
    print(json.dumps({"timed": timed, "traced": traced}, default=str))
    print()
    print(
        f"hours export: {args.entries} entries, {args.employees} employees, "
        f"{args.projects} projects, one month"
    )
    print(f"  exported {timed['exported']}, failed {timed['failed']}, stopped {timed.get('stopped')}")
    print(
        f"  API calls {timed['calls']} (sandbox counted {timed['sandboxCalls']}): {per_entry:.4f} per entry"
        f" (target ≤ {TARGET_CALLS_PER_ENTRY})"
    )
    print(f"  wall time {timed['seconds']:.1f} s ({timed['exported'] / timed['seconds']:.0f} entries/s)")
    print(
        f"  peak memory: tracemalloc {traced.get('tracemallocPeakMb', 0):.1f} MB, "
        f"ru_maxrss {timed['maxrssMb']:.1f} MB"
    )
    ok = per_entry <= TARGET_CALLS_PER_ENTRY and timed["exported"] == args.entries
    print("  " + ("OK" if ok else "MISS"))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
