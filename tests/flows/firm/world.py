"""A firm over the sandbox for tests of every layer: an accountant's token reaching client companies,
connected, approved and marked as a firm connection."""

from __future__ import annotations

from dataclasses import dataclass

from tests.fixtures.sandbox import SandboxCompany, new_sandbox_company
from txbridge.flows import connections
from txbridge.flows.firm import clients
from txbridge.sandbox.server import SandboxServer
from txbridge.settings import Settings
from txbridge.store import Database


@dataclass(frozen=True)
class Firm:
    id: int
    sandbox: SandboxCompany

    @property
    def companies(self) -> list[int]:
        return self.sandbox.client_company_ids


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
