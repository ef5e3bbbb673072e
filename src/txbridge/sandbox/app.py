"""The sandbox app factory: ``create_app()`` builds a fresh, isolated Tripletex emulator."""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from txbridge.sandbox import errors
from txbridge.sandbox.bulk_control import router as bulk_control_router
from txbridge.sandbox.clock import SandboxClock
from txbridge.sandbox.control import router as control_router
from txbridge.sandbox.faults import ConnectionRegistry
from txbridge.sandbox.firm_control import router as firm_control_router
from txbridge.sandbox.middleware import RequestAuth, TripletexMiddleware
from txbridge.sandbox.resources import ROUTER_MODULES
from txbridge.sandbox.spec_index import SpecIndex, load_index
from txbridge.sandbox.state import SandboxState

ALL_METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]


def create_app(
    *,
    clock: SandboxClock | None = None,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    state: SandboxState | None = None,
    spec_index: SpecIndex | None = None,
) -> FastAPI:
    """A new sandbox with its own state. ``sleep`` serves delay faults (inject a fake one in tests)."""
    state = state or SandboxState(clock or SandboxClock())
    index = spec_index or load_index()
    app = FastAPI(
        title="Tripletex sandbox",
        description="An offline emulator of the Tripletex API v2.",
        docs_url="/_sandbox/docs",
        redoc_url=None,
        openapi_url="/_sandbox/openapi.json",
    )
    app.state.sandbox = state
    app.state.spec_index = index
    app.state.connections = None  # set by txbridge.sandbox.server to drop sockets for real

    for name in ROUTER_MODULES:
        try:
            module = importlib.import_module(f"txbridge.sandbox.resources.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"txbridge.sandbox.resources.{name}":
                raise
            continue  # a resource another part of the work has not delivered yet
        app.include_router(module.router, prefix="/v2")
    app.include_router(control_router)
    app.include_router(firm_control_router)
    app.include_router(bulk_control_router)

    async def not_emulated(request: Request) -> Response:
        raise _not_emulated(index, request.method, request.url.path.removeprefix("/v2"))

    app.add_api_route("/v2/{rest:path}", not_emulated, methods=ALL_METHODS, include_in_schema=False)

    app.add_exception_handler(RequestValidationError, _validation_handler)
    app.add_exception_handler(StarletteHTTPException, _http_handler)
    app.add_middleware(
        TripletexMiddleware,
        state=state,
        sleep=sleep,
        connections=lambda: _connections(app),
    )
    return app


def _not_emulated(index: SpecIndex, method: str, path: str) -> errors.TripletexError:
    """The answer for a path no emulated route serves: the spec's operation named as not emulated
    (404/6000), a known path with another method (400/4000), or no such endpoint (404/6000)."""
    known_path, operation = index.find_operation(method, path)
    if operation is not None:
        return errors.TripletexError(
            404,
            6000,
            "Sandkassen emulerer ikke dette endepunktet. The sandbox does not emulate this endpoint.",
            f"{method} /v2{operation.template} ({operation.operation_id}) exists in the "
            "Tripletex API but is not emulated by the sandbox; see the README for what is.",
        )
    if known_path:
        return errors.TripletexError(
            # As Tripletex answers it: 400/4000 «HTTP 405 Method Not Allowed» (public logs of real
            # answers, 2026-03: GET /order/orderline).
            400,
            4000,
            "HTTP 405 Method Not Allowed",
            f"{method} not allowed on {path}",
        )
    return errors.TripletexError(
        404, 6000, "Fant ikke endepunktet. No such endpoint.", f"No endpoint {method} /v2{path}"
    )


def _other_spec_path(request: Request) -> errors.TripletexError | None:
    """A path that only looks like an emulated ``/x/{id}`` route: the spec has a more literal path for
    it (``/customer/category``, ``/ledger/voucher/>nonPosted``), which is answered as that path."""
    index: SpecIndex = request.app.state.spec_index
    path = request.url.path.removeprefix("/v2")
    template = index.template_for(path)
    route = request.scope.get("route")
    route_template = getattr(route, "path", "").removeprefix("/v2")
    if template is None or template == route_template:
        return None
    return _not_emulated(index, request.method, path)


def _connections(app: FastAPI) -> ConnectionRegistry | None:
    registry: ConnectionRegistry | None = app.state.connections
    return registry


def _request_id(request: Request) -> str:
    auth: RequestAuth | None = getattr(request.state, "tx", None)
    return auth.request_id if auth is not None else ""


async def _validation_handler(request: Request, exc: Exception) -> Response:
    """FastAPI's parameter errors in Tripletex's words: query → 422/21000 naming each; a path id that
    is not a number → 422/21000 «Wrong data format! Expected number. For input string: "x"» with no
    validation messages (a real answer, public logs 2026-03: GET /company/whoAmI)."""
    assert isinstance(exc, RequestValidationError)
    bad_path = [err for err in exc.errors() if err.get("loc", ("",))[0] == "path"]
    if bad_path:
        error = _other_spec_path(request) or errors.TripletexError(
            422,
            21000,
            f'Wrong data format! Expected number. For input string: "{bad_path[0].get("input")}"',
        )
        return JSONResponse(error.body(_request_id(request)), status_code=error.status)
    messages: list[errors.ValidationMessage] = []
    kind = errors.PARAM
    for err in exc.errors():
        loc: list[Any] = list(err.get("loc", ()))
        where = loc[0] if loc else ""
        name = ".".join(str(p) for p in loc[1:]) or str(where)
        missing = err.get("type") == "missing"
        if missing:
            kind = errors.VALUE_VALIDATION
        text = (
            "Kan ikke være null. Cannot be null."
            if missing
            else f"Ugyldig verdi. Invalid value: {err.get('msg')}"
        )
        messages.append(errors.ValidationMessage(name, text))
    error = errors.validations(messages, kind)
    return JSONResponse(error.body(_request_id(request)), status_code=error.status)


async def _http_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    code = {404: 6000, 405: 4000}.get(exc.status_code, 4000)
    body = errors.error_body(exc.status_code, code, str(exc.detail), _request_id(request))
    return JSONResponse(body, status_code=exc.status_code)
