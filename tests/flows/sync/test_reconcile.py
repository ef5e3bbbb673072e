"""The nightly reconcile against the sandbox over real HTTP: one checksum call per resource when
nothing changed; changes, creates and deletes found otherwise; a crash part way re-reads, never skips."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from tests.flows.sync.rt_env import RtEnv, rt_env_fixture  # noqa: F401
from txbridge.flows.sync import reconcile as rc
from txbridge.store import SyncCursor, SyncResource, TripletexObject


def objects(env: RtEnv, resource: SyncResource) -> dict[int, tuple[int | None, bool, dict[str, Any]]]:
    with env.db.transaction() as session:
        return {
            o.tripletex_id: (o.version, o.deleted, dict(o.data))
            for o in session.scalars(
                select(TripletexObject).where(
                    TripletexObject.connection_id == env.connection_id, TripletexObject.resource == resource
                )
            )
        }


def seed(env: RtEnv, customers: int = 5) -> dict[str, list[dict[str, Any]]]:
    with env.api() as api:
        made = [
            api.post("/customer", json={"name": f"Kunde {n} AS", "email": f"k{n}@example.no"}).json()["value"]
            for n in range(customers)
        ]
        manager = api.get("/employee", params={"fields": "id"}).json()["values"][0]
        project = api.post(
            "/project",
            json={
                "name": "Bro",
                "projectManager": manager,
                "customer": {"id": made[0]["id"]},
                "startDate": "2026-01-05",
            },
        ).json()["value"]
    return {"customers": made, "projects": [project]}


def test_nothing_changed_costs_one_call_per_resource(rt_env: RtEnv) -> None:
    seeded = seed(rt_env)
    first = rc.reconcile_connection(rt_env.db, rt_env.settings, rt_env.connection_id)
    assert not any(r.unchanged for r in first.resources)
    stored = objects(rt_env, SyncResource.CUSTOMER)
    assert {c["id"] for c in seeded["customers"]} <= set(stored)
    assert set(objects(rt_env, SyncResource.PROJECT)) == {seeded["projects"][0]["id"]}
    assert objects(rt_env, SyncResource.EMPLOYEE)  # the company's own employee

    again = rc.reconcile_connection(rt_env.db, rt_env.settings, rt_env.connection_id)
    assert [(r.resource, r.api_calls, r.unchanged) for r in again.resources] == [
        (SyncResource.CUSTOMER, 1, True),
        (SyncResource.EMPLOYEE, 1, True),
        (SyncResource.PROJECT, 1, True),
    ]


def test_changes_creates_and_deletes_are_found(rt_env: RtEnv) -> None:
    seeded = seed(rt_env)
    rc.reconcile_connection(rt_env.db, rt_env.settings, rt_env.connection_id)
    changed, removed = seeded["customers"][1], seeded["customers"][2]
    with rt_env.api() as api:
        api.put(f"/customer/{changed['id']}", json={"name": "Omdøpt AS"}).raise_for_status()
        api.delete(f"/customer/{removed['id']}").raise_for_status()
        added = api.post("/customer", json={"name": "Ny AS"}).json()["value"]
        api.put(f"/project/{seeded['projects'][0]['id']}", json={"name": "Bro 2"}).raise_for_status()
    result = rc.reconcile_connection(rt_env.db, rt_env.settings, rt_env.connection_id)
    customers = objects(rt_env, SyncResource.CUSTOMER)
    assert customers[changed["id"]][2]["name"] == "Omdøpt AS"
    assert customers[removed["id"]][1] is True  # deleted
    assert customers[added["id"]][2]["name"] == "Ny AS"
    assert objects(rt_env, SyncResource.PROJECT)[seeded["projects"][0]["id"]][2]["name"] == "Bro 2"
    assert result.of(SyncResource.CUSTOMER).deleted == 1
    assert result.of(SyncResource.EMPLOYEE).unchanged
    # changedSince brought the changed customers whole; the compare pass fetched nothing more.
    again = rc.reconcile_connection(rt_env.db, rt_env.settings, rt_env.connection_id)
    assert again.api_calls == 3


def test_a_crash_part_way_re_reads_and_never_skips(rt_env: RtEnv, monkeypatch: pytest.MonkeyPatch) -> None:
    seed(rt_env, customers=7)
    calls = {"n": 0}
    real = rc.fetch_current

    def dies_on_the_second_page(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt  # the process dies here, between two pages
        return real(*args, **kwargs)

    monkeypatch.setattr(rc, "fetch_current", dies_on_the_second_page)
    with pytest.raises(KeyboardInterrupt):
        rc.reconcile_connection(rt_env.db, rt_env.settings, rt_env.connection_id, page_size=3)
    with rt_env.db.transaction() as session:
        cursor = session.get(SyncCursor, (rt_env.connection_id, SyncResource.CUSTOMER, rc.PURPOSE))
        assert cursor is not None and cursor.version_digest is None and cursor.position == 3
    monkeypatch.setattr(rc, "fetch_current", real)
    rc.reconcile_connection(rt_env.db, rt_env.settings, rt_env.connection_id, page_size=3)
    with rt_env.api() as api:
        remote = {
            c["id"] for c in api.get("/customer", params={"fields": "id", "count": 1000}).json()["values"]
        }
    assert set(objects(rt_env, SyncResource.CUSTOMER)) == remote
    again = rc.reconcile_connection(rt_env.db, rt_env.settings, rt_env.connection_id, page_size=3)
    assert again.api_calls == 3
