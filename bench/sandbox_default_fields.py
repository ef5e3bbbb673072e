"""How many of the spec's properties a sandbox default answer (GET without `fields`) carries.

Builds one object of each kind in an in-process sandbox (ASGI, no socket), reads each back with
``GET /x/{id}`` and counts the keys against the properties the vendored spec declares for its schema.
Tripletex answers every property (null where unset), so the target is N of N.

Run: ``.venv/bin/python bench/sandbox_default_fields.py``. To measure another checkout's sandbox, put its
``src`` first: ``PYTHONPATH=/work/main/src .venv/bin/python bench/sandbox_default_fields.py``.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import httpx

from txbridge.sandbox.app import create_app
from txbridge.sandbox.clock import SandboxClock
from txbridge.sandbox.companies import create_company
from txbridge.sandbox.spec_index import load_index


async def _objects(client: httpx.AsyncClient, today: str) -> dict[str, str]:
    """Schema name -> the path of one stored object of it."""

    async def post(path: str, body: Any) -> dict[str, Any]:
        response = await client.post(path, json=body)
        response.raise_for_status()
        value: dict[str, Any] = response.json()["value"]
        return value

    department = (await client.get("/department", params={"count": 1})).json()["values"][0]
    employee = await post(
        "/employee",
        {"firstName": "Kari", "lastName": "Nordmann", "department": {"id": department["id"]}},
    )
    customer = await post("/customer", {"name": "Kunde AS"})
    product = await post("/product", {"name": "Vare", "priceExcludingVatCurrency": 100})
    project = await post(
        "/project",
        {
            "name": "Prosjekt",
            "projectManager": {"id": employee["id"]},
            "startDate": today,
            "customer": {"id": customer["id"]},
        },
    )
    order = await post(
        "/order",
        {
            "customer": {"id": customer["id"]},
            "orderDate": today,
            "deliveryDate": today,
            "orderLines": [{"product": {"id": product["id"]}, "count": 2}],
        },
    )
    response = await client.put(f"/order/{order['id']}/:invoice", params={"invoiceDate": today})
    response.raise_for_status()
    invoice = response.json()["value"]
    voucher = (await client.get(f"/invoice/{invoice['id']}", params={"fields": "voucher(postings)"})).json()
    posting_id = voucher["value"]["voucher"]["postings"][0]["id"]
    activity = (await client.get("/activity", params={"count": 1})).json()["values"][0]
    entry = await post(
        "/timesheet/entry",
        {
            "employee": {"id": employee["id"]},
            "activity": {"id": activity["id"]},
            "date": today,
            "hours": 2,
        },
    )
    return {
        "Product": f"/product/{product['id']}",
        "Employee": f"/employee/{employee['id']}",
        "Project": f"/project/{project['id']}",
        "Order": f"/order/{order['id']}",
        "Customer": f"/customer/{customer['id']}",
        "Posting": f"/ledger/posting/{posting_id}",
        "OrderLine": f"/order/orderline/{order['orderLines'][0]['id']}",
        "TimesheetEntry": f"/timesheet/entry/{entry['id']}",
    }


async def measure() -> dict[str, tuple[int, int]]:
    """Schema -> (properties present in a default answer, properties the spec declares)."""
    clock = SandboxClock()
    app = create_app(clock=clock)
    company = create_company(app.state.sandbox)
    index = load_index()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as raw:
        response = await raw.put(
            "/v2/token/session/:create",
            params={
                "consumerToken": company.consumer_token,
                "employeeToken": company.employee_token,
                "expirationDate": (clock.today_oslo() + timedelta(days=2)).isoformat(),
            },
        )
        response.raise_for_status()
        token = response.json()["value"]["token"]
    async with httpx.AsyncClient(
        transport=transport, base_url="http://sandbox/v2", auth=("0", token)
    ) as client:
        paths = await _objects(client, clock.today_oslo().isoformat())
        out: dict[str, tuple[int, int]] = {}
        for schema, path in paths.items():
            value = (await client.get(path)).json()["value"]
            declared = index.schemas[schema].props
            out[schema] = (sum(1 for name in declared if name in value), len(declared))
    return out


def main() -> None:
    for schema, (present, declared) in asyncio.run(measure()).items():
        print(f"{schema:<16} {present:>3} of {declared:>3}")


if __name__ == "__main__":
    main()
