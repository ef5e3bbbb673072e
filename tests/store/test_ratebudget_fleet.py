"""Real processes sharing one token pair against the sandbox's rate limit, through one PostgreSQL
database: four processes meet no more 429s than one process making all their calls."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from tests.fixtures.sandbox import SandboxCompany, new_sandbox_company
from txbridge.sandbox.server import SandboxServer
from txbridge.settings import Settings
from txbridge.store import Connection, ConnectionState, Database, Environment, TokenCipher

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = 4
CALLS_EACH = 8
#: Calls per period on the accountant's token pair: the fleet needs several periods for its calls.
LIMIT, PERIOD = 8, 1.0


@pytest.fixture
def accountant(sandbox_server: SandboxServer) -> SandboxCompany:
    return new_sandbox_company(sandbox_server, name="Fjelltopp Regnskap AS", accountantClients=PROCESSES)


def store_fleet(
    database_url: str, base_url: str, consumer_token: str, employee_token: str, company_ids: list[int]
) -> dict[str, str]:
    """One connection per client company, all on the accountant's tokens, in a migrated database;
    the environment the processes run with. Also used by ``bench/shared_budget.py``."""
    key = TokenCipher.generate_key().decode()
    settings = Settings(database_url=database_url, secret_key=key)
    db = Database(settings)
    cipher = TokenCipher.from_settings(settings)
    with db.transaction() as session:
        for n, company_id in enumerate(company_ids):
            connection = Connection(
                name=f"client-{n}",
                environment=Environment.SANDBOX,
                base_url=base_url,
                tripletex_company_id=company_id,
                state=ConnectionState.ACTIVE,
            )
            connection.set_tokens(cipher, consumer_token=consumer_token, employee_token=employee_token)
            session.add(connection)
    db.dispose()
    return {
        **os.environ,
        "TXBRIDGE_DATABASE_URL": database_url,
        "TXBRIDGE_SECRET_KEY": key,
        "PYTHONPATH": str(ROOT),
    }


@pytest.fixture
def fleet_env(postgres_url: str, accountant: SandboxCompany) -> dict[str, str]:
    return store_fleet(
        postgres_url,
        accountant.base_url,
        accountant.consumer_token,
        accountant.employee_token,
        accountant.client_company_ids,
    )


def run_fleet(
    env: dict[str, str],
    control_url: str,
    company_id: int,
    jobs: list[tuple[str, int]],
    *options: str,
) -> list[dict[str, float]]:
    """Start one process per (connection, calls), let them go at once, collect their counters.
    Also run by ``bench/shared_budget.py``."""
    # A fresh period on the sandbox and no budget left over from an earlier run.
    httpx.put(
        f"{control_url}/rate-limit", json={"limit": LIMIT, "period": PERIOD, "companyId": company_id}
    ).raise_for_status()
    db = Database.from_url(env["TXBRIDGE_DATABASE_URL"])
    with db.transaction() as session:
        session.execute(text("DELETE FROM rate_limit_budget"))
    db.dispose()
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.store.budget_fleet_driver", name, str(calls), *options],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for name, calls in jobs
    ]
    try:
        for process in processes:
            assert process.stdout is not None and process.stdout.readline().strip() == "ready"
        for process in processes:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()
        results = []
        for process in processes:
            out, _ = process.communicate(timeout=120)
            assert process.returncode == 0
            results.append(json.loads(out.strip().splitlines()[-1]))
        return results
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()


def test_four_processes_on_one_token_pair_meet_no_more_429s_than_one(
    fleet_env: dict[str, str], accountant: SandboxCompany
) -> None:
    place = (accountant.control_url, accountant.company_id)
    one = run_fleet(fleet_env, *place, [("client-0", PROCESSES * CALLS_EACH)])
    four = run_fleet(fleet_env, *place, [(f"client-{n}", CALLS_EACH) for n in range(PROCESSES)])

    limited_one = sum(r["rateLimited"] for r in one)
    limited_four = sum(r["rateLimited"] for r in four)
    assert limited_four <= limited_one
    # The limit really bound both runs (several periods' worth of calls): both were paced.
    assert sum(r["throttleWaits"] for r in one) > 0 and sum(r["throttleWaits"] for r in four) > 0
    # Every call was made and answered (a 429 is sent again): whoAmI plus the session, per process.
    assert sum(r["calls"] - r["rateLimited"] for r in four) == PROCESSES * (CALLS_EACH + 1)
