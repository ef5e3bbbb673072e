"""``PUT /order/:invoiceMultipleOrders`` in the sandbox, over real HTTP: Tripletex's rules for a
collective invoice (one customer, currency, due date, receiver e-mail, attn and SMS number; no closed
or invoiced order) and its sequential invoice numbers."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest

D = date.today().isoformat()
Json = dict[str, Any]
LINE = [{"description": "Lunsj", "unitPriceIncludingVatCurrency": 125, "count": 2}]


def _ok(response: httpx.Response, status: int = 200) -> Json:
    assert response.status_code == status, response.text
    value: Json = response.json()["value"]
    return value


def _customer(client: httpx.Client, name: str) -> Json:
    return _ok(client.post("/customer", json={"name": name, "email": "post@kunde.no"}), 201)


def _order(client: httpx.Client, customer: Json, **extra: Any) -> Json:
    body = {
        "customer": {"id": customer["id"]},
        "orderDate": D,
        "deliveryDate": D,
        "isPrioritizeAmountsIncludingVat": True,
        "orderLines": LINE,
        **extra,
    }
    return _ok(client.post("/order", json=body), 201)


def _collect(client: httpx.Client, *orders: Json) -> httpx.Response:
    return client.put(
        "/order/:invoiceMultipleOrders",
        params={"id": ",".join(str(o["id"]) for o in orders), "invoiceDate": D, "sendToCustomer": False},
    )


def _refusal(response: httpx.Response) -> tuple[str, str]:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["status"] == 422 and body["requestId"] == response.headers["x-tlx-request-id"]
    (message,) = body["validationMessages"]
    return message["field"], message["message"]


def test_orders_of_one_customer_become_one_invoice_numbered_in_sequence(sandbox_client: httpx.Client) -> None:
    anna, bjorn = _customer(sandbox_client, "Anna AS"), _customer(sandbox_client, "Bjørn AS")
    first = _ok(_collect(sandbox_client, _order(sandbox_client, anna), _order(sandbox_client, anna)))
    second = _ok(_collect(sandbox_client, _order(sandbox_client, bjorn)))
    assert len(first["orders"]) == 2 and first["amount"] == 500
    assert second["invoiceNumber"] == first["invoiceNumber"] + 1


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("receiverEmail", "annen@kunde.no", "receiver email"),
        ("invoicesDueIn", 30, "due date"),
        ("invoiceSMSNotificationNumber", "+4791234567", "SMS number"),
    ],
)
def test_orders_that_differ_in_a_shared_field_are_refused(
    sandbox_client: httpx.Client, field: str, value: Any, words: str
) -> None:
    anna = _customer(sandbox_client, "Anna AS")
    one, other = _order(sandbox_client, anna), _order(sandbox_client, anna, **{field: value})
    where, text = _refusal(_collect(sandbox_client, one, other))
    assert where == f"orders[1].{field}" and words in text
    # Nothing was invoiced: the first order can still be invoiced alone.
    assert _ok(_collect(sandbox_client, one))["orders"][0]["id"] == one["id"]


def test_other_customers_orders_are_refused(sandbox_client: httpx.Client) -> None:
    anna, bjorn = _customer(sandbox_client, "Anna AS"), _customer(sandbox_client, "Bjørn AS")
    where, _ = _refusal(_collect(sandbox_client, _order(sandbox_client, anna), _order(sandbox_client, bjorn)))
    assert where == "orders[1].customer"


def test_a_closed_or_invoiced_order_cannot_be_invoiced(sandbox_client: httpx.Client) -> None:
    anna = _customer(sandbox_client, "Anna AS")
    closed = _order(sandbox_client, anna, isClosed=True)
    where, text = _refusal(_collect(sandbox_client, _order(sandbox_client, anna), closed))
    assert where.endswith(".isClosed") and "closed" in text
    done = _order(sandbox_client, anna)
    _ok(_collect(sandbox_client, done))
    where, text = _refusal(_collect(sandbox_client, done))
    assert "already invoiced" in text
