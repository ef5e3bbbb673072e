"""Read back through the API: invoice status, batches and postings (paginated), the troubleshooter,
the log, jobs; errors as problem details; the OpenAPI document."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
from fastapi import FastAPI

from tests.web.api.conftest import assert_problem, key_client, make_key, once
from tests.web.conftest import FAILING, OCTOBER, World
from txbridge.flows.export.batches import close_batch
from txbridge.jobs import api as jobs
from txbridge.settings import Settings
from txbridge.store import Database
from txbridge.web.api.v1 import openapi

DOCUMENT = Path(__file__).parents[3] / "docs" / "openapi-v1.json"


async def test_batches_and_postings_page_by_page(world: World, api: httpx.AsyncClient) -> None:
    base = f"/api/v1/connections/{world.connection_id}"
    closed = await api.post(f"{base}/batches", json={"period": "2026-10"}, headers=once())
    assert closed.status_code == 201, closed.text
    made = closed.json()
    assert made["invoiceCount"] == len(OCTOBER) and closed.headers["location"].endswith(
        f"/batches/{made['batchId']}"
    )
    nothing = await api.post(f"{base}/batches", json={"period": "2026-10"}, headers=once())
    assert nothing.status_code == 200 and nothing.json()["batchId"] is None
    assert nothing.json()["message"]["id"] == "no_invoices_ready"
    listed = (await api.get(f"{base}/batches")).json()
    assert listed["total"] == 1 and listed["items"][0]["status"] == "pending"
    assert listed["items"][0]["counts"]["pending"] == len(OCTOBER)
    first = (await api.get(f"{base}/batches/{made['batchId']}", params={"limit": 5})).json()
    second = (await api.get(f"{base}/batches/{made['batchId']}", params={"limit": 5, "offset": 5})).json()
    assert first["postings"]["total"] == len(OCTOBER) and len(first["postings"]["items"]) == 5
    numbers = [p["invoiceNumber"] for p in first["postings"]["items"] + second["postings"]["items"]]
    assert numbers == OCTOBER[:10]
    none_failed = (await api.get(f"{base}/batches/{made['batchId']}", params={"status": "failed"})).json()
    assert none_failed["postings"]["total"] == 0
    where = (await api.get(f"{base}/invoices/{OCTOBER[0]}")).json()
    assert (where["where"], where["batchId"], where["postingStatus"]) == (
        "pending",
        made["batchId"],
        "pending",
    )


async def test_errors_are_problems_in_the_clients_language(world: World, api: httpx.AsyncClient) -> None:
    base = f"/api/v1/connections/{world.connection_id}"
    missing = await api.get(f"{base}/batches/999")
    assert assert_problem(missing, 404, "batch_not_found")["title"] == "Bunt 999 finnes ikke"
    english = await api.get(f"{base}/batches/999", headers={"Accept-Language": "en"})
    assert assert_problem(english, 404, "batch_not_found")["title"] == "Batch 999 does not exist"
    assert english.json()["instance"] == f"{base}/batches/999"
    # The fix is the web app's (a client is no terminal on the server): the screen, not `txbridge …`.
    assert missing.json()["fix"] == "Se buntene under «Eksportbunter» på tilkoblingen."
    assert english.json()["fix"] == "See the batches under «Export batches» on the connection."
    assert_problem(await api.get("/api/v1/nowhere"), 404, "api_not_found")
    assert_problem(await api.delete(f"{base}/batches"), 405, "api_not_found")
    invalid = await api.get(f"{base}/batches", params={"limit": 0})
    body = assert_problem(invalid, 422, "api_request_invalid")
    assert body["errors"][0]["field"] == "query.limit"
    period = await api.post(f"{base}/batches", json={"period": "October"}, headers=once())
    assert assert_problem(period, 422, "api_request_invalid")["errors"][0]["field"] == "body.period"
    unknown = (await api.get(f"{base}/invoices/NOPE")).json()
    assert unknown["where"] == "unknown"


async def test_the_troubleshooter_as_json(world: World, api: httpx.AsyncClient) -> None:
    base = f"/api/v1/connections/{world.connection_id}"
    nb = (await api.get(f"{base}/invoices/{FAILING}/diagnosis")).json()
    en = (await api.get(f"{base}/invoices/{FAILING}/diagnosis", headers={"Accept-Language": "en"})).json()
    assert [c["check"] for c in nb["checks"]] == [1, 2, 3, 4, 5, 6, 7]
    assert nb["outcome"] == "failed" and nb["checks"][0]["status"] == "failed"
    assert nb["checks"][0]["title"] == "Er fakturaen i en eksportbunt?"
    assert en["checks"][0]["title"] == "Is the invoice in an export batch?"
    assert nb["answer"]["id"] == en["answer"]["id"] and nb["answer"]["text"] != en["answer"]["text"]


async def test_the_log_and_jobs_of_the_keys_connections_only(
    db: Database, settings: Settings, world: World, app: FastAPI, api: httpx.AsyncClient
) -> None:
    base = f"/api/v1/connections/{world.connection_id}"
    batch_id = close_batch(db, world.connection_id, "2026-10").batch_id
    assert batch_id is not None
    log = (await api.get(f"{base}/log", params={"limit": 1})).json()
    assert log["total"] >= 1 and len(log["items"]) == 1
    assert log["items"][0]["message"]["id"] and log["items"][0]["message"]["text"]
    job = jobs.start_export(db, settings, batch_id, requested_by="ada")
    seen = (await api.get(f"/api/v1/jobs/{job.id}")).json()
    assert (seen["id"], seen["state"], seen["batchId"]) == (job.id, "queued", batch_id)
    stranger = make_key(db, [world.connection_id], {"read"})
    # A key of another connection does not see it (a second connection would do; none is needed to
    # show that the check is by connection: a job without one is hidden too).
    other = jobs.start_token_expiry_check(db, settings, requested_by="ada")
    async with key_client(app, stranger) as client:
        assert_problem(await client.get(f"/api/v1/jobs/{other.id}"), 404, "job_not_found")
        assert_problem(await client.get("/api/v1/jobs/987654"), 404, "job_not_found")


async def test_the_openapi_document_is_served_and_committed(api: httpx.AsyncClient) -> None:
    served = (await api.get("/api/v1/openapi.json")).json()
    assert served == openapi.document()
    assert json.loads(DOCUMENT.read_text(encoding="utf-8")) == served, (
        "docs/openapi-v1.json is out of date: run `python -m txbridge.web.api.v1 > docs/openapi-v1.json`"
    )
    assert "/api/v1/connections/{connection_id}/invoices" in served["paths"]
    body = served["paths"]["/api/v1/connections/{connection_id}/invoices"]["post"]["requestBody"]
    assert body["content"]["application/json"]["schema"]["maxItems"] == 1000
    assert "InvoiceIn" in served["components"]["schemas"]
    page = await api.get("/api/v1/docs")
    assert page.status_code == 200 and "/api/v1/connections/{connection_id}/batches" in page.text
    assert "<script" not in page.text
