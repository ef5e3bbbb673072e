"""Reading a resource above Tripletex's 10,000-row limit: 25,000 customers (every 10th inactive).

The sandbox runs in its own process on loopback and refuses any search of more than 10,000 rows
(422/23000), as Tripletex does; the customers are put in through its control API (not 25,000 POSTs).
The store is a SQLite file. Measured, with the sandbox's ``/_sandbox/stats`` for the company:

1. the initial sync's pull of the customers (windows: ``isInactive``, then runs of 1,000 customer
   numbers), stored with their cursor page by page: API calls (refused ones included), wall time;
2. the nightly reconcile of the same customers with nothing changed: a list this large has no
   checksum (the checksum call is refused), so it is read in windows and compared: API calls, wall
   time.

Run: ``.venv/bin/python bench/sync_windows.py [--customers 25000]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from export_throughput import Sandbox, connect_store, start_sandbox  # noqa: E402
from txbridge.flows.sync import SyncResource, initial  # noqa: E402
from txbridge.flows.sync.push import connection_client  # noqa: E402
from txbridge.flows.sync.reader import PAGE_SIZE  # noqa: E402
from txbridge.flows.sync.reconcile import reconcile_connection  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=25_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        sandbox: Sandbox = start_sandbox(Path(folder) / "sandbox.log", timeout=300)
        try:
            company = sandbox.company("Bench windows")
            sandbox.control(
                "POST",
                f"/companies/{company['companyId']}/customers",
                json={"count": args.customers, "inactiveEvery": 10},
            )
            settings, db, connection_id = connect_store(sandbox, company, Path(folder))
            with connection_client(db, settings, connection_id, None) as api:
                before = sandbox.calls(company["companyId"])
                started = time.perf_counter()
                read = initial._pull(db, api, connection_id, SyncResource.CUSTOMER, PAGE_SIZE, None)
                pull_wall = time.perf_counter() - started
                pull_calls = sandbox.calls(company["companyId"]) - before

            before = sandbox.calls(company["companyId"])
            started = time.perf_counter()
            first = reconcile_connection(db, settings, connection_id, resources=[SyncResource.CUSTOMER])
            rec_wall = time.perf_counter() - started
            rec_calls = sandbox.calls(company["companyId"]) - before
            print(f"{args.customers} customers (every 10th inactive), Tripletex's 10,000-row limit:")
            print(f"  initial sync pull: {read} read, {pull_calls} API calls, {pull_wall:.1f} s")
            print(
                f"  nightly reconcile, nothing changed: {rec_calls} API calls, {rec_wall:.1f} s "
                f"(outcomes {first.of(SyncResource.CUSTOMER).outcomes})"
            )
            db.dispose()
        finally:
            sandbox.process.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
