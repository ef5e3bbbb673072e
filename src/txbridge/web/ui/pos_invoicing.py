"""POS invoicing (seed 002, steps 12–13 and «Charge via invoice»): the set-up's switches (invoicing,
collective invoice, send to customer) with the company's bank account number checked, the Tripletex
customers the POS picks from (the flow's cached list: no full read per page view), the sales «by
invoice» and where each stands, and the collective invoices with «Collect now», which closes the
period's batches here (store only) and queues their exports as jobs, as «Export» does."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from txbridge.catalog import Message
from txbridge.catalog import render as render_message
from txbridge.flows import accounts, posinvoice
from txbridge.flows import connections as connection_flow
from txbridge.flows.posinvoice.views import (
    CollectiveState,
    SaleState,
    list_collective_invoices,
    list_invoice_sales,
)
from txbridge.flows.views import connections as views
from txbridge.jobs import api as jobs
from txbridge.web.deps import Admin, Config, Db, User
from txbridge.web.rendering import render
from txbridge.web.ui.common import message_of, see_other

router = APIRouter()

PER_PAGE = 50


def _connection(request: Request, db: Db, connection_id: int) -> views.ConnectionRow | Response:
    try:
        return views.connection_detail(db, connection_id)
    except LookupError as exc:
        message = message_of(exc)
        if message is None:
            raise
        return render(request, "error.html", status_code=404, message=message)


def _setup_page(
    request: Request,
    db: Db,
    settings: Config,
    row: views.ConnectionRow,
    *,
    error: Message | None = None,
    done: str | None = None,
    status_code: int = 200,
) -> Response:
    setup = posinvoice.invoicing_setup(db, row.id)
    bank: Message | None = None
    if setup.configured and setup.invoicing:
        # Checked before the first invoice, as the export's preflight does: one read of the chart.
        try:
            bank = posinvoice.check_bank_account(db, settings, row.id)
        except posinvoice.PosInvoiceError as exc:
            bank = exc.message
    return render(
        request,
        "pos/invoicing.html",
        status_code=status_code,
        row=row,
        tab="setup",
        setup=setup,
        bank=bank,
        error=error,
        done=done,
    )


@router.get("/connections/{connection_id}/pos/invoicing")
def setup_page(
    request: Request, db: Db, settings: Config, _user: User, connection_id: int, done: str | None = None
) -> Response:
    row = _connection(request, db, connection_id)
    if isinstance(row, Response):
        return row
    return _setup_page(request, db, settings, row, done=done)


@router.post("/connections/{connection_id}/pos/invoicing")
def save_setup(
    request: Request,
    db: Db,
    settings: Config,
    user: Admin,
    connection_id: int,
    invoicing: Annotated[bool, Form()] = False,
    collective_invoice: Annotated[bool, Form()] = False,
    send_to_customer: Annotated[bool, Form()] = False,
) -> Response:
    row = _connection(request, db, connection_id)
    if isinstance(row, Response):
        return row
    try:
        posinvoice.set_invoicing(db, connection_id, invoicing, by=user.username)
        posinvoice.set_collective_invoice(db, connection_id, collective_invoice, by=user.username)
        current = connection_flow.export_settings(db, connection_id)
        if current.send_to_customer != send_to_customer:
            connection_flow.update_settings(
                db,
                connection_id,
                send_to_customer=send_to_customer,
                prices_include_vat=current.prices_include_vat,
                batch_size=current.batch_size,
            )
    except (posinvoice.PosInvoiceError, connection_flow.ConnectionFlowError) as exc:
        return _setup_page(request, db, settings, row, error=exc.message, status_code=422)
    accounts.log_action(
        db,
        user,
        nb=f"Kassefakturering lagret (fakturering {'på' if invoicing else 'av'}, samlefaktura "
        f"{'på' if collective_invoice else 'av'}, send til kunde {'ja' if send_to_customer else 'nei'})",
        en=f"POS invoicing saved (invoicing {'on' if invoicing else 'off'}, collective invoice "
        f"{'on' if collective_invoice else 'off'}, send to customer {'yes' if send_to_customer else 'no'})",
        connection_id=connection_id,
        object_type="pos_setup",
        object_key=str(connection_id),
    )
    return see_other(f"/connections/{connection_id}/pos/invoicing?done=saved")


@router.get("/connections/{connection_id}/pos/customers")
def customers(
    request: Request, db: Db, settings: Config, _user: User, connection_id: int, q: str = "", offset: int = 0
) -> Response:
    row = _connection(request, db, connection_id)
    if isinstance(row, Response):
        return row
    context: dict[str, Any] = {"row": row, "tab": "customers", "q": q, "page": None, "error": None}
    try:
        context["page"] = posinvoice.customer_page(
            db, settings, connection_id, q[:100], offset=offset, limit=PER_PAGE
        )
    except posinvoice.PosInvoiceError as exc:
        context["error"] = exc.message
    return render(request, "pos/customers.html", **context)


def _enum_or_none(kind: type[SaleState] | type[CollectiveState], value: str | None) -> Any:
    try:
        return kind(value) if value else None
    except ValueError:
        return None


@router.get("/connections/{connection_id}/pos/sales")
def sales(
    request: Request,
    db: Db,
    _user: User,
    connection_id: int,
    state: str | None = None,
    customer: str | None = None,
    offset: int = 0,
) -> Response:
    row = _connection(request, db, connection_id)
    if isinstance(row, Response):
        return row
    wanted = _enum_or_none(SaleState, state)
    number = int(customer) if customer and customer.strip().isdigit() else None
    found = list_invoice_sales(
        db, connection_id, state=wanted, customer_number=number, offset=offset, limit=PER_PAGE
    )
    return render(
        request,
        "pos/sales.html",
        row=row,
        tab="sales",
        page=found.page,
        customers=found.customers,
        state=wanted,
        customer=number,
        states=list(SaleState),
    )


def _collective_page(
    request: Request,
    db: Db,
    row: views.ConnectionRow,
    *,
    period: str = "",
    state: CollectiveState | None = None,
    offset: int = 0,
    queued: list[int] | None = None,
    error: Message | None = None,
    status_code: int = 200,
) -> Response:
    found = list_collective_invoices(
        db, row.id, period=period or None, state=state, offset=offset, limit=PER_PAGE
    )
    return render(
        request,
        "pos/collective.html",
        status_code=status_code,
        row=row,
        tab="collective",
        page=found.page,
        open_periods=found.open_periods,
        period=period,
        state=state,
        states=list(CollectiveState),
        queued=queued or [],
        error=error,
    )


@router.get("/connections/{connection_id}/pos/collective")
def collective(
    request: Request,
    db: Db,
    _user: User,
    connection_id: int,
    period: str = "",
    state: str | None = None,
    offset: int = 0,
    batches: str = "",
) -> Response:
    row = _connection(request, db, connection_id)
    if isinstance(row, Response):
        return row
    queued = [int(b) for b in batches.split(",") if b.isdigit()]
    return _collective_page(
        request,
        db,
        row,
        period=period.strip(),
        state=_enum_or_none(CollectiveState, state),
        offset=offset,
        queued=queued,
    )


@router.post("/connections/{connection_id}/pos/collective/collect")
def collect_now(
    request: Request,
    db: Db,
    settings: Config,
    user: User,
    connection_id: int,
    period: Annotated[str, Form()] = "",
) -> Response:
    """«Collect now» for an ended period: its orders batch and collective invoice batch are closed here
    (store only), their exports queued as jobs in that order (a connection's jobs run one at a time,
    so the orders are in Tripletex before their collective invoice is made)."""
    row = _connection(request, db, connection_id)
    if isinstance(row, Response):
        return row
    period = period.strip()
    try:
        result = posinvoice.collect_period(db, connection_id, period)
    except ValueError:
        message = render_message("invalid_period", value=period)
        return _collective_page(request, db, row, error=message, status_code=422)
    except posinvoice.PosInvoiceError as exc:
        return _collective_page(request, db, row, period=period, error=exc.message, status_code=422)
    if not result.batch_ids:
        return _collective_page(request, db, row, period=period, error=result.invoices.message)
    for batch_id in result.batch_ids:
        started = jobs.start_export(db, settings, batch_id, requested_by=user.username)
        accounts.log_action(
            db,
            user,
            nb=f"Samlefakturering for {period}: eksport av bunt {batch_id} startet (jobb {started.id})",
            en=f"Collective invoicing for {period}: export of batch {batch_id} started (job {started.id})",
            connection_id=connection_id,
            object_type="batch",
            object_key=str(batch_id),
        )
    ids = ",".join(map(str, result.batch_ids))
    return see_other(f"/connections/{connection_id}/pos/collective?period={period}&batches={ids}")
