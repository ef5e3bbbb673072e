"""Control API for an accounting firm in the sandbox (``/_sandbox/firm``): seed a firm with clients
and months of bookkeeping, read the true counts, change a client's data, deactivate an employee."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field

from txbridge.sandbox.firm import add_activity, deactivate_token_employee, seed_firm, truth
from txbridge.sandbox.state import SandboxState

router = APIRouter(prefix="/_sandbox/firm")
MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"


def _state(request: Request) -> SandboxState:
    state: SandboxState = request.app.state.sandbox
    return state


class FirmSeed(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    name: str = "Regnskapskontoret AS"
    clients: int = Field(20, ge=1)
    months: int = Field(12, ge=1, le=36)
    last_month: str = Field(alias="lastMonth", pattern=MONTH_PATTERN)
    seed: int = 1
    employee_token_expires: date | None = Field(None, alias="employeeTokenExpires")


@router.post("", status_code=201)
async def new_firm(request: Request, body: FirmSeed) -> dict[str, Any]:
    state = _state(request)
    if body.clients > state.max_accountant_clients:
        raise HTTPException(422, f"clients: at most {state.max_accountant_clients}")
    created = seed_firm(
        state,
        clients=body.clients,
        months=body.months,
        last_month=body.last_month,
        seed=body.seed,
        name=body.name,
        employee_token_expires=body.employee_token_expires,
    )
    return created.to_json()


@router.get("/truth")
async def firm_truth(request: Request, companyId: int, months: str) -> dict[str, Any]:
    """``months``: comma-separated ``YYYY-MM``. Month → field key → count for one client company."""
    state = _state(request)
    if companyId not in state.companies:
        raise HTTPException(404, f"no company {companyId}")
    wanted = [m.strip() for m in months.split(",") if m.strip()]
    return {"companyId": companyId, "months": truth(state, companyId, wanted)}


class Activity(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    company_id: int = Field(alias="companyId")
    month: str = Field(pattern=MONTH_PATTERN)
    sale_vouchers: int = Field(1, alias="saleVouchers", ge=1, le=1000)


@router.post("/activity", status_code=204)
async def more_activity(request: Request, body: Activity) -> None:
    state = _state(request)
    if body.company_id not in state.companies:
        raise HTTPException(404, f"no company {body.company_id}")
    add_activity(state, body.company_id, body.month, sale_vouchers=body.sale_vouchers)


class Deactivate(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    employee_token: str = Field(alias="employeeToken")


@router.post("/deactivate-employee", status_code=204)
async def deactivate(request: Request, body: Deactivate) -> None:
    if not deactivate_token_employee(_state(request), body.employee_token):
        raise HTTPException(404, "no such employee token")
