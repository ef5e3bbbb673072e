"""Two small overlapping data sets for starting the sync from the web app and the REST API: a
customer on both sides (linked by organisation number), one only in Tripletex, one only in the host,
and a host customer with two plausible Tripletex matches (held for a person)."""

from __future__ import annotations

from tests.fixtures.sandbox import SandboxCompany
from tests.flows.export.conftest import ORG_NUMBERS
from txbridge.flows import connections as flow_connections
from txbridge.flows.sync import SyncResource, receive
from txbridge.settings import Settings
from txbridge.store import Database

#: The host customer held for a decision, and the one created in Tripletex.
HELD_HOST_ID, HOST_ONLY = "c-dobbel", "c-vert"


def overlapping_connection(db: Database, settings: Settings, company: SandboxCompany) -> int:
    """An approved connection to ``company`` with both data sets in place; returns its id."""
    connection = flow_connections.connect(
        db,
        settings,
        name="svenn",
        environment="sandbox",
        consumer_token=company.consumer_token,
        employee_token=company.employee_token,
        base_url=company.base_url,
    )
    flow_connections.approve(db, connection.id)
    with company.client() as tripletex:
        made = tripletex.post(
            "/customer/list",
            json=[
                {"name": "Fjord Bygg AS", "organizationNumber": ORG_NUMBERS[1]},
                {"name": "Bare Tripletex AS"},
                {"name": "Dobbel AS"},
                {"name": "DOBBEL A/S", "organizationNumber": ORG_NUMBERS[2]},
            ],
        )
        made.raise_for_status()
    result = receive(
        db,
        connection.id,
        SyncResource.CUSTOMER,
        [
            {"host_id": "c-fjord", "name": "Fjord Bygg", "organization_number": ORG_NUMBERS[1]},
            {"host_id": HELD_HOST_ID, "name": "Dobbel"},
            {"host_id": HOST_ONLY, "name": "Bare Vert AS", "email": "post@vert.no"},
        ],
    )
    assert not result.refused, result.refused
    return connection.id
