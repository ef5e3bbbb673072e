from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import httpx
import pytest

from txbridge.tripletex import (
    OutcomeUnknownError,
    RevisionConflictError,
    Tripletex,
    UnsupportedOperationError,
    models,
)

from .conftest import FakeApi, error, ok


def body(request: httpx.Request) -> object:
    return json.loads(request.content)


def echo_list(request: httpx.Request) -> httpx.Response:
    items = json.loads(request.content)
    return httpx.Response(201, json={"values": [{**item, "id": 100 + n} for n, item in enumerate(items)]})


def test_create_sends_only_what_was_set(make_client: Callable[..., Tripletex], api: FakeApi) -> None:
    api.on("POST", "/order", httpx.Response(201, json={"value": {"id": 10, "version": 0}}))
    order = models.Order(
        customer=models.Customer.ref(5),
        orderDate=date(2026, 3, 1),
        deliveryDate=date(2026, 3, 1),
        isPrioritizeAmountsIncludingVat=False,
        orderLines=[
            models.OrderLine(
                product=models.Product.ref(7),
                count=Decimal("2"),
                unitPriceExcludingVatCurrency=Decimal("199.90"),
            )
        ],
        url="https://tripletex.no/v2/order/0",  # read-only: never sent
        someFieldFromTheFuture=1,  # unknown to this model: never sent (it would fail the request)
    )
    created = make_client().orders.create(order)
    assert created.id == 10
    assert body(api.calls("POST", "/order")[0]) == {
        "customer": {"id": 5},
        "orderDate": "2026-03-01",
        "deliveryDate": "2026-03-01",
        "isPrioritizeAmountsIncludingVat": False,
        "orderLines": [{"product": {"id": 7}, "count": 2, "unitPriceExcludingVatCurrency": 199.9}],
    }


def test_update_passes_version_through(make_client: Callable[..., Tripletex], api: FakeApi) -> None:
    api.on("PUT", "/customer/3", ok({"id": 3, "version": 5, "name": "Nytt navn"}))
    updated = make_client().customers.update({"name": "Nytt navn"}, id=3, version=4)
    assert updated.version == 5
    sent = api.calls("PUT", "/customer/3")[0]
    assert body(sent) == {"name": "Nytt navn", "id": 3, "version": 4}


def test_stale_version_surfaces_as_revision_conflict(
    make_client: Callable[..., Tripletex], api: FakeApi
) -> None:
    api.on("PUT", "/customer/3", error(409, 8000, "Objektet er endret av en annen bruker"))
    with pytest.raises(RevisionConflictError) as info:
        make_client().customers.update(models.Customer(id=3, version=1, name="X"))
    assert info.value.status == 409 and info.value.code == 8000
    assert len(api.calls("PUT", "/customer/3")) == 1


def test_delete(make_client: Callable[..., Tripletex], api: FakeApi) -> None:
    api.on("DELETE", "/customer/3", httpx.Response(204))
    assert make_client().customers.delete(3) is None
    assert len(api.calls("DELETE", "/customer/3")) == 1


def test_operations_the_api_lacks_are_refused_locally(
    make_client: Callable[..., Tripletex], api: FakeApi
) -> None:
    client = make_client()
    with pytest.raises(UnsupportedOperationError):
        client.invoices.update({"comment": "x"}, id=1)
    with pytest.raises(UnsupportedOperationError):
        client.ledger.vat_types.create({"name": "x"})
    with pytest.raises(UnsupportedOperationError):
        client.ledger.accounts.create_many([{"number": 1}])
    assert api.requests == []


def test_bulk_create_is_chunked_for_the_caller(make_client: Callable[..., Tripletex], api: FakeApi) -> None:
    api.on("POST", "/customer/list", echo_list)
    customers = [models.Customer(name=f"Kunde {n}") for n in range(7)]
    created = make_client().customers.create_many(customers, chunk=3)
    assert [c.name for c in created] == [f"Kunde {n}" for n in range(7)]
    assert [len(body(r)) for r in api.calls("POST", "/customer/list")] == [3, 3, 1]  # type: ignore[arg-type]


def test_invoice_bulk_never_exceeds_100_and_is_not_sent_to_customers(
    make_client: Callable[..., Tripletex], api: FakeApi
) -> None:
    api.on("POST", "/invoice/list", echo_list)
    invoices = [
        models.Invoice(
            invoiceDate=date(2026, 3, 1), invoiceDueDate=date(2026, 3, 15), orders=[models.Order.ref(n)]
        )
        for n in range(250)
    ]
    created = make_client().invoices.create_many(invoices, chunk=500)
    assert len(created) == 250
    calls = api.calls("POST", "/invoice/list")
    assert [len(body(r)) for r in calls] == [100, 100, 50]  # type: ignore[arg-type]
    assert {r.url.params["sendToCustomer"] for r in calls} == {"false"}


def test_failed_chunk_reports_what_was_already_created(
    make_client: Callable[..., Tripletex], api: FakeApi
) -> None:
    api.on("POST", "/product/list", echo_list, httpx.ReadTimeout("slow"))
    with pytest.raises(OutcomeUnknownError) as info:
        make_client().products.create_many([{"name": f"P{n}"} for n in range(4)], chunk=2)
    assert [p.name for p in info.value.completed] == ["P0", "P1"]
    assert info.value.body == [{"name": "P2"}, {"name": "P3"}]


def test_voucher_bulk_uses_put_and_is_not_retried(
    make_client: Callable[..., Tripletex], api: FakeApi
) -> None:
    api.on("PUT", "/ledger/voucher/list", httpx.Response(502), echo_list)
    with pytest.raises(OutcomeUnknownError):
        make_client().ledger.vouchers.create_many([{"description": "Dagsoppgjør"}])
    assert len(api.calls("PUT", "/ledger/voucher/list")) == 1


def test_every_requested_bulk_endpoint_exists(make_client: Callable[..., Tripletex], api: FakeApi) -> None:
    client = make_client()
    for resource, path in [
        (client.customers, "/customer/list"),
        (client.products, "/product/list"),
        (client.orders, "/order/list"),
        (client.invoices, "/invoice/list"),
        (client.timesheet_entries, "/timesheet/entry/list"),
        (client.projects, "/project/list"),
        (client.employees, "/employee/list"),
    ]:
        api.on("POST", path, echo_list)
        assert len(resource.create_many([{"id": None}])) == 1  # type: ignore[attr-defined]
        assert len(api.calls("POST", path)) == 1


def test_order_is_invoiced_without_sending(make_client: Callable[..., Tripletex], api: FakeApi) -> None:
    api.on("PUT", "/order/5/:invoice", ok({"id": 900, "invoiceNumber": 10001}))
    invoice = make_client().orders.invoice(5, invoice_date=date(2026, 3, 2))
    assert invoice.invoiceNumber == 10001
    params = api.calls("PUT", "/order/5/:invoice")[0].url.params
    assert params["invoiceDate"] == "2026-03-02" and params["sendToCustomer"] == "false"


def test_collective_invoice_for_several_orders(make_client: Callable[..., Tripletex], api: FakeApi) -> None:
    api.on("PUT", "/order/:invoiceMultipleOrders", httpx.ReadTimeout("slow"), ok({"id": 901}))
    with pytest.raises(OutcomeUnknownError):
        make_client().orders.invoice_multiple([5, 6], invoice_date=date(2026, 3, 2))
    sent = api.calls("PUT", "/order/:invoiceMultipleOrders")
    assert len(sent) == 1
    assert sent[0].url.params["id"] == "5,6" and sent[0].url.params["sendToCustomer"] == "false"


# ---- a write whose answer cannot be read ------------------------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(201, json={"value": {"id": "not-a-number"}}),
        httpx.Response(201, content=b"<html>proxy says hello</html>"),
    ],
)
def test_created_but_unreadable_is_an_unknown_outcome(
    answer: httpx.Response, make_client: Callable[..., Tripletex], api: FakeApi
) -> None:
    # Tripletex did the write; reporting it as "refused" or "not reached" would invite a second send.
    api.on("POST", "/customer", answer, ok({"id": 9}))
    with pytest.raises(OutcomeUnknownError) as info:
        make_client().customers.create({"name": "Ola AS"})
    assert info.value.status == 201 and info.value.body == {"name": "Ola AS"}
    assert len(api.calls("POST", "/customer")) == 1


def test_bulk_create_with_an_unreadable_answer_is_an_unknown_outcome(
    make_client: Callable[..., Tripletex], api: FakeApi
) -> None:
    api.on("POST", "/invoice/list", httpx.Response(201, json={"values": [{"id": {"nested": "?"}}]}))
    with pytest.raises(OutcomeUnknownError) as info:
        make_client().invoices.create_many([{"invoiceDate": "2026-03-01"}])
    assert info.value.params == {"sendToCustomer": "false"}
    assert len(api.calls("POST", "/invoice/list")) == 1
