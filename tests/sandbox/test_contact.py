"""Contacts over real HTTP: create (one and `/list`), search, update with versions, delete by ids."""

from __future__ import annotations

import httpx


def _customer(client: httpx.Client) -> int:
    found: int = client.post("/customer", json={"name": "Kontaktkunde AS"}).json()["value"]["id"]
    return found


def test_contact_lifecycle(sandbox_client: httpx.Client) -> None:
    customer = _customer(sandbox_client)
    created = sandbox_client.post(
        "/contact",
        json={
            "firstName": "Kari",
            "lastName": "Nordmann",
            "email": "kari@example.no",
            "customer": {"id": customer},
            "phoneNumberMobileCountry": {"id": 161},
            "phoneNumberMobile": "41234567",
        },
    )
    assert created.status_code == 201, created.text
    contact = created.json()["value"]
    assert (contact["displayName"], contact["version"], contact["isInactive"]) == ("Kari Nordmann", 0, False)
    assert contact["customer"]["id"] == customer and contact["phoneNumberMobileCountry"]["id"] == 161
    others = sandbox_client.post("/contact/list", json=[{"firstName": "Ola"}, {"firstName": "Per"}])
    assert others.status_code == 201
    by_customer = sandbox_client.get("/contact", params={"customerId": customer}).json()["values"]
    assert [c["id"] for c in by_customer] == [contact["id"]]
    by_name = sandbox_client.get("/contact", params={"firstName": "kar"}).json()["values"]
    assert [c["id"] for c in by_name] == [contact["id"]]
    updated = sandbox_client.put(f"/contact/{contact['id']}", json={"lastName": "Hansen", "version": 0})
    assert updated.json()["value"]["displayName"] == "Kari Hansen"
    stale = sandbox_client.put(f"/contact/{contact['id']}", json={"lastName": "X", "version": 0})
    assert (stale.status_code, stale.json()["code"]) == (409, 8000)
    ids = ",".join(str(c["id"]) for c in others.json()["values"])
    assert sandbox_client.delete("/contact/list", params={"ids": ids}).status_code == 204
    assert sandbox_client.get(f"/contact/{others.json()['values'][0]['id']}").status_code == 404


def test_contact_refusals(sandbox_client: httpx.Client) -> None:
    nameless = sandbox_client.post("/contact", json={"lastName": "Uten fornavn"})
    assert (nameless.status_code, nameless.json()["validationMessages"][0]["field"]) == (422, "firstName")
    bad_customer = sandbox_client.post("/contact", json={"firstName": "A", "customer": {"id": 999999}})
    assert bad_customer.status_code == 422
    bad_country = sandbox_client.post(
        "/contact", json={"firstName": "A", "phoneNumberMobileCountry": {"id": 5}}
    )
    assert bad_country.json()["validationMessages"][0]["field"] == "phoneNumberMobileCountry.id"
    # A list with one bad item creates nothing.
    before = sandbox_client.get("/contact").json()["fullResultSize"]
    assert sandbox_client.post("/contact/list", json=[{"firstName": "Ok"}, {"email": "x"}]).status_code == 422
    assert sandbox_client.get("/contact").json()["fullResultSize"] == before
    missing = sandbox_client.delete("/contact/list", params={"ids": "999999"})
    assert missing.status_code == 404
    assert sandbox_client.delete("/contact/list").status_code == 422
