"""Connections: the list, the connect wizard («Test connection» → save → In review), approval, token
rotation, reactivation and the export settings. Calls ``flows.connections`` and the read models."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from txbridge.catalog import Bilingual, Message
from txbridge.catalog import render as render_message
from txbridge.flows import accounts
from txbridge.flows import connections as flow
from txbridge.flows.views import connections as views
from txbridge.settings import Settings
from txbridge.store import Environment
from txbridge.web.deps import Admin, Config, Db, User
from txbridge.web.rendering import render
from txbridge.web.ui.common import is_htmx, message_of, see_other

router = APIRouter()


def _bad_date(value: str) -> Message:
    return render_message(
        "connection_settings_invalid",
        reason=Bilingual(
            f"ugyldig utløpsdato {value!r} (ÅÅÅÅ-MM-DD)", f"invalid expiry date {value!r} (YYYY-MM-DD)"
        ),
    )


class _Wizard:
    """The wizard's form, as posted by «Test connection» and by «Save» (the same fields)."""

    def __init__(
        self,
        request: Request,
        environment: str,
        base_url: str,
        consumer_token: str,
        employee_token: str,
        expires: str,
    ) -> None:
        configured = request.app.state.web.consumer_token
        self.settings: Settings = request.app.state.settings
        self.environment = environment
        self.base_url = base_url.strip() or None
        # The application's consumer token comes from the server's settings when it has one.
        self.consumer_token = consumer_token.strip() or (configured.get_secret_value() if configured else "")
        self.employee_token = employee_token.strip()
        self.expires_text = expires.strip()

    def expires(self) -> date | None:
        if not self.expires_text:
            return None
        try:
            return date.fromisoformat(self.expires_text)
        except ValueError:
            raise flow.ConnectionFlowError(_bad_date(self.expires_text)) from None

    def environment_value(self) -> Environment:
        try:
            return Environment(self.environment)
        except ValueError:
            raise flow.ConnectionFlowError(
                render_message(
                    "connection_settings_invalid",
                    reason=Bilingual(
                        f"ukjent miljø {self.environment!r}", f"unknown environment {self.environment!r}"
                    ),
                )
            ) from None

    def check(self) -> tuple[flow.TokenCheck, date | None]:
        expires = self.expires()
        result = flow.check_tokens(
            self.settings,
            environment=self.environment_value(),
            consumer_token=self.consumer_token,
            employee_token=self.employee_token,
            base_url=self.base_url,
        )
        return result, expires


@router.get("/connections")
def list_connections(request: Request, db: Db, _user: User, done: str | None = None) -> Response:
    return render(request, "connections/list.html", rows=views.list_connections(db), done=done)


@router.get("/connections/new")
def wizard(request: Request, _user: User) -> Response:
    return render(
        request,
        "connections/wizard.html",
        consumer_configured=request.app.state.web.consumer_token is not None,
        environments=list(Environment),
        values={"name": "", "environment": "test", "base_url": "", "expires": ""},
        error=None,
    )


@router.post("/connections/test")
def test_connection(
    request: Request,
    _user: User,
    name: Annotated[str, Form()] = "",
    environment: Annotated[str, Form()] = "test",
    base_url: Annotated[str, Form()] = "",
    consumer_token: Annotated[str, Form()] = "",
    employee_token: Annotated[str, Form()] = "",
    expires: Annotated[str, Form()] = "",
) -> Response:
    """«Test connection»: the company name and the token's expiry (an htmx fragment); stores nothing."""
    form = _Wizard(request, environment, base_url, consumer_token, employee_token, expires)
    return _test_result(
        request,
        form,
        page="connections/wizard.html",
        consumer_configured=request.app.state.web.consumer_token is not None,
        environments=list(Environment),
        values={"name": name, "environment": environment, "base_url": base_url, "expires": expires},
        error=None,
    )


def _test_result(
    request: Request, form: _Wizard, *, page: str, rotating: bool = False, **page_context: Any
) -> Response:
    """«Test connection»: the company and the expiry, or the catalog message why not. htmx gets the
    fragment; a browser without JavaScript gets the whole ``page`` with it (the tokens are pasted
    again to save: they are never sent back)."""
    try:
        result, expiry = form.check()
        error = None
    except flow.ConnectionFlowError as exc:
        result, expiry, error = None, None, exc.message
    outcome: dict[str, Any] = {
        "result": result,
        "expires": expiry,
        "days_left": None if expiry is None else (expiry - date.today()).days,
        "rotating": rotating,
    }
    if is_htmx(request):
        return render(request, "connections/_test_result.html", error=error, **outcome)
    return render(request, page, tested=True, test_error=error, **outcome, **page_context)


@router.post("/connections")
async def save_connection(
    request: Request,
    db: Db,
    settings: Config,
    user: User,
    name: Annotated[str, Form()] = "",
    environment: Annotated[str, Form()] = "test",
    base_url: Annotated[str, Form()] = "",
    consumer_token: Annotated[str, Form()] = "",
    employee_token: Annotated[str, Form()] = "",
    expires: Annotated[str, Form()] = "",
) -> Response:
    """Save: tests again, stores the connection (tokens encrypted) «In review»; with client companies
    picked, one connection per client company."""
    form = _Wizard(request, environment, base_url, consumer_token, employee_token, expires)
    picked = [
        int(v) for v in (await request.form()).getlist("client_company") if isinstance(v, str) and v.isdigit()
    ]
    name = name.strip() or "default"
    try:
        expiry = form.expires()
        targets = [(name, 0)] if not picked else [(f"{name}-{company}", company) for company in picked]
        # Connecting under an existing name would replace its tokens: that is token rotation, an
        # administrator's action on the connection's own page.
        taken = {row.name for row in views.list_connections(db)}
        clash = next((target for target, _ in targets if target in taken), None)
        if clash is not None:
            raise flow.ConnectionFlowError(render_message("connection_name_taken", connection=clash))
        saved = [
            flow.connect(
                db,
                settings,
                name=target_name,
                environment=form.environment_value(),
                consumer_token=form.consumer_token,
                employee_token=form.employee_token,
                base_url=form.base_url,
                company_id=company,
                token_expires_on=expiry,
            )
            for target_name, company in targets
        ]
    except flow.ConnectionFlowError as exc:
        return render(
            request,
            "connections/wizard.html",
            status_code=422,
            consumer_configured=request.app.state.web.consumer_token is not None,
            environments=list(Environment),
            # The tokens are never sent back to the browser: they are pasted again.
            values={"name": name, "environment": environment, "base_url": base_url, "expires": expires},
            error=exc.message,
        )
    for connection in saved:
        accounts.log_action(
            db,
            user,
            nb=f"Tilkobling {connection.name} lagret",
            en=f"Connection {connection.name} saved",
            connection_id=connection.id,
            object_type="connection",
            object_key=connection.name,
        )
    return see_other(f"/connections/{saved[0].id}?done=saved")


def _detail(
    request: Request,
    db: Db,
    connection_id: int,
    *,
    error: Message | None = None,
    done: str | None = None,
    status_code: int = 200,
) -> Response:
    try:
        row = views.connection_detail(db, connection_id)
        export = flow.export_settings(db, connection_id)
    except flow.ConnectionFlowError as exc:
        return render(request, "error.html", status_code=404, message=exc.message)
    except LookupError as exc:
        message = message_of(exc)
        if message is None:
            raise
        return render(request, "error.html", status_code=404, message=message)
    return render(
        request,
        "connections/detail.html",
        status_code=status_code,
        row=row,
        export=export,
        error=error,
        done=done,
    )


@router.get("/connections/{connection_id}")
def connection_page(
    request: Request, db: Db, _user: User, connection_id: int, done: str | None = None
) -> Response:
    return _detail(request, db, connection_id, done=done)


def _admin_action(
    request: Request, db: Db, user: accounts.UserInfo, connection_id: int, done: str, nb: str, en: str
) -> Response:
    accounts.log_action(
        db,
        user,
        nb=nb,
        en=en,
        connection_id=connection_id,
        object_type="connection",
        object_key=str(connection_id),
    )
    return see_other(f"/connections/{connection_id}?done={done}")


@router.post("/connections/{connection_id}/approve")
def approve(request: Request, db: Db, user: Admin, connection_id: int) -> Response:
    try:
        flow.approve(db, connection_id)
    except flow.ConnectionFlowError as exc:
        return _detail(request, db, connection_id, error=exc.message, status_code=422)
    return _admin_action(
        request, db, user, connection_id, "approved", "Tilkobling godkjent", "Connection approved"
    )


@router.post("/connections/{connection_id}/reactivate")
def reactivate(request: Request, db: Db, settings: Config, user: Admin, connection_id: int) -> Response:
    try:
        flow.reactivate(db, settings, connection_id)
    except flow.ConnectionFlowError as exc:
        return _detail(request, db, connection_id, error=exc.message, status_code=422)
    return _admin_action(
        request, db, user, connection_id, "reactivated", "Tilkobling aktivert igjen", "Connection reactivated"
    )


@router.post("/connections/{connection_id}/settings")
def save_settings(
    request: Request,
    db: Db,
    user: Admin,
    connection_id: int,
    batch_size: Annotated[int, Form()],
    send_to_customer: Annotated[bool, Form()] = False,
    prices_include_vat: Annotated[bool, Form()] = False,
) -> Response:
    try:
        flow.update_settings(
            db,
            connection_id,
            send_to_customer=send_to_customer,
            prices_include_vat=prices_include_vat,
            batch_size=batch_size,
        )
    except flow.ConnectionFlowError as exc:
        return _detail(request, db, connection_id, error=exc.message, status_code=422)
    return _admin_action(
        request, db, user, connection_id, "settings", "Innstillinger endret", "Settings changed"
    )


def _rotation_page(request: Request, row: views.ConnectionRow) -> dict[str, Any]:
    return {
        "row": row,
        "consumer_configured": request.app.state.web.consumer_token is not None,
        "error": None,
    }


@dataclass(frozen=True)
class _Rotation:
    """The rotation form of one connection: the pasted tokens are tested against its own address."""

    row: views.ConnectionRow
    form: _Wizard


def _rotation(
    request: Request,
    db: Db,
    connection_id: int,
    consumer_token: Annotated[str, Form()] = "",
    employee_token: Annotated[str, Form()] = "",
    expires: Annotated[str, Form()] = "",
) -> _Rotation:
    row = views.connection_detail(db, connection_id)
    return _Rotation(
        row, _Wizard(request, row.environment.value, row.base_url, consumer_token, employee_token, expires)
    )


Rotation = Annotated[_Rotation, Depends(_rotation)]


@router.get("/connections/{connection_id}/rotate")
def rotate_form(request: Request, db: Db, _user: Admin, connection_id: int) -> Response:
    row = views.connection_detail(db, connection_id)
    return render(request, "connections/rotate.html", **_rotation_page(request, row))


@router.post("/connections/{connection_id}/rotate/test")
def rotate_test(request: Request, _user: Admin, rotation: Rotation) -> Response:
    return _test_result(
        request,
        rotation.form,
        page="connections/rotate.html",
        rotating=True,
        **_rotation_page(request, rotation.row),
    )


@router.post("/connections/{connection_id}/rotate")
def rotate(request: Request, db: Db, settings: Config, user: Admin, rotation: Rotation) -> Response:
    """Paste the new token → test → save: the same connection keeps its name, company and state."""
    row, form = rotation.row, rotation.form
    try:
        flow.connect(
            db,
            settings,
            name=row.name,
            environment=row.environment,
            consumer_token=form.consumer_token,
            employee_token=form.employee_token,
            base_url=row.base_url,
            company_id=row.tripletex_company_id,
            token_expires_on=form.expires(),
        )
    except flow.ConnectionFlowError as exc:
        page = {**_rotation_page(request, row), "error": exc.message}
        return render(request, "connections/rotate.html", status_code=422, **page)
    return _admin_action(
        request, db, user, row.id, "rotated", "Ansattnøkkel byttet", "Employee token rotated"
    )
