"""Employees and departments over real HTTP."""

from __future__ import annotations

from typing import Any

import httpx

from tests.fixtures.sandbox import SandboxCompany, new_sandbox_company
from txbridge.sandbox.server import SandboxServer


def owner(client: httpx.Client) -> dict[str, Any]:
    values: list[dict[str, Any]] = client.get("/employee", params={"fields": "*,department(*)"}).json()[
        "values"
    ]
    assert len(values) == 1
    return values[0]


def fields_of(response: httpx.Response) -> list[str]:
    return [m["field"] for m in response.json()["validationMessages"]]


def test_token_owner_is_an_employee_with_a_department(sandbox_client: httpx.Client) -> None:
    me = owner(sandbox_client)
    who = sandbox_client.get("/token/session/>whoAmI").json()["value"]
    assert who["employeeId"] == me["id"]
    assert me["department"]["name"] == "Hovedavdeling"
    assert me["userType"] == "EXTENDED" and me["email"]


def test_create_search_and_update_employee(sandbox_client: httpx.Client) -> None:
    department = owner(sandbox_client)["department"]["id"]
    created = sandbox_client.post(
        "/employee",
        json={
            "firstName": "Kari",
            "lastName": "Hansen",
            "email": "kari@example.no",
            "employeeNumber": "7",
            "userType": "STANDARD",
            "department": {"id": department},
        },
    )
    assert created.status_code == 201, created.text
    kari = created.json()["value"]
    assert kari["displayName"] == "Kari Hansen" and kari["version"] == 0

    found = sandbox_client.get("/employee", params={"firstName": "kar", "fields": "id"}).json()["values"]
    assert found == [{"id": kari["id"]}]
    assert (
        sandbox_client.get("/employee", params={"employeeNumber": "7"}).json()["values"][0]["id"]
        == kari["id"]
    )
    assert (
        sandbox_client.get("/employee", params={"departmentId": str(department)}).json()["fullResultSize"]
        == 2
    )

    updated = sandbox_client.put(f"/employee/{kari['id']}", json={"lastName": "Berg", "version": 0}).json()[
        "value"
    ]
    assert (updated["displayName"], updated["version"]) == ("Kari Berg", 1)
    stale = sandbox_client.put(f"/employee/{kari['id']}", json={"lastName": "X", "version": 0})
    assert (stale.status_code, stale.json()["code"]) == (409, 8000)


def test_employee_rules(sandbox_client: httpx.Client) -> None:
    me = owner(sandbox_client)
    department = {"id": me["department"]["id"]}
    cases = [
        ({"lastName": "Uten", "department": department}, "firstName"),
        ({"firstName": "Per", "lastName": "Uten"}, "department.id"),
        (
            {"firstName": "Per", "lastName": "Login", "userType": "STANDARD", "department": department},
            "email",
        ),
        ({"firstName": "Per", "lastName": "Dup", "email": me["email"], "department": department}, "email"),
        (
            {"firstName": "Per", "lastName": "Dup", "employeeNumber": "1", "department": department},
            "employeeNumber",
        ),
        ({"firstName": "Per", "lastName": "Dup", "department": {"id": 1}}, "department.id"),
    ]
    for body, field_name in cases:
        response = sandbox_client.post("/employee", json=body)
        assert response.status_code == 422, (body, response.text)
        assert fields_of(response) == [field_name], body
    unknown = sandbox_client.post("/employee", json={"firstName": "A", "lastName": "B", "shoeSize": 44})
    assert (unknown.status_code, unknown.json()["code"], fields_of(unknown)) == (422, 16000, ["shoeSize"])


def test_employee_list_is_all_or_nothing(sandbox_client: httpx.Client) -> None:
    department = {"id": owner(sandbox_client)["department"]["id"]}
    good = {"firstName": "En", "lastName": "Ansatt", "department": department}
    bad = {"firstName": "To", "department": department}
    assert sandbox_client.post("/employee/list", json=[good, bad]).status_code == 422
    assert sandbox_client.get("/employee").json()["fullResultSize"] == 1
    created = sandbox_client.post("/employee/list", json=[good, {**good, "firstName": "To"}])
    assert created.status_code == 201
    assert [v["firstName"] for v in created.json()["values"]] == ["En", "To"]


def test_departments(sandbox_client: httpx.Client) -> None:
    created = sandbox_client.post("/department", json={"name": "Kjøkken", "departmentNumber": "2"})
    assert created.status_code == 201
    kitchen = created.json()["value"]
    duplicate = sandbox_client.post("/department", json={"name": "Bar", "departmentNumber": "2"})
    assert (duplicate.status_code, fields_of(duplicate)) == (422, ["departmentNumber"])
    assert (
        sandbox_client.get("/department/query", params={"query": "kjø"}).json()["values"][0]["id"]
        == kitchen["id"]
    )
    assert sandbox_client.get("/department", params={"departmentNumber": "2"}).json()["fullResultSize"] == 1

    in_use = owner(sandbox_client)["department"]["id"]
    assert sandbox_client.delete(f"/department/{in_use}").status_code == 422
    assert sandbox_client.delete(f"/department/{kitchen['id']}").status_code == 204
    assert sandbox_client.get(f"/department/{kitchen['id']}").status_code == 404


def test_companies_are_isolated(sandbox_server: SandboxServer, sandbox_company: SandboxCompany) -> None:
    other = new_sandbox_company(sandbox_server)
    with sandbox_company.client() as mine, other.client() as theirs:
        my_owner = owner(mine)
        assert theirs.get(f"/employee/{my_owner['id']}").status_code == 404
        assert owner(theirs)["id"] != my_owner["id"]
