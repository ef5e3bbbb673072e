"""The POS's customer list through the REST API: Tripletex's customers, searched by name, customer
number or organisation number; a connection the key does not reach is refused."""

from __future__ import annotations

from datetime import date

import httpx

from tests.web.api.conftest import assert_problem, once
from tests.web.conftest import World
from txbridge.flows.daysales import setup as pos
from txbridge.flows.posinvoice import set_invoicing
from txbridge.store import Database


async def test_customers_are_listed_and_searched_from_tripletex(world: World, api: httpx.AsyncClient) -> None:
    with world.company.client() as tripletex:
        for name, org in (("Fjordkafé AS", "923456783"), ("Bakeriet Sør AS", "987654325")):
            tripletex.post("/customer", json={"name": name, "organizationNumber": org}).raise_for_status()
    url = f"/api/v1/connections/{world.connection_id}/pos/customers"
    everyone = await api.get(url)
    assert everyone.status_code == 200, everyone.text
    names = [c["name"] for c in everyone.json()]
    assert {"Fjordkafé AS", "Bakeriet Sør AS"} <= set(names)
    found = (await api.get(url, params={"q": "FJORD"})).json()
    assert [c["name"] for c in found] == ["Fjordkafé AS"]
    assert set(found[0]) == {"tripletexId", "number", "name", "organizationNumber", "email"}
    by_org = (await api.get(url, params={"q": "98765"})).json()
    assert [c["name"] for c in by_org] == ["Bakeriet Sør AS"]
    by_number = (await api.get(url, params={"q": str(found[0]["number"])})).json()
    assert found[0]["tripletexId"] in {c["tripletexId"] for c in by_number}


async def test_another_connection_is_refused(api: httpx.AsyncClient, world: World) -> None:
    answer = await api.get("/api/v1/connections/999/pos/customers")
    assert_problem(answer, 403, "api_key_connection_refused")


async def test_a_sale_by_invoice_is_recorded_once(world: World, api: httpx.AsyncClient, db: Database) -> None:
    with world.company.client() as tripletex:
        made = tripletex.post("/customer", json={"name": "Fjordkafé AS", "organizationNumber": "923456783"})
        made.raise_for_status()
    url = f"/api/v1/connections/{world.connection_id}/pos/invoice-sales"
    sale = {
        "hostId": "S-77",
        "saleDate": "2026-10-06",
        "customerId": made.json()["value"]["id"],
        "lines": [{"description": "Lunsj", "quantity": "2", "unitPrice": "189.00", "vatCode": 3}],
        "reference": "Kari",
    }
    # Before the set-up's «Enable invoicing» a sale by invoice is refused (the day sales book it).
    assert_problem(await api.post(url, json=sale, headers=once()), 409, "pos_invoicing_off")
    pos.save(db, world.connection_id, start_date=date(2026, 10, 1), by="test")
    set_invoicing(db, world.connection_id, True, by="test")
    answer = await api.post(url, json=sale, headers=once())
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["invoiceNumber"] == "POS-S-77" and body["collectiveInvoice"] is None
    assert body["customerName"] == "Fjordkafé AS" and body["total"] in ("378.00", 378.0, "378")
    assert_problem(await api.post(url, json=sale, headers=once()), 409, "pos_sale_taken")
    unknown = {**sale, "hostId": "S-78", "customerId": 999999}
    assert_problem(await api.post(url, json=unknown, headers=once()), 422, "pos_customer_unknown")
