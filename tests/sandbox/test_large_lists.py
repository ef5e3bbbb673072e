"""The sandbox's help for lists above Tripletex's 10,000-row limit: customers put in through the
control API as if made through the API, a company's own smaller limit, and ``customerAccountNumber``
as the list the spec says it is."""

from __future__ import annotations

from tests.fixtures.sandbox import SandboxCompany


def test_bulk_customers_a_company_limit_and_number_lists(sandbox_company: SandboxCompany) -> None:
    with sandbox_company.control() as control, sandbox_company.client() as api:
        made = control.post(
            f"/companies/{sandbox_company.company_id}/customers",
            json={"count": 12, "namePrefix": "Bulk", "inactiveEvery": 4},
        ).json()
        rows = api.get("/customer", params={"fields": "id,version,name,customerNumber,isInactive"}).json()
        values = rows["values"]
        assert [v["id"] for v in values] == list(range(made["firstId"], made["lastId"] + 1))
        assert [v["customerNumber"] for v in values] == list(range(10_000, 10_012))
        assert [v["name"] for v in values][:2] == ["Bulk 1", "Bulk 2"]
        assert sum(v["isInactive"] for v in values) == 3 and {v["version"] for v in values} == {0}
        # An API-made customer takes the next free number.
        made_one = api.post("/customer", json={"name": "Etter"}).json()["value"]
        assert made_one["customerNumber"] == 10_012

        listed = api.get("/customer", params={"customerAccountNumber": "10001,10003,10099", "fields": "name"})
        assert [v["name"] for v in listed.json()["values"]] == ["Bulk 2", "Bulk 4"]

        control.put(f"/companies/{sandbox_company.company_id}/limits", json={"maxResultSize": 5})
        refused = api.get("/customer", params={"fields": "id", "count": 1})
        assert refused.status_code == 422 and refused.json()["code"] == 23000
        assert api.get("/customer", params={"isInactive": True}).status_code == 200  # 3 rows
        control.put(f"/companies/{sandbox_company.company_id}/limits", json={"maxResultSize": None})
        assert api.get("/customer", params={"fields": "id"}).status_code == 200
