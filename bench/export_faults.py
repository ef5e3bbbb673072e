"""Export under faults: a 3,000-invoice batch export with 25 injected 429s (without
``X-Rate-Limit-Reset``) and 3 injected 500s on invoice writes, against the same export without
faults, in one run.

The sandbox runs in its own process on loopback; each company gets the same data (bench/_export_data,
300 customers, 50 products), imported and closed into a batch by ``bench/_export_worker.py prepare``.
The exports run here, with real time and real sleeps. For the faulty run a watcher injects the faults
as the export goes, scoped to its company: the 429 storm (25 in a row, on any call) once the second
invoice chunk has been sent, and one 500 on ``POST /invoice/list`` after the 8th, 15th and 22nd
chunk (of 30; spread the same way for other sizes).

Printed per run: wall time, rate-limit pauses and the seconds they imposed (as the export counts them:
the client's waits and the export's own pauses), other waits (Tripletex out of reach, writes that
may still land), API calls, invoices exported / failed / left pending, and duplicates (invoices
whose marker is in Tripletex more than once, counted in the sandbox). Targets: 0 duplicates, 0 left
pending, and the faulty run's wall time under 2 × the fault-free time + the rate-limit seconds imposed.

Run: ``.venv/bin/python bench/export_faults.py [--invoices 3000] [--storm 25] [--errors 3]``;
``make bench``.
"""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from txbridge.flows.export import export_batch
from txbridge.settings import Settings
from txbridge.store import Database
from txbridge.tripletex import Tripletex

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from _export_data import PERIOD, generate  # noqa: E402
from export_throughput import Sandbox, _env, start_sandbox, worker  # noqa: E402

INVOICE_WRITE = ("POST", "/v2/invoice/list")
TARGET_FACTOR = 2.0


@dataclass(frozen=True)
class Injection:
    """Add ``fault`` once ``after`` invoice writes of the company have been answered."""

    after: int
    fault: dict[str, Any]


def schedule(invoices: int, storm: int, errors: int) -> list[Injection]:
    """The storm a tenth of the way in (after the 2nd of 30 chunks at least), the 500s spread evenly."""
    writes = -(-invoices // 100)
    plan = [
        Injection(
            max(1, min(2, writes // 10)),
            {"method": "*", "path": "/v2/*", "kind": "status", "status": 429, "count": storm},
        )
    ]
    for n in range(errors):
        plan.append(
            Injection(
                max(1, round(writes * (n + 1) / (errors + 1))),
                {"method": INVOICE_WRITE[0], "path": INVOICE_WRITE[1], "kind": "status", "status": 500},
            )
        )
    return plan


class Watcher(threading.Thread):
    """Injects the planned faults as the export's invoice writes reach each point."""

    def __init__(self, sandbox: Sandbox, company_id: int, plan: list[Injection]) -> None:
        super().__init__(daemon=True)
        self.sandbox = sandbox
        self.company_id = company_id
        self.plan = sorted(plan, key=lambda i: i.after)
        self.done = threading.Event()
        self.injected: list[tuple[int, str]] = []

    def writes(self) -> int:
        rows = self.sandbox.control("GET", "/stats", params={"companyId": self.company_id})["values"]
        return sum(r["count"] for r in rows if (r["method"], r["path"]) == INVOICE_WRITE)

    def run(self) -> None:
        while self.plan and not self.done.wait(0.1):
            count = self.writes()
            while self.plan and count >= self.plan[0].after:
                step = self.plan.pop(0)
                self.sandbox.control("POST", "/faults", json={"companyId": self.company_id, **step.fault})
                self.injected.append((count, f"{step.fault.get('count', 1)} × {step.fault['status']}"))


def duplicates(sandbox: Sandbox, company: dict[str, Any]) -> tuple[int, int]:
    """(invoices in Tripletex, markers found more than once) for the company."""
    with Tripletex(
        consumer_token=company["consumerToken"],
        employee_token=company["employeeToken"],
        base_url=sandbox.base_url,
    ) as tx:
        markers = Counter(
            order.number
            for invoice in tx.invoices.iter(
                invoiceDateFrom="2026-10-01", invoiceDateTo="2026-11-01", fields="id,orders(number)"
            )
            for order in invoice.orders or []
            if order.number
        )
    return sum(markers.values()), sum(1 for n in markers.values() if n > 1)


def run_export(
    sandbox: Sandbox, folder: Path, data_file: Path, name: str, plan: list[Injection]
) -> dict[str, Any]:
    company = sandbox.company(f"Faults {name}")
    env = _env(company)
    db_url = f"sqlite:///{folder / f'faults-{name}.db'}"
    prepared = worker(env, "prepare", db_url, str(data_file), sandbox.base_url)
    settings = Settings(database_url=db_url, secret_key=env["TXBRIDGE_SECRET_KEY"])
    database = Database.open(settings)
    watcher = Watcher(sandbox, company["companyId"], plan)
    watcher.start()
    try:
        started = time.perf_counter()
        result = export_batch(database, settings, prepared["batchId"])
        seconds = time.perf_counter() - started
    finally:
        watcher.done.set()
        watcher.join()
        database.dispose()
    in_tripletex, doubled = duplicates(sandbox, company)
    return {
        "name": name,
        "invoices": prepared["invoices"],
        "seconds": seconds,
        "exported": result.exported,
        "failed": result.failed,
        "pending": result.open,
        "stopped": None if result.stopped is None else result.stopped.en,
        "calls": result.api_calls,
        "rateLimited": result.stats.get("rate_limited", 0),
        "serverErrors": sum(
            n for status, n in result.stats.get("by_status", {}).items() if int(status) >= 500
        ),
        "pauses": result.rate_limit_pauses,
        "rateLimitSeconds": result.rate_limit_seconds,
        "outageSeconds": result.outage_seconds,
        "graceSeconds": result.grace_seconds,
        "reconciled": result.reconciled,
        "inTripletex": in_tripletex,
        "duplicates": doubled,
        "injected": watcher.injected,
        "notInjected": len(watcher.plan),
    }


def _code_version() -> str:
    try:
        done = subprocess.run(
            ["git", "-C", str(HERE), "log", "-1", "--format=%h %s"],
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout.strip()[:100]
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def report(clean: dict[str, Any], faulty: dict[str, Any]) -> bool:
    header = (
        f"{'run':<8}{'invoices':>9}{'exported':>9}{'failed':>7}{'pending':>8}{'dupl.':>6}{'wall s':>8}"
        f"{'429s':>6}{'5xx':>5}{'pauses':>7}{'rl s':>7}{'outage s':>9}{'grace s':>8}{'calls':>7}"
    )
    print(header)
    print("-" * len(header))
    for row in (clean, faulty):
        print(
            f"{row['name']:<8}{row['invoices']:>9}{row['exported']:>9}{row['failed']:>7}{row['pending']:>8}"
            f"{row['duplicates']:>6}{row['seconds']:>8.1f}{row['rateLimited']:>6}{row['serverErrors']:>5}"
            f"{row['pauses']:>7}{row['rateLimitSeconds']:>7.1f}{row['outageSeconds']:>9.1f}"
            f"{row['graceSeconds']:>8.1f}{row['calls']:>7}"
        )
    print()
    print(f"faults injected (at invoice write #): {faulty['injected']}; not reached: {faulty['notInjected']}")
    budget = TARGET_FACTOR * clean["seconds"] + faulty["rateLimitSeconds"]
    checks = [
        (
            faulty["seconds"] < budget,
            f"faulty wall {faulty['seconds']:.1f} s < 2 × {clean['seconds']:.1f} s + "
            f"{faulty['rateLimitSeconds']:.1f} s of rate-limit waits = {budget:.1f} s",
        ),
        (faulty["duplicates"] == 0 and clean["duplicates"] == 0, f"duplicates: {faulty['duplicates']}"),
        (faulty["pending"] == 0 and clean["pending"] == 0, f"left pending: {faulty['pending']}"),
        (
            faulty["exported"] == clean["exported"] == faulty["inTripletex"],
            f"exported {faulty['exported']} (fault-free {clean['exported']}), in Tripletex "
            f"{faulty['inTripletex']}; stopped: {faulty['stopped']}",
        ),
        (faulty["notInjected"] == 0, "every planned fault was injected"),
    ]
    for ok, text in checks:
        print(f"{'OK  ' if ok else 'MISS'} {text}")
    return all(ok for ok, _ in checks)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--invoices", type=int, default=3000)
    parser.add_argument("--storm", type=int, default=25, help="429s in a row, without a reset header")
    parser.add_argument("--errors", type=int, default=3, help="500s on invoice writes")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    # The client's own English log lines (each wait) are for operators, not for these figures.
    logging.getLogger("txbridge").addHandler(logging.NullHandler())
    print(f"code: {_code_version()}")
    with tempfile.TemporaryDirectory(prefix="txbridge-faults-") as tmp:
        folder = Path(tmp)
        sandbox = start_sandbox(folder / "sandbox.log")
        try:
            data_file = folder / "data.json"
            data_file.write_text(json.dumps(generate(args.invoices)), encoding="utf-8")
            clean = run_export(sandbox, folder, data_file, "clean", [])
            faulty = run_export(
                sandbox, folder, data_file, "faults", schedule(args.invoices, args.storm, args.errors)
            )
        finally:
            sandbox.process.terminate()
            sandbox.process.wait(10)
    print(f"period {PERIOD}: {args.invoices} invoices, {args.storm} × 429 without reset, {args.errors} × 500")
    ok = report(clean, faulty)
    if args.json:
        args.json.write_text(json.dumps({"clean": clean, "faults": faulty}, indent=2), encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
