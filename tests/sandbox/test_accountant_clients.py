"""An accountant company in the sandbox can have an accounting firm's whole portfolio of clients
(the control API once stopped at 50)."""

from __future__ import annotations

import httpx

from tests.fixtures.sandbox import SandboxCompany
from txbridge.sandbox.server import SandboxServer
from txbridge.sandbox.state import MAX_ACCOUNTANT_CLIENTS


def test_an_accountant_has_more_than_fifty_clients_up_to_the_cap(sandbox_server: SandboxServer) -> None:
    assert MAX_ACCOUNTANT_CLIENTS >= 500
    made = httpx.post(f"{sandbox_server.control_url}/companies", json={"accountantClients": 60}, timeout=120)
    assert made.status_code == 201
    clients = made.json()["clientCompanyIds"]
    assert len(set(clients)) == 60
    too_many = httpx.post(
        f"{sandbox_server.control_url}/companies", json={"accountantClients": MAX_ACCOUNTANT_CLIENTS + 1}
    )
    assert too_many.status_code == 422
    body = made.json()
    firm = SandboxCompany(
        base_url=sandbox_server.base_url,
        control_url=sandbox_server.control_url,
        consumer_token=body["consumerToken"],
        employee_token=body["employeeToken"],
        company_id=body["companyId"],
        client_company_ids=clients,
    )
    # The last client is reached on the accountant's one token like the first.
    with firm.client(firm.create_session(), company_id=clients[-1]) as as_client:
        me = as_client.get("/token/session/>whoAmI").json()["value"]
    assert me["companyId"] == clients[-1]
