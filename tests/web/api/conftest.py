"""The REST API in tests: the web app through httpx's ASGI transport, a connected sandbox company
(``world`` from tests/web/conftest.py), and API keys."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.web.conftest import World
from txbridge.flows import apikeys
from txbridge.store import Database


def make_key(db: Database, connection_ids: list[int], scopes: set[str], name: str | None = None) -> str:
    made = apikeys.create_key(
        db,
        name or f"vendor-{uuid.uuid4().hex[:8]}",
        connection_ids=connection_ids,
        scopes=scopes,
        created_by="ada",
    )
    return made.secret


@pytest.fixture
def secret(db: Database, world: World) -> str:
    """A key with every scope but ``admin``, for the world's connection."""
    return make_key(db, [world.connection_id], {"read", "intake", "export"}, name="nettbutikk")


@pytest.fixture
async def api(app: FastAPI, secret: str) -> AsyncIterator[httpx.AsyncClient]:
    async with key_client(app, secret) as client:
        yield client


@pytest.fixture
async def anonymous_api(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://bridge.test"
    ) as client:
        yield client


def key_client(app: FastAPI, secret: str) -> httpx.AsyncClient:
    """A client of the app through the ASGI transport, sending ``secret`` as its Bearer key."""
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://bridge.test",
        headers={"Authorization": f"Bearer {secret}"},
    )


def once() -> dict[str, str]:
    """Headers of a new action: a fresh Idempotency-Key."""
    return {"Idempotency-Key": str(uuid.uuid4())}


def assert_problem(response: httpx.Response, status: int, message_id: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["id"] == message_id, body
    assert body["type"] == f"urn:txbridge:message:{message_id}"
    assert body["status"] == status
    assert body["title"] and body["detail"] and body["fix"]
    return body
