"""Initial sync: 5,000 customers, 500 projects and 200 employees on each side, half of them
overlapping (customers by organisation number, employees by e-mail, projects by number).

The sandbox runs in its own process on loopback; the store is a SQLite file. Measured: API calls of
the initial sync (the sandbox's ``/_sandbox/stats`` for the company, before and after), wall time,
and what it did (linked, held, created in Tripletex, announced to the host). A second run must make
no write (it finds the sync done).

Run: ``.venv/bin/python bench/sync_initial.py [--customers 5000 --projects 500 --employees 200]``.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from export_throughput import Sandbox, connect_store, start_sandbox  # noqa: E402
from txbridge.flows.sync import SyncResource, iter_changes, receive, run_initial_sync  # noqa: E402
from txbridge.samples.generate import organization_number  # noqa: E402
from txbridge.store import Database  # noqa: E402


def _post_list(
    api: httpx.Client, path: str, bodies: list[dict[str, Any]], chunk: int = 1000
) -> list[dict[str, Any]]:
    made: list[dict[str, Any]] = []
    for i in range(0, len(bodies), chunk):
        response = api.post(f"{path}/list", json=bodies[i : i + chunk], params={"fields": "id"})
        response.raise_for_status()
        made.extend(response.json()["values"])
    return made


def seed(
    api: httpx.Client, db: Database, connection_id: int, customers: int, projects: int, employees: int
) -> None:
    """Both sides: the first half of each list on both, then a quarter on each side only."""
    rng = random.Random(12)
    orgs: list[str] = []
    while len(orgs) < customers * 3 // 2:
        org = organization_number(rng)
        if org not in orgs:
            orgs.append(org)
    half, quarter = customers // 2, customers // 4
    both = [{"name": f"Felles {i} AS", "org": orgs[i]} for i in range(half)]
    tx_only = [{"name": f"Tripletex {i} AS", "org": orgs[half + i]} for i in range(customers - half)]
    host_only = [{"name": f"Vert {i} AS", "org": orgs[customers + i]} for i in range(customers - half)]
    department = api.get("/department", params={"fields": "id", "count": 1}).json()["values"][0]["id"]
    owner = api.get("/employee", params={"fields": "id", "count": 1}).json()["values"][0]["id"]
    tx_customers = _post_list(
        api, "/customer", [{"name": c["name"], "organizationNumber": c["org"]} for c in both + tx_only]
    )
    e_half = employees // 2
    tx_employees = _post_list(
        api,
        "/employee",
        [
            {
                "firstName": "Felles",
                "lastName": f"Ansatt {i}",
                "email": f"felles{i}@firma.no",
                "department": {"id": department},
            }
            for i in range(e_half)
        ]
        + [
            {
                "firstName": "Tx",
                "lastName": f"Ansatt {i}",
                "email": f"tx{i}@firma.no",
                "department": {"id": department},
            }
            for i in range(employees - e_half)
        ],
    )
    p_half = projects // 2
    _post_list(
        api,
        "/project",
        [
            {
                "name": f"Prosjekt {i}",
                "number": f"F-{i}",
                "customer": {"id": tx_customers[i % half]["id"]},
                "projectManager": {"id": owner},
                "startDate": "2026-01-01",
            }
            for i in range(p_half)
        ]
        + [
            {
                "name": f"Tx-prosjekt {i}",
                "number": f"T-{i}",
                "customer": {"id": tx_customers[i % half]["id"]},
                "projectManager": {"id": tx_employees[i % e_half]["id"]},
                "startDate": "2026-01-01",
            }
            for i in range(projects - p_half)
        ],
    )
    del quarter
    receive(
        db,
        connection_id,
        SyncResource.CUSTOMER,
        [
            {"host_id": f"c{i}", "name": c["name"], "organization_number": c["org"]}
            for i, c in enumerate(both + host_only)
        ],
    )
    receive(
        db,
        connection_id,
        SyncResource.EMPLOYEE,
        [
            {
                "host_id": f"e{i}",
                "first_name": "Felles",
                "last_name": f"Ansatt {i}",
                "email": f"felles{i}@firma.no",
            }
            for i in range(e_half)
        ]
        + [
            {
                "host_id": f"e-v{i}",
                "first_name": "Vert",
                "last_name": f"Ansatt {i}",
                "email": f"vert{i}@firma.no",
            }
            for i in range(employees - e_half)
        ],
    )
    receive(
        db,
        connection_id,
        SyncResource.PROJECT,
        [
            {
                "host_id": f"p{i}",
                "name": f"Prosjekt {i}",
                "number": f"F-{i}",
                "customer_id": f"c{i % half}",
                "project_manager_id": "e0",
                "start_date": "2026-01-01",
            }
            for i in range(p_half)
        ]
        + [
            {
                "host_id": f"p-v{i}",
                "name": f"Vert-prosjekt {i}",
                "customer_id": f"c{half + i % half}",
                "project_manager_id": f"e-v{i % (employees - e_half)}",
                "start_date": "2026-02-01",
            }
            for i in range(projects - p_half)
        ],
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=5000)
    parser.add_argument("--projects", type=int, default=500)
    parser.add_argument("--employees", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        sandbox: Sandbox = start_sandbox(Path(folder) / "sandbox.log", timeout=300)
        try:
            company = sandbox.company("Bench sync")
            settings, db, connection_id = connect_store(sandbox, company, Path(folder))
            session = httpx.put(
                f"{sandbox.base_url}/token/session/:create",
                params={
                    "consumerToken": company["consumerToken"],
                    "employeeToken": company["employeeToken"],
                    "expirationDate": "2027-01-01",
                },
            ).json()["value"]["token"]
            with httpx.Client(base_url=sandbox.base_url, auth=("0", session), timeout=120) as api:
                seed(api, db, connection_id, args.customers, args.projects, args.employees)
            before = sandbox.calls(company["companyId"])
            started = time.perf_counter()
            if os.environ.get("SYNC_PROFILE"):
                import cProfile

                profile = cProfile.Profile()
                result = profile.runcall(run_initial_sync, db, settings, connection_id)
                profile.dump_stats(os.environ["SYNC_PROFILE"])
            else:
                result = run_initial_sync(db, settings, connection_id)
            wall = time.perf_counter() - started
            calls = sandbox.calls(company["companyId"]) - before
            again_started = time.perf_counter()
            run_initial_sync(db, settings, connection_id)
            again = sandbox.calls(company["companyId"]) - before - calls
            again_wall = time.perf_counter() - again_started
            feed = Counter(c.action.value for c in iter_changes(db, connection_id))
            print(
                f"initial sync, {args.customers} customers / {args.projects} projects / "
                f"{args.employees} employees per side, half overlapping:"
            )
            print(f"  API calls: {calls}   wall time: {wall:.1f} s")
            print(f"  read from Tripletex: {result.read}")
            print(f"  linked: {result.linked}   held: {result.held}")
            print(f"  created in Tripletex: {result.push.created}   updated: {result.push.updated}")
            print(f"  announced to the host: {result.to_host}   change feed: {dict(feed)}")
            print(f"  second run: {again} API calls, {again_wall:.2f} s (nothing left to do)")
            db.dispose()
        finally:
            sandbox.process.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
