"""The sync through the REST API: the host's objects in (one result per item, the same
Idempotency-Key rules), the change feed out with its cursor, the sync log with filters."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from tests.web.api.conftest import assert_problem, key_client, make_key, once
from tests.web.conftest import World
from txbridge.flows.sync import SyncResource
from txbridge.flows.sync.apply import apply_from_tripletex
from txbridge.store import Database


async def test_host_objects_in_one_result_per_item_and_replayed_by_key(
    db: Database, world: World, api: httpx.AsyncClient
) -> None:
    url = f"/api/v1/connections/{world.connection_id}/sync/customers"
    body = [
        {"host_id": "k-1", "name": "Fjord Bygg", "email": "post@fjord.no"},
        {"host_id": "k-2", "name": "Feil", "organization_number": "123"},
        {"host_id": "k-3", "name": "Ukjent", "colour": "blue"},
        "not an object",
    ]
    headers = once()
    first = await api.post(url, json=body, headers=headers)
    assert first.status_code == 200, first.text
    items = first.json()["items"]
    assert [i["status"] for i in items] == ["created", "rejected", "rejected", "rejected"]
    assert (
        items[1]["problem"]["id"] == "sync_field_invalid"
        and "organization_number" in items[1]["problem"]["text"]
    )
    assert "colour" in items[2]["problem"]["text"]
    # The same key replays the answer; a new key sees the object unchanged, then changed, then deleted.
    again = await api.post(url, json=body, headers=headers)
    assert again.json() == first.json() and again.headers.get("idempotent-replayed") == "true"
    same = await api.post(url, json=body[:1], headers=once())
    assert same.json()["items"][0]["status"] == "unchanged"
    changed = await api.post(url, json=[{"host_id": "k-1", "phone": "22 33 44 55"}], headers=once())
    assert changed.json()["items"][0]["status"] == "changed"
    deleted = await api.post(url, json=[{"host_id": "k-1", "deleted": True}], headers=once())
    assert deleted.json()["items"][0]["status"] == "deleted"
    missing = await api.post(url, json=body, headers={})
    assert missing.status_code == 400


async def test_change_feed_pages_with_its_cursor_and_the_sync_log_filters(
    db: Database, world: World, api: httpx.AsyncClient
) -> None:
    for n in range(1, 6):
        apply_from_tripletex(
            db,
            world.connection_id,
            SyncResource.CUSTOMER,
            9000 + n,
            {"id": 9000 + n, "version": 1, "name": f"K{n}"},
        )
    apply_from_tripletex(
        db,
        world.connection_id,
        SyncResource.CUSTOMER,
        9100,
        {"id": 9100, "version": 1, "name": "Inaktiv", "isInactive": True},
    )
    url = f"/api/v1/connections/{world.connection_id}/changes"
    page = (await api.get(url, params={"limit": 3})).json()
    assert [c["tripletexId"] for c in page["changes"]] == [9001, 9002, 9003]
    assert page["changes"][0]["action"] == "created" and page["changes"][0]["hostId"] is None
    rest = (await api.get(url, params={"after": page["nextAfter"]})).json()
    assert [c["tripletexId"] for c in rest["changes"]] == [9004, 9005]
    done = (await api.get(url, params={"after": rest["nextAfter"]})).json()
    assert done == {"changes": [], "nextAfter": rest["nextAfter"]}

    log = (
        await api.get(
            f"/api/v1/connections/{world.connection_id}/sync/log", params={"rule": "sync_customer_inactive"}
        )
    ).json()
    assert log["total"] == 1 and log["items"][0]["tripletexId"] == 9100
    assert log["items"][0]["message"]["text"].startswith("Kunden Inaktiv")
    english = await api.get(
        f"/api/v1/connections/{world.connection_id}/sync/log", headers={"Accept-Language": "en"}
    )
    assert english.json()["items"][0]["message"]["text"].startswith("Customer Inaktiv")
    none = (
        await api.get(f"/api/v1/connections/{world.connection_id}/sync/log", params={"resource": "project"})
    ).json()
    assert none["total"] == 0


async def test_sync_routes_need_their_scope(db: Database, world: World, app: object) -> None:
    from tests.web.api.conftest import key_client

    reader = make_key(db, [world.connection_id], {"read"})
    async with key_client(app, reader) as client:  # type: ignore[arg-type]
        refused = await client.post(
            f"/api/v1/connections/{world.connection_id}/sync/projects", json=[], headers=once()
        )
        assert_problem(refused, 403, "api_key_scope_missing")
        assert (await client.get(f"/api/v1/connections/{world.connection_id}/changes")).status_code == 200


async def test_host_webhook_endpoints_admin_only_secret_once(
    db: Database, world: World, api: httpx.AsyncClient, app: FastAPI
) -> None:
    url = f"/api/v1/connections/{world.connection_id}/sync/webhooks"
    assert (await api.get(url)).status_code == 403  # read, intake and export are not enough
    admin = make_key(db, [world.connection_id], {"admin"})
    async with key_client(app, admin) as client:
        headers = once()
        made = await client.post(url, json={"url": "https://vert.example.no/hooks"}, headers=headers)
        assert made.status_code == 201, made.text
        secret = made.json()["secret"]
        assert secret.startswith("whsec_") and made.json()["secretHint"].endswith(secret[-4:])
        again = await client.post(url, json={"url": "https://vert.example.no/hooks"}, headers=headers)
        assert again.json() == made.json() and again.headers.get("idempotent-replayed") == "true"
        assert (await client.post(url, json={"url": "https://x.example.no"}, headers={})).status_code == 400
        bad = await client.post(url, json={"url": "ftp://vert"}, headers=once())
        assert_problem(bad, 422, "sync_webhook_url_invalid")

        listed = (await client.get(url)).json()["items"]
        assert [e["id"] for e in listed] == [made.json()["id"]]
        assert secret not in str(listed) and listed[0]["deliveredSeq"] == 0
        gone = await client.delete(f"{url}/{made.json()['id']}")
        assert gone.status_code == 204
        assert (await client.get(url)).json()["items"] == []
        assert_problem(await client.delete(f"{url}/{made.json()['id']}"), 404, "sync_webhook_not_found")
