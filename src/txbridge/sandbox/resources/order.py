"""Orders and order lines, and invoicing them
(``/order/{id}/:invoice``, ``/order/:invoiceMultipleOrders``)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from txbridge.sandbox import errors
from txbridge.sandbox.accounting import ref_id
from txbridge.sandbox.context import Ctx, CtxDep, id_list, in_range, parse_date_param, parse_date_range
from txbridge.sandbox.invoicing import (
    INVOICE,
    LINE,
    ORDER,
    add_line,
    as_decimal,
    check_collectable,
    check_not_invoiced,
    existing_order_plan,
    find_payment_type,
    plan_invoice,
    plan_order,
    prepare_line,
    store_order,
    write_invoice,
)
from txbridge.sandbox.state import Row

router = APIRouter()


@router.get("/order")
async def search(
    ctx: CtxDep,
    orderDateFrom: str | None = None,
    orderDateTo: str | None = None,
    id: str | None = None,
    number: str | None = None,
    customerId: str | None = None,
    deliveryComment: str | None = None,
    isClosed: bool | None = None,
    isSubscription: bool | None = None,
) -> Response:
    start, end = parse_date_range(orderDateFrom, orderDateTo, "orderDateFrom", "orderDateTo")
    ids = id_list(id)
    customers = id_list(customerId)

    def wanted(o: Row) -> bool:
        return (
            in_range(o.get("orderDate"), start, end)
            and (ids is None or o["id"] in ids)
            and (number is None or o.get("number") == number)
            and (customers is None or ref_id(o.get("customer")) in customers)
            and (deliveryComment is None or deliveryComment.lower() in o.get("deliveryComment", "").lower())
            and (isClosed is None or o.get("isClosed") == isClosed)
            and (isSubscription is None or o.get("isSubscription") == isSubscription)
        )

    return ctx.listing(filter(wanted, ctx.company.table(ORDER).values()), ORDER)


@router.post("/order")
async def create(ctx: CtxDep) -> Response:
    body = await ctx.body(ORDER)
    with ctx.state.lock:
        row = store_order(ctx, plan_order(ctx, body))
    ctx.emit("order.create", ORDER, row)
    return ctx.single(row, ORDER, status=201)


@router.post("/order/list")
async def create_list(ctx: CtxDep) -> Response:
    bodies = await ctx.body_list(ORDER)
    with ctx.state.lock:
        plans = [plan_order(ctx, b, f"[{i}].") for i, b in enumerate(bodies)]
        rows = [store_order(ctx, p) for p in plans]
    for row in rows:
        ctx.emit("order.create", ORDER, row)
    return ctx.created_list(rows, ORDER)


@router.put("/order/:invoiceMultipleOrders")
async def invoice_multiple(
    ctx: CtxDep, id: str | None = None, invoiceDate: str | None = None, sendToCustomer: bool = True
) -> Response:
    ids = id_list(id)
    if not ids:
        raise errors.validation("id", "Kan ikke være null. Cannot be null.", errors.VALUE_VALIDATION)
    day = parse_date_param(invoiceDate, "invoiceDate", required=True)
    assert day is not None
    with ctx.state.lock:
        plans = [existing_order_plan(ctx, ctx.get(ORDER, i)) for i in sorted(ids)]
        check_collectable(plans)
        planned = plan_invoice(ctx, plans, invoice_date=day, due_date=None, send_to_customer=sendToCustomer)
        invoice = write_invoice(ctx, planned)
    ctx.emit("invoice.charged", INVOICE, invoice)
    return ctx.single(invoice, INVOICE)


@router.get("/order/{id}")
async def get(id: int, ctx: CtxDep) -> Response:
    return ctx.single(ctx.get(ORDER, id), ORDER)


@router.put("/order/{id}")
async def update(id: int, ctx: CtxDep) -> Response:
    body = await ctx.body(ORDER)
    with ctx.state.lock:
        order = ctx.get(ORDER, id)
        check_not_invoiced(order, "id")
        merged = {**order, **{k: v for k, v in body.items() if k != "orderLines"}}
        merged["orderLines"] = []
        plan_order(ctx, merged)  # the order as a whole must still be valid
        including = bool(merged.get("isPrioritizeAmountsIncludingVat"))
        new_lines = [
            prepare_line(ctx, line, including, f"orderLines[{i}]")
            for i, line in enumerate(body.pop("orderLines", None) or [])
            if not line.get("id")
        ]
        ctx.update(ORDER, order, body)
        for line in new_lines:
            add_line(ctx, order, line)
    ctx.emit("order.update", ORDER, order)
    return ctx.single(order, ORDER)


@router.delete("/order/{id}")
async def delete(id: int, ctx: CtxDep) -> Response:
    with ctx.state.lock:
        order = ctx.get(ORDER, id)
        check_not_invoiced(order, "id")
        for ref in order["orderLines"]:
            ctx.company.table(LINE).pop(ref["id"], None)
        del ctx.company.table(ORDER)[id]
    ctx.emit("order.delete", ORDER, None, id)
    return Response(status_code=204)


@router.put("/order/{id}/:invoice")
async def invoice_order(
    id: int,
    ctx: CtxDep,
    invoiceDate: str | None = None,
    sendToCustomer: bool = True,
    paymentTypeId: int | None = None,
    paidAmount: str | None = None,
) -> Response:
    day = parse_date_param(invoiceDate, "invoiceDate", required=True)
    assert day is not None
    with ctx.state.lock:
        plan = existing_order_plan(ctx, ctx.get(ORDER, id))
        payment = None
        if paymentTypeId is not None and paidAmount is not None:
            payment = (find_payment_type(ctx, paymentTypeId), as_decimal(paidAmount, "paidAmount"))
        planned = plan_invoice(
            ctx, [plan], invoice_date=day, due_date=None, send_to_customer=sendToCustomer, payment=payment
        )
        invoice = write_invoice(ctx, planned)
    ctx.emit("invoice.charged", INVOICE, invoice)
    return ctx.single(invoice, INVOICE)


# --- order lines --------------------------------------------------------------------------------


def _line_order(ctx: Ctx, body: Row) -> Row:
    order = ctx.ref(ORDER, body.get("order"), "order")
    if order is None:
        raise errors.validation("order", "Kan ikke være null. Cannot be null.", errors.VALUE_VALIDATION)
    check_not_invoiced(order)
    return order


@router.post("/order/orderline")
async def create_line(ctx: CtxDep) -> Response:
    body = await ctx.body(LINE)
    with ctx.state.lock:
        order = _line_order(ctx, body)
        line = prepare_line(ctx, body, bool(order.get("isPrioritizeAmountsIncludingVat")), "")
        row = add_line(ctx, order, line)
        ctx.touch(order)
    return ctx.single(row, LINE, status=201)


@router.post("/order/orderline/list")
async def create_lines(ctx: CtxDep) -> Response:
    bodies = await ctx.body_list(LINE)
    with ctx.state.lock:
        prepared = []
        for i, body in enumerate(bodies):
            order = _line_order(ctx, body)
            including = bool(order.get("isPrioritizeAmountsIncludingVat"))
            prepared.append((order, prepare_line(ctx, body, including, f"[{i}]")))
        rows = [add_line(ctx, order, line) for order, line in prepared]
    return ctx.created_list(rows, LINE)


@router.get("/order/orderline/{id}")
async def get_line(id: int, ctx: CtxDep) -> Response:
    return ctx.single(ctx.get(LINE, id), LINE)


@router.put("/order/orderline/{id}")
async def update_line(id: int, ctx: CtxDep) -> Response:
    body = await ctx.body(LINE)
    with ctx.state.lock:
        row = ctx.get(LINE, id)
        order = ctx.get(ORDER, row["order"]["id"])
        check_not_invoiced(order)
        including = bool(order.get("isPrioritizeAmountsIncludingVat"))
        merged = {k: v for k, v in {**row, **body}.items() if not k.startswith("_")}
        # The price field the order does not use is computed, so only the chosen one is re-checked.
        merged.pop("unitPriceExcludingVatCurrency" if including else "unitPriceIncludingVatCurrency", None)
        for key in ("unitPriceExcludingVatCurrency", "unitPriceIncludingVatCurrency"):
            if key in body:
                merged[key] = body[key]
        line = prepare_line(ctx, merged, including, "")
        sent_version = body.get("version")
        ctx.update(LINE, row, {**line, **({"version": sent_version} if sent_version is not None else {})})
    return ctx.single(row, LINE)


@router.delete("/order/orderline/{id}")
async def delete_line(id: int, ctx: CtxDep) -> Response:
    with ctx.state.lock:
        row = ctx.get(LINE, id)
        order = ctx.get(ORDER, row["order"]["id"])
        check_not_invoiced(order)
        order["orderLines"] = [r for r in order["orderLines"] if r["id"] != id]
        del ctx.company.table(LINE)[id]
        ctx.touch(order)
    return Response(status_code=204)
