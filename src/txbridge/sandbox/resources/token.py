"""Sessions: ``PUT /token/session/:create``, ``GET /token/session/>whoAmI``,
``DELETE /token/session/{token}``."""

from __future__ import annotations

import base64
import json
import uuid

from fastapi import APIRouter, Request, Response

from txbridge.sandbox import errors
from txbridge.sandbox.context import CtxDep, TxJSONResponse, parse_date_param
from txbridge.sandbox.query import Renderer, parse_fields
from txbridge.sandbox.state import SandboxState, Session

router = APIRouter()


@router.put("/token/session/:create")
async def create_session(request: Request) -> Response:
    state: SandboxState = request.app.state.sandbox
    params = request.query_params
    consumer = params.get("consumerToken") or ""
    employee = params.get("employeeToken") or ""
    missing = [
        errors.ValidationMessage(name, "Kan ikke være null.")
        for name in ("consumerToken", "employeeToken", "expirationDate")
        if not params.get(name)
    ]
    if missing:
        raise errors.TripletexError(422, 15000, "Validation failed", None, missing)
    expiration = parse_date_param(params.get("expirationDate"), "expirationDate", required=True)
    assert expiration is not None
    with state.lock:
        if consumer not in state.consumer_tokens:
            # An unknown consumer token — typically one from the other environment — is a validation
            # error on the argument, not 401 (Tripletex/tripletex-api2 issue #53: a production
            # consumer token on the test environment → 422/18000, field and path
            # "arg:consumerToken", «The consumer token is invalid or does not exist.»).
            raise errors.TripletexError(
                422,
                18000,
                "Validering feilet.",
                None,
                [
                    errors.ValidationMessage(
                        "arg:consumerToken",
                        "The consumer token is invalid or does not exist.",
                        "arg:consumerToken",
                    )
                ],
            )
        token = state.employee_tokens.get(employee)
        if token is None or token.consumer_token != consumer:
            raise errors.authentication(
                "Invalid consumer token or employee token, or they do not belong together."
            )
        today = state.clock.today_oslo()
        if token.expiration_date is not None and token.expiration_date <= today:
            raise errors.authentication(f"The employee token expired on {token.expiration_date}.")
        if token.employee_id in state.inactive_employees:
            raise errors.authentication("The employee who owns the employee token is deactivated.")
        if expiration <= today:
            raise errors.validation(
                "expirationDate",
                "Utløpsdato må være i fremtiden. The expiration date must be in the future.",
                errors.VALUE_VALIDATION,
            )
        session_id = state.new_id()
        session = Session(
            id=session_id,
            token=session_token(session_id),
            consumer_token=consumer,
            employee_token=employee,
            company_id=token.company_id,
            employee_id=token.employee_id,
            expiration_date=expiration,
        )
        state.sessions[session.token] = session
    host = request.headers.get("host", "localhost")
    value: dict[str, object] = {
        "id": session.id,
        "version": 0,
        "url": f"{host}/v2/token/session/{session.id}",
        "consumerToken": {"id": 0, "url": f"{host}/v2/token/consumer/0"},
        "employeeToken": {"id": 0, "url": f"{host}/v2/token/employee/0"},
        "expirationDate": expiration.isoformat(),
        "token": session.token,
    }
    return TxJSONResponse({"value": value})


TOKEN_ID_BASE = 2_147_000_000  # real token ids are ten digits (e.g. 2147628461)


def session_token(session_id: int) -> str:
    """A session token shaped as the test environment's: ``test-`` (Tripletex's changelog,
    2020-03-17: tokens made on the test environment are prefixed ``test-``) and the base64 of
    ``{"tokenId":<ten digits>,"token":"<uuid>"}`` (the shape of real tokens in public code, e.g.
    ``eyJ0b2tlbklkIjoyMTQ3NjI4NDYxLCJ0b2tlbiI6IjU2NDRj…``). The prefix is also what the dash check of
    Tripletex's bash example (examples/bash/authentication/example.sh) looks for."""
    payload = {"tokenId": TOKEN_ID_BASE + session_id, "token": str(uuid.uuid4())}
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return "test-" + base64.b64encode(raw).decode()


@router.get("/token/session/>whoAmI")
async def who_am_i(ctx: CtxDep) -> Response:
    own = ctx.state.companies[ctx.session.company_id]
    info = {
        "employeeId": ctx.session.employee_id,
        "actualEmployeeId": ctx.session.employee_id,
        "employee": {"id": ctx.session.employee_id},
        "companyId": ctx.company.id,
        "company": {"id": ctx.company.id},
        "language": "NO",
        "loggedInWithConnect": False,
        "employeeIsProxy": False,
    }
    tree = parse_fields(ctx.request.query_params.get("fields"))
    ctx.renderer.check("LoggedInUserInfo", tree)
    # The employee lives in the token owner's own company, even when acting for a client.
    renderer = Renderer(ctx.index, own, ctx.renderer.url_base) if "employee" in tree else ctx.renderer
    out = renderer.render(info, "LoggedInUserInfo", tree)
    if "company" in tree and tree["company"] is not None:
        out["company"] = ctx.renderer.render(
            ctx.company.table("Company")[ctx.company.id], "Company", tree["company"] or {"*": None}
        )
    return TxJSONResponse({"value": out})


@router.delete("/token/session/{token}")
async def delete_session(token: str, ctx: CtxDep) -> Response:
    with ctx.state.lock:
        session = ctx.state.sessions.get(token)
        if session is None or session.company_id != ctx.session.company_id:
            raise errors.not_found("SessionToken", "…")  # never echo a token
        del ctx.state.sessions[token]
    return Response(status_code=204)
