"""REST API version 1, mounted by the web app under ``/api/v1`` (see :func:`txbridge.web.app.mount_api`).

Routes per resource (``intake``, ``batches``, ``invoices``, ``resources``), schemas in ``schemas``,
auth in ``deps``, problem details in ``problems``, ``Idempotency-Key`` handling in ``idempotent``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from txbridge.catalog import Bilingual, render
from txbridge.web.api.v1 import (
    batches,
    firm,
    intake,
    invoices,
    openapi,
    pos,
    pos_invoicing,
    resources,
    sync_objects,
    sync_runs,
    sync_webhooks,
)
from txbridge.web.api.v1.problems import ApiProblem, problem_response, status_of
from txbridge.web.ui.common import message_of

#: Every operation may answer with problem details (documented once, here).
_PROBLEM = {
    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/ProblemPublic"}}}
}
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"description": "No or a malformed Idempotency-Key (POST); a body that cannot be read.", **_PROBLEM},
    401: {"description": "No API key, or an unknown or revoked one.", **_PROBLEM},
    403: {"description": "The key lacks the scope or the connection.", **_PROBLEM},
    404: {"description": "Not found.", **_PROBLEM},
    409: {"description": "Idempotency-Key reused or in use; an export already running.", **_PROBLEM},
    413: {"description": "More than 1,000 items, or a body over 32 MiB.", **_PROBLEM},
    422: {"description": "Invalid parameters.", **_PROBLEM},
    500: {"description": "An internal error (nothing kept for the Idempotency-Key).", **_PROBLEM},
}

router = APIRouter()
for _module in (
    intake,
    batches,
    invoices,
    resources,
    pos,
    sync_objects,
    firm,
    sync_webhooks,
    pos_invoicing,
    sync_runs,
):
    router.include_router(_module.router, responses=PROBLEM_RESPONSES)


@router.get("/openapi.json", include_in_schema=False)
def openapi_document(request: Request) -> JSONResponse:
    return JSONResponse(openapi.document())


@router.get("/docs", include_in_schema=False, response_class=HTMLResponse)
def docs(request: Request) -> HTMLResponse:
    return HTMLResponse(openapi.docs_page(openapi.document()))


def _in_api(request: Request) -> bool:
    return request.url.path.startswith(openapi.PREFIX + "/") or request.url.path == openapi.PREFIX


async def _flows_error(request: Request, exc: Exception) -> Response:
    message = message_of(exc)
    assert message is not None  # the app calls this only for flows errors, which carry one
    return problem_response(request, message, status_of(message))


async def _problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiProblem)
    return problem_response(request, exc.message, exc.status, headers=exc.headers, extra=exc.extra)


def install(app: FastAPI) -> None:
    """The API's answers to errors: problem details for flows errors, refusals, unknown addresses and
    invalid parameters under /api/v1; other paths keep the app's own handlers."""
    app.state.api_error_answer = _flows_error
    app.add_exception_handler(ApiProblem, _problem)
    ui_http = app.exception_handlers.get(StarletteHTTPException)
    ui_validation = app.exception_handlers.get(RequestValidationError)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if not _in_api(request):
            return await _fallback(ui_http, request, exc)
        if exc.status_code == 405:
            message = render("api_not_found", path=f"{request.method} {request.url.path}")
        elif exc.status_code == 404:
            message = render("api_not_found", path=request.url.path)
        else:
            reason = Bilingual(str(exc.detail), str(exc.detail))
            message = render("api_request_invalid", field="-", reason=reason)
        return problem_response(request, message, exc.status_code, headers=exc.headers)

    async def validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        if not _in_api(request):
            return await _fallback(ui_validation, request, exc)
        errors = [_field_error(error) for error in exc.errors()]
        first = errors[0] if errors else {"field": "-", "reason": "?"}
        reason = Bilingual(first["reason"], first["reason"])
        message = render("api_request_invalid", field=first["field"], reason=reason)
        return problem_response(request, message, 422, extra={"errors": errors})

    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)


def _field_error(error: Any) -> dict[str, str]:
    location = [str(part) for part in error.get("loc", ())]
    return {"field": ".".join(location) or "-", "reason": str(error.get("msg", ""))}


async def _fallback(handler: Any, request: Request, exc: Exception) -> Response:
    if handler is not None:
        answer: Response = await handler(request, exc)
        return answer
    from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler

    if isinstance(exc, RequestValidationError):
        return await request_validation_exception_handler(request, exc)
    assert isinstance(exc, StarletteHTTPException)
    return await http_exception_handler(request, exc)
