"""Invoices: create with embedded orders, ``/list`` (max 100), search with the required date range,
payments, credit notes, and the invoice payment types."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Response

from txbridge.sandbox import errors
from txbridge.sandbox.accounting import ref_id
from txbridge.sandbox.context import Ctx, CtxDep, id_list, in_range, parse_date_param, parse_date_range
from txbridge.sandbox.invoicing import (
    INVOICE,
    NOK,
    ORDER,
    InvoicePlan,
    OrderPlan,
    as_decimal,
    check_paid_amounts,
    credit_note,
    existing_order_plan,
    find_payment_type,
    plan_invoice,
    plan_order,
    register_payment,
    write_invoice,
)
from txbridge.sandbox.state import Row

router = APIRouter()
MAX_INVOICES_PER_LIST = 100
PAYMENT_TYPE = "PaymentType"


def _plans(ctx: Ctx, body: Row, where: str) -> list[OrderPlan]:
    plans: list[OrderPlan] = []
    orders = body.get("orders") or []
    if not orders:
        raise errors.validation(f"{where}orders", REQUIRED_ORDERS)
    for i, order in enumerate(orders):
        prefix = f"{where}orders[{i}]."
        if isinstance(order.get("id"), int) and len(order) <= 2:
            row = ctx.ref(ORDER, order, f"{where}orders[{i}]")
            assert row is not None
            plans.append(existing_order_plan(ctx, row))
        else:
            if "customer" not in order and body.get("customer"):
                order = {**order, "customer": body["customer"]}
            plans.append(plan_order(ctx, order, prefix))
    return plans


REQUIRED_ORDERS = "Fakturaen må ha minst én ordre. The invoice needs at least one order."


def _dates(body: Row, where: str) -> tuple[date, date]:
    out: list[date] = []
    for name in ("invoiceDate", "invoiceDueDate"):
        parsed = parse_date_param(body.get(name), f"{where}{name}", required=True)
        assert parsed is not None
        out.append(parsed)
    return out[0], out[1]


def _plan(ctx: Ctx, body: Row, where: str, send: bool, payment: tuple[Row, object] | None) -> InvoicePlan:
    invoice_date, due_date = _dates(body, where)
    plans = _plans(ctx, body, where)
    pay = None
    if payment is not None:
        pay = (payment[0], as_decimal(payment[1], "paidAmount"))
        # Checked before anything is written, so a refused prepayment leaves no invoice behind.
        check_paid_amounts(pay[1], None, foreign=False)
    return plan_invoice(
        ctx,
        plans,
        invoice_date=invoice_date,
        due_date=due_date,
        send_to_customer=send,
        comment=body.get("comment", ""),
        kid=body.get("kid"),
        payment=pay,
        where=where,
    )


@router.post("/invoice")
async def create(
    ctx: CtxDep,
    sendToCustomer: bool = True,
    paymentTypeId: int | None = None,
    paidAmount: str | None = None,
) -> Response:
    body = await ctx.body(INVOICE)
    with ctx.state.lock:
        payment = None
        if paymentTypeId is not None and paidAmount is not None:
            payment = (find_payment_type(ctx, paymentTypeId), paidAmount)
        row = write_invoice(ctx, _plan(ctx, body, "", sendToCustomer, payment))
    ctx.emit("invoice.charged", INVOICE, row)
    return ctx.single(row, INVOICE, status=201)


@router.post("/invoice/list")
async def create_list(ctx: CtxDep, sendToCustomer: bool = True) -> Response:
    bodies = await ctx.body_list(INVOICE, max_items=MAX_INVOICES_PER_LIST)
    with ctx.state.lock:
        # Check every invoice first so a refused list writes nothing, as in Tripletex.
        planned = [_plan(ctx, body, f"[{i}].", sendToCustomer, None) for i, body in enumerate(bodies)]
        _one_invoice_per_order(planned)
        rows = [write_invoice(ctx, p) for p in planned]
    for row in rows:
        ctx.emit("invoice.charged", INVOICE, row)
    return ctx.created_list(rows, INVOICE)


def _one_invoice_per_order(planned: list[InvoicePlan]) -> None:
    """Two invoices of one list may not invoice the same existing order."""
    seen: set[int] = set()
    for i, invoice in enumerate(planned):
        for j, plan in enumerate(invoice.plans):
            if plan.row is None:
                continue
            if plan.row["id"] in seen:
                raise errors.validation(
                    f"[{i}].orders[{j}]",
                    "Ordren er allerede fakturert. The order is already invoiced.",
                )
            seen.add(plan.row["id"])


@router.get("/invoice")
async def search(
    ctx: CtxDep,
    invoiceDateFrom: str | None = None,
    invoiceDateTo: str | None = None,
    id: str | None = None,
    invoiceNumber: str | None = None,
    kid: str | None = None,
    voucherId: str | None = None,
    customerId: str | None = None,
) -> Response:
    start, end = parse_date_range(invoiceDateFrom, invoiceDateTo, "invoiceDateFrom", "invoiceDateTo")
    ids = id_list(id)
    numbers = {n.strip() for n in invoiceNumber.split(",")} if invoiceNumber else None
    vouchers = id_list(voucherId)
    customers = id_list(customerId)

    def wanted(r: Row) -> bool:
        return (
            in_range(r["invoiceDate"], start, end)
            and (ids is None or r["id"] in ids)
            and (numbers is None or str(r["invoiceNumber"]) in numbers)
            and (kid is None or r.get("kid") == kid)
            and (vouchers is None or ref_id(r.get("voucher")) in vouchers)
            and (customers is None or ref_id(r.get("customer")) in customers)
        )

    return ctx.listing(filter(wanted, ctx.company.table(INVOICE).values()), INVOICE)


@router.get("/invoice/paymentType")
async def payment_types(ctx: CtxDep, id: str | None = None, description: str | None = None) -> Response:
    ids = id_list(id)

    def wanted(r: Row) -> bool:
        return (ids is None or r["id"] in ids) and (
            description is None or description.lower() in r["description"].lower()
        )

    rows = sorted(filter(wanted, ctx.company.table(PAYMENT_TYPE).values()), key=lambda r: r["sequence"])
    return ctx.listing(rows, PAYMENT_TYPE)


@router.get("/invoice/paymentType/{id}")
async def payment_type(id: int, ctx: CtxDep) -> Response:
    return ctx.single(ctx.get(PAYMENT_TYPE, id), PAYMENT_TYPE)


@router.get("/invoice/{id}")
async def get(id: int, ctx: CtxDep) -> Response:
    return ctx.single(ctx.get(INVOICE, id), INVOICE)


@router.put("/invoice/{id}/:payment")
async def pay(
    id: int,
    ctx: CtxDep,
    paymentDate: str | None = None,
    paymentTypeId: int | None = None,
    paidAmount: str | None = None,
    paidAmountCurrency: str | None = None,
) -> Response:
    # Every missing parameter named at once (422/15000 «Kan ikke være null.» each), as Tripletex
    # answers a search without its dates (public logs of real answers, 2026-03).
    missing = [
        errors.ValidationMessage(name, "Kan ikke være null.")
        for name, given in (
            ("paymentDate", paymentDate),
            ("paymentTypeId", paymentTypeId),
            ("paidAmount", paidAmount),
        )
        if given is None or given == ""
    ]
    if missing:
        raise errors.TripletexError(422, 15000, "Validation failed", None, missing)
    day = parse_date_param(paymentDate, "paymentDate", required=True)
    assert day is not None and paidAmount is not None
    amount = as_decimal(paidAmount, "paidAmount")
    amount_currency = as_decimal(paidAmountCurrency, "paidAmountCurrency") if paidAmountCurrency else None
    with ctx.state.lock:
        invoice = ctx.get(INVOICE, id)
        payment_type = find_payment_type(ctx, paymentTypeId)
        check_paid_amounts(amount, amount_currency, (ref_id(invoice.get("currency")) or NOK) != NOK)
        register_payment(ctx, invoice, payment_type, amount, day, amount_currency)
    return ctx.single(invoice, INVOICE)


@router.put("/invoice/{id}/:createCreditNote")
async def create_credit_note(
    id: int,
    ctx: CtxDep,
    date: str | None = None,
    comment: str | None = None,
    sendToCustomer: bool = True,
) -> Response:
    day = parse_date_param(date, "date", required=True)
    assert day is not None
    with ctx.state.lock:
        invoice = ctx.get(INVOICE, id)
        note = credit_note(ctx, invoice, day, comment or "", sendToCustomer)
    ctx.emit("invoice.charged", INVOICE, note)
    return ctx.single(note, INVOICE)
