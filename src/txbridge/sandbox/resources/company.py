"""Company: ``GET /company/{id}``, ``GET /company/>withLoginAccess``."""

from __future__ import annotations

from fastapi import APIRouter, Response

from txbridge.sandbox import errors
from txbridge.sandbox.context import Ctx, CtxDep
from txbridge.sandbox.state import Row

router = APIRouter()


def _accessible(ctx: Ctx) -> list[int]:
    own = ctx.state.companies[ctx.session.company_id]
    return [own.id, *sorted(own.accountant_client_ids)]


@router.get("/company/>withLoginAccess")
async def with_login_access(ctx: CtxDep) -> Response:
    rows: list[Row] = []
    for company_id in _accessible(ctx):
        company = ctx.state.companies.get(company_id)
        if company is not None:
            row = dict(company.table("Company")[company_id])
            row["customerCompanyId"] = company_id
            rows.append(row)
    return ctx.listing(rows, "Client")


@router.get("/company/{id}")
async def get_company(id: int, ctx: CtxDep) -> Response:
    if id not in _accessible(ctx) or id not in ctx.state.companies:
        raise errors.not_found("Company", id)
    company = ctx.state.companies[id]
    return ctx.single(company.table("Company")[id], "Company")
