"""Shared by the real-time sync tests: a store (SQLite, a copy of the migrated template) with one
approved connection to a fresh sandbox company over real HTTP, and TXBRIDGE_PUBLIC_URL set."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fixtures.sandbox import SandboxCompany
from txbridge.flows import connections
from txbridge.settings import Settings
from txbridge.store import Database, TokenCipher


@dataclass
class RtEnv:
    db: Database
    settings: Settings
    connection_id: int
    company: SandboxCompany

    def api(self) -> httpx.Client:
        return self.company.client()

    def control(self) -> httpx.Client:
        return self.company.control()

    def subscriptions(self) -> list[dict[str, Any]]:
        with self.api() as api:
            values: list[dict[str, Any]] = api.get(
                "/event/subscription", params={"fields": "id,version,event,targetUrl,status"}
            ).json()["values"]
            return values


def make_env(
    sqlite_template: Path, tmp_path: Path, company: SandboxCompany, *, public_url: str | None
) -> RtEnv:
    path = tmp_path / "rt.db"
    shutil.copyfile(sqlite_template, path)
    settings = Settings(
        database_url=f"sqlite:///{path}",
        secret_key=TokenCipher.generate_key().decode(),
        key_file=tmp_path / "unused.key",
        public_url=public_url,
    )
    db = Database(settings)
    connection = connections.connect(
        db,
        settings,
        name=f"c{company.company_id}",
        environment="sandbox",
        consumer_token=company.consumer_token,
        employee_token=company.employee_token,
        base_url=company.base_url,
        token_expires_on=date.today() + timedelta(days=300),
    )
    connections.approve(db, connection.id)
    return RtEnv(db, settings, connection.id, company)


#: Nothing listens here: subscriptions are made, deliveries fail (tests that need them use a receiver).
UNREACHABLE = "http://127.0.0.1:9/bro"


@pytest.fixture(name="rt_env")
def rt_env_fixture(sqlite_template: Path, tmp_path: Path, sandbox_company: SandboxCompany) -> Iterator[RtEnv]:
    env = make_env(sqlite_template, tmp_path, sandbox_company, public_url=UNREACHABLE)
    yield env
    env.db.dispose()
