"""Webhooks end to end: the sandbox delivers its events to the web app over real HTTP (uvicorn on a
loopback port); the receiver checks and keeps them, the job applies them. Deliveries duplicated,
reordered, dropped (the reconcile repairs) and forged (refused); a subscription Tripletex disabled is
noticed, enabled again and the gap filled."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select

from tests.flows.sync.rt_env import LiveEnv, live_fixture, wait_for  # noqa: F401
from txbridge.flows.sync import subscriptions as subs
from txbridge.jobs import api as jobs
from txbridge.store import SyncResource, TripletexObject
from txbridge.store.models import Job, JobState, WebhookSubscription


def stored(
    live: LiveEnv, object_id: int, resource: SyncResource = SyncResource.CUSTOMER
) -> TripletexObject | None:
    with live.db.transaction() as session:
        return session.get(TripletexObject, (live.connection_id, resource, object_id))


def name_of(live: LiveEnv, object_id: int) -> str | None:
    found = stored(live, object_id)
    return None if found is None or found.deleted else str(found.data.get("name"))


def hook(live: LiveEnv, kind: str, count: int = 1, event: str = "customer.*") -> None:
    with live.control() as control:
        body = {"kind": kind, "event": event, "count": count, "companyId": live.company.company_id}
        control.post("/webhook-faults", json=body).raise_for_status()


def deliveries(live: LiveEnv) -> list[dict[str, Any]]:
    with live.control() as control:
        values = control.get("/webhook-deliveries").json()["values"]
    return [d for d in values if d["companyId"] == live.company.company_id]


def idle(live: LiveEnv) -> bool:
    with live.db.reading() as session:
        busy = session.scalars(select(Job.id).where(Job.state.in_([JobState.QUEUED, JobState.RUNNING]))).all()
    return not busy


def test_events_are_applied_once_whatever_their_order(live: LiveEnv) -> None:
    subs.ensure_subscriptions(live.db, live.settings, live.connection_id)
    with live.api() as api:
        made = api.post("/customer", json={"name": "Levert AS"}).json()["value"]
        wait_for(lambda: name_of(live, made["id"]) == "Levert AS", what="the create applied")

        hook(live, "duplicate")
        api.put(f"/customer/{made['id']}", json={"name": "To ganger AS"}).raise_for_status()
        wait_for(lambda: name_of(live, made["id"]) == "To ganger AS", what="the duplicated update")
        wait_for(lambda: len([d for d in deliveries(live) if d["ok"]]) >= 3, what="both copies answered")
        keys = [d["idempotencyKey"] for d in deliveries(live) if d["ok"]]
        assert len(keys) == len(set(keys)) + 1  # one delivery came twice...
        wait_for(lambda: idle(live), what="jobs done")
        assert len(live.inbox()) == len(set(keys))  # ...and was kept once

        hook(live, "reorder", count=2)  # the second update arrives first
        api.put(f"/customer/{made['id']}", json={"name": "Først AS"}).raise_for_status()
        api.put(f"/customer/{made['id']}", json={"name": "Sist AS"}).raise_for_status()
        wait_for(lambda: len(live.inbox()) == len(set(keys)) + 2, what="both reordered events")
        wait_for(lambda: idle(live), what="jobs done")
        assert name_of(live, made["id"]) == "Sist AS"
        version = api.get(f"/customer/{made['id']}", params={"fields": "version"}).json()["value"]["version"]
        found = stored(live, made["id"])
        assert found is not None and found.version == version

        api.delete(f"/customer/{made['id']}").raise_for_status()  # the event carries only the id
        wait_for(lambda: (stored(live, made["id"]) or TripletexObject()).deleted is True, what="the delete")
    outcomes = {e.outcome for e in live.inbox()}
    assert outcomes <= {"created", "changed", "stale", "unchanged", "deleted", "linked"}
    assert all(e.processed_at is not None for e in live.inbox())


def test_a_dropped_delivery_is_repaired_by_the_reconcile_and_a_forged_one_refused(live: LiveEnv) -> None:
    subs.ensure_subscriptions(live.db, live.settings, live.connection_id)
    with live.api() as api:
        made = api.post("/customer", json={"name": "Først AS"}).json()["value"]
        wait_for(lambda: name_of(live, made["id"]) == "Først AS", what="the create applied")
        jobs.start_reconcile(live.db, live.settings, live.connection_id, requested_by="test")  # baseline
        wait_for(lambda: idle(live), what="the baseline reconcile")

        hook(live, "drop")
        api.put(f"/customer/{made['id']}", json={"name": "Tapt AS"}).raise_for_status()
        wait_for(lambda: any(d["error"] == "dropped: test hook" for d in deliveries(live)), what="the drop")

        # A forged call (right shape, no valid signature) is refused and changes nothing.
        body = b'{"subscriptionId":1,"event":"customer.update","id":%d,"value":null}' % made["id"]
        forged = httpx.post(
            f"{live.url}/webhooks/tripletex/{live.connection_id}",
            content=body,
            headers={
                subs.AUTH_HEADER_NAME: "guess",
                "idempotency-key": "forged-1",
                "x-request-signature": "AAAA",
            },
        )
        assert forged.status_code == 401
        assert name_of(live, made["id"]) == "Først AS"

        jobs.start_reconcile(live.db, live.settings, live.connection_id, requested_by="nightly")
        wait_for(lambda: name_of(live, made["id"]) == "Tapt AS", what="the reconcile's repair")
    assert "forged-1" not in {e.idempotency_key for e in live.inbox()}


def test_a_disabled_subscription_is_enabled_again_and_the_gap_filled(live: LiveEnv) -> None:
    subs.ensure_subscriptions(live.db, live.settings, live.connection_id)
    with live.api() as api:
        made = api.post("/customer", json={"name": "Før AS"}).json()["value"]
        wait_for(lambda: name_of(live, made["id"]) == "Før AS", what="the create applied")
        with live.db.transaction() as session:
            sub_id = session.scalar(
                select(WebhookSubscription.tripletex_id).where(WebhookSubscription.event == "customer.update")
            )
        with live.control() as control:
            control.put(
                f"/webhook-subscriptions/{sub_id}/status", json={"status": "DISABLED_TOO_MANY_ERRORS"}
            ).raise_for_status()
        api.put(f"/customer/{made['id']}", json={"name": "I hullet AS"}).raise_for_status()
        wait_for(lambda: idle(live), what="quiet")
        assert name_of(live, made["id"]) == "Før AS"  # nothing was sent

        # The hourly check notices it, enables it again and queues a reconcile.
        jobs.start_webhook_subscriptions(live.db, live.settings, live.connection_id, requested_by="test")
        wait_for(lambda: name_of(live, made["id"]) == "I hullet AS", what="the gap filled")
        status = api.get(f"/event/subscription/{sub_id}", params={"fields": "status"}).json()["value"][
            "status"
        ]
        assert status == "ACTIVE"
        api.put(f"/customer/{made['id']}", json={"name": "Etter AS"}).raise_for_status()
        wait_for(lambda: name_of(live, made["id"]) == "Etter AS", what="events flowing again")
