"""Behaviours a client written by someone else relies on, each pinned to the public source it was
taken from (issue 8): every property in a default answer, Jackson's coercions, inline children,
spec paths that are not emulated, session token shape, error and list envelopes, all failing fields
at once, session errors. Over real HTTP on loopback.
"""

from __future__ import annotations

import base64
import json
import re
from datetime import timedelta
from typing import Any

import httpx
import pytest

from tests.fixtures.sandbox import SandboxCompany, new_sandbox_company, oslo_today
from tests.sandbox.test_spec_conformance import emulated_operations
from txbridge.sandbox.firm import seed_bookkeeping
from txbridge.sandbox.server import SandboxServer
from txbridge.sandbox.spec_index import SpecIndex, load_index

TODAY = oslo_today().isoformat()
WIDE = {"from": "2000-01-01", "to": "2100-01-01"}
ERROR_FIELDS = ["status", "code", "message", "link", "developerMessage", "validationMessages", "requestId"]
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    value: dict[str, Any] = response.json()["value"]
    return value


def error_of(response: httpx.Response, status: int, code: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    # Tripletex's ApiError, every field present (null where empty), in its order.
    assert list(body) == ERROR_FIELDS
    assert (body["status"], body["code"]) == (status, code)
    assert body["requestId"] == response.headers["x-tlx-request-id"] and UUID.fullmatch(body["requestId"])
    for message in body["validationMessages"] or []:
        assert list(message) == ["field", "message", "path", "rootId"]
    return body


def department_id(client: httpx.Client) -> int:
    found: int = client.get("/department", params={"count": 1}).json()["values"][0]["id"]
    return found


# --- every property of the spec in a default answer ---------------------------------------------


def _world(client: httpx.Client) -> dict[str, int | str]:
    """One object of each kind an emulated GET answers, so every answer has something to show."""
    owner = client.get("/token/session/>whoAmI").json()["value"]["employeeId"]
    employee = created(
        client.post(
            "/employee",
            json={
                "firstName": "Kari",
                "lastName": "Nordmann",
                "department": {"id": department_id(client)},
                "employments": [{"startDate": "2026-01-01"}],
            },
        )
    )
    customer = created(client.post("/customer", json={"name": "Kunde AS"}))
    product = created(client.post("/product", json={"name": "Vare", "priceExcludingVatCurrency": 100}))
    created(client.post("/product/group", json={"name": "Gruppe"}))
    project = created(
        client.post(
            "/project",
            json={"name": "Prosjekt", "projectManager": {"id": owner}, "customer": {"id": customer["id"]}},
        )
    )
    order = created(
        client.post(
            "/order",
            json={
                "customer": {"id": customer["id"]},
                "orderDate": TODAY,
                "deliveryDate": TODAY,
                "orderLines": [{"product": {"id": product["id"]}, "count": 1}],
            },
        )
    )
    invoiced = client.put(f"/order/{order['id']}/:invoice", params={"invoiceDate": TODAY})
    assert invoiced.status_code == 200, invoiced.text
    invoice = invoiced.json()["value"]
    payment_type = client.get("/invoice/paymentType").json()["values"][0]["id"]
    paid = client.put(
        f"/invoice/{invoice['id']}/:payment",
        params={"paymentDate": TODAY, "paymentTypeId": payment_type, "paidAmount": invoice["amount"]},
    )
    assert paid.status_code == 200, paid.text
    unpaid = client.post(
        "/invoice",
        json={
            "invoiceDate": TODAY,
            "invoiceDueDate": TODAY,
            "customer": {"id": customer["id"]},
            "orders": [
                {
                    "customer": {"id": customer["id"]},
                    "orderDate": TODAY,
                    "deliveryDate": TODAY,
                    "orderLines": [{"product": {"id": product["id"]}, "count": 3}],
                }
            ],
        },
    )
    assert unpaid.status_code == 201, unpaid.text  # an open customer posting
    for path, body in (
        ("/contact", {"firstName": "Kontakt", "customer": {"id": customer["id"]}}),
        ("/supplier", {"name": "Leverandør AS"}),
    ):
        # Resources emulated by another part of the work: created where they exist (404/6000 «not
        # emulated» otherwise, and then no GET of theirs is served to check either).
        made = client.post(path, json=body)
        assert made.status_code in (201, 404), made.text
    activity = client.get("/activity", params={"count": 1}).json()["values"][0]
    created(
        client.post(
            "/timesheet/entry",
            json={
                "employee": {"id": employee["id"]},
                "activity": {"id": activity["id"]},
                "date": TODAY,
                "hours": 1.5,
            },
        )
    )
    accounts = {
        a["number"]: a["id"]
        for a in client.get("/ledger/account", params={"number": "1920,1900"}).json()["values"]
    }
    created(
        client.post(
            "/ledger/voucher",
            json={
                "date": TODAY,
                "description": "Kontantinnskudd",
                "externalVoucherNumber": "EXT-1",
                "postings": [
                    {"account": {"id": accounts[1920]}, "amountGross": 100, "row": 1},
                    {"account": {"id": accounts[1900]}, "amountGross": -100, "row": 2},
                ],
            },
        )
    )
    created(
        client.post(
            "/event/subscription",
            json={"event": "product.create", "targetUrl": "https://example.invalid/hook"},
        )
    )
    return {"projectId": project["id"], "externalVoucherNumber": "EXT-1"}


def _answer_schema(index: SpecIndex, template: str) -> tuple[str | None, bool]:
    """(object schema, is a list) of a GET operation's answer, from the spec."""
    raw = _spec_get(template)
    response = raw["responses"].get("200") or raw["responses"]["default"]
    wrapper = response["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    props = index.schemas[wrapper].props
    if "values" in props:
        return props["values"].ref, True
    return props["value"].ref, False


_SPEC: dict[str, Any] = {}


def _spec_get(template: str) -> dict[str, Any]:
    if not _SPEC:
        from txbridge.sandbox.spec_index import spec_text

        _SPEC.update(json.loads(spec_text())["paths"])
    get: dict[str, Any] = _SPEC[template]["get"]
    return get


def _owner_schema(index: SpecIndex, template: str) -> str:
    """The schema whose id fills ``{id}`` in ``/x/{id}[/...]``, from the spec's own paths."""
    prefix = template[1:].split("/{", 1)[0]
    return next(schema for schema, path in index.url_paths.items() if path == prefix)


def _fill(index: SpecIndex, template: str, server: SandboxServer, company_id: int) -> str:
    tables = server.state.companies[company_id].tables

    def one(match: re.Match[str]) -> str:
        if match.group(1) == "eventType":
            return "product.create"
        schema = _owner_schema(index, template)
        if schema == "Company":
            return str(company_id)
        rows = tables.get(schema) or {}
        assert rows, f"no {schema} to fill {template} with"
        return str(next(iter(rows)))

    return re.sub(r"\{([^}]+)\}", one, template)


def _query(template: str, world: dict[str, int | str], tables: dict[str, Any]) -> dict[str, str | int]:
    """The operation's required query parameters (date ranges wide open), and the one a summary
    path is named after (``/ledger/voucher/>externalVoucherNumber``)."""
    params: dict[str, str | int] = {}
    for param in _spec_get(template).get("parameters", []):
        name = param["name"]
        if param["in"] != "query" or not (param.get("required") or template.endswith(">" + name)):
            continue
        if name in world:
            params[name] = world[name]
        elif name.endswith(("Id", "Ids")):
            kind = name.removesuffix("s").removesuffix("Id")
            params[name] = next(iter(tables[kind[0].upper() + kind[1:]]))
        elif name.startswith("monthYear"):
            params[name] = TODAY[:7]
        elif name.endswith("From"):
            params[name] = WIDE["from"]
        elif name.endswith("To"):
            params[name] = WIDE["to"]
        else:
            params[name] = TODAY
    return params


def test_every_emulated_get_answers_every_property_of_the_spec(
    sandbox_server: SandboxServer, sandbox_company: SandboxCompany
) -> None:
    # Tripletex answers a GET without `fields` with every field of the object (null or the default
    # where unset; issue 8, seen on api-test: e.g. a department's `"departmentManager":null`).
    index = load_index()
    with sandbox_company.client() as client:
        world = _world(client)
        # Bank statements, payslips, VAT terms, the voucher reception: an accounting firm's reads.
        seed_bookkeeping(sandbox_server.state, sandbox_company.company_id, [TODAY[:7]])
        checked = 0
        for operation in emulated_operations():
            if operation.method != "GET":
                continue
            schema, is_list = _answer_schema(index, operation.template)
            if schema is None or not index.schemas[schema].props:
                continue  # a number or a map: no properties to have
            path = _fill(index, operation.template, sandbox_server, sandbox_company.company_id)
            tables = sandbox_server.state.companies[sandbox_company.company_id].tables
            response = client.get(path, params=_query(operation.template, world, tables))
            assert response.status_code == 200, f"{operation}: {response.text[:300]}"
            body = response.json()
            objects = body["values"] if is_list else [body["value"]]
            assert objects, f"{operation}: nothing to check"
            declared = set(index.schemas[schema].props)
            for value in objects:
                missing = declared - set(value)
                assert not missing, f"{operation}: {schema} answered without {sorted(missing)}"
                if schema in index.url_paths and value.get("id") is not None:
                    assert value["url"].endswith(f"/{index.url_paths[schema]}/{value['id']}"), operation
            checked += 1
    assert checked >= 40


def test_defaults_are_tripletex_s_and_fields_still_choose(sandbox_client: httpx.Client) -> None:
    customer = created(sandbox_client.post("/customer", json={"name": "Ny Kunde AS"}))
    # Unset: text "", number 0, flag false, list [], reference and date null.
    assert customer["organizationNumber"] == "" and customer["invoicesDueIn"] == 14
    assert customer["isPrivateIndividual"] is False and customer["accountManager"] is None
    assert customer["category1"] is None and customer["changes"] == []
    chosen = sandbox_client.get(f"/customer/{customer['id']}", params={"fields": "id,accountManager"})
    assert chosen.json()["value"] == {"id": customer["id"], "accountManager": None}
    nested = sandbox_client.get(
        "/customer", params={"fields": "id,deliveryAddress(id,addressLine1)", "id": customer["id"]}
    ).json()["values"][0]
    assert set(nested) == {"id", "deliveryAddress"}


def test_list_envelope_has_every_field(sandbox_client: httpx.Client) -> None:
    # The spec's «Response envelope»: fullResultSize, from, count, versionDigest («null if no
    # result»), values.
    empty = sandbox_client.get("/customer", params={"name": "ingen slik"}).json()
    assert list(empty) == ["fullResultSize", "from", "count", "versionDigest", "values"]
    assert empty["versionDigest"] is None and empty["values"] == []


# --- Jackson's coercions -----------------------------------------------------------------------


def test_text_numbers_and_numbers_as_text_are_read_as_jackson_reads_them(
    sandbox_client: httpx.Client,
) -> None:
    # Tripletex parses bodies with Jackson, whose defaults coerce scalars (issue 8: Tripletex's own
    # examples/python3 sends the CSV's percentageOfFullTimeEquivalent "100" as text).
    product = created(
        sandbox_client.post(
            "/product", json={"name": "Tekst", "priceExcludingVatCurrency": "100.50", "number": 1234}
        )
    )
    assert product["priceExcludingVatCurrency"] == 100.5 and product["number"] == "1234"
    customer = created(
        sandbox_client.post(
            "/customer",
            json={
                "name": "Tall",
                "organizationNumber": 923609016,
                "invoicesDueIn": "14",
                "isPrivateIndividual": "false",
            },
        )
    )
    assert customer["organizationNumber"] == "923609016" and customer["invoicesDueIn"] == 14
    assert customer["isPrivateIndividual"] is False


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "X", "invoicesDueIn": "fjorten"}, "invoicesDueIn"),
        ({"name": "X", "invoicesDueIn": True}, "invoicesDueIn"),
        ({"name": {"nb": "X"}}, "name"),
        ({"name": "X", "isPrivateIndividual": "kanskje"}, "isPrivateIndividual"),
    ],
)
def test_what_jackson_refuses_is_a_mapping_error(
    sandbox_client: httpx.Client, body: dict[str, Any], field: str
) -> None:
    # Tripletex: 422/16000 «Request mapping failed», «Verdien er ikke av korrekt type for dette
    # feltet.» with the field in `field` and `path` (public logs of real answers, 2026-03).
    error = error_of(sandbox_client.post("/customer", json=body), 422, 16000)
    assert error["message"] == "Request mapping failed"
    [message] = error["validationMessages"]
    assert (message["field"], message["path"]) == (field, field)
    assert message["message"] == "Verdien er ikke av korrekt type for dette feltet."


def test_tripletex_python3_example_creates_employees(sandbox_client: httpx.Client) -> None:
    # Tripletex/tripletex-api2 examples/python3/main.py create_emps(): every CSV value is text.
    payload = {
        "firstName": "Dave",
        "lastName": "Lister",
        "email": "dave_lister@reddwarf.com",
        "dateOfBirth": "1990-10-14",
        "userType": "STANDARD",
        "department": {"id": department_id(sandbox_client)},
        "employments": [
            {"startDate": "2020-01-01", "employmentDetails": [{"percentageOfFullTimeEquivalent": "100"}]}
        ],
    }
    employee = created(sandbox_client.post("/employee", json=payload))
    [employment] = employee["employments"]
    assert set(employment) == {"id", "url"} and employment["url"].endswith(
        f"/employee/employment/{employment['id']}"
    )
    # The child exists: read back with its own details created too, pointing at its employee.
    stored = sandbox_client.get(
        f"/employee/employment/{employment['id']}", params={"fields": "*,employmentDetails(*)"}
    ).json()["value"]
    assert stored["employee"]["id"] == employee["id"] and stored["startDate"] == "2020-01-01"
    assert stored["employmentDetails"][0]["percentageOfFullTimeEquivalent"] == 100


# --- inline children ----------------------------------------------------------------------------


def test_inline_children_are_created_and_answered_as_references(sandbox_client: httpx.Client) -> None:
    # Tripletex creates children sent inline without an id and answers references (issue 8:
    # POST /employee with employments:[{startDate}] on api-test answers {id, url}).
    owner = sandbox_client.get("/token/session/>whoAmI").json()["value"]["employeeId"]
    project = created(
        sandbox_client.post(
            "/project",
            json={
                "name": "Med deltakere",
                "projectManager": {"id": owner},
                "participants": [{"employee": {"id": owner}, "adminAccess": True}],
            },
        )
    )
    [participant] = project["participants"]
    assert set(participant) == {"id", "url"} and participant["url"].endswith(
        f"/project/participant/{participant['id']}"
    )
    expanded = sandbox_client.get(
        f"/project/{project['id']}", params={"fields": "participants(id,employee,adminAccess,project)"}
    ).json()["value"]["participants"][0]
    assert expanded["employee"]["id"] == owner and expanded["adminAccess"] is True
    assert expanded["project"]["id"] == project["id"]


# --- spec paths that are not emulated -----------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "operation_id"),
    [
        ("GET", "/customer/category", "CustomerCategory_search"),
        ("GET", "/product/unit", "ProductUnit_search"),
        ("GET", "/employee/employment/details", "EmployeeEmploymentDetails_search"),
        ("GET", "/invoice/details", "InvoiceDetails_search"),
        ("GET", "/order/orderGroup", "OrderOrderGroup_search"),
        ("GET", "/project/category", "ProjectCategory_search"),
        ("GET", "/ledger/voucher/>nonPosted", "LedgerVoucherNonPosted_nonPosted"),
        ("POST", "/customer/category", "CustomerCategory_post"),
    ],
)
def test_a_literal_spec_path_is_not_emulated_not_a_bad_id(
    sandbox_client: httpx.Client, method: str, path: str, operation_id: str
) -> None:
    # The spec's own paths, literal before {id}: answered «not emulated» naming the operation
    # (README, Sandbox), never «Input should be a valid integer».
    error = error_of(sandbox_client.request(method, path), 404, 6000)
    assert f"{method} /v2{path} ({operation_id})" in error["developerMessage"]
    assert "not emulated" in error["developerMessage"]


def test_a_known_path_with_another_method_is_400_4000_as_tripletex_answers(
    sandbox_client: httpx.Client,
) -> None:
    # Public logs of real answers (2026-03): GET /order/orderline → 400/4000 «HTTP 405 Method Not
    # Allowed», validationMessages null.
    error = error_of(sandbox_client.get("/order/orderline"), 400, 4000)
    assert error["message"] == "HTTP 405 Method Not Allowed" and error["validationMessages"] is None


# --- session tokens and session errors ----------------------------------------------------------


def test_session_tokens_have_the_test_environment_s_shape(sandbox_company: SandboxCompany) -> None:
    for _ in range(20):
        token = sandbox_company.create_session()
        # Tripletex's changelog (2020-03-17): test-environment tokens start with "test-" — and the
        # bash example's check (examples/bash/authentication/example.sh) wants a dash.
        assert token.startswith("test-") and "-" in token
        # The rest is base64 of {"tokenId":<ten digits>,"token":"<uuid>"}, as real tokens in public
        # code (eyJ0b2tlbklkIjoyMTQ3NjI4NDYx…).
        inner = json.loads(base64.b64decode(token.removeprefix("test-")))
        assert list(inner) == ["tokenId", "token"] and len(str(inner["tokenId"])) == 10
        assert UUID.fullmatch(inner["token"])


def _create(company: SandboxCompany, **params: str) -> httpx.Response:
    defaults = {
        "consumerToken": company.consumer_token,
        "employeeToken": company.employee_token,
        "expirationDate": (oslo_today() + timedelta(days=2)).isoformat(),
    }
    return httpx.put(f"{company.base_url}/token/session/:create", params={**defaults, **params})


def test_unknown_or_production_consumer_token_is_422_on_the_argument(sandbox_company: SandboxCompany) -> None:
    # Tripletex/tripletex-api2 issue #53 (2022): a production consumer token on the test
    # environment → 422/18000, field and path "arg:consumerToken".
    error = error_of(_create(sandbox_company, consumerToken="eyJ0b2tlbklkIjoxfQ"), 422, 18000)
    assert error["message"] == "Validering feilet."
    assert error["validationMessages"] == [
        {
            "field": "arg:consumerToken",
            "message": "The consumer token is invalid or does not exist.",
            "path": "arg:consumerToken",
            "rootId": None,
        }
    ]


def test_wrong_employee_token_and_calls_after_delete_are_401_3000(sandbox_company: SandboxCompany) -> None:
    # The spec's error table: 401/3000 «When authentication is required and has failed»; the
    # envelope as real 401s show it (a public client's comment quoting {"status":401,"code":3000,
    # …,"validationMessages":null,"requestId":…}).
    error_of(_create(sandbox_company, employeeToken="test-not-the-token"), 401, 3000)
    token = sandbox_company.create_session()
    with sandbox_company.client(token) as client:
        assert client.delete(f"/token/session/{token}").status_code == 204
        body = error_of(client.get("/customer"), 401, 3000)
        assert body["validationMessages"] is None


def test_missing_session_arguments_are_named_together(sandbox_server: SandboxServer) -> None:
    company = new_sandbox_company(sandbox_server)
    response = httpx.put(f"{company.base_url}/token/session/:create")
    error = error_of(response, 422, 15000)
    assert [m["field"] for m in error["validationMessages"]] == [
        "consumerToken",
        "employeeToken",
        "expirationDate",
    ]


# --- every failing field at once ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "names"),
    [
        ("/order", ["orderDateFrom", "orderDateTo"]),
        ("/invoice", ["invoiceDateFrom", "invoiceDateTo"]),
        ("/ledger/posting", ["dateFrom", "dateTo"]),
        ("/ledger/voucher", ["dateFrom", "dateTo"]),
        ("/timesheet/entry", ["dateFrom", "dateTo"]),
    ],
)
def test_a_search_without_its_date_range_names_both_dates(
    sandbox_client: httpx.Client, path: str, names: list[str]
) -> None:
    # Public logs of real answers (2026-03): GET /order without dates → 422/15000 «Validation failed»,
    # developerMessage null, both fields «Kan ikke være null.».
    error = error_of(sandbox_client.get(path), 422, 15000)
    assert error["message"] == "Validation failed" and error["developerMessage"] is None
    assert [(m["field"], m["message"]) for m in error["validationMessages"]] == [
        (name, "Kan ikke være null.") for name in names
    ]


def test_an_employee_without_name_and_department_is_refused_naming_each(sandbox_client: httpx.Client) -> None:
    # Public logs of real answers (2026-03): POST /employee without a department → 422/18000
    # «Validering feilet.», developerMessage VALIDATION_ERROR, department.id «Feltet må fylles ut.».
    error = error_of(sandbox_client.post("/employee", json={"email": "a@b.no"}), 422, 18000)
    assert (error["message"], error["developerMessage"]) == ("Validering feilet.", "VALIDATION_ERROR")
    assert [(m["field"], m["message"]) for m in error["validationMessages"]] == [
        ("firstName", "Feltet må fylles ut."),
        ("lastName", "Feltet må fylles ut."),
        ("department.id", "Feltet må fylles ut."),
    ]


def test_a_webhook_subscription_names_both_missing_fields(sandbox_client: httpx.Client) -> None:
    # event and targetUrl are what a subscription needs (Tripletex/tripletex-api2 docs/webhooks);
    # the nulls of a body are reported together, 18000 «Kan ikke være null.» (public logs of real
    # answers, 2026-03: POST /ledger/voucher without postings).
    error = error_of(sandbox_client.post("/event/subscription", json={"fields": "id"}), 422, 18000)
    assert [(m["field"], m["message"]) for m in error["validationMessages"]] == [
        ("event", "Kan ikke være null."),
        ("targetUrl", "Kan ikke være null."),
    ]


def test_a_payment_without_its_parameters_names_each(sandbox_client: httpx.Client) -> None:
    # Query parameters as Tripletex checks them (the date-range evidence above): one 15000 naming all.
    error = error_of(sandbox_client.put("/invoice/1/:payment"), 422, 15000)
    assert [m["field"] for m in error["validationMessages"]] == ["paymentDate", "paymentTypeId", "paidAmount"]


def test_bank_account_numbers_need_their_check_digit(sandbox_client: httpx.Client) -> None:
    # Norwegian account numbers carry a MOD11 check digit (python-stdnum no.kontonr); Tripletex
    # refuses one that fails it (issue 8's observation of the real API; the message is the sandbox's).
    bank = sandbox_client.get("/ledger/account", params={"number": "1920"}).json()["values"][0]
    refused = sandbox_client.put(f"/ledger/account/{bank['id']}", json={"bankAccountNumber": "1503.56.12341"})
    assert error_of(refused, 422, 18000)["validationMessages"][0]["field"] == "bankAccountNumber"
    accepted = sandbox_client.put(
        f"/ledger/account/{bank['id']}", json={"bankAccountNumber": "1503.56.12340"}
    )
    assert accepted.status_code == 200 and accepted.json()["value"]["bankAccountNumber"] == "15035612340"


def test_a_timesheet_entry_without_its_fields_names_each(sandbox_client: httpx.Client) -> None:
    # Every missing required field together (the same public evidence as the date ranges above).
    error = error_of(sandbox_client.post("/timesheet/entry", json={"comment": "x"}), 422, 15000)
    assert [m["field"] for m in error["validationMessages"]] == [
        "employee.id",
        "activity.id",
        "date",
        "hours",
    ]
