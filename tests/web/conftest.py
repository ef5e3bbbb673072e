"""The admin web app in tests: a migrated SQLite store, the app, users, signed-in clients.

``client`` drives the app in-process (Starlette's TestClient); the browser tests run it under uvicorn
on a loopback port (``live_app``); Tripletex is the sandbox over real HTTP in both."""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from argon2 import PasswordHasher, profiles
from fastapi import FastAPI
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, sync_playwright

from tests.fixtures.sandbox import SandboxCompany
from txbridge.flows import accounts
from txbridge.flows import connections as flow_connections
from txbridge.flows.intake import import_data
from txbridge.jobs.api import embedded_worker
from txbridge.settings import Settings
from txbridge.store import Database, TokenCipher, UserRole
from txbridge.web import create_app
from txbridge.web.config import WebSettings

PASSWORD = "correct horse battery"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def settings(sqlite_template: Path, tmp_path: Path) -> Settings:
    path = tmp_path / "web.db"
    shutil.copyfile(sqlite_template, path)
    return Settings(database_url=f"sqlite:///{path}", secret_key=TokenCipher.generate_key().decode())


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    database = Database.open(settings)
    yield database
    database.dispose()


@pytest.fixture
def web_settings() -> WebSettings:
    return WebSettings(poll_seconds=0.2, postings_per_page=100)


@pytest.fixture
def app(settings: Settings, db: Database, web_settings: WebSettings) -> FastAPI:
    return create_app(settings, web=web_settings, db=db)


@pytest.fixture
def admin(db: Database) -> accounts.UserInfo:
    return accounts.add_user(db, "ada", PASSWORD, role=UserRole.ADMIN)


@pytest.fixture
def support(db: Database) -> accounts.UserInfo:
    return accounts.add_user(db, "sam", PASSWORD, role=UserRole.SUPPORT)


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def sign_in(client: TestClient, username: str = "ada", password: str = PASSWORD) -> TestClient:
    page = client.get("/sign-in")
    response = client.post(
        "/sign-in",
        data={"username": username, "password": password, "csrf_token": csrf_of(page.text), "next": "/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return client


@pytest.fixture
def anonymous(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


@pytest.fixture
def admin_client(app: FastAPI, admin: accounts.UserInfo) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield sign_in(client, admin.username)


@pytest.fixture
def support_client(app: FastAPI, support: accounts.UserInfo) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield sign_in(client, support.username)


@dataclass
class LiveApp:
    url: str
    app: FastAPI
    server: uvicorn.Server


@pytest.fixture
def live_app(app: FastAPI) -> Iterator[LiveApp]:
    """The app under uvicorn on a free loopback port (for the browser)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "the web app did not start"
    try:
        yield LiveApp(f"http://127.0.0.1:{port}", app, server)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="module")
def chromium_browser() -> Iterator[Browser]:
    """One Chromium per browser test module; each test still gets its own context (cookies). Not per
    session: Playwright's sync API keeps its asyncio loop running on the test thread while it is
    open, so every async test the worker ran after the first browser module failed with «Runner.run()
    cannot be called from a running event loop» (closing it at the module's end releases the loop)."""
    from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS

    assert CHROMIUM.exists(), "Chromium is missing: run `make test-deps` (apt-get install chromium)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2 at full cost takes most of a second on a loaded test machine; the web tests test the
    web, and tests/flows/test_accounts.py the real hasher."""
    monkeypatch.setattr(accounts, "PASSWORD_HASHER", PasswordHasher.from_parameters(profiles.CHEAPEST))


@dataclass
class World:
    """A connected, approved sandbox company with invoices imported: October's all go through,
    November's one invoice (``FAILING``) fails on a product class whose account 3099 is missing."""

    connection_id: int
    company: SandboxCompany


FAILING = "200001"
OCTOBER = [f"1000{n:02d}" for n in range(1, 13)]


def world_items() -> dict[str, list[dict[str, object]]]:
    line = {"productNumber": "ARB-001", "quantity": 2, "unitPrice": 895.0}
    invoices: list[dict[str, object]] = [
        {
            "number": number,
            "invoiceDate": "2026-10-05",
            "dueDate": "2026-10-19",
            "customerNumber": 10001,
            "lines": [line],
        }
        for number in OCTOBER
    ]
    invoices.append(
        {
            "number": FAILING,
            "invoiceDate": "2026-11-03",
            "dueDate": "2026-11-17",
            "customerNumber": 10001,
            "lines": [{"productNumber": "FEIL-001", "quantity": 1, "unitPrice": 100.0}],
        }
    )
    return {
        "productClasses": [
            {"code": "ARBEID", "name": "Arbeid", "accountNumber": 3000},
            {"code": "FEIL", "name": "Feil konto", "accountNumber": 3099},
        ],
        "customers": [{"number": 10001, "name": "Fjordkraft Service AS", "organizationNumber": "974760673"}],
        "products": [
            {"number": "ARB-001", "name": "Montørtime", "productClassCode": "ARBEID", "vatCode": 3},
            {"number": "FEIL-001", "name": "Feilført", "productClassCode": "FEIL", "vatCode": 3},
        ],
        "invoices": invoices,
    }


@pytest.fixture
def world(db: Database, settings: Settings, sandbox_company: SandboxCompany) -> World:
    connection = flow_connections.connect(
        db,
        settings,
        name="acme",
        environment="sandbox",
        consumer_token=sandbox_company.consumer_token,
        employee_token=sandbox_company.employee_token,
        base_url=sandbox_company.base_url,
    )
    flow_connections.approve(db, connection.id)
    report = import_data(db, connection.id, world_items())
    assert not report.rejections, report.rejections
    return World(connection.id, sandbox_company)


@pytest.fixture
def worker(db: Database, settings: Settings) -> Iterator[None]:
    """The jobs' embedded runner, as ``txbridge serve`` runs it on SQLite."""
    with embedded_worker(db, settings):
        yield
