"""Jobs tests: a store with connected sandbox companies (over real HTTP) and closed batches."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.fixtures.postgres import TEMPLATE_DB, PostgresServer
from tests.fixtures.sandbox import new_sandbox_company
from tests.flows.export.conftest import Env, connect_env, load, make_settings, payload
from txbridge.flows.export import close_batch
from txbridge.flows.outbound.context import OUTAGE_BOUND, OUTAGE_WAITS
from txbridge.jobs.retry import RetryPolicy
from txbridge.jobs.tasks import RunOptions
from txbridge.sandbox.server import SandboxServer
from txbridge.settings import Settings
from txbridge.store import Database
from txbridge.tripletex._retry import MAX_RETRIES

#: Retries due at once, so a test can run them without waiting out a backoff (nor the client its own).
QUICK = RunOptions(
    heartbeat_seconds=0.2,
    stale_after=5,
    retry=RetryPolicy(max_attempts=3, base_seconds=0),
    sleep=lambda _seconds: None,
)
#: Answers to fail for one export run to stop on a read: each try is the client's call and its
#: retries; the export waits the outage out (in steps summing to its bound) before it gives up.
ONE_RUN = (len(OUTAGE_WAITS) + 1) * (MAX_RETRIES + 1)
assert sum(OUTAGE_WAITS) == OUTAGE_BOUND  # else ONE_RUN needs another count


@dataclass
class Shop:
    """One store with ``envs`` connections, each with one closed batch."""

    db: Database
    settings: Settings
    envs: list[Env]
    batch_ids: list[int]


def make_shop(
    database_url: str, tmp_path: Path, server: SandboxServer, count: int, invoices: int = 6
) -> Shop:
    settings = make_settings(database_url, tmp_path)
    db = Database(settings)
    envs, batches = [], []
    for _ in range(count):
        env = connect_env(db, settings, new_sandbox_company(server))
        load(env, payload(invoices=invoices, customers=3))
        envs.append(env)
        batches.append(close_batch(db, env.connection_id, "2026-10").batch_id)
    return Shop(db, settings, envs, batches)


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    import shutil

    path = tmp_path / "txbridge.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def shop(sqlite_url: str, tmp_path: Path, sandbox_server: SandboxServer) -> Iterator[Shop]:
    """Two connections on SQLite, one closed batch of 6 invoices each."""
    found = make_shop(sqlite_url, tmp_path, sandbox_server, 2)
    yield found
    found.db.dispose()


@pytest.fixture
def pg_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A fresh, migrated PostgreSQL database (copy of the session's template)."""
    name = f"j_{uuid.uuid4().hex[:16]}"
    postgres_server.execute_autocommit(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE_DB}")
    yield postgres_server.url(name)
    postgres_server.execute_autocommit(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
