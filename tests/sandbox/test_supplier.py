"""Suppliers over real HTTP: numbering, uniqueness, versions, `changedSince`, lists all or nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from tests.fixtures.sandbox import SandboxCompany


def test_supplier_lifecycle(sandbox_client: httpx.Client) -> None:
    created = sandbox_client.post(
        "/supplier", json={"name": "Leverandør AS", "organizationNumber": "912345678"}
    )
    assert created.status_code == 201, created.text
    supplier = created.json()["value"]
    assert supplier["isSupplier"] is True and supplier["isCustomer"] is False
    assert (
        supplier["supplierNumber"] > 0
        and supplier["displayName"] == f"Leverandør AS ({supplier['supplierNumber']})"
    )
    ledger = sandbox_client.get(f"/ledger/account/{supplier['ledgerAccount']['id']}").json()["value"]
    assert ledger["number"] == 2400
    second = sandbox_client.post("/supplier", json={"name": "Nummer to AS"}).json()["value"]
    assert second["supplierNumber"] == supplier["supplierNumber"] + 1
    found = sandbox_client.get("/supplier", params={"organizationNumber": "912345678"}).json()["values"]
    assert [s["id"] for s in found] == [supplier["id"]]
    by_number = sandbox_client.get("/supplier", params={"supplierNumber": str(second["supplierNumber"])})
    assert [s["id"] for s in by_number.json()["values"]] == [second["id"]]
    updated = sandbox_client.put(f"/supplier/{supplier['id']}", json={"email": "post@lev.no", "version": 0})
    assert updated.json()["value"]["version"] == 1
    assert (
        sandbox_client.put(f"/supplier/{supplier['id']}", json={"email": "x", "version": 0}).status_code
        == 409
    )
    listed = sandbox_client.put("/supplier/list", json=[{"id": second["id"], "isInactive": True}])
    assert listed.status_code == 200 and listed.json()["values"][0]["isInactive"] is True
    assert sandbox_client.delete(f"/supplier/{second['id']}").status_code == 204
    assert sandbox_client.get(f"/supplier/{second['id']}").status_code == 404


def test_supplier_refusals(sandbox_client: httpx.Client) -> None:
    taken = sandbox_client.post("/supplier", json={"name": "A", "supplierNumber": 777}).json()["value"]
    duplicate = sandbox_client.post("/supplier", json={"name": "B", "supplierNumber": 777})
    assert (duplicate.status_code, duplicate.json()["validationMessages"][0]["field"]) == (
        422,
        "supplierNumber",
    )
    assert sandbox_client.post("/supplier", json={"organizationNumber": "1"}).status_code == 422
    before = sandbox_client.get("/supplier").json()["fullResultSize"]
    twice = sandbox_client.post(
        "/supplier/list", json=[{"name": "C", "supplierNumber": 5}, {"name": "D", "supplierNumber": 5}]
    )
    assert twice.status_code == 422
    assert sandbox_client.get("/supplier").json()["fullResultSize"] == before
    assert sandbox_client.put("/supplier/999999", json={"name": "x"}).status_code == 404
    assert taken["supplierNumber"] == 777


def test_changed_since(sandbox_company: SandboxCompany, sandbox_client: httpx.Client) -> None:
    old = sandbox_client.post("/supplier", json={"name": "Gammel AS"}).json()["value"]
    with sandbox_company.control() as control:
        now = datetime.fromisoformat(control.get("/clock").json()["now"])
        control.put("/clock", json={"advanceSeconds": 3600}).raise_for_status()
    try:
        new = sandbox_client.post("/supplier", json={"name": "Ny AS"}).json()["value"]
        since = (now + timedelta(minutes=30)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
        changed = sandbox_client.get("/supplier", params={"changedSince": since}).json()["values"]
        assert [s["id"] for s in changed] == [new["id"]]
        assert old["id"] not in [s["id"] for s in changed]
    finally:
        with sandbox_company.control() as control:
            control.put("/clock", json={"advanceSeconds": -3600}).raise_for_status()
