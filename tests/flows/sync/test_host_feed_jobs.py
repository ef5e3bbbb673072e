"""The host hears Tripletex's changes without anyone starting a job: a change arriving by webhook is
applied by its job, which queues the ``host_webhooks`` job, which posts it to the host's endpoint
(a small HTTP server here) — the whole way over real HTTP."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from tests.flows.sync.rt_env import LiveEnv, live_fixture, wait_for  # noqa: F401
from tests.flows.sync.test_hostwebhooks import Host
from txbridge.flows.sync import subscriptions as subs
from txbridge.flows.sync.hostwebhooks import add_endpoint, verify_signature
from txbridge.jobs.hostfeed import queue_delivery
from txbridge.jobs.model import TaskName
from txbridge.store.models import Job, JobState


def changes_heard(host: Host) -> list[dict[str, Any]]:
    return [c for _, body in host.calls for c in json.loads(body)["changes"]]


def host_jobs(live: LiveEnv) -> list[Job]:
    with live.db.transaction() as session:
        return list(session.scalars(select(Job).where(Job.task == TaskName.HOST_WEBHOOKS.value)))


def test_a_tripletex_change_reaches_the_host_endpoint_on_its_own(live: LiveEnv) -> None:
    # No endpoint: nothing to send, no job.
    assert queue_delivery(live.db, live.settings, live.connection_id, requested_by="test") is None
    host = Host(fail=0)
    try:
        endpoint = add_endpoint(live.db, live.settings, live.connection_id, host.url)
        subs.ensure_subscriptions(live.db, live.settings, live.connection_id)
        with live.api() as api:
            made = api.post("/customer", json={"name": "Vertsvarslet AS"}).json()["value"]
            wait_for(
                lambda: any(c["tripletex_id"] == made["id"] for c in changes_heard(host)),
                what="the host heard it",
            )
            api.put(f"/customer/{made['id']}", json={"name": "Endret AS"}).raise_for_status()
            wait_for(
                lambda: any((c["data"] or {}).get("name") == "Endret AS" for c in changes_heard(host)),
                what="the change heard too",
            )
        for header, body in host.calls:
            verify_signature(endpoint.secret, header, body)
        seqs = [c["seq"] for c in changes_heard(host)]
        assert seqs == sorted(set(seqs))  # in order, none twice
        jobs = host_jobs(live)
        assert jobs and all(j.requested_by and j.requested_by.startswith("job ") for j in jobs)
        wait_for(lambda: all(j.state is JobState.SUCCEEDED for j in host_jobs(live)), what="jobs done")
        # Up to date: asking again queues nothing.
        assert queue_delivery(live.db, live.settings, live.connection_id, requested_by="test") is None
    finally:
        host.server.shutdown()
