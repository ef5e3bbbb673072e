"""Host data in through the API: the file import's reader and validation, one result per item."""

from __future__ import annotations

import json

import httpx

from tests.web.api.conftest import assert_problem, once
from tests.web.conftest import World
from txbridge.flows.intake import import_data
from txbridge.flows.views import invoices as invoice_views
from txbridge.store import Database


def _invoice(number: str, **changes: object) -> dict[str, object]:
    invoice: dict[str, object] = {
        "number": number,
        "invoiceDate": "2026-10-07",
        "dueDate": "2026-10-21",
        "customerNumber": 10001,
        "lines": [{"productNumber": "ARB-001", "quantity": 1, "unitPrice": "0.10"}],
    }
    invoice.update(changes)
    return invoice


async def test_each_item_is_accepted_or_rejected_with_its_reason(
    db: Database, world: World, api: httpx.AsyncClient
) -> None:
    items = [
        _invoice("300001"),
        _invoice("300002", customerNumber=99999),
        "not an object",
        _invoice("300003", lines=[{"productNumber": "ARB-001", "quantity": 1, "unitPrice": "abc"}]),
        _invoice("300004"),
    ]
    answer = await api.post(f"/api/v1/connections/{world.connection_id}/invoices", json=items, headers=once())
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["kind"], body["accepted"], body["rejected"], body["created"]) == ("invoices", 2, 3, 2)
    results = body["items"]
    assert [(r["index"], r["key"], r["status"]) for r in results] == [
        (0, "300001", "accepted"),
        (1, "300002", "rejected"),
        (2, None, "rejected"),
        (3, "300003", "rejected"),
        (4, "300004", "accepted"),
    ]
    unknown = results[1]["problems"][0]
    assert unknown["field"] == "customerNumber"
    assert unknown["message"]["id"] == "intake_unknown_reference"
    assert "99999" in unknown["message"]["text"] and unknown["message"]["fix"]
    assert results[3]["problems"][0]["field"] == "lines[0].unitPrice"
    assert invoice_views.find_invoice(db, world.connection_id, "300001").where == "not_in_batch"
    assert invoice_views.find_invoice(db, world.connection_id, "300002").where == "unknown"


async def test_the_same_validation_as_the_file_import(
    db: Database, world: World, api: httpx.AsyncClient
) -> None:
    customers = [
        {"number": 20001, "name": "Bad Org AS", "organizationNumber": "123456789"},
        {"number": 20002, "name": "", "email": "not-an-email"},
        {"number": 20003, "name": "Good AS", "unknownField": 1},
    ]
    answer = await api.post(
        f"/api/v1/connections/{world.connection_id}/customers", json=customers, headers=once()
    )
    by_api = [(p["field"], p["message"]["id"]) for r in answer.json()["items"] for p in r["problems"]]
    report = import_data(db, world.connection_id, {"customers": customers})
    by_file = [(r.field, r.message.id) for r in report.rejections]
    assert by_api == by_file and len(by_api) >= 3


async def test_english_on_request_and_exact_amounts(
    db: Database, world: World, api: httpx.AsyncClient
) -> None:
    answer = await api.post(
        f"/api/v1/connections/{world.connection_id}/invoices",
        content=json.dumps([_invoice("300010", customerNumber=4242)]),
        headers={**once(), "Accept-Language": "en", "Content-Type": "application/json"},
    )
    problem = answer.json()["items"][0]["problems"][0]["message"]
    assert problem["text"].startswith("invoices[0] 300010:") and "4242" in problem["text"]
    assert "finnes" not in problem["text"]
    stored = await api.post(
        f"/api/v1/connections/{world.connection_id}/invoices",
        content=b'[{"number": "300011", "invoiceDate": "2026-10-07", "dueDate": "2026-10-21", '
        b'"customerNumber": 10001, '
        b'"lines": [{"productNumber": "ARB-001", "quantity": 3, "unitPrice": 0.1}]}]',
        headers={**once(), "Content-Type": "application/json"},
    )
    assert stored.json()["accepted"] == 1
    with db.reading() as session:
        from sqlalchemy import select

        from txbridge.store import Invoice, InvoiceLine

        price = session.scalar(select(InvoiceLine.unit_price).join(Invoice).where(Invoice.number == "300011"))
    assert str(price) in ("0.1", "0.10")


async def test_at_most_1000_items_per_call(db: Database, world: World, api: httpx.AsyncClient) -> None:
    items = [_invoice(f"4{n:05d}") for n in range(1001)]
    answer = await api.post(f"/api/v1/connections/{world.connection_id}/invoices", json=items, headers=once())
    body = assert_problem(answer, 413, "api_too_many_items")
    assert "1001" in body["title"] and "1000" in body["title"]
    assert invoice_views.find_invoice(db, world.connection_id, "400000").where == "unknown"


async def test_a_body_that_is_no_json_array_is_refused_whole(world: World, api: httpx.AsyncClient) -> None:
    base = f"/api/v1/connections/{world.connection_id}"
    assert_problem(
        await api.post(f"{base}/products", content=b"[{", headers=once()), 400, "intake_json_invalid"
    )
    refused = await api.post(f"{base}/products", json={"products": []}, headers=once())
    assert_problem(refused, 400, "api_request_invalid")
    huge = await api.post(
        f"{base}/products", content=b"[]", headers={**once(), "Content-Length": str(64 * 1024 * 1024)}
    )
    assert_problem(huge, 413, "api_request_invalid")
    deep = b"[" * 40 + b"]" * 40
    assert_problem(
        await api.post(f"{base}/products", content=deep, headers=once()), 400, "intake_file_too_deep"
    )


async def test_product_classes_and_products_in_order(
    db: Database, world: World, api: httpx.AsyncClient
) -> None:
    base = f"/api/v1/connections/{world.connection_id}"
    classes = await api.post(
        f"{base}/product-classes",
        json=[{"code": "VARE", "name": "Varer", "accountNumber": 3000}],
        headers=once(),
    )
    assert classes.json()["items"] == [{"index": 0, "key": "VARE", "status": "accepted", "problems": []}]
    products = await api.post(
        f"{base}/products",
        json=[
            {"number": "V-1", "name": "Vare", "productClassCode": "VARE", "vatCode": 3},
            {"number": "V-2", "name": "Vare", "productClassCode": "NONE", "vatCode": 3},
        ],
        headers=once(),
    )
    assert [r["status"] for r in products.json()["items"]] == ["accepted", "rejected"]
    again = await api.post(
        f"{base}/products",
        json=[{"number": "V-1", "name": "Vare", "productClassCode": "VARE", "vatCode": 3}],
        headers=once(),
    )
    assert (again.json()["unchanged"], again.json()["created"]) == (1, 0)
