"""Webhooks end to end: the sandbox delivers its events to the web app over real HTTP (uvicorn on a
loopback port); the receiver checks and keeps them, the job applies them."""

from __future__ import annotations

from tests.flows.sync.rt_env import LiveEnv, live_fixture, wait_for  # noqa: F401
from txbridge.flows.sync import subscriptions as subs


def test_deliveries_reach_the_inbox_once_each(live: LiveEnv) -> None:
    subs.ensure_subscriptions(live.db, live.settings, live.connection_id)
    with live.control() as control:
        hook = {"kind": "duplicate", "event": "customer.*", "companyId": live.company.company_id}
        control.post("/webhook-faults", json=hook).raise_for_status()
    with live.api() as api:
        api.post("/customer", json={"name": "Levert AS"}).raise_for_status()
    wait_for(lambda: len(live.inbox()) == 1, what="the event in the inbox")
    with live.control() as control:
        deliveries = control.get("/webhook-deliveries").json()["values"]
    mine = [d for d in deliveries if d["companyId"] == live.company.company_id and d["ok"]]
    wait_for(lambda: len(mine) >= 2 or _refresh(live, mine), what="both deliveries answered")
    assert len({d["idempotencyKey"] for d in mine}) == 1
    [event] = live.inbox()
    assert event.event == "customer.create"


def _refresh(live: LiveEnv, mine: list[dict[str, object]]) -> bool:
    with live.control() as control:
        deliveries = control.get("/webhook-deliveries").json()["values"]
    mine[:] = [d for d in deliveries if d["companyId"] == live.company.company_id and d["ok"]]
    return len(mine) >= 2
