"""The web app factory: one FastAPI app serving the admin UI (Jinja2 + htmx, server-rendered), the
versioned REST API under ``/api/v1`` (module :mod:`txbridge.web.api.v1` when it exists) and
``/metrics`` (the jobs' Prometheus app when it exists).

Every answer carries a Content-Security-Policy without inline script or style: the only script is
the vendored htmx file under ``/static``, configured by a ``<meta>`` tag."""

from __future__ import annotations

import hmac
import importlib
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request, Response
from fastapi.responses import PlainTextResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from txbridge.flows import accounts
from txbridge.settings import Settings, load_settings
from txbridge.store import Database
from txbridge.web.config import WebSettings
from txbridge.web.deps import SESSION_COOKIE, Refused, SignInRequired
from txbridge.web.rendering import render
from txbridge.web.ui.common import message_of

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"
API_PREFIX = "/api/v1"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
_SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def create_app(
    settings: Settings | None = None, *, web: WebSettings | None = None, db: Database | None = None
) -> FastAPI:
    """Build the app. ``db`` defaults to the store of ``settings`` (migrated); the caller of a given
    ``db`` owns it."""
    settings = settings or load_settings()
    app = FastAPI(title="Tripletex Bridge", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.web = web or WebSettings()
    app.state.db = db or Database.open(settings)
    #: Set by the REST API's ``install(app)``: how a flows error under /api/ is answered.
    app.state.api_error_answer = None

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        for name, value in _SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if response.headers.get("content-type", "").startswith("text/html"):
            # Pages show live data and must not be kept by a shared cache or the back button.
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.exception_handler(SignInRequired)
    async def to_sign_in(request: Request, _exc: SignInRequired) -> Response:
        target = "/sign-in?next=" + quote(
            request.url.path + (f"?{request.url.query}" if request.url.query else "")
        )
        if request.headers.get("hx-request"):
            return Response(status_code=204, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)

    @app.exception_handler(Refused)
    async def refused(request: Request, exc: Refused) -> Response:
        if not hasattr(request.state, "language"):
            request.state.language = "nb"
        return render(request, "refused.html", status_code=403, message=exc.message)

    async def flows_error(request: Request, exc: Exception) -> Response:
        # Every flows error carries its catalog message: show it, never a traceback.
        message = message_of(exc)
        if message is None:
            raise exc
        api_answer = request.app.state.api_error_answer
        if api_answer is not None and request.url.path.startswith(API_PREFIX + "/"):
            # The REST API answers in its own shape (problem details), not with a page.
            answer: Response = await api_answer(request, exc)
            return answer
        if not hasattr(request.state, "language"):
            request.state.language = "nb"
        status = 404 if message.id.endswith("_not_found") else 422
        return render(request, "error.html", status_code=status, message=message)

    for error in _flows_errors():
        app.add_exception_handler(error, flows_error)

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    from txbridge.web.ui import router as ui_router

    app.include_router(ui_router)
    from txbridge.web.webhooks import router as webhooks_router

    app.include_router(webhooks_router)
    mount_api(app)
    mount_metrics(app)
    return app


def _flows_errors() -> list[type[Exception]]:
    from txbridge.flows.accounts import AccountError
    from txbridge.flows.connections import ConnectionFlowError
    from txbridge.flows.diagnose.checks import DiagnoseError
    from txbridge.flows.export.batches import BatchNotFoundError, InvoiceNotFoundError
    from txbridge.flows.firm.runs import StatisticsError
    from txbridge.flows.sync.errors import SyncError
    from txbridge.jobs.api import JobError

    return [
        AccountError,
        ConnectionFlowError,
        DiagnoseError,
        BatchNotFoundError,
        InvoiceNotFoundError,
        JobError,
        SyncError,
        StatisticsError,
    ]


def _optional(module: str) -> object | None:
    """A module another part may not have yet (the REST API, the jobs' metrics)."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name is not None and module.startswith(exc.name):
            return None
        raise


def mount_api(app: FastAPI) -> None:
    """Where the REST API goes: ``txbridge.web.api.v1.router`` (an APIRouter) under ``/api/v1``.
    If the module also has ``install(app)``, it is called: the place to add the API's own exception
    handlers and to set ``app.state.api_error_answer`` (an async ``(request, exc) -> Response``), which
    answers the flows errors raised under ``/api/`` instead of the UI's error page."""
    api = _optional("txbridge.web.api.v1")
    router = getattr(api, "router", None)
    if router is not None:
        app.include_router(router, prefix=API_PREFIX)
    install = getattr(api, "install", None)
    if callable(install):
        install(app)


def mount_metrics(app: FastAPI) -> None:
    """``/metrics``: the jobs' Prometheus ASGI app (``txbridge.jobs.api.metrics_app(db)``), for a
    signed-in user or a scraper with the configured bearer token (``TXBRIDGE_WEB_METRICS_TOKEN``)."""
    jobs = _optional("txbridge.jobs.api")
    factory = getattr(jobs, "metrics_app", None)
    if callable(factory):
        # A route rather than a mount: /metrics answers itself, without a redirect to /metrics/.
        app.router.routes.append(Route("/metrics", _MetricsEndpoint(factory(app.state.db))))


class _AsgiEndpoint:
    """Starlette treats a plain function as a request handler; an object is called as an ASGI app."""

    def __init__(self, asgi: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
        self.asgi = asgi

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.asgi(scope, receive, send)


class _MetricsEndpoint(_AsgiEndpoint):
    """The figures name connections and their failures: not for anyone who can reach the port."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        if _metrics_allowed(request):
            await self.asgi(scope, receive, send)
            return
        answer = PlainTextResponse(
            "401 Unauthorized\n", status_code=401, headers={"www-authenticate": 'Bearer realm="metrics"'}
        )
        await answer(scope, receive, send)


def _metrics_allowed(request: Request) -> bool:
    web: WebSettings = request.app.state.web
    expected = web.metrics_token.get_secret_value() if web.metrics_token is not None else None
    scheme, _, sent = request.headers.get("authorization", "").partition(" ")
    if (
        expected
        and scheme.lower() == "bearer"
        and hmac.compare_digest(sent.strip().encode(), expected.encode())
    ):
        return True
    db: Database = request.app.state.db
    return (
        accounts.current_session(db, request.cookies.get(SESSION_COOKIE), policy=web.session_policy)
        is not None
    )
