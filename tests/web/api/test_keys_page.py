"""The admin UI's API-key page: administrators make a key (shown once, on that answer only), see the
list without any secret, and revoke; support users and API keys are refused."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.web.conftest import World, csrf_of
from txbridge.flows import apikeys
from txbridge.store import Database

_SECRET = re.compile(r'value="(txb_\w{8}_[\w-]{43})"')


def test_an_admin_makes_lists_and_revokes_a_key(db: Database, world: World, admin_client: TestClient) -> None:
    page = admin_client.get("/api-keys")
    assert page.status_code == 200 and "API-nøkler" in page.text and "acme" in page.text
    made = admin_client.post(
        "/api-keys",
        data={
            "csrf_token": csrf_of(page.text),
            "name": "nettbutikk",
            "connection": str(world.connection_id),
            "scope": ["read", "intake"],
        },
    )
    assert made.status_code == 201, made.text
    found = _SECRET.search(made.text)
    assert found is not None
    secret = found.group(1)
    key = apikeys.authenticate(db, secret)
    assert key.scopes == {"read", "intake"} and key.connection_ids == (world.connection_id,)
    assert key.created_by == "ada" and made.headers["cache-control"] == "no-store"
    listed = admin_client.get("/api-keys")
    assert "nettbutikk" in listed.text and secret not in listed.text and secret[13:] not in listed.text
    assert "API-nøkkel nettbutikk laget (av ada)" in admin_client.get("/log").text
    refused = admin_client.post(
        "/api-keys", data={"csrf_token": csrf_of(listed.text), "name": "uten", "scope": ["read"]}
    )
    assert refused.status_code == 422 and "ingen tilkobling valgt" in refused.text
    revoked = admin_client.post(
        f"/api-keys/{key.prefix}/revoke", data={"csrf_token": csrf_of(listed.text)}, follow_redirects=False
    )
    assert revoked.status_code == 303
    assert not apikeys.list_keys(db)[0].active


def test_support_users_and_api_keys_are_refused(
    db: Database, world: World, secret: str, support_client: TestClient, anonymous: TestClient
) -> None:
    assert support_client.get("/api-keys").status_code == 403
    page = support_client.get("/connections")
    refused = support_client.post(
        "/api-keys",
        data={"csrf_token": csrf_of(page.text), "name": "x", "connection": str(world.connection_id)},
    )
    assert refused.status_code == 403 and len(apikeys.list_keys(db)) == 1
    bearer = {"Authorization": f"Bearer {secret}"}
    assert anonymous.get("/api-keys", headers=bearer, follow_redirects=False).status_code == 303
    assert anonymous.post("/api-keys", headers=bearer, follow_redirects=False).status_code == 303
