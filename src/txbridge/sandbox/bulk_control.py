"""Control API for large data sets (``/_sandbox/companies/{id}/…``): tens of thousands of customers
put straight into a company's state, as if made one by one through the API (numbers, versions,
change times), so a test of Tripletex's 10,000-row limit does not spend minutes on POSTs; and a
company's own row limit, so the same windows can be shown with small data."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field

from txbridge.sandbox.resources.customer import _DEFAULTS, FIRST_CUSTOMER_NUMBER, SCHEMA
from txbridge.sandbox.state import CompanyState, SandboxState

router = APIRouter(prefix="/_sandbox/companies/{company_id}")
#: ``company.extra`` key of a company's own result-size limit (Tripletex's is 10,000 for all).
MAX_RESULT_SIZE_KEY = "max_result_size"


def _company(request: Request, company_id: int) -> tuple[SandboxState, CompanyState]:
    state: SandboxState = request.app.state.sandbox
    company = state.companies.get(company_id)
    if company is None:
        raise HTTPException(404, f"no company {company_id}")
    return state, company


class BulkCustomers(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    count: int = Field(ge=1, le=200_000)
    name_prefix: str = Field("Kunde", alias="namePrefix")
    #: Every n-th customer is inactive (0: none).
    inactive_every: int = Field(0, alias="inactiveEvery", ge=0)


@router.post("/customers", status_code=201)
async def bulk_customers(request: Request, company_id: int, body: BulkCustomers) -> dict[str, Any]:
    state, company = _company(request, company_id)
    with state.lock:
        table = company.table(SCHEMA)
        taken = {r["customerNumber"] for r in table.values()}
        changed = state.clock.now().astimezone(UTC).replace(tzinfo=None)
        first = last = 0
        for i in range(body.count):
            number = company.next_number("customer", FIRST_CUSTOMER_NUMBER)
            while number in taken:
                number = company.next_number("customer", FIRST_CUSTOMER_NUMBER)
            name = f"{body.name_prefix} {i + 1}"
            row = {
                **_DEFAULTS,
                "id": state.new_id(),
                "version": 0,
                "name": name,
                "customerNumber": number,
                "displayName": f"{name} ({number})",
                "isInactive": bool(body.inactive_every) and (i + 1) % body.inactive_every == 0,
                "_changed": changed,
            }
            table[row["id"]] = row
            first, last = first or row["id"], row["id"]
    return {"companyId": company_id, "count": body.count, "firstId": first, "lastId": last}


class Limits(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    max_result_size: int | None = Field(alias="maxResultSize", ge=1)


@router.put("/limits")
async def limits(request: Request, company_id: int, body: Limits) -> dict[str, Any]:
    """A smaller 23000 limit for this company only (null: Tripletex's 10,000 again)."""
    state, company = _company(request, company_id)
    with state.lock:
        if body.max_result_size is None:
            company.extra.pop(MAX_RESULT_SIZE_KEY, None)
        else:
            company.extra[MAX_RESULT_SIZE_KEY] = body.max_result_size
    return {"companyId": company_id, "maxResultSize": company.extra.get(MAX_RESULT_SIZE_KEY)}
