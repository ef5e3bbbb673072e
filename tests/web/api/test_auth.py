"""API keys: Bearer only, hashed at rest, scoped to connections and actions; a UI cookie is no key
and a key opens no UI page."""

from __future__ import annotations

import logging
import re

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.web.api.conftest import assert_problem, key_client, make_key, once
from tests.web.conftest import World
from tests.web.test_security import ADMIN_ROUTES
from txbridge.flows import apikeys
from txbridge.store import ApiKey, Database


async def test_no_key_is_refused_with_a_problem_in_bokmal_or_english(
    anonymous_api: httpx.AsyncClient,
) -> None:
    answer = await anonymous_api.get("/api/v1/connections")
    body = assert_problem(answer, 401, "api_key_missing")
    assert body["title"] == "Forespørselen mangler API-nøkkel"
    assert answer.headers["www-authenticate"].startswith("Bearer")
    english = await anonymous_api.get("/api/v1/connections", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert assert_problem(english, 401, "api_key_missing")["title"] == "The request has no API key"


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer txb_AAAAAAAA_" + "x" * 43,  # well-formed, unknown prefix
        "Bearer not-a-key",
        "Basic dXNlcjpwYXNz",
    ],
)
async def test_a_wrong_key_is_refused(anonymous_api: httpx.AsyncClient, authorization: str) -> None:
    answer = await anonymous_api.get("/api/v1/connections", headers={"Authorization": authorization})
    expected = "api_key_missing" if authorization.startswith("Basic") else "api_key_invalid"
    assert_problem(answer, 401, expected)
    assert authorization.split(" ")[1] not in answer.text


async def test_a_key_with_a_changed_secret_or_revoked_is_refused(
    db: Database, world: World, secret: str, anonymous_api: httpx.AsyncClient
) -> None:
    forged = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    answer = await anonymous_api.get("/api/v1/connections", headers={"Authorization": f"Bearer {forged}"})
    assert_problem(answer, 401, "api_key_invalid")
    good = await anonymous_api.get("/api/v1/connections", headers={"Authorization": f"Bearer {secret}"})
    assert good.status_code == 200
    apikeys.revoke_key(db, "nettbutikk")
    revoked = await anonymous_api.get("/api/v1/connections", headers={"Authorization": f"Bearer {secret}"})
    assert_problem(revoked, 401, "api_key_invalid")


def test_only_a_hash_of_the_key_is_stored(db: Database, world: World, secret: str) -> None:
    with db.reading() as session:
        stored = session.scalars(select(ApiKey)).one()
        columns = [str(getattr(stored, c.key)) for c in ApiKey.__table__.columns]
        shown = repr(stored)
    assert secret not in " ".join(columns)
    assert secret.split("_")[2] not in " ".join(columns)
    assert secret not in shown
    made = apikeys.create_key(db, "other", connection_ids=[world.connection_id])
    assert made.secret not in repr(made) and made.secret not in repr(made.info)


async def test_keys_reach_only_their_connections(
    db: Database, world: World, secret: str, api: httpx.AsyncClient
) -> None:
    listed = (await api.get("/api/v1/connections")).json()
    assert [c["id"] for c in listed] == [world.connection_id]
    other = world.connection_id + 1
    assert_problem(await api.get(f"/api/v1/connections/{other}/batches"), 403, "api_key_connection_refused")
    refused = await api.post(f"/api/v1/connections/{other}/customers", json=[], headers=once())
    assert_problem(refused, 403, "api_key_connection_refused")


async def test_actions_need_their_scope(db: Database, world: World, app: FastAPI) -> None:
    reader = make_key(db, [world.connection_id], {"read"})
    async with key_client(app, reader) as client:
        base = f"/api/v1/connections/{world.connection_id}"
        assert (await client.get(f"{base}/batches")).status_code == 200
        for path, body in [
            ("/invoices", []),
            ("/batches", {"period": "2026-10"}),
            ("/batches/1/export", None),
            ("/batches/1/reset", None),
            ("/payments/refresh", None),
        ]:
            answer = await client.post(base + path, json=body, headers=once())
            assert answer.status_code == 403, path
            assert answer.json()["id"] == "api_key_scope_missing"


async def test_reset_is_for_admin_keys_only(
    db: Database, world: World, app: FastAPI, api: httpx.AsyncClient
) -> None:
    base = f"/api/v1/connections/{world.connection_id}"
    closed = await api.post(f"{base}/batches", json={"period": "2026-11"}, headers=once())
    batch_id = closed.json()["batchId"]
    refused = await api.post(f"{base}/batches/{batch_id}/reset", headers=once())
    body = assert_problem(refused, 403, "api_key_scope_missing")
    assert "admin" in body["title"]
    admin = make_key(db, [world.connection_id], {"read", "admin"})
    async with key_client(app, admin) as client:
        done = await client.post(f"{base}/batches/{batch_id}/reset", headers=once())
    assert done.status_code == 200, done.text
    assert done.json() == {"batchId": batch_id, "reset": 0}


def test_a_signed_in_browser_is_no_api_key(admin_client: TestClient) -> None:
    answer = admin_client.get("/api/v1/connections")
    assert answer.status_code == 401
    assert answer.json()["id"] == "api_key_missing"


def test_a_key_opens_no_page_of_the_ui(world: World, secret: str, anonymous: TestClient) -> None:
    bearer = {"Authorization": f"Bearer {secret}"}
    for method, path in [*ADMIN_ROUTES, ("GET", "/"), ("GET", "/connections"), ("GET", "/log")]:
        answer = anonymous.request(method, path, headers=bearer, follow_redirects=False)
        assert answer.status_code in (303, 403), (method, path, answer.status_code)
        if answer.status_code == 303:
            assert answer.headers["location"].startswith("/sign-in")


async def test_no_key_or_token_in_any_answer_or_log_line(
    world: World, secret: str, api: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    base = f"/api/v1/connections/{world.connection_id}"
    answers = [
        await api.get("/api/v1/connections"),
        await api.get(base),
        await api.get(f"{base}/log"),
        await api.get(f"{base}/batches/999"),
        await api.post(f"{base}/invoices", content=b"[{", headers=once()),
        await api.post(f"{base}/customers", json=[{"number": "x"}], headers=once()),
        await api.get("/api/v1/nowhere"),
    ]
    secrets_ = [secret, world.company.employee_token, world.company.consumer_token]
    for answer in answers:
        text = answer.text + " ".join(f"{k}: {v}" for k, v in answer.headers.items())
        for value in secrets_:
            assert value not in text, answer.request.url
    for value in secrets_:
        assert value not in caplog.text
    assert re.search(r"txb_\w{8}_", caplog.text) is None
