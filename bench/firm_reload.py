"""«Reload data» for an accounting firm: 12 months × 300 clients behind one token, on PostgreSQL
with 1 and 4 ``txbridge worker`` processes, and the monthly import when nothing changed.

The sandbox holds one accountant company with ``--clients`` client companies, each with 13 months of
bookkeeping (vouchers by type, bank statements with transactions, voucher reception, invoices,
payslips, VAT terms). For each number of workers, in a fresh database: link every client, map every
field, start workers, then time the reload (run in as many parts as workers) from queueing until the
run is finished. Printed: wall time, API calls per client-month (target ≤ 6), 429s the sandbox
refused for the firm's token (its ``rateLimited`` count; target 0 beyond what the shared budget
allows), and whether every stored value equals the sandbox's truth. Then the import of last month,
twice in a row: the second, with nothing changed, is the figure — calls per client and how many of
them Tripletex answered 304.

Run: ``.venv/bin/python bench/firm_reload.py [--clients 300] [--workers 1,4] [--rate-limit 0]``
(``--rate-limit N``: the sandbox allows N calls per 10 s for the firm's token). Figures only.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from tests.fixtures.firm_world import ALL_FIELDS, Firm, build_firm, this_month  # noqa: E402
from tests.fixtures.jobs_world import fresh_database, postgres_server, start_worker, stop  # noqa: E402

from txbridge.flows.firm.reads import shift_month  # noqa: E402
from txbridge.flows.firm.statistics import import_month  # noqa: E402
from txbridge.flows.views.firm_stats import recent_runs  # noqa: E402
from txbridge.jobs import api, engine  # noqa: E402
from txbridge.sandbox.server import SandboxServer  # noqa: E402
from txbridge.settings import Settings  # noqa: E402
from txbridge.store import Database, TokenCipher  # noqa: E402

WORKER_ARGS = ("--heartbeat", "1", "--stalled-after", "15", "--retry-base", "1")


def _firm(server: Any, sandbox: SandboxServer, workers: int, clients: int, logs: Path) -> Firm:
    url = fresh_database(server, f"firm_reload_{workers}")
    settings = Settings(database_url=url, secret_key=TokenCipher.generate_key().decode(), key_file=logs / "k")
    db = Database(settings)
    engine.apply_schema(db, settings)
    return build_firm(
        db,
        settings,
        control_url=sandbox.control_url,
        base_url=sandbox.base_url,
        clients=clients,
        months=13,
        fields=ALL_FIELDS,
        seed=workers,
    )


def _rate_limited(sandbox: SandboxServer, company_id: int) -> int:
    stats = httpx.get(f"{sandbox.control_url}/stats", params={"companyId": company_id}, timeout=60).json()
    return int(stats["rateLimited"])


def _all_right(firm: Firm, months: list[str]) -> tuple[int, int]:
    """(client-months equal to the sandbox's truth, client-months compared)."""
    stored = firm.stored()
    right = total = 0
    for client_id, company in firm.clients.items():
        truth = firm.truth(company, months)
        for month in months:
            total += 1
            right += stored.get(client_id, {}).get(month) == truth[month]
    return right, total


def reload_once(
    server: Any, sandbox: SandboxServer, workers: int, clients: int, rate: int, logs: Path
) -> None:
    firm = _firm(server, sandbox, workers, clients, logs)
    if rate:
        httpx.put(
            f"{sandbox.control_url}/rate-limit",
            json={"limit": rate, "period": 10, "companyId": firm.accountant_id},
        ).raise_for_status()
    httpx.delete(f"{sandbox.control_url}/stats").raise_for_status()
    processes = [
        start_worker(firm.settings, *WORKER_ARGS, log=logs / f"w{workers}_{i}.log") for i in range(workers)
    ]
    try:
        time.sleep(3)  # workers up and listening
        started = time.perf_counter()
        api.start_statistics_reload(
            firm.db, firm.settings, firm.connection_id, client_id=None, requested_by="bench", parts=workers
        )
        while not (runs := recent_runs(firm.db, firm.connection_id, limit=1)) or runs[0].finished_at is None:
            time.sleep(0.5)
        wall = time.perf_counter() - started
    finally:
        for process in processes:
            stop(process)
    run = runs[0]
    months = list(run.months)
    refused = _rate_limited(sandbox, firm.accountant_id)
    right, total = _all_right(firm, months)
    per = run.api_calls / (len(firm.clients) * len(months))
    print(
        f"reload, {workers} worker(s): {len(firm.clients)} clients × {len(months)} months in {wall:.1f} s; "
        f"{run.api_calls} API calls = {per:.2f} per client-month; 429s: {refused}; "
        f"state {run.state}, {run.clients_done} done, {run.clients_failed} failed; "
        f"values equal to the sandbox's truth: {right}/{total} client-months",
        flush=True,
    )
    if workers == 1:
        unchanged_import(firm)
    firm.db.dispose()


def unchanged_import(firm: Firm) -> None:
    month = shift_month(this_month(), -1)
    first = import_month(firm.db, firm.settings, firm.connection_id, month, requested_by="bench")
    started = time.perf_counter()
    again = import_month(firm.db, firm.settings, firm.connection_id, month, requested_by="bench")
    wall = time.perf_counter() - started
    clients = again.clients_done
    print(
        f"monthly import of {month}: first {first.api_calls / clients:.2f} calls per client; again with "
        f"nothing changed {again.api_calls / clients:.2f} calls per client, of them "
        f"{again.not_modified / clients:.2f} answered 304 and {again.empty_answers / clients:.2f} empty "
        f"(no rows: Tripletex gives no digest); {wall:.1f} s for {clients} clients in one process",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=300)
    parser.add_argument("--workers", default="1,4")
    parser.add_argument("--rate-limit", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, postgres_server() as server, SandboxServer() as sandbox:
        logs = Path(folder)
        for workers in [int(w) for w in args.workers.split(",")]:
            reload_once(server, sandbox, workers, args.clients, args.rate_limit, logs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
