"""Every response of every emulated operation conforms to the official Tripletex spec (v2.72).

One module-scoped run drives the sandbox over real HTTP through success and error cases of every
operation the app serves under ``/v2`` (discovered from the app's routes), recording each response;
the tests then validate every recorded response with :mod:`tests.sandbox.spec` and check coverage:
each emulated operation has a success and an error case of its own (the 401 that every operation gives
a bad token does not count), and the suite as a whole shows the error
statuses 400, 401, 404, 409, 422, 429 and the 304 of the checksum. A new route without a case here
fails `test_operation_has_a_success_case`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute

from tests.fixtures.sandbox import SandboxCompany, new_sandbox_company, oslo_today
from tests.sandbox.spec import Exchange, Operation, SpecConformanceError, spec_validator
from txbridge.sandbox.app import create_app
from txbridge.sandbox.firm import seed_bookkeeping
from txbridge.sandbox.server import SandboxServer

pytestmark = pytest.mark.xdist_group("sandbox-conformance")

TODAY = oslo_today()  # session expiration dates are Norwegian dates
D = TODAY.isoformat()
TOMORROW = (TODAY + timedelta(days=1)).isoformat()
LATER = (TODAY + timedelta(days=30)).isoformat()
ERROR_STATUSES_REQUIRED = {304, 400, 401, 403, 404, 409, 422, 429}
Json = dict[str, Any]


def _served_routes(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    """(method, path) of every route the app serves, also those hidden from its OpenAPI document."""
    for route in routes:
        original = getattr(route, "original_router", None)
        if original is not None:  # FastAPI ≥ 0.16x keeps included routers as one entry
            yield from _served_routes(original.routes, prefix + route.include_context.prefix)
        elif isinstance(route, APIRoute):
            for method in route.methods or ():
                yield method, prefix + route.path


def emulated_operations() -> list[Operation]:
    """The spec operations the sandbox app serves under /v2 (from its routes, not its docs)."""
    validator = spec_validator()
    operations: set[Operation] = set()
    for method, path in _served_routes(create_app().router.routes):
        if not path.startswith("/v2/") or path == "/v2/{rest:path}":
            continue  # the control API, and the catch-all that answers "not emulated"
        operations.add(validator.find_operation(method, re.sub(r"\{[^}]+\}", "1", path)))
    return sorted(operations, key=lambda o: (o.template, o.method))


def emulated(method: str, template: str) -> bool:
    return any(o.method == method and o.template == template for o in EMULATED)


EMULATED = emulated_operations()


@dataclass
class Recorder:
    responses: list[httpx.Response] = field(default_factory=list)

    def hook(self, response: httpx.Response) -> None:
        response.read()
        self.responses.append(response)


class Api:
    """A recording client that also checks the status each step expects."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client

    def call(self, method: str, path: str, expect: int, **kwargs: Any) -> httpx.Response:
        response = self.client.request(method, path, **kwargs)
        assert response.status_code == expect, (
            f"{method} {path} → {response.status_code}: {response.text[:400]}"
        )
        return response

    def value(self, method: str, path: str, expect: int = 200, **kwargs: Any) -> Json:
        body: Json = self.call(method, path, expect, **kwargs).json()["value"]
        return body

    def values(self, path: str, **params: Any) -> list[Json]:
        body: list[Json] = self.call("GET", path, 200, params=params).json()["values"]
        return body


def _client(
    company: SandboxCompany, recorder: Recorder, token: str | None = None, user: int = 0
) -> httpx.Client:
    return httpx.Client(
        base_url=company.base_url,
        auth=(str(user), token or company.create_session()),
        event_hooks={"response": [recorder.hook]},
        timeout=10,
    )


# --- scenarios: each drives a group of operations through success and error cases -----------------


def _token_and_company(api: Api, company: SandboxCompany, recorder: Recorder) -> None:
    api.value("GET", "/token/session/>whoAmI", params={"fields": "*,employee(firstName),company(name)"})
    api.values("/company/>withLoginAccess")
    api.value("GET", f"/company/{company.company_id}")
    api.call("GET", "/company/999999999", 404)
    params = {"consumerToken": company.consumer_token, "employeeToken": company.employee_token}
    api.value("PUT", "/token/session/:create", params={**params, "expirationDate": TOMORROW})
    api.call("PUT", "/token/session/:create", 422, params={**params, "expirationDate": D})
    api.call(
        "PUT",
        "/token/session/:create",
        401,
        params={**params, "employeeToken": "test-nobody", "expirationDate": TOMORROW},
    )
    doomed = company.create_session()
    api.call("DELETE", f"/token/session/{doomed}", 204)
    api.call("DELETE", f"/token/session/{doomed}", 404)
    with _client(company, recorder, token=doomed) as dead:
        Api(dead).call("GET", "/token/session/>whoAmI", 401)
    accountant = new_sandbox_company(company, accountantClients=1)
    with (
        _client(accountant, recorder) as own,
        _client(accountant, recorder, token=None, user=accountant.client_company_ids[0]) as as_client,
    ):
        assert Api(own).values("/company/>withLoginAccess")
        Api(as_client).value("GET", "/token/session/>whoAmI")
    with _client(company, recorder, user=accountant.company_id) as refused:
        Api(refused).call("GET", "/token/session/>whoAmI", 403)


def _customers_and_products(api: Api) -> None:
    customer = api.value("POST", "/customer", 201, json={"name": "Konform AS", "email": "k@example.no"})
    api.call("POST", "/customer", 422, json={"email": "x@example.no"})
    api.call("POST", "/customer", 422, json={"name": "X", "unknownField": 1})
    listed = api.call("POST", "/customer/list", 201, json=[{"name": "L1"}, {"name": "L2"}]).json()["values"]
    api.call("POST", "/customer/list", 422, json=[{"name": "ok"}, {}])
    api.call("PUT", "/customer/list", 200, json=[{"id": listed[0]["id"], "version": 0, "name": "L1b"}])
    api.call("PUT", "/customer/list", 409, json=[{"id": listed[0]["id"], "version": 0, "name": "stale"}])
    api.values("/customer", customerName="konform", fields="id,name,version")
    api.value("GET", f"/customer/{customer['id']}", params={"fields": "*"})
    api.call("GET", f"/customer/{customer['id']}", 400, params={"fields": "noSuchField"})
    api.call("GET", "/customer/999999999", 404)
    api.call("GET", "/customer/abc", 422)
    api.value("PUT", f"/customer/{customer['id']}", json={"phoneNumber": "22334455", "version": 0})
    api.call("PUT", f"/customer/{customer['id']}", 409, json={"phoneNumber": "1", "version": 0})
    api.call("DELETE", f"/customer/{listed[1]['id']}", 204)
    api.call("DELETE", f"/customer/{listed[1]['id']}", 404)

    group = api.value("POST", "/product/group", 201, json={"name": "Konform-gruppe"})
    api.call("POST", "/product/group", 422, json={"name": "Konform-gruppe"})
    api.call("POST", "/product/group/list", 201, json=[{"name": "G2"}, {"name": "G3"}])
    api.values("/product/group", name="konform")
    api.value("GET", f"/product/group/{group['id']}")
    api.value("PUT", f"/product/group/{group['id']}", json={"name": "Konform-gruppe 2"})
    api.call("DELETE", f"/product/group/{group['id']}", 204)
    api.call("GET", f"/product/group/{group['id']}", 404)

    product = api.value(
        "POST",
        "/product",
        201,
        json={"name": "Konform-vare", "number": "K-1", "priceExcludingVatCurrency": 100},
    )
    api.call("POST", "/product", 422, json={"name": "Dup", "number": "K-1"})
    many = api.call("POST", "/product/list", 201, json=[{"name": "P2"}, {"name": "P3"}]).json()["values"]
    api.call("PUT", "/product/list", 200, json=[{"id": many[0]["id"], "name": "P2b"}])
    api.values("/product", name="konform")
    api.value("GET", f"/product/{product['id']}")
    api.value("PUT", f"/product/{product['id']}", json={"name": "Konform-vare 2"})
    api.call("DELETE", f"/product/{many[1]['id']}", 204)
    api.call("DELETE", f"/product/{many[1]['id']}", 404)


def _ledger(api: Api) -> dict[int, int]:
    accounts = {a["number"]: a["id"] for a in api.values("/ledger/account", count=1000)}
    api.values("/ledger/account", number="1920")
    api.value("GET", f"/ledger/account/{accounts[1920]}", params={"fields": "*,vatType(*)"})
    created = api.value("POST", "/ledger/account", 201, json={"number": 3011, "name": "Salg konform"})
    api.call("POST", "/ledger/account", 422, json={"number": 3011, "name": "Igjen"})
    api.call(
        "POST",
        "/ledger/account/list",
        201,
        json=[{"number": 3012, "name": "A"}, {"number": 3013, "name": "B"}],
    )
    api.value("PUT", f"/ledger/account/{created['id']}", json={"name": "Salg konform 2"})
    vat_types = api.values("/ledger/vatType")
    api.values("/ledger/vatType", number="3")
    api.value("GET", f"/ledger/vatType/{vat_types[0]['id']}")
    api.call("GET", "/ledger/vatType/999999999", 404)
    api.value("GET", "/ledger/postingRules", params={"fields": "*"})
    return accounts


def _orders_and_invoices(api: Api) -> None:
    customer = api.value("POST", "/customer", 201, json={"name": "Fakturakunde AS"})

    def order(**extra: Any) -> Json:
        return {
            "customer": {"id": customer["id"]},
            "orderDate": D,
            "deliveryDate": D,
            "isPrioritizeAmountsIncludingVat": False,
            "orderLines": [{"description": "Arbeid", "count": 2, "unitPriceExcludingVatCurrency": 400}],
            **extra,
        }

    first = api.value("POST", "/order", 201, json=order(), params={"fields": "*,orderLines(*)"})
    wrong_price = order(orderLines=[{"description": "x", "unitPriceIncludingVatCurrency": 500}])
    api.call("POST", "/order", 422, json=wrong_price)
    api.call("POST", "/order/list", 201, json=[order(), order()])
    api.values("/order", orderDateFrom=D, orderDateTo=TOMORROW)
    api.call("GET", "/order", 422, params={"orderDateFrom": D})
    api.value("GET", f"/order/{first['id']}")
    api.value("PUT", f"/order/{first['id']}", json={"reference": "Konform"})
    line = api.value(
        "POST",
        "/order/orderline",
        201,
        json={"order": {"id": first["id"]}, "description": "Tillegg", "unitPriceExcludingVatCurrency": 50},
    )
    api.call(
        "POST",
        "/order/orderline",
        422,
        json={"description": "uten ordre", "unitPriceExcludingVatCurrency": 1},
    )
    api.call(
        "POST",
        "/order/orderline/list",
        201,
        json=[{"order": {"id": first["id"]}, "description": "L", "unitPriceExcludingVatCurrency": 10}],
    )
    api.value("GET", f"/order/orderline/{line['id']}")
    api.value("PUT", f"/order/orderline/{line['id']}", json={"count": 3})
    api.call("DELETE", f"/order/orderline/{line['id']}", 204)
    invoice = api.value(
        "PUT", f"/order/{first['id']}/:invoice", params={"invoiceDate": D, "sendToCustomer": False}
    )
    api.call("PUT", f"/order/{first['id']}/:invoice", 422, params={"invoiceDate": D, "sendToCustomer": False})
    a = api.value("POST", "/order", 201, json=order())
    b = api.value("POST", "/order", 201, json=order())
    api.value(
        "PUT",
        "/order/:invoiceMultipleOrders",
        params={"id": f"{a['id']},{b['id']}", "invoiceDate": D, "sendToCustomer": False},
    )
    api.call("PUT", "/order/:invoiceMultipleOrders", 422, params={"invoiceDate": D})
    spare = api.value("POST", "/order", 201, json=order())
    api.call("DELETE", f"/order/{spare['id']}", 204)
    api.call("DELETE", f"/order/{spare['id']}", 404)

    invoice_body = {"invoiceDate": D, "invoiceDueDate": LATER, "orders": [order()]}
    created = api.value("POST", "/invoice", 201, json=invoice_body, params={"sendToCustomer": False})
    api.call(
        "POST",
        "/invoice",
        422,
        json={"invoiceDate": D, "orders": [order()]},
        params={"sendToCustomer": False},
    )
    api.call("POST", "/invoice/list", 201, json=[invoice_body], params={"sendToCustomer": False})
    api.call("POST", "/invoice/list", 422, json=[invoice_body] * 101, params={"sendToCustomer": False})
    api.values("/invoice", invoiceDateFrom=D, invoiceDateTo=TOMORROW, fields="*,orders(*)")
    api.call("GET", "/invoice", 422, params={"invoiceDateTo": TOMORROW})
    api.value("GET", f"/invoice/{invoice['id']}", params={"fields": "*,postings(*)"})
    payment_types = api.values("/invoice/paymentType")
    api.value("GET", f"/invoice/paymentType/{payment_types[0]['id']}")
    pay = {"paymentDate": D, "paymentTypeId": payment_types[0]["id"], "paidAmount": created["amount"]}
    api.value("PUT", f"/invoice/{created['id']}/:payment", params=pay)
    api.call(
        "PUT",
        f"/invoice/{created['id']}/:payment",
        422,
        params={k: v for k, v in pay.items() if k != "paidAmount"},
    )
    if emulated("GET", "/ledger/closeGroup/{id}"):
        closed = api.values(
            "/ledger/posting", dateFrom=D, dateTo=TOMORROW, customerId=customer["id"], fields="id,closeGroup"
        )
        group = next(p["closeGroup"]["id"] for p in closed if p.get("closeGroup"))
        api.value("GET", f"/ledger/closeGroup/{group}", params={"fields": "*,postings(amount)"})
        api.call("GET", "/ledger/closeGroup/999999999", 404)
    if emulated("PUT", "/ledger/voucher/{id}"):
        locked = api.value("GET", f"/invoice/{created['id']}", params={"fields": "voucher"})["voucher"]["id"]
        api.call("PUT", f"/ledger/voucher/{locked}", 422, json={"description": "Kan ikke endres"})
    api.value(
        "PUT", f"/invoice/{invoice['id']}/:createCreditNote", params={"date": D, "sendToCustomer": False}
    )
    api.call("PUT", f"/invoice/{invoice['id']}/:createCreditNote", 422, params={"date": D})
    api.call("GET", "/invoice/999999999", 404)


def _vouchers_and_postings(api: Api, accounts: dict[int, int]) -> None:
    def voucher_body(bank_amount: float) -> Json:
        return {
            "date": D,
            "description": "Dagsoppgjør konform",
            "externalVoucherNumber": "KONFORM-1",
            "postings": [
                {"row": 1, "account": {"id": accounts[1920]}, "amountGross": bank_amount},
                {"row": 2, "account": {"id": accounts[3000]}, "amountGross": -1250},
            ],
        }

    voucher = api.value("POST", "/ledger/voucher", 201, json=voucher_body(1250))
    unbalanced = voucher_body(1)
    api.call("POST", "/ledger/voucher", 422, json=unbalanced)
    api.values("/ledger/voucher", dateFrom=D, dateTo=TOMORROW)
    api.call("GET", "/ledger/voucher", 422, params={"dateFrom": D})
    api.values("/ledger/voucher/>externalVoucherNumber", externalVoucherNumber="KONFORM-1")
    api.value("GET", f"/ledger/voucher/{voucher['id']}", params={"fields": "*,postings(*,account(number))"})
    api.value("PUT", f"/ledger/voucher/{voucher['id']}/:reverse", params={"date": D})
    api.call("PUT", f"/ledger/voucher/{voucher['id']}/:reverse", 422, params={"date": D})
    if emulated("PUT", "/ledger/voucher/{id}"):
        plain = api.value(
            "POST", "/ledger/voucher", 201, json={**voucher_body(1250), "externalVoucherNumber": "K-2"}
        )
        changed = api.value(
            "PUT", f"/ledger/voucher/{plain['id']}", json={"description": "Endret", "version": 0}
        )
        api.call("PUT", f"/ledger/voucher/{plain['id']}", 409, json={"description": "Gammel", "version": 0})
        unbalanced_rows = voucher_body(1)["postings"]
        api.call("PUT", f"/ledger/voucher/{plain['id']}", 422, json={"postings": unbalanced_rows})
        if emulated("PUT", "/ledger/voucher/list"):
            api.call(
                "PUT",
                "/ledger/voucher/list",
                200,
                json=[{"id": plain["id"], "version": changed["version"], "description": "Liste"}],
            )
            api.call("PUT", "/ledger/voucher/list", 422, json=[{"description": "uten id"}])
        if emulated("DELETE", "/ledger/voucher/{id}"):
            api.call("DELETE", f"/ledger/voucher/{plain['id']}", 204)
            api.call("DELETE", f"/ledger/voucher/{plain['id']}", 404)
    postings = api.values("/ledger/posting", dateFrom=D, dateTo=TOMORROW, accountId=accounts[1920])
    api.call("GET", "/ledger/posting", 422, params={"dateTo": TOMORROW})
    api.value("GET", f"/ledger/posting/{postings[0]['id']}")
    api.call("GET", "/ledger/posting/999999999", 404)


def _people_and_hours(api: Api) -> None:
    owner = api.values("/employee")[0]
    department = owner["department"]["id"]
    api.value("GET", f"/employee/{owner['id']}", params={"fields": "*,department(*)"})
    kari = api.value(
        "POST",
        "/employee",
        201,
        json={"firstName": "Kari", "lastName": "Konform", "department": {"id": department}},
    )
    api.call("POST", "/employee", 422, json={"firstName": "Uten", "department": {"id": department}})
    hired = api.value(
        "POST",
        "/employee",
        201,
        json={
            "firstName": "Ansatt",
            "lastName": "Konform",
            "department": {"id": department},
            "employments": [{"startDate": D, "employmentDetails": [{"percentageOfFullTimeEquivalent": 80}]}],
        },
    )
    api.values("/employee/employment", employeeId=hired["id"])
    api.value("GET", f"/employee/employment/{hired['employments'][0]['id']}")
    api.call(
        "POST",
        "/employee/list",
        201,
        json=[{"firstName": "E1", "lastName": "L", "department": {"id": department}}],
    )
    api.value("PUT", f"/employee/{kari['id']}", json={"lastName": "Konform 2"})
    api.call("PUT", f"/employee/{kari['id']}", 409, json={"lastName": "x", "version": 0})

    dep = api.value("POST", "/department", 201, json={"name": "Konform-avd", "departmentNumber": "90"})
    api.call("POST", "/department", 422, json={"name": "Dup", "departmentNumber": "90"})
    more = api.call("POST", "/department/list", 201, json=[{"name": "D2"}, {"name": "D3"}]).json()["values"]
    api.call("PUT", "/department/list", 200, json=[{"id": more[0]["id"], "name": "D2b"}])
    api.values("/department", name="konform")
    api.values("/department/query", query="konform")
    api.value("GET", f"/department/{dep['id']}")
    api.value("PUT", f"/department/{dep['id']}", json={"name": "Konform-avd 2"})
    api.call("DELETE", f"/department/{more[1]['id']}", 204)
    api.call("DELETE", f"/department/{department}", 422)

    manager = {"id": owner["id"]}
    project = api.value(
        "POST", "/project", 201, json={"name": "Konform-prosjekt", "projectManager": manager, "startDate": D}
    )
    api.call("POST", "/project", 422, json={"name": "Uten leder"})
    extra = api.call(
        "POST",
        "/project/list",
        201,
        json=[
            {"name": "PL1", "projectManager": manager},
            {"name": "PL2", "projectManager": manager},
            {"name": "PL3", "projectManager": manager},
        ],
    ).json()["values"]
    api.call("PUT", "/project/list", 200, json=[{"id": extra[0]["id"], "description": "endret"}])
    api.values("/project", name="konform")
    api.value("GET", f"/project/{project['id']}", params={"fields": "*,projectManager(displayName)"})
    api.value("PUT", f"/project/{project['id']}", json={"description": "Konform"})
    api.call("DELETE", "/project/list", 204, params={"ids": str(extra[0]["id"])})
    api.call("DELETE", "/project", 204, json=[{"id": extra[1]["id"]}])
    api.call("DELETE", f"/project/{extra[2]['id']}", 204)
    api.call("DELETE", f"/project/{extra[2]['id']}", 404)

    activities = {a["name"]: a for a in api.values("/activity")}
    api.value("GET", f"/activity/{activities['Administrasjon']['id']}")
    api.value(
        "POST", "/activity", 201, json={"name": "Konform-aktivitet", "activityType": "GENERAL_ACTIVITY"}
    )
    api.call("POST", "/activity", 422, json={"name": "Uten type"})
    api.call("POST", "/activity/list", 201, json=[{"name": "A2", "activityType": "PROJECT_GENERAL_ACTIVITY"}])
    api.values("/activity/>forTimeSheet", projectId=project["id"])
    api.call("GET", "/activity/>forTimeSheet", 422)

    entry_body = {
        "employee": manager,
        "project": {"id": project["id"]},
        "activity": {"id": activities["Fakturerbart arbeid"]["id"]},
        "date": D,
        "hours": 4,
    }
    entry = api.value("POST", "/timesheet/entry", 201, json=entry_body)
    api.call("POST", "/timesheet/entry", 409, json=entry_body)
    api.call("POST", "/timesheet/entry", 422, json={**entry_body, "hours": 30})
    general = {**entry_body, "project": None, "activity": {"id": activities["Administrasjon"]["id"]}}
    listed = api.call("POST", "/timesheet/entry/list", 201, json=[general]).json()["values"]
    api.call("PUT", "/timesheet/entry/list", 200, json=[{"id": listed[0]["id"], "comment": "liste"}])
    api.values("/timesheet/entry", dateFrom=D, dateTo=TOMORROW, fields="*,activity(name)")
    api.call("GET", "/timesheet/entry", 422, params={"dateFrom": D})
    api.value("GET", f"/timesheet/entry/{entry['id']}")
    api.value("PUT", f"/timesheet/entry/{entry['id']}", json={"hours": 5})
    api.call("GET", "/timesheet/entry/>totalHours", 200, params={"startDate": D, "endDate": TOMORROW})
    api.call("DELETE", f"/timesheet/entry/{entry['id']}", 409, params={"version": 0})
    api.call("DELETE", f"/timesheet/entry/{entry['id']}", 204)


def _events_and_currency(api: Api) -> None:
    api.call("GET", "/event", 200)
    api.value("GET", "/event/customer.create")
    api.call("GET", "/event/nothing.happened", 404)
    target = "https://hooks.example.no/tripletex"
    subscription = api.value(
        "POST",
        "/event/subscription",
        201,
        json={"event": "customer.create", "targetUrl": target, "status": "DISABLED"},
    )
    api.call(
        "POST",
        "/event/subscription",
        422,
        json={"event": "customer.create", "targetUrl": "http://example.no"},
    )
    more = api.call(
        "POST",
        "/event/subscription/list",
        201,
        json=[
            {"event": "customer.update", "targetUrl": target, "status": "DISABLED"},
            {"event": "product.create", "targetUrl": target, "status": "DISABLED"},
        ],
    ).json()["values"]
    api.call("PUT", "/event/subscription/list", 200, json=[{"id": more[0]["id"], "fields": "id,name"}])
    api.values("/event/subscription")
    api.value("GET", f"/event/subscription/{subscription['id']}")
    api.value("PUT", f"/event/subscription/{subscription['id']}", json={"targetUrl": target + "/v2"})
    api.call("DELETE", "/event/subscription/list", 204, params={"ids": str(more[0]["id"])})
    api.call("DELETE", f"/event/subscription/{subscription['id']}", 204)
    api.call("DELETE", f"/event/subscription/{subscription['id']}", 404)

    currencies = api.values("/currency", code="EUR")
    api.value("GET", f"/currency/{currencies[0]['id']}")
    api.value("GET", f"/currency/{currencies[0]['id']}/rate", params={"date": D})
    api.call("GET", f"/currency/{currencies[0]['id']}/rate", 422)
    api.call("GET", "/currency/999999999", 404)


def _foreign_currency(api: Api) -> None:
    eur = api.values("/currency", code="EUR")[0]["id"]
    api.call("GET", f"/currency/{eur}/exchangeRate", 200, params={"amount": "100", "date": D})
    api.call("GET", f"/currency/{eur}/exchangeRate", 422, params={"date": D})
    api.call("GET", f"/currency/{eur}/1/exchangeRate", 200, params={"amount": "100", "date": D})
    api.call("GET", f"/currency/{eur}/{MISSING_ID}/exchangeRate", 404, params={"amount": "1", "date": D})
    customer = api.value("POST", "/customer", 201, json={"name": "Euro GmbH"})
    order = {
        "customer": {"id": customer["id"]},
        "orderDate": D,
        "deliveryDate": D,
        "currency": {"id": eur},
        "orderLines": [{"description": "Beratung", "count": 3, "unitPriceExcludingVatCurrency": 99.5}],
    }
    invoice = api.value(
        "POST",
        "/invoice",
        201,
        json={"invoiceDate": D, "invoiceDueDate": LATER, "orders": [order]},
        params={"sendToCustomer": False, "fields": "*,postings(*)"},
    )
    pay_type = api.values("/invoice/paymentType")[0]["id"]
    pay = {"paymentDate": D, "paymentTypeId": pay_type, "paidAmount": invoice["amount"]}
    api.call("PUT", f"/invoice/{invoice['id']}/:payment", 422, params=pay)
    api.value(
        "PUT",
        f"/invoice/{invoice['id']}/:payment",
        params={**pay, "paidAmountCurrency": invoice["amountCurrency"]},
    )


def _reference_data_contacts_suppliers(api: Api) -> None:
    api.values("/country", code="NO")
    api.call("GET", "/country", 400, params=BAD_FIELDS)
    api.value("GET", "/country/161")
    api.call("GET", f"/country/{MISSING_ID}", 404)
    voucher_types = api.values("/ledger/voucherType", name="faktura")
    api.call("GET", "/ledger/voucherType", 400, params=BAD_FIELDS)
    api.value("GET", f"/ledger/voucherType/{voucher_types[0]['id']}")
    api.call("GET", f"/ledger/voucherType/{MISSING_ID}", 404)
    periods = api.values("/ledger/accountingPeriod", startFrom="2026-01-01", startTo="2027-01-01")
    api.call("GET", "/ledger/accountingPeriod", 400, params=BAD_FIELDS)
    api.value("GET", f"/ledger/accountingPeriod/{periods[0]['id']}")
    api.call("GET", f"/ledger/accountingPeriod/{MISSING_ID}", 404)

    contact = api.value(
        "POST", "/contact", 201, json={"firstName": "Kari", "phoneNumberMobileCountry": {"id": 161}}
    )
    api.call("POST", "/contact", 422, json={"lastName": "Uten fornavn"})
    more = api.call("POST", "/contact/list", 201, json=[{"firstName": "A"}, {"firstName": "B"}]).json()[
        "values"
    ]
    api.call("POST", "/contact/list", 422, json=[{"firstName": "A"}, {}])
    api.values("/contact", firstName="kar")
    api.call("GET", "/contact", 400, params=BAD_FIELDS)
    api.value("GET", f"/contact/{contact['id']}")
    api.call("GET", f"/contact/{MISSING_ID}", 404)
    api.value("PUT", f"/contact/{contact['id']}", json={"lastName": "Nordmann", "version": 0})
    api.call("PUT", f"/contact/{contact['id']}", 409, json={"lastName": "X", "version": 0})
    api.call("DELETE", "/contact/list", 204, params={"ids": ",".join(str(c["id"]) for c in more)})
    api.call("DELETE", "/contact/list", 404, params={"ids": str(MISSING_ID)})

    supplier = api.value("POST", "/supplier", 201, json={"name": "Konform Leverandør AS"})
    api.call("POST", "/supplier", 422, json={"email": "x@example.no"})
    listed = api.call("POST", "/supplier/list", 201, json=[{"name": "S1"}, {"name": "S2"}]).json()["values"]
    api.call("POST", "/supplier/list", 422, json=[{"name": "S3"}, {}])
    api.call("PUT", "/supplier/list", 200, json=[{"id": listed[0]["id"], "email": "s1@example.no"}])
    api.call("PUT", "/supplier/list", 404, json=[{"id": MISSING_ID, "name": "x"}])
    api.values("/supplier", changedSince=D)
    api.call("GET", "/supplier", 400, params=BAD_FIELDS)
    api.value("GET", f"/supplier/{supplier['id']}")
    api.call("GET", f"/supplier/{MISSING_ID}", 404)
    api.value("PUT", f"/supplier/{supplier['id']}", json={"phoneNumber": "22334455", "version": 0})
    api.call("PUT", f"/supplier/{supplier['id']}", 409, json={"phoneNumber": "1", "version": 0})
    api.call("DELETE", f"/supplier/{listed[1]['id']}", 204)
    api.call("DELETE", f"/supplier/{listed[1]['id']}", 404)

    api.values("/ledger/posting/openPost", date=D, fields="*,customer(name)")
    api.call("GET", "/ledger/posting/openPost", 422)


def _firm_data(server: SandboxServer, recorder: Recorder) -> None:
    """An accountant's client company with a month of bookkeeping (``/_sandbox/firm``): bank
    statements and transactions, payslips, VAT term sizes, the voucher reception."""
    seeded = httpx.post(
        f"{server.control_url}/firm", json={"clients": 1, "months": 1, "lastMonth": TODAY.strftime("%Y-%m")}
    ).json()
    firm = SandboxCompany(
        server.base_url,
        server.control_url,
        seeded["consumerToken"],
        seeded["employeeToken"],
        seeded["companyId"],
    )
    client_id = seeded["clientCompanyIds"][0]
    # The firm seed is random per company id (which other tests move): make sure the client has at
    # least one of every kind, so each GET by id below has a row to read (its bank statement is the
    # last one).
    seed_bookkeeping(server.state, client_id, [TODAY.strftime("%Y-%m")])
    with _client(firm, recorder, user=client_id) as client:
        api = Api(client)
        statement = api.values("/bank/statement", fields="id,fromDate,toDate")[-1]
        api.call("GET", "/bank/statement", 400, params=BAD_FIELDS)
        api.value("GET", f"/bank/statement/{statement['id']}")
        api.call("GET", f"/bank/statement/{MISSING_ID}", 404)
        rows = api.values("/bank/statement/transaction", bankStatementId=statement["id"])
        api.call("GET", "/bank/statement/transaction", 422)
        api.value("GET", f"/bank/statement/transaction/{rows[0]['id']}")
        api.call("GET", f"/bank/statement/transaction/{MISSING_ID}", 404)
        first = TODAY.replace(day=1).isoformat()
        api.values("/ledger/voucher/>voucherReception", dateFrom=first, dateTo=TOMORROW)
        api.call("GET", "/ledger/voucher/>voucherReception", 422, params={"dateFrom": "x"})
        api.values("/ledger/voucher", dateFrom=first, dateTo=TOMORROW, typeId="1,2")
        payslips = api.values("/salary/payslip", yearFrom=TODAY.year, yearTo=TODAY.year + 1)
        api.call("GET", "/salary/payslip", 400, params=BAD_FIELDS)
        api.value("GET", f"/salary/payslip/{payslips[0]['id']}")
        api.call("GET", f"/salary/payslip/{MISSING_ID}", 404)
        terms = api.values("/vatTermSizeSettings")
        api.call("GET", "/vatTermSizeSettings", 400, params=BAD_FIELDS)
        api.value("GET", f"/vatTermSizeSettings/{terms[0]['id']}")
        api.call("GET", f"/vatTermSizeSettings/{MISSING_ID}", 404)


def _timesheet_months(api: Api) -> None:
    employee = api.values("/employee")[0]["id"]
    month = {"employeeIds": employee, "monthYear": "2026-01"}
    status = api.values("/timesheet/month/byMonthNumber", **month)[0]
    api.call("GET", "/timesheet/month/byMonthNumber", 422, params={"employeeIds": employee})
    api.values("/timesheet/month/byMonthNumberList", employeeIds=employee, monthYearList="2026-01,2026-02")
    api.call("GET", "/timesheet/month/byMonthNumberList", 422, params={"employeeIds": employee})
    api.value("GET", f"/timesheet/month/{status['id']}", params={"fields": "*,timesheetEntries(*)"})
    api.call("GET", f"/timesheet/month/{MISSING_ID}", 404)
    api.call("PUT", "/timesheet/month/:complete", 200, params=month)
    api.call("PUT", "/timesheet/month/:complete", 422, params={"employeeIds": employee})
    api.call("PUT", "/timesheet/month/:approve", 200, params={"id": status["id"]})
    api.call("PUT", "/timesheet/month/:approve", 422, params={**month, "approvedUntilDate": "2026-05-01"})
    activity = next(a["id"] for a in api.values("/activity") if a["name"] == "Administrasjon")
    entry = {"employee": {"id": employee}, "activity": {"id": activity}, "date": "2026-01-05", "hours": 1}
    api.call("POST", "/timesheet/entry", 400, json=entry)  # the approved month is locked
    api.call("PUT", "/timesheet/month/:reopen", 422, params=month)
    api.call("PUT", "/timesheet/month/:unapprove", 200, params=month)
    api.call("PUT", "/timesheet/month/:unapprove", 422, params=month)
    api.call("PUT", "/timesheet/month/:reopen", 200, params={"id": status["id"]})


def _checksum_and_not_emulated(api: Api) -> None:
    first = api.call("GET", "/currency", 200)
    digest = first.json()["versionDigest"]
    api.call("GET", "/currency", 304, headers={"If-None-Match": digest})
    api.call(
        "GET", "/travelExpense", 404, params={"count": 1}
    )  # in the spec, not emulated: a proper envelope


MISSING_ID = 999999999
BAD_FIELDS = {"fields": "noSuchField"}
UNKNOWN_FIELD = [{"noSuchField": 1}]

# Error cases answered by the routes themselves (not the 401 every operation gives a bad token), for
# the operations the scenarios above only drive to success: a missing id → 404, an unknown `fields`
# name → 400/11000, an unknown body field → 422/16000, a bad query value → 422.
ROUTE_ERRORS: list[tuple[str, str, int, dict[str, Any]]] = [
    ("GET", "/activity", 400, {"params": BAD_FIELDS}),
    ("POST", "/activity/list", 422, {"json": UNKNOWN_FIELD}),
    ("GET", f"/activity/{MISSING_ID}", 404, {}),
    ("GET", "/company/>withLoginAccess", 400, {"params": BAD_FIELDS}),
    ("GET", "/customer", 400, {"params": BAD_FIELDS}),
    ("GET", "/department", 400, {"params": BAD_FIELDS}),
    ("POST", "/department/list", 422, {"json": UNKNOWN_FIELD}),
    ("PUT", "/department/list", 404, {"json": [{"id": MISSING_ID, "name": "x"}]}),
    ("GET", "/department/query", 400, {"params": BAD_FIELDS}),
    ("GET", f"/department/{MISSING_ID}", 404, {}),
    ("PUT", f"/department/{MISSING_ID}", 404, {"json": {"name": "x"}}),
    ("GET", "/employee", 400, {"params": BAD_FIELDS}),
    ("POST", "/employee/list", 422, {"json": UNKNOWN_FIELD}),
    ("GET", f"/employee/{MISSING_ID}", 404, {}),
    ("GET", "/employee/employment", 400, {"params": BAD_FIELDS}),
    ("GET", f"/employee/employment/{MISSING_ID}", 404, {}),
    ("GET", "/event/subscription", 400, {"params": BAD_FIELDS}),
    ("DELETE", "/event/subscription/list", 404, {"params": {"ids": str(MISSING_ID)}}),
    ("POST", "/event/subscription/list", 422, {"json": UNKNOWN_FIELD}),
    ("PUT", "/event/subscription/list", 404, {"json": [{"id": MISSING_ID}]}),
    ("GET", f"/event/subscription/{MISSING_ID}", 404, {}),
    ("PUT", f"/event/subscription/{MISSING_ID}", 404, {"json": {"status": "ACTIVE"}}),
    ("GET", "/invoice/paymentType", 400, {"params": BAD_FIELDS}),
    ("GET", f"/invoice/paymentType/{MISSING_ID}", 404, {}),
    ("GET", "/ledger/account", 400, {"params": BAD_FIELDS}),
    ("POST", "/ledger/account/list", 422, {"json": UNKNOWN_FIELD}),
    ("GET", f"/ledger/account/{MISSING_ID}", 404, {}),
    ("PUT", f"/ledger/account/{MISSING_ID}", 404, {"json": {"name": "x"}}),
    ("GET", "/ledger/postingRules", 400, {"params": BAD_FIELDS}),
    ("GET", "/ledger/vatType", 400, {"params": BAD_FIELDS}),
    ("GET", "/ledger/voucher/>externalVoucherNumber", 400, {"params": BAD_FIELDS}),
    ("GET", f"/ledger/voucher/{MISSING_ID}", 404, {}),
    ("POST", "/order/list", 422, {"json": UNKNOWN_FIELD}),
    ("POST", "/order/orderline/list", 422, {"json": UNKNOWN_FIELD}),
    ("DELETE", f"/order/orderline/{MISSING_ID}", 404, {}),
    ("GET", f"/order/orderline/{MISSING_ID}", 404, {}),
    ("PUT", f"/order/orderline/{MISSING_ID}", 404, {"json": {"count": 1}}),
    ("GET", f"/order/{MISSING_ID}", 404, {}),
    ("PUT", f"/order/{MISSING_ID}", 404, {"json": {"reference": "x"}}),
    ("GET", "/product", 400, {"params": BAD_FIELDS}),
    ("GET", "/product/group", 400, {"params": BAD_FIELDS}),
    ("POST", "/product/group/list", 422, {"json": UNKNOWN_FIELD}),
    ("DELETE", f"/product/group/{MISSING_ID}", 404, {}),
    ("PUT", f"/product/group/{MISSING_ID}", 404, {"json": {"name": "x"}}),
    ("POST", "/product/list", 422, {"json": UNKNOWN_FIELD}),
    ("PUT", "/product/list", 404, {"json": [{"id": MISSING_ID, "name": "x"}]}),
    ("GET", f"/product/{MISSING_ID}", 404, {}),
    ("PUT", f"/product/{MISSING_ID}", 404, {"json": {"name": "x"}}),
    ("DELETE", "/project", 404, {"json": [{"id": MISSING_ID}]}),
    ("GET", "/project", 400, {"params": BAD_FIELDS}),
    ("DELETE", "/project/list", 404, {"params": {"ids": str(MISSING_ID)}}),
    ("POST", "/project/list", 422, {"json": UNKNOWN_FIELD}),
    ("PUT", "/project/list", 404, {"json": [{"id": MISSING_ID, "name": "x"}]}),
    ("GET", f"/project/{MISSING_ID}", 404, {}),
    ("PUT", f"/project/{MISSING_ID}", 404, {"json": {"name": "x"}}),
    ("GET", "/timesheet/entry/>totalHours", 422, {"params": {"startDate": "not-a-date"}}),
    ("POST", "/timesheet/entry/list", 422, {"json": UNKNOWN_FIELD}),
    ("PUT", "/timesheet/entry/list", 404, {"json": [{"id": MISSING_ID, "hours": 1}]}),
    ("GET", f"/timesheet/entry/{MISSING_ID}", 404, {}),
    ("PUT", f"/timesheet/entry/{MISSING_ID}", 404, {"json": {"hours": 1}}),
]


def _route_errors(api: Api) -> None:
    for method, path, expect, kwargs in ROUTE_ERRORS:
        api.call(method, path, expect, **kwargs)


def _injected_faults(api: Api, company: SandboxCompany) -> None:
    """The errors the control API injects are answered in the spec's format too (500 and 429; a
    502/503 stands for the gateway in front of Tripletex, whose statuses the spec does not list)."""
    with company.control() as control:
        for status in (500, 429):
            fault = {
                "method": "GET",
                "path": "/v2/currency",
                "kind": "status",
                "status": status,
                "companyId": company.company_id,
            }
            control.post("/faults", json=fault).raise_for_status()
            api.call("GET", "/currency", status)


def _rate_limited(company: SandboxCompany, recorder: Recorder) -> None:
    with company.control() as control:
        control.put(
            "/rate-limit", json={"limit": 3, "period": 3600, "companyId": company.company_id}
        ).raise_for_status()
    with _client(company, recorder) as client:
        statuses = [client.get("/currency").status_code for _ in range(5)]
        assert statuses[0] == 200 and statuses[-1] == 429, statuses
        api = Api(client)
        api.call("GET", "/employee", 429)


def _unauthenticated_everywhere(company: SandboxCompany, recorder: Recorder) -> None:
    """Every emulated operation answers 401 with code 3000 to a bad session token."""
    with httpx.Client(
        base_url=company.base_url, auth=("0", "not-a-session"), event_hooks={"response": [recorder.hook]}
    ) as client:
        for operation in EMULATED:
            path = re.sub(r"\{[^}]+\}", "1", operation.template)
            # A known consumer token with a wrong employee token: 401 (an unknown consumer token is
            # a 422 on the argument, as Tripletex answers; see tests/sandbox/test_fidelity.py).
            params = {"consumerToken": company.consumer_token, "employeeToken": "y", "expirationDate": LATER}
            response = client.request(
                operation.method, path, params=params if "token/session" in path else None
            )
            assert response.status_code == 401, f"{operation}: {response.status_code} {response.text[:200]}"


# --- the run and the checks ------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    responses: list[httpx.Response]


@pytest.fixture(scope="module")
def run(sandbox_server: SandboxServer) -> Iterator[Run]:
    recorder = Recorder()
    company = new_sandbox_company(sandbox_server)
    with _client(company, recorder) as client:
        api = Api(client)
        scenarios: list[Callable[[], object]] = [
            lambda: _token_and_company(api, company, recorder),
            lambda: _customers_and_products(api),
            lambda: _orders_and_invoices(api),
            lambda: _vouchers_and_postings(api, _ledger(api)),
            lambda: _people_and_hours(api),
            lambda: _events_and_currency(api),
            lambda: _foreign_currency(api),
            lambda: _reference_data_contacts_suppliers(api),
            lambda: _timesheet_months(api),
            lambda: _firm_data(sandbox_server, recorder),
            lambda: _checksum_and_not_emulated(api),
            lambda: _injected_faults(api, company),
            lambda: _route_errors(api),
            lambda: _rate_limited(new_sandbox_company(sandbox_server), recorder),
            lambda: _unauthenticated_everywhere(company, recorder),
        ]
        for scenario in scenarios:
            scenario()
    yield Run(recorder.responses)


def _operation(response: httpx.Response) -> Operation | None:
    exchange = Exchange.from_httpx(response)
    try:
        return spec_validator().find_operation(exchange.method, exchange.path)
    except SpecConformanceError:
        return None


def test_every_response_conforms_to_the_spec(run: Run) -> None:
    validator = spec_validator()
    failures: list[str] = []
    for response in run.responses:
        try:
            validator.validate_response(response)
        except SpecConformanceError as error:
            failures.append(str(error))
    assert not failures, f"{len(failures)} of {len(run.responses)} responses do not conform:\n" + "\n".join(
        failures[:40]
    )
    assert len(run.responses) > 2 * len(EMULATED)


def test_the_suite_shows_every_error_status(run: Run) -> None:
    seen = {r.status_code for r in run.responses}
    assert seen >= ERROR_STATUSES_REQUIRED, sorted(ERROR_STATUSES_REQUIRED - seen)


def test_emulated_operations_are_discovered_from_the_app() -> None:
    templates = {(o.method, o.template) for o in EMULATED}
    assert ("GET", "/customer/{id}") in templates
    assert ("PUT", "/order/{id}/:invoice") in templates
    assert ("POST", "/event/subscription") in templates
    assert len(EMULATED) >= 100


@pytest.mark.parametrize("operation", EMULATED, ids=str)
def test_operation_has_a_success_case(run: Run, operation: Operation) -> None:
    statuses = sorted({r.status_code for r in run.responses if _operation(r) == operation})
    assert any(200 <= s < 300 for s in statuses), f"{operation}: no success case (statuses seen: {statuses})"


# Operations whose route has no error of its own to show: only a bad token (401) refuses them.
NO_ROUTE_ERROR = {("GET", "/event")}


@pytest.mark.parametrize("operation", EMULATED, ids=str)
def test_operation_has_an_error_case(run: Run, operation: Operation) -> None:
    """An error answered by the route itself: the 401 (and 429) every operation gives does not count."""
    statuses = {r.status_code for r in run.responses if _operation(r) == operation}
    if (operation.method, operation.template) in NO_ROUTE_ERROR:
        assert 401 in statuses, f"{operation}: no error case"
        return
    assert any(s >= 400 and s not in (401, 429) for s in statuses), (
        f"{operation}: no error case of its own (statuses seen: {sorted(statuses)})"
    )


# --- the validator itself must catch what it claims to catch -------------------------------------------

_HEADERS = {
    "x-tlx-request-id": "req-1",
    "content-type": "application/json",
    "x-rate-limit-limit": "10",
    "x-rate-limit-remaining": "9",
    "x-rate-limit-reset": "60",
}


@pytest.mark.parametrize(
    ("status", "body", "headers", "problem"),
    [
        (200, b'{"value":{"id":"7"}}', _HEADERS, "is not of type 'integer'"),
        (200, b'{"value":{"id":7,"shoeSize":44}}', _HEADERS, "$.value.shoeSize"),
        (
            200,
            b'{"value":{"id":7}}',
            {k: v for k, v in _HEADERS.items() if k != "x-tlx-request-id"},
            "x-tlx-request-id",
        ),
        (
            200,
            b'{"value":{"id":7}}',
            {k: v for k, v in _HEADERS.items() if k != "x-rate-limit-limit"},
            "rate-limit",
        ),
        (404, b'{"status":404,"code":3000,"message":"m","requestId":"req-1"}', _HEADERS, "code 3000"),
        (404, b'{"status":400,"code":6000,"message":"m","requestId":"req-1"}', _HEADERS, "status 400"),
        (404, b'{"status":404,"code":6000,"message":"m","requestId":"other"}', _HEADERS, "requestId"),
        (404, b'{"status":404,"code":6000,"message":"","requestId":"req-1"}', _HEADERS, "message"),
        (304, b'{"values":[]}', _HEADERS, "no body"),
        (200, b"not json", _HEADERS, "not JSON"),
    ],
)
def test_validator_rejects(status: int, body: bytes, headers: dict[str, str], problem: str) -> None:
    exchange = Exchange("GET", "/v2/customer/7", status, headers, body)
    with pytest.raises(SpecConformanceError, match=re.escape(problem)):
        spec_validator().validate(exchange)


def test_validator_accepts_nulls_and_finds_operations() -> None:
    validator = spec_validator()
    ok = Exchange("GET", "/v2/customer/7", 200, _HEADERS, b'{"value":{"id":7,"accountManager":null}}')
    assert validator.validate(ok).operation_id == "Customer_get"
    assert validator.find_operation("POST", "/v2/customer/list").template == "/customer/list"
    with pytest.raises(SpecConformanceError, match="no such path"):
        validator.find_operation("GET", "/v2/nowhere")
