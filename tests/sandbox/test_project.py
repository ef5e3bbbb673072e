"""Projects and activities over real HTTP."""

from __future__ import annotations

from typing import Any

import httpx


def owner_id(client: httpx.Client) -> int:
    owner_id: int = client.get("/employee").json()["values"][0]["id"]
    return owner_id


def new_project(client: httpx.Client, **body: Any) -> dict[str, Any]:
    response = client.post(
        "/project", json={"name": "Oppussing", "projectManager": {"id": owner_id(client)}, **body}
    )
    assert response.status_code == 201, response.text
    value: dict[str, Any] = response.json()["value"]
    return value


def test_create_numbers_and_search(sandbox_client: httpx.Client) -> None:
    customer = sandbox_client.post("/customer", json={"name": "Byggherre AS"}).json()["value"]
    first = new_project(sandbox_client, customer={"id": customer["id"]}, startDate="2026-01-10")
    second = new_project(sandbox_client, name="Tak", startDate="2026-03-01", endDate="2026-04-01")
    assert (first["number"], second["number"]) == ("1", "2")
    assert first["isInternal"] is False and second["isInternal"] is True
    assert first["displayName"] == "1 Oppussing"

    def ids(**params: str) -> list[int]:
        return [p["id"] for p in sandbox_client.get("/project", params=params).json()["values"]]

    assert ids(customerId=str(customer["id"])) == [first["id"]]
    assert ids(name="tak") == [second["id"]]
    # from inclusive, to exclusive
    assert ids(startDateFrom="2026-01-10", startDateTo="2026-03-01") == [first["id"]]
    assert ids(startDateFrom="2026-01-11", startDateTo="2026-03-02") == [second["id"]]
    assert ids(number="2") == [second["id"]]
    assert sandbox_client.get(f"/project/{first['id']}", params={"fields": "customer(name)"}).json()[
        "value"
    ] == {"customer": {"name": "Byggherre AS"}}


def test_project_rules(sandbox_client: httpx.Client) -> None:
    manager = {"id": owner_id(sandbox_client)}
    new_project(sandbox_client, number="P-1")
    cases = [
        ({"projectManager": manager}, "name"),
        ({"name": "Uten leder"}, "projectManager.id"),
        ({"name": "Dup", "projectManager": manager, "number": "P-1"}, "number"),
        (
            {"name": "Bak", "projectManager": manager, "startDate": "2026-05-01", "endDate": "2026-04-01"},
            "endDate",
        ),
        ({"name": "Kunde", "projectManager": manager, "customer": {"id": 1}}, "customer.id"),
    ]
    for body, field_name in cases:
        response = sandbox_client.post("/project", json=body)
        assert response.status_code == 422, body
        assert [m["field"] for m in response.json()["validationMessages"]] == [field_name], body


def test_update_list_and_delete(sandbox_client: httpx.Client) -> None:
    manager = {"id": owner_id(sandbox_client)}
    created = sandbox_client.post(
        "/project/list",
        json=[{"name": "A", "projectManager": manager}, {"name": "B", "projectManager": manager}],
    )
    assert created.status_code == 201
    a, b = created.json()["values"]
    updated = sandbox_client.put("/project/list", json=[{"id": a["id"], "version": 0, "isClosed": True}])
    assert updated.json()["values"][0]["isClosed"] is True
    assert sandbox_client.get("/project", params={"isClosed": "true"}).json()["values"][0]["id"] == a["id"]
    stale = sandbox_client.put(f"/project/{a['id']}", json={"version": 0, "name": "A2"})
    assert (stale.status_code, stale.json()["code"]) == (409, 8000)

    assert sandbox_client.delete("/project/list", params={"ids": f"{a['id']},{b['id']}"}).status_code == 204
    assert sandbox_client.get("/project").json()["fullResultSize"] == 0
    assert sandbox_client.delete(f"/project/{a['id']}").status_code == 404


def test_activities(sandbox_client: httpx.Client) -> None:
    names = {a["name"] for a in sandbox_client.get("/activity").json()["values"]}
    assert {"Administrasjon", "Fakturerbart arbeid", "Prosjektledelse"} <= names
    created = sandbox_client.post(
        "/activity",
        json={
            "name": "Montering",
            "number": "20",
            "activityType": "PROJECT_GENERAL_ACTIVITY",
            "isChargeable": True,
            "rate": 950,
        },
    )
    assert created.status_code == 201
    activity = created.json()["value"]
    assert (activity["isProjectActivity"], activity["isGeneral"]) == (True, False)
    refused = sandbox_client.post(
        "/activity", json={"name": "X", "activityType": "PROJECT_SPECIFIC_ACTIVITY"}
    )
    assert refused.status_code == 422
    assert sandbox_client.post("/activity", json={"name": "X"}).status_code == 422

    project = new_project(sandbox_client)
    for_project = sandbox_client.get("/activity/>forTimeSheet", params={"projectId": project["id"]}).json()
    assert activity["id"] in {a["id"] for a in for_project["values"]}
    assert all(a["isProjectActivity"] for a in for_project["values"])
    missing = sandbox_client.get("/activity/>forTimeSheet")
    assert (missing.status_code, missing.json()["validationMessages"][0]["field"]) == (422, "projectId")
    general = sandbox_client.get("/activity", params={"isGeneral": "true"}).json()["values"]
    assert "Administrasjon" in {a["name"] for a in general}
