"""The app factory in-process (ASGI transport): isolated apps, injected clock and sleep."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from tests.fixtures.sandbox import AsgiSandbox
from txbridge.sandbox.app import create_app
from txbridge.sandbox.clock import SandboxClock
from txbridge.sandbox.companies import CreatedCompany, create_company
from txbridge.sandbox.state import Fault


async def test_apps_share_no_state(sandbox_asgi: AsgiSandbox) -> None:
    other = create_app()
    assert other.state.sandbox is not sandbox_asgi.app.state.sandbox
    assert other.state.sandbox.companies == {}
    async with await sandbox_asgi.client() as client:
        created = await client.post("/customer", json={"name": "Bare her"})
        assert created.status_code == 201


async def test_injected_clock_expires_sessions(sandbox_asgi: AsgiSandbox) -> None:
    async with await sandbox_asgi.client() as client:
        assert (await client.get("/token/session/>whoAmI")).status_code == 200
        sandbox_asgi.clock.advance(timedelta(days=3))
        expired = await client.get("/token/session/>whoAmI")
        assert expired.status_code == 401 and expired.json()["code"] == 3000


async def test_delay_fault_uses_the_injected_sleep() -> None:
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)

    clock = SandboxClock(lambda: datetime(2031, 1, 15, 12, 0, tzinfo=UTC))
    app = create_app(clock=clock, sleep=fake_sleep)
    state = app.state.sandbox
    company = create_company(state)
    state.faults.append(
        Fault(id=1, method="GET", path="/v2/customer", kind="delay", remaining=1, delay_seconds=30)
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox/v2") as anonymous:
        session = await anonymous.put(
            "/token/session/:create",
            params={
                "consumerToken": company.consumer_token,
                "employeeToken": company.employee_token,
                "expirationDate": "2031-01-16",
            },
        )
    token = session.json()["value"]["token"]
    async with httpx.AsyncClient(
        transport=transport, base_url="http://sandbox/v2", auth=("0", token)
    ) as client:
        assert (await client.get("/customer")).status_code == 200
    assert slept == [30]


async def test_invoicing_emits_invoice_charged_with_the_invoice(sandbox_asgi: AsgiSandbox) -> None:
    seen: list[tuple[str, int, object]] = []
    sandbox_asgi.app.state.sandbox.event_listeners.append(
        lambda company, event, object_id, value: seen.append((event, object_id, value))
    )
    day = sandbox_asgi.clock.today_oslo().isoformat()
    async with await sandbox_asgi.client() as client:
        customer = (await client.post("/customer", json={"name": "Hendelse AS"})).json()["value"]
        order = {
            "customer": {"id": customer["id"]},
            "orderDate": day,
            "deliveryDate": day,
            "orderLines": [{"description": "x", "unitPriceExcludingVatCurrency": 100}],
        }
        created = await client.post("/order", json=order)
        invoiced = await client.put(
            f"/order/{created.json()['value']['id']}/:invoice", params={"invoiceDate": day}
        )
    invoice = invoiced.json()["value"]
    charged = [(i, v) for e, i, v in seen if e == "invoice.charged"]
    assert [i for i, _ in charged] == [invoice["id"]]
    assert isinstance(charged[0][1], dict) and charged[0][1]["amount"] == 125
    assert [e for e, _, _ in seen][:2] == ["customer.create", "order.create"]


async def test_reset_forgets_companies_sessions_faults_limits_and_the_clock(
    sandbox_asgi: AsgiSandbox,
) -> None:
    transport = httpx.ASGITransport(app=sandbox_asgi.app)
    async with (
        await sandbox_asgi.client() as client,
        httpx.AsyncClient(transport=transport, base_url="http://sandbox/_sandbox") as control,
    ):
        assert (await client.post("/customer", json={"name": "Før nullstilling"})).status_code == 201
        fault = {"path": "/v2/never-called", "kind": "status", "status": 503}
        (await control.post("/faults", json=fault)).raise_for_status()
        (await control.put("/rate-limit", json={"limit": 1, "period": 60})).raise_for_status()
        (await control.put("/clock", json={"advanceSeconds": 86_400})).raise_for_status()

        assert (await control.post("/reset")).status_code == 204

        assert (await client.get("/customer")).status_code == 401  # the session is gone
        assert (await control.get("/faults")).json()["values"] == []
        state = sandbox_asgi.app.state.sandbox
        assert state.companies == {} and state.sessions == {}
        assert abs(state.clock.now() - datetime.now(UTC)) < timedelta(hours=1)
        # A new company works, with the default rate limit again (more than one call).
        created = (await control.post("/companies", json={})).json()
    company = CreatedCompany(created["companyId"], created["consumerToken"], created["employeeToken"])
    fresh = AsgiSandbox(sandbox_asgi.app, sandbox_asgi.clock, company)
    async with await fresh.client() as client:
        for _ in range(3):
            assert (await client.get("/customer")).json()["values"] == []
