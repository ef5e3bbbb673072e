"""Shared by the real-time sync tests: a store (SQLite, a copy of the migrated template) with one
approved connection to a fresh sandbox company over real HTTP, and TXBRIDGE_PUBLIC_URL set."""

from __future__ import annotations

import contextlib
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy import select

from tests.fixtures.sandbox import SandboxCompany
from txbridge.flows import connections
from txbridge.jobs.runner import EmbeddedRunner
from txbridge.settings import Settings
from txbridge.store import Database, TokenCipher
from txbridge.store.models import WebhookInboxEvent
from txbridge.web import create_app


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


@dataclass
class LiveEnv(RtEnv):
    """An RtEnv whose TXBRIDGE_PUBLIC_URL is the web app itself, served by uvicorn on a loopback port,
    with the embedded job runner: the sandbox delivers webhooks to it over real HTTP."""

    url: str = ""

    def inbox(self) -> list[WebhookInboxEvent]:
        with self.db.transaction() as session:
            return list(session.scalars(select(WebhookInboxEvent).order_by(WebhookInboxEvent.id)))


def wait_for(predicate: Callable[[], bool], timeout: float = 15.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@contextlib.contextmanager
def live_env(sqlite_template: Path, tmp_path: Path, company: SandboxCompany) -> Iterator[LiveEnv]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    env = make_env(sqlite_template, tmp_path, company, public_url=url)
    live = LiveEnv(env.db, env.settings, env.connection_id, env.company, url)
    app = create_app(env.settings, db=env.db)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    wait_for(lambda: server.started, 10, "the web app")
    runner = EmbeddedRunner(env.db, env.settings, concurrency=1, poll_seconds=0.1, run_schedules=False)
    runner.start()
    try:
        yield live
    finally:
        runner.stop(timeout=10)
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        env.db.dispose()


@pytest.fixture(name="live")
def live_fixture(sqlite_template: Path, tmp_path: Path, sandbox_company: SandboxCompany) -> Iterator[LiveEnv]:
    with live_env(sqlite_template, tmp_path, sandbox_company) as env:
        yield env
