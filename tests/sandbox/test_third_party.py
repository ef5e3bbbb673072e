"""A Tripletex client nobody here wrote, run unchanged against the sandbox over real HTTP.

The client is the PyPI package ``tripletex`` (0.1.8, pinned in the dev dependencies; built on
crudclient and requests), pointed at the sandbox by its own configuration class. Each test uses one of
the calls it supports. A failure is a sandbox bug unless the client is shown to be wrong against the
spec and public evidence of the real API; the tests that pin such a client fault say so and assert the
client's own error, so a sandbox change that made them pass or fail differently is noticed.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from crudclient.exceptions import DataValidationError
from pydantic import ValidationError
from tripletex.core.api import TripletexAPI
from tripletex.core.client import TripletexClient
from tripletex.core.config import TripletexConfig

from tests.fixtures.sandbox import SandboxCompany, oslo_today
from txbridge.sandbox.server import SandboxServer

WIDE = {"dateFrom": "2000-01-01", "dateTo": "2100-01-01"}


def _config(company: SandboxCompany) -> TripletexConfig:
    """The package's own configuration class, with the sandbox as host (as a user would subclass
    it for api-test.tripletex.tech)."""

    class SandboxConfig(TripletexConfig):
        hostname = company.base_url.removesuffix("v2")
        consumer_token = company.consumer_token
        employee_token = company.employee_token

    return SandboxConfig()


@pytest.fixture
def api(sandbox_company: SandboxCompany) -> Iterator[TripletexAPI]:
    yield TripletexAPI(client=TripletexClient(config=_config(sandbox_company)))


def test_session_is_created_with_a_test_environment_token(
    api: TripletexAPI, sandbox_company: SandboxCompany
) -> None:
    company = api.company.read(str(sandbox_company.company_id))
    assert company.id == sandbox_company.company_id and company.name
    config = api.client.config
    assert isinstance(config, TripletexConfig)
    assert config.session_token is not None and config.session_token.startswith("test-")
    assert config.session_expires_at is not None and config.session_expires_at.date() > oslo_today()


def test_departments_list_read_create_update(api: TripletexAPI) -> None:
    first = api.departments.list().values[0]
    read = api.departments.read(str(first.id))
    assert (read.id, read.name) == (first.id, first.name)
    made = api.departments.create({"name": "Salg"})
    assert made.id and made.name == "Salg"
    changed = api.departments.update(str(made.id), {"name": "Salg og marked"})
    assert (changed.id, changed.name, changed.version) == (made.id, "Salg og marked", made.version + 1)
    assert {d.id for d in api.departments.list().values} >= {first.id, made.id}


def test_employees_list_read_create(api: TripletexAPI) -> None:
    owner = api.employee.list()[0]
    assert api.employee.read(str(owner.id)).id == owner.id
    department = api.departments.list().values[0]
    made = api.employee.create(
        {
            "firstName": "Ola",
            "lastName": "Nordmann",
            "email": "ola@example.no",
            # The client's EmployeeCreate wants the department as {id, url}, as a GET answers it.
            "department": {"id": department.id, "url": department.url},
        }
    )
    assert made.id and made.department.id == department.id
    assert made.id in {e.id for e in api.employee.list()}
    # Client fault, not the sandbox's: its Employee model has snake_case fields without aliases
    # (first_name, no alias "firstName"), so names read back as None from any Tripletex — the spec
    # and every real answer use camelCase.
    assert made.first_name is None


def test_projects_read_with_the_manager_expanded(api: TripletexAPI, sandbox_company: SandboxCompany) -> None:
    manager = api.employee.list()[0]
    # Client fault: its Project model wants projectManager as a whole Employee (department
    # required), but Tripletex answers a reference {id, url} unless `fields` expands it (the spec's
    # «Fields» section: just `project` returns {"id", "url"}). Creating fails on reading the answer…
    with pytest.raises(DataValidationError) as refused:
        api.projects.create({"name": "Oppussing", "projectManager": {"id": manager.id}})
    assert "projectManager.department" in str(refused.value.pydantic_error)
    # …after the project was created; read with the manager expanded, the client reads it.
    projects = api.projects.list(params={"fields": "*,projectManager(*)"}).values
    assert [(p.name, p.project_manager.id if p.project_manager else None) for p in projects] == [
        ("Oppussing", manager.id)
    ]


def test_activities(api: TripletexAPI) -> None:
    activities = api.activities.list().values
    assert activities and all(a.id and a.name for a in activities)


def test_ledger_accounts_and_vat_types(api: TripletexAPI) -> None:
    accounts = api.ledger.account.list().values
    assert len(accounts) > 50
    bank = api.ledger.account.get_by_number_or_404("1920")
    assert bank.number == 1920 and bank.id in {a.id for a in accounts}
    assert api.ledger.account.search(number="1920").values[0].id == bank.id
    vat_types = api.ledger.vat_type.list().values
    high = api.ledger.vat_type.find_by_number_or_404("3")
    assert high.percentage == 25 and high.id in {v.id for v in vat_types}
    rules = api.ledger.posting_rules.list().value
    assert rules.id


def test_postings_and_vouchers_of_an_invoice(api: TripletexAPI, sandbox_company: SandboxCompany) -> None:
    # The package has no invoice calls: the invoice is made with plain HTTP, then read through it.
    today = date.today().isoformat()
    with sandbox_company.client() as http:
        customer = http.post("/customer", json={"name": "Kunde AS"}).json()["value"]
        invoice = http.post(
            "/invoice",
            json={
                "invoiceDate": today,
                "invoiceDueDate": today,
                "customer": {"id": customer["id"]},
                "orders": [
                    {
                        "customer": {"id": customer["id"]},
                        "orderDate": today,
                        "deliveryDate": today,
                        "orderLines": [
                            {"description": "Timer", "count": 2, "unitPriceExcludingVatCurrency": 500}
                        ],
                    }
                ],
            },
        )
        assert invoice.status_code == 201, invoice.text
        voucher_id = invoice.json()["value"]["voucher"]["id"]
    postings = api.ledger.posting.list(params=WIDE).values
    assert {p.voucher.id for p in postings if p.voucher} == {voucher_id}
    assert sum(p.amount for p in postings) == 0 and len(postings) >= 3
    vouchers = api.ledger.voucher.list(params=WIDE)
    assert [v.id for v in vouchers.values] == [voucher_id]


def test_login_access_is_a_client_fault(api: TripletexAPI, sandbox_server: SandboxServer) -> None:
    # Client fault: get_with_login_access() validates the answer as TripletexResponse[List[Company]],
    # i.e. each value a list; the spec (ListResponseClient) and Tripletex answer one object per value.
    with pytest.raises(ValidationError) as refused:
        api.company.get_with_login_access()
    assert refused.value.errors()[0]["type"] == "list_type"


def _raw(company: SandboxCompany, path: str, **params: Any) -> dict[str, Any]:
    with company.client() as http:
        answer: dict[str, Any] = http.get(path, params=params).json()
        return answer


def test_what_the_client_reads_is_what_the_sandbox_answered(
    api: TripletexAPI, sandbox_company: SandboxCompany
) -> None:
    # The typed values the client produced are the sandbox's own answer, not defaults of its models.
    raw = _raw(sandbox_company, "/ledger/vatType", number="3")["values"][0]
    typed = api.ledger.vat_type.find_by_number_or_404("3")
    assert (typed.id, typed.name, typed.percentage) == (raw["id"], raw["name"], raw["percentage"])
    assert typed.url.endswith(f"/ledger/vatType/{raw['id']}")


def test_voucher_types_and_a_voucher_made_through_the_client(api: TripletexAPI) -> None:
    voucher_type = api.ledger.voucher_type.list().values[0]
    bank = api.ledger.account.get_by_number_or_404("1920")
    cash = api.ledger.account.get_by_number_or_404("1900")
    made = api.ledger.voucher.create(
        {
            "date": date.today().isoformat(),
            "description": "Kontantinnskudd",
            "voucherType": {"id": voucher_type.id},
            "postings": [
                {
                    "description": "Inn",
                    "account": {"id": bank.id},
                    "amount": 100,
                    "amountGross": 100,
                    "row": 1,
                },
                {
                    "description": "Ut",
                    "account": {"id": cash.id},
                    "amount": -100,
                    "amountGross": -100,
                    "row": 2,
                },
            ],
        }
    )
    assert made.id and made.description == "Kontantinnskudd"
    assert made.id in {v.id for v in api.ledger.voucher.list(params=WIDE).values}
    postings = api.ledger.posting.list(params=WIDE).values
    assert sorted(
        (p.account.id, p.amount) for p in postings if p.voucher and p.voucher.id == made.id
    ) == sorted([(bank.id, 100), (cash.id, -100)])


def test_countries_and_suppliers(api: TripletexAPI) -> None:
    countries = api.country.list().values
    assert any(c.name for c in countries)
    supplier = api.suppliers.create({"name": "Leverandør AS"})
    assert supplier.id and supplier.name == "Leverandør AS"
    assert supplier.id in {s.id for s in api.suppliers.list().values}
