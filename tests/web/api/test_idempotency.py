"""Idempotency-Key on every POST: replay for the same request, refusal for another, one run only
when two arrive at once, and a retry runs again after a failure that was not the client's."""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI

from tests.web.api.conftest import assert_problem, key_client, make_key, once
from tests.web.conftest import World
from txbridge.flows import idempotency
from txbridge.flows.apikeys import authenticate
from txbridge.store import Database
from txbridge.store.models import utcnow
from txbridge.web.api.v1 import intake as intake_routes


def _customers(*numbers: int) -> list[dict[str, object]]:
    return [{"number": n, "name": f"Kunde {n}"} for n in numbers]


async def test_every_post_needs_a_key(world: World, api: httpx.AsyncClient) -> None:
    base = f"/api/v1/connections/{world.connection_id}"
    assert_problem(await api.post(f"{base}/customers", json=[]), 400, "idempotency_key_missing")
    assert_problem(
        await api.post(f"{base}/batches", json={"period": "2026-10"}), 400, "idempotency_key_missing"
    )
    bad = await api.post(f"{base}/customers", json=[], headers={"Idempotency-Key": "x" * 256})
    assert_problem(bad, 400, "idempotency_key_invalid")


async def test_the_same_request_replays_the_first_answer(world: World, api: httpx.AsyncClient) -> None:
    url = f"/api/v1/connections/{world.connection_id}/customers"
    headers = once()
    first = await api.post(url, json=_customers(30001, 30002), headers=headers)
    second = await api.post(url, json=_customers(30001, 30002), headers=headers)
    assert first.status_code == second.status_code == 200
    assert first.headers["idempotent-replayed"] == "false" and second.headers["idempotent-replayed"] == "true"
    # Run again, the second would have found both unchanged; replayed, it says what the first did.
    assert second.json() == first.json() and second.json()["created"] == 2
    fresh = await api.post(url, json=_customers(30001, 30002), headers=once())
    assert fresh.json()["unchanged"] == 2


async def test_another_body_or_address_with_the_key_is_refused(world: World, api: httpx.AsyncClient) -> None:
    base = f"/api/v1/connections/{world.connection_id}"
    headers = once()
    assert (await api.post(f"{base}/customers", json=_customers(30003), headers=headers)).status_code == 200
    other_body = await api.post(f"{base}/customers", json=_customers(30004), headers=headers)
    body = assert_problem(other_body, 409, "idempotency_key_reused")
    assert headers["Idempotency-Key"] in body["title"]
    other_path = await api.post(f"{base}/products", json=[], headers=headers)
    assert_problem(other_path, 409, "idempotency_key_reused")


async def test_keys_belong_to_one_api_key(
    db: Database, world: World, app: FastAPI, api: httpx.AsyncClient
) -> None:
    url = f"/api/v1/connections/{world.connection_id}/customers"
    headers = once()
    await api.post(url, json=_customers(30005), headers=headers)
    other = make_key(db, [world.connection_id], {"intake"})
    async with key_client(app, other) as client:
        answer = await client.post(url, json=_customers(30006), headers=headers)
    assert answer.status_code == 200 and answer.headers["idempotent-replayed"] == "false"


async def test_an_error_answer_is_kept_too(world: World, api: httpx.AsyncClient) -> None:
    url = f"/api/v1/connections/{world.connection_id}/batches/424242/export"
    headers = once()
    first = await api.post(url, headers=headers)
    assert_problem(first, 404, "batch_not_found")
    again = await api.post(url, headers=headers)
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"


async def test_two_requests_with_one_key_at_once_run_once(
    world: World, api: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = threading.Event()
    release = threading.Event()
    runs: list[int] = []
    real_import = intake_routes.import_data

    def slow_import(*args: object, **kwargs: object) -> object:
        runs.append(1)
        started.set()
        release.wait(10)
        return real_import(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(intake_routes, "import_data", slow_import)
    url = f"/api/v1/connections/{world.connection_id}/customers"
    headers = once()
    first = asyncio.create_task(api.post(url, json=_customers(30007), headers=headers))
    await asyncio.to_thread(started.wait, 10)
    second = await api.post(url, json=_customers(30007), headers=headers)
    assert_problem(second, 409, "idempotency_key_in_use")
    release.set()
    assert (await first).status_code == 200
    replay = await api.post(url, json=_customers(30007), headers=headers)
    assert replay.headers["idempotent-replayed"] == "true"
    assert len(runs) == 1


async def test_a_crash_keeps_nothing_so_the_retry_runs(
    world: World, api: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"/api/v1/connections/{world.connection_id}/customers"
    headers = once()

    def broken(*_args: object, **_kwargs: object) -> object:
        raise RuntimeError("disk on fire")

    with monkeypatch.context() as patch:
        patch.setattr(intake_routes, "import_data", broken)
        crashed = await api.post(url, json=_customers(30008), headers=headers)
    body = assert_problem(crashed, 500, "api_internal_error")
    assert "disk on fire" not in crashed.text and "Traceback" not in body["detail"]
    retried = await api.post(url, json=_customers(30008), headers=headers)
    assert retried.status_code == 200 and retried.json()["created"] == 1


def test_a_claim_left_by_a_dead_request_is_taken_over(db: Database, world: World, secret: str) -> None:
    key_id = authenticate(db, secret).id
    fingerprint = idempotency.request_hash("POST", "/x", b"[]")
    first = idempotency.claim_key(db, key_id, "k-1", fingerprint)
    assert isinstance(first, idempotency.Claim)
    with pytest.raises(idempotency.IdempotencyError) as in_use:
        idempotency.claim_key(db, key_id, "k-1", fingerprint)
    assert in_use.value.status == 409
    later = utcnow() + idempotency.ABANDONED_AFTER + timedelta(seconds=1)
    taken = idempotency.claim_key(db, key_id, "k-1", fingerprint, now=later)
    assert taken == first
    idempotency.finish(db, taken, 200, "{}")
    assert idempotency.claim_key(db, key_id, "k-1", fingerprint) == idempotency.StoredAnswer(200, "{}")
    assert idempotency.forget_old(db, now=utcnow() + idempotency.KEPT_FOR + timedelta(minutes=1)) == 1
    assert isinstance(idempotency.claim_key(db, key_id, "k-1", fingerprint), idempotency.Claim)
