"""A firm over the sandbox: an accountant's token reaching client companies, connected and marked
as a firm connection."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.fixtures.sandbox import SandboxCompany, new_sandbox_company
from txbridge.flows import connections
from txbridge.flows.firm import clients
from txbridge.sandbox.server import SandboxServer
from txbridge.settings import Settings
from txbridge.store import Database, TokenCipher


@dataclass(frozen=True)
class Firm:
    id: int
    sandbox: SandboxCompany

    @property
    def companies(self) -> list[int]:
        return self.sandbox.client_company_ids


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, secret_key=TokenCipher.generate_key().decode())


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    database = Database(settings)
    yield database
    database.dispose()


def make_firm(
    db: Database, settings: Settings, server: SandboxServer, clients_count: int, name: str = "byraa"
) -> Firm:
    sandbox = new_sandbox_company(server, name=f"{name} regnskap", accountantClients=clients_count)
    connection = connections.connect(
        db,
        settings,
        name=name,
        environment="sandbox",
        consumer_token=sandbox.consumer_token,
        employee_token=sandbox.employee_token,
        base_url=sandbox.base_url,
    )
    connections.approve(db, connection.id)
    clients.enable_firm(db, settings, connection.id, marked_by="test")
    return Firm(connection.id, sandbox)


@pytest.fixture
def firm(db: Database, settings: Settings, sandbox_server: SandboxServer) -> Firm:
    return make_firm(db, settings, sandbox_server, 3)
