"""Starting the sync through the REST API: the initial sync and a push of host changes as jobs (never
in the request), replayed by Idempotency-Key, 409 naming the job while one is queued or running,
and the status read back while it runs and once the job (the embedded runner) has done it against
the sandbox."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from tests.fixtures.sandbox import SandboxCompany
from tests.web.api.conftest import assert_problem, key_client, make_key, once
from tests.web.sync_runs_data import HELD_HOST_ID, HOST_ONLY, overlapping_connection
from txbridge.flows.sync import SyncResource, receive
from txbridge.jobs.runner import EmbeddedRunner
from txbridge.settings import Settings
from txbridge.store import Connection, ConnectionState, Database


@pytest.fixture
def connection_id(db: Database, settings: Settings, sandbox_company: SandboxCompany) -> int:
    return overlapping_connection(db, settings, sandbox_company)


@pytest.fixture
async def admin_api(app: FastAPI, db: Database, connection_id: int) -> AsyncIterator[httpx.AsyncClient]:
    async with key_client(app, make_key(db, [connection_id], {"read", "export", "admin"})) as client:
        yield client


def run_jobs(db: Database, settings: Settings) -> None:
    """What ``txbridge serve`` does in its threads, here one job after the other."""
    EmbeddedRunner(db, settings, run_schedules=False).run_until_idle()


async def test_a_start_is_a_job_replayed_by_key_and_refused_while_it_waits(
    app: FastAPI, db: Database, connection_id: int, admin_api: httpx.AsyncClient
) -> None:
    base = f"/api/v1/connections/{connection_id}/sync"
    key = once()
    started = await admin_api.post(f"{base}/initial", headers=key)
    assert started.status_code == 202, started.text
    job = started.json()
    assert job["task"] == "sync_initial" and job["state"] == "queued"
    assert started.headers["location"] == f"/api/v1/jobs/{job['id']}"
    # Nothing ran in the request: Tripletex has not been read.
    status = (await admin_api.get(f"{base}/status")).json()
    assert status["phase"] == "not_started" and status["initialJob"]["id"] == job["id"]
    assert [r["resource"] for r in status["resources"]] == ["customer", "employee", "project"]
    assert {r["readFromTripletex"] for r in status["resources"]} == {0}

    again = await admin_api.post(f"{base}/initial", headers=key)
    assert again.status_code == 202 and again.json()["id"] == job["id"]
    assert again.headers["idempotent-replayed"] == "true"
    busy = assert_problem(
        await admin_api.post(f"{base}/initial", headers=once()), 409, "sync_initial_already_running"
    )
    assert busy["jobId"] == job["id"] and str(job["id"]) in busy["title"]
    # A push before the initial sync could create twice what Tripletex already has.
    assert_problem(await admin_api.post(f"{base}/push", headers=once()), 422, "sync_initial_not_done")
    # Scopes: starting the initial sync is a set-up action (admin); reading needs read.
    async with key_client(app, make_key(db, [connection_id], {"read", "export"})) as exporter:
        assert_problem(await exporter.post(f"{base}/initial", headers=once()), 403, "api_key_scope_missing")
    async with key_client(app, make_key(db, [connection_id], {"intake"})) as intake:
        assert_problem(await intake.get(f"{base}/status"), 403, "api_key_scope_missing")
    # A connection that may not work now gets no job that could only fail.
    with db.transaction() as session:
        connection = session.get(Connection, connection_id)
        assert connection is not None
        connection.state = ConnectionState.PENDING_APPROVAL
    assert_problem(await admin_api.post(f"{base}/push", headers=once()), 422, "connection_pending_approval")
    assert_problem(
        await admin_api.post("/api/v1/connections/999/sync/initial", headers=once()),
        403,
        "api_key_connection_refused",
    )


async def test_the_jobs_run_the_sync_and_the_status_follows(
    db: Database, settings: Settings, connection_id: int, admin_api: httpx.AsyncClient
) -> None:
    base = f"/api/v1/connections/{connection_id}/sync"
    started = (await admin_api.post(f"{base}/initial", headers=once())).json()
    run_jobs(db, settings)
    status = (await admin_api.get(f"{base}/status")).json()
    assert status["phase"] == "done" and status["completedAt"]
    assert status["initialJob"]["id"] == started["id"] and status["initialJob"]["state"] == "succeeded"
    customers = status["resources"][0]
    assert customers["step"] == "done" and customers["readFromTripletex"] >= 4
    # Fjord Bygg linked by organisation number, the host-only one created in Tripletex, the
    # Tripletex-only one announced to the host (linked when the host takes it), «Dobbel» held.
    assert customers["linked"] >= 2 and customers["held"] == 1 and status["held"] == 1
    held = (await admin_api.get(f"{base}/held")).json()
    assert [h["hostId"] for h in held] == [HELD_HOST_ID]

    # A finished initial sync may be started again: it does nothing again.
    rerun = await admin_api.post(f"{base}/initial", headers=once())
    assert rerun.status_code == 202 and rerun.json()["id"] != started["id"]
    run_jobs(db, settings)

    # A host change, pushed now as a job.
    changed = receive(
        db, connection_id, SyncResource.CUSTOMER, [{"host_id": HOST_ONLY, "phone": "22 33 44 55"}]
    )
    assert changed.changed == [HOST_ONLY]
    pushed = await admin_api.post(f"{base}/push", headers=once())
    assert pushed.status_code == 202 and pushed.json()["task"] == "sync_push"
    assert_problem(await admin_api.post(f"{base}/push", headers=once()), 409, "sync_push_already_running")
    run_jobs(db, settings)
    status = (await admin_api.get(f"{base}/status")).json()
    assert status["pushJob"]["state"] == "succeeded", status["pushJob"]
    phones = {
        c["name"]: c.get("phoneNumber") for c in (await _tripletex_customers(db, settings, connection_id))
    }
    assert phones["Bare Vert AS"] == "22 33 44 55"


async def _tripletex_customers(
    db: Database, settings: Settings, connection_id: int
) -> list[dict[str, object]]:
    from txbridge.flows.connections import client_for
    from txbridge.store import Connection

    with db.reading() as session:
        connection = session.get(Connection, connection_id)
        assert connection is not None
        client = client_for(connection, settings)
    with client:
        answer = client.request("GET", "/customer", params={"fields": "name,phoneNumber", "count": 100})
    values: list[dict[str, object]] = answer["values"]
    return values
