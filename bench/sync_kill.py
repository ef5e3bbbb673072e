"""Kill sweep of the sync: the initial sync, then a push of host changes, SIGKILLed (a forked process
that kills itself) just before its N-th API call and just after the answer of its N-th call, for every
N of a clean run, then run again to the end.
After each phase: both sides converged, nothing created in Tripletex or announced to the host twice.

Each scenario starts from a fresh sandbox company and a fresh SQLite store (PostgreSQL is covered by
the kill test in the suite, ``tests/flows/sync/test_kill.py``).

Run: ``.venv/bin/python bench/sync_kill.py``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))

from tests.fixtures.sandbox import new_sandbox_company  # noqa: E402
from tests.flows.export.conftest import Env, make_settings  # noqa: E402
from tests.flows.sync.conftest import host_put, overlapping  # noqa: E402
from tests.flows.sync.kill_driver import run  # noqa: E402
from tests.flows.sync.killing import assert_converged, run_driver  # noqa: E402

from txbridge.flows import connections  # noqa: E402
from txbridge.sandbox.server import SandboxServer  # noqa: E402
from txbridge.store import Database  # noqa: E402


def fresh(server: SandboxServer, folder: Path, name: str, database_url: str | None) -> Env:
    settings = make_settings(database_url or f"sqlite:///{folder}/{name}.db", folder)
    db = Database(settings)
    db.migrate()
    company = new_sandbox_company(server)
    connection = connections.connect(
        db,
        settings,
        name=name,
        environment="sandbox",
        consumer_token=company.consumer_token,
        employee_token=company.employee_token,
        base_url=company.base_url,
        token_expires_on=date.today() + timedelta(days=300),
    )
    connections.approve(db, connection.id)
    env = Env(db, settings, connection.id, company)
    overlapping(env)
    host_put(env, "customer", [{"host_id": f"c-ny-{n}", "name": f"Ny Kunde {n} AS"} for n in range(8)])
    return env


def host_changes(env: Env) -> None:
    host_put(env, "customer", [{"host_id": f"c-mer-{n}", "name": f"Mer Kunde {n} AS"} for n in range(4)])
    host_put(
        env, "customer", [{"host_id": "c-fjord", "city": "Tromsø"}, {"host_id": "c-nordlys", "phone": "1"}]
    )
    host_put(
        env,
        "project",
        [
            {
                "host_id": "p-ny",
                "name": "Nytt",
                "customer_id": "c-mer-0",
                "project_manager_id": "e-ola",
                "start_date": "2026-03-01",
            }
        ],
    )


def main() -> int:
    argparse.ArgumentParser(description=__doc__).parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp, SandboxServer() as server:
        folder = Path(tmp)
        # A clean run says how many calls each phase makes.
        env = fresh(server, folder, "count", None)
        initial_calls = run(env.settings, "initial", env.connection_id, after=None, before=None)
        host_changes(env)
        push_calls = run(env.settings, "push", env.connection_id, after=None, before=None)
        env.db.dispose()
        print(f"a clean run: initial sync {initial_calls} calls, push {push_calls} calls")
        scenarios = 0
        for what, calls in (("initial", initial_calls), ("push", push_calls)):
            for n in range(1, calls + 1):
                for side in ("before", "after"):
                    env = fresh(server, folder, f"{what}-{side}-{n}", None)
                    if what == "push":
                        assert run_driver(env, "initial") == 0
                        host_changes(env)
                    code = run_driver(env, what, **{side: n})
                    assert code == -9, (what, side, n, code)
                    assert run_driver(env, what) == 0
                    if what == "push":
                        assert run_driver(env, "push") == 0
                    assert_converged(env)
                    env.db.dispose()
                    scenarios += 1
            print(
                f"{what}: killed before and after each of its {calls} calls, then rerun: "
                "converged, nothing twice"
            )
        print(f"{scenarios} scenarios, wall time {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
