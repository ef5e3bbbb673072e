"""End to end over real HTTP: the API served by uvicorn, Tripletex the sandbox on its own port, jobs
run by the embedded runner (as ``txbridge serve`` runs them on SQLite)."""

from __future__ import annotations

import time

import httpx

from tests.web.api.conftest import once
from tests.web.conftest import LiveApp, World


def test_import_close_export_and_read_back_over_http(
    world: World, secret: str, live_app: LiveApp, worker: None
) -> None:
    base = f"/api/v1/connections/{world.connection_id}"
    with httpx.Client(
        base_url=live_app.url, headers={"Authorization": f"Bearer {secret}"}, timeout=30
    ) as api:
        invoices = [
            {
                "number": f"5000{n}",
                "invoiceDate": "2026-12-03",
                "dueDate": "2026-12-17",
                "customerNumber": 10001,
                "lines": [{"productNumber": "ARB-001", "quantity": 2, "unitPrice": "895.00"}],
            }
            for n in range(1, 4)
        ]
        sent = api.post(f"{base}/invoices", json=invoices, headers=once())
        assert sent.status_code == 200 and sent.json()["accepted"] == 3, sent.text
        closed = api.post(f"{base}/batches", json={"period": "2026-12"}, headers=once())
        batch_id = closed.json()["batchId"]
        assert closed.status_code == 201 and closed.json()["invoiceCount"] == 3
        export_key = once()
        started = api.post(f"{base}/batches/{batch_id}/export", headers=export_key)
        assert started.status_code == 202, started.text
        job = _finished(api, started.headers["location"])
        assert job["state"] == "succeeded", job
        # The vendor's retry of the export call gets the same job, not a second export.
        again = api.post(f"{base}/batches/{batch_id}/export", headers=export_key)
        assert again.json()["id"] == started.json()["id"] and again.headers["idempotent-replayed"] == "true"
        batch = api.get(f"{base}/batches/{batch_id}").json()
        assert batch["batch"]["status"] == "exported" and batch["batch"]["percent"] == 100
        for posting in batch["postings"]["items"]:
            assert posting["status"] == "exported" and posting["tripletexInvoiceNumber"]
        where = api.get(f"{base}/invoices/50001").json()
        assert where["where"] == "exported" and where["tripletexInvoiceNumber"]
        refresh = api.post(f"{base}/payments/refresh", headers=once())
        assert refresh.status_code == 202, refresh.text
        assert _finished(api, refresh.headers["location"])["state"] == "succeeded"
        paid = api.get(f"{base}/invoices/50001").json()
        assert paid["paymentStatus"] == "outstanding", paid
        log = api.get(f"{base}/log", params={"batch": batch_id}).json()
        assert log["total"] >= 1


def _finished(api: httpx.Client, job_url: str) -> dict[str, object]:
    """The job once it is no longer queued or running (at most a minute)."""
    deadline = time.monotonic() + 60
    job: dict[str, object] = api.get(job_url).json()
    while job["state"] in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.2)
        job = api.get(job_url).json()
    return job
