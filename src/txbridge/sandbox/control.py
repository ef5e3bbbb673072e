"""The sandbox's own control API under ``/_sandbox`` (never under ``/v2``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field

from txbridge.sandbox import webhooks
from txbridge.sandbox.companies import create_company
from txbridge.sandbox.invoicing import ROUNDING_SETTING
from txbridge.sandbox.rates import Observation, RateFormatError, parse_exr_csv, sandbox_rates, set_rates
from txbridge.sandbox.resources.accounting_period import set_locks
from txbridge.sandbox.state import Fault, SandboxState

router = APIRouter(prefix="/_sandbox")


def _state(request: Request) -> SandboxState:
    state: SandboxState = request.app.state.sandbox
    return state


class NewCompany(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    name: str = "Sandkasse AS"
    # The cap is the sandbox's max_accountant_clients (2,000 unless changed), checked in the route.
    accountant_clients: int = Field(0, alias="accountantClients", ge=0)
    bank_account: bool = Field(True, alias="bankAccount")
    consumer_token: str | None = Field(None, alias="consumerToken")
    employee_token_expires: str | None = Field(None, alias="employeeTokenExpires")


@router.post("/companies", status_code=201)
async def new_company(request: Request, body: NewCompany | None = None) -> dict[str, Any]:
    body = body or NewCompany()
    state = _state(request)
    if body.accountant_clients > state.max_accountant_clients:
        raise HTTPException(422, f"accountantClients: at most {state.max_accountant_clients}")
    expires = (
        datetime.fromisoformat(body.employee_token_expires).date() if body.employee_token_expires else None
    )
    created = create_company(
        _state(request),
        name=body.name,
        accountant_clients=body.accountant_clients,
        bank_account=body.bank_account,
        consumer_token=body.consumer_token,
        employee_token_expires=expires,
    )
    return created.to_json()


@router.post("/reset", status_code=204)
async def reset(request: Request) -> None:
    _state(request).reset()


class RateLimitBody(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    limit: int = Field(ge=1)
    period: float = Field(gt=0, description="seconds")
    company_id: int | None = Field(None, alias="companyId")


@router.put("/rate-limit")
async def set_rate_limit(request: Request, body: RateLimitBody) -> dict[str, Any]:
    state = _state(request)
    with state.lock:
        limits = state.rate_limits
        if body.company_id is None:
            limits.limit, limits.period = body.limit, body.period
            limits.per_company.clear()
        else:
            limits.per_company[body.company_id] = (body.limit, body.period)
        limits.windows.clear()
    return {"limit": body.limit, "period": body.period, "companyId": body.company_id}


class ClockBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    now: datetime | None = None
    advanceSeconds: float | None = None
    reset: bool = False


@router.put("/clock")
async def set_clock(request: Request, body: ClockBody) -> dict[str, Any]:
    clock = _state(request).clock
    if body.reset:
        clock.reset()
    if body.now is not None:
        clock.set(body.now)
    if body.advanceSeconds is not None:
        clock.advance(timedelta(seconds=body.advanceSeconds))
    return {"now": clock.now().astimezone(UTC).isoformat()}


@router.get("/clock")
async def get_clock(request: Request) -> dict[str, Any]:
    return {"now": _state(request).clock.now().astimezone(UTC).isoformat()}


@router.get("/webhook-deliveries")
async def webhook_deliveries(request: Request) -> dict[str, Any]:
    state = _state(request)
    with state.lock:
        return {"values": list(state.webhook_deliveries)}


class WebhookFaultBody(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    kind: Literal["drop", "duplicate", "reorder"]
    event: str = Field("*", description="fnmatch pattern on the event, e.g. customer.*")
    count: int = Field(
        1, ge=1, le=1000, description="deliveries affected (reorder: held, then sent newest first)"
    )
    company_id: int | None = Field(None, alias="companyId")


@router.post("/webhook-faults", status_code=201)
async def add_webhook_fault(request: Request, body: WebhookFaultBody) -> dict[str, Any]:
    dispatcher = webhooks.dispatcher_for(_state(request))
    return dispatcher.add_fault(body.kind, event=body.event, count=body.count, company_id=body.company_id)


@router.get("/webhook-faults")
async def list_webhook_faults(request: Request) -> dict[str, Any]:
    return {"values": webhooks.dispatcher_for(_state(request)).faults()}


@router.delete("/webhook-faults", status_code=204)
async def clear_webhook_faults(request: Request) -> None:
    webhooks.dispatcher_for(_state(request)).clear_faults()


class SubscriptionStatusBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal[
        "ACTIVE", "DISABLED", "DISABLED_TOO_MANY_ERRORS", "DISABLED_RATE_LIMIT_EXCEEDED", "DISABLED_MISUSE"
    ]


@router.put("/webhook-subscriptions/{subscription_id}/status")
async def set_subscription_status(
    request: Request, subscription_id: int, body: SubscriptionStatusBody
) -> dict[str, Any]:
    """Set any status, as Tripletex does on its side (e.g. DISABLED_MISUSE); clients may only set
    ACTIVE or DISABLED through /v2."""
    state = _state(request)
    with state.lock:
        for company in state.companies.values():
            row = company.table(webhooks.SUBSCRIPTION_SCHEMA).get(subscription_id)
            if row is not None:
                row["status"] = body.status
                row["version"] = int(row.get("version", 0)) + 1
                return {"id": subscription_id, "companyId": company.id, "status": body.status}
    raise HTTPException(404, f"no subscription {subscription_id}")


class FaultBody(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    method: str = "*"
    path: str = Field(description="fnmatch pattern on the request path, e.g. /v2/invoice*")
    kind: Literal["status", "delay", "drop", "drop_after_commit", "delay_after_commit"]
    count: int = Field(1, ge=1)
    status: int = Field(503, ge=429, le=599, description="429 or 5xx")
    delay_seconds: float = Field(0.0, alias="delaySeconds", ge=0, le=120)
    company_id: int | None = Field(
        None, alias="companyId", description="only requests made with this company's tokens"
    )


@router.post("/faults", status_code=201)
async def add_fault(request: Request, body: FaultBody) -> dict[str, Any]:
    if body.kind == "status" and not (body.status == 429 or body.status >= 500):
        raise HTTPException(422, "status must be 429 or 5xx")
    state = _state(request)
    with state.lock:
        fault = Fault(
            id=state.new_id(),
            method=body.method.upper(),
            path=body.path,
            kind=body.kind,
            remaining=body.count,
            status=body.status,
            delay_seconds=body.delay_seconds,
            company_id=body.company_id,
        )
        state.faults.append(fault)
    return fault.to_json()


@router.get("/faults")
async def list_faults(request: Request) -> dict[str, Any]:
    state = _state(request)
    with state.lock:
        return {"values": [f.to_json() for f in state.faults]}


@router.delete("/faults", status_code=204)
async def clear_faults(request: Request) -> None:
    state = _state(request)
    with state.lock:
        state.faults.clear()


@router.get("/outbox")
async def outbox(request: Request, companyId: int | None = None) -> dict[str, Any]:
    """Invoices the sandbox would have sent to customers (``sendToCustomer`` true) and how."""
    state = _state(request)
    with state.lock:
        rows = [
            {
                "companyId": company.id,
                "invoiceId": invoice["id"],
                "invoiceNumber": invoice["invoiceNumber"],
                "sendMethod": invoice.get("_sendMethod"),
            }
            for company in state.companies.values()
            if companyId is None or company.id == companyId
            for invoice in company.table("Invoice").values()
            if invoice.get("_sentToCustomer")
        ]
    return {"values": rows}


@router.get("/stats")
async def stats(request: Request, companyId: int | None = None) -> dict[str, Any]:
    state = _state(request)
    with state.lock:
        rows = [
            {"companyId": c, "method": m, "path": p, "count": n}
            for (c, m, p), n in sorted(state.stats.items())
            if companyId is None or c == companyId
        ]
        refused = sum(n for c, n in state.rate_limited.items() if companyId is None or c == companyId)
    # rateLimited: of those calls, how many the rate limiter refused with 429.
    return {"total": sum(r["count"] for r in rows), "rateLimited": refused, "values": rows}


@router.delete("/stats", status_code=204)
async def clear_stats(request: Request) -> None:
    state = _state(request)
    with state.lock:
        state.stats.clear()
        state.rate_limited.clear()


class RateItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    currency: str = Field(min_length=3, max_length=3)
    date: str
    rate: float = Field(gt=0, description="NOK per `unit` units")
    unit: Literal[1, 100] = 1


class RateBody(BaseModel):
    """Exchange rates to NOK: Norges Bank EXR CSV text and/or single observations."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    csv: str | None = Field(None, description="Norges Bank's EXR CSV export (semicolon separated)")
    rates: list[RateItem] = Field(default_factory=list)
    replace: bool = Field(False, description="drop the current table first (else add and overwrite)")
    company_id: int | None = Field(None, alias="companyId", description="only this company's rates")


@router.put("/rates")
async def put_rates(request: Request, body: RateBody) -> dict[str, Any]:
    try:
        observations = parse_exr_csv(body.csv) if body.csv else []
        observations += [
            Observation(
                r.currency.upper(), datetime.fromisoformat(r.date).date(), Decimal(str(r.rate)), r.unit
            )
            for r in body.rates
        ]
    except (RateFormatError, ValueError) as exc:
        raise HTTPException(422, str(exc)) from None
    table = set_rates(_state(request), observations, company_id=body.company_id, replace=body.replace)
    return {"companyId": body.company_id, "added": len(observations), "total": len(table.observations())}


@router.get("/rates")
async def get_rates(
    request: Request, companyId: int | None = None, currency: str | None = None
) -> dict[str, Any]:
    state = _state(request)
    rates = sandbox_rates(state)
    with state.lock:
        table = rates.table(companyId) if companyId is not None else rates.common
        rows = [o.to_json() for o in table.observations() if currency is None or o.code == currency.upper()]
    return {"values": rows}


class CompanySettingsBody(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    invoice_rounding: bool = Field(
        alias="invoiceRounding",
        description="Tripletex's «Avrunding»: invoice totals to whole units of the invoice currency",
    )


@router.put("/companies/{company_id}/settings")
async def company_settings(request: Request, company_id: int, body: CompanySettingsBody) -> dict[str, Any]:
    state = _state(request)
    with state.lock:
        company = state.companies.get(company_id)
        if company is None:
            raise HTTPException(404, f"no company {company_id}")
        company.extra[ROUNDING_SETTING] = body.invoice_rounding
    return {"companyId": company_id, "invoiceRounding": body.invoice_rounding}


class PeriodLocksBody(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    closed: list[str] = Field(
        default_factory=list, description="accounting periods (YYYY-MM) that are closed; all others open"
    )
    vat_reported_through: str | None = Field(
        None, alias="vatReportedThrough", description="last day (ISO) of the last reported VAT term"
    )


@router.put("/companies/{company_id}/periods")
async def period_locks(request: Request, company_id: int, body: PeriodLocksBody) -> dict[str, Any]:
    """What the accountant locked in Tripletex: closed periods and reported VAT terms (the API does not
    set these, so tests and the demo do it here)."""
    state = _state(request)
    try:
        for period in body.closed:
            datetime.strptime(period, "%Y-%m")
        if body.vat_reported_through:
            datetime.strptime(body.vat_reported_through, "%Y-%m-%d")
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    with state.lock:
        company = state.companies.get(company_id)
        if company is None:
            raise HTTPException(404, f"no company {company_id}")
        set_locks(state, company, body.closed, body.vat_reported_through)
    return {
        "companyId": company_id,
        "closed": sorted(body.closed),
        "vatReportedThrough": body.vat_reported_through,
    }
