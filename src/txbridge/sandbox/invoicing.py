"""Orders, order lines, invoices, payments and credit notes as Tripletex books them.

Everything is checked before anything is written (``plan_*``), so a refused request leaves no trace:
the price rule with Tripletex's own texts, the income account per line, VAT from the VAT type, the
bank-account rule, invoice numbers in sequence, and a balanced voucher per invoice.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from txbridge.sandbox import errors
from txbridge.sandbox.accounting import (
    CUSTOMER_ACCOUNT,
    DEFAULT_VAT_NUMBER,
    PRICE_EXCL_REQUIRED,
    PRICE_INCL_REQUIRED,
    account_by_number,
    income_account,
    kid_for,
    line_amounts,
    money,
    out,
    ref_id,
    require_bank_account,
    vat_account,
    vat_rate,
    vat_type_by_number,
)
from txbridge.sandbox.context import Ctx
from txbridge.sandbox.resources.currency import rate_of
from txbridge.sandbox.resources.voucher import book, close_group, customer_postings
from txbridge.sandbox.state import Row

ORDER = "Order"
LINE = "OrderLine"
INVOICE = "Invoice"
NOK = 1
#: Tripletex's «Avrunding» company setting (off in a new company; the control API switches it).
ROUNDING_SETTING = "invoice_rounding"
FX_GAIN_ACCOUNT = 8060  # Valutagevinst (agio)
FX_LOSS_ACCOUNT = 8160  # Valutatap (disagio)
REQUIRED = "Kan ikke være null. Cannot be null."
# Vouchers written by invoicing are changed only through the invoice (payments, credit notes).
LOCKED: Row = {"_locked": True}


# --- order lines ---------------------------------------------------------------------------------


def prepare_line(ctx: Ctx, body: Row, including: bool, where: str) -> Row:
    """Validate one order line and fill in what Tripletex computes (the other price, amounts)."""
    line = dict(body)
    line.pop("id", None)
    line.pop("version", None)
    line.pop("order", None)
    product = ctx.ref("Product", line.get("product"), f"{where}.product")
    if product is None and not line.get("description"):
        raise errors.validation(
            f"{where}.description",
            "Ordrelinjen må ha en beskrivelse eller et produkt. "
            "An order line needs a description or a product.",
        )
    vat = ctx.ref("VatType", line.get("vatType"), f"{where}.vatType")
    if vat is None and product is not None:
        vat = ctx.company.table("VatType").get(ref_id(product.get("vatType")) or 0)
    if vat is None:
        vat = vat_type_by_number(ctx.company, DEFAULT_VAT_NUMBER)
    has_incl = line.get("unitPriceIncludingVatCurrency") is not None
    has_excl = line.get("unitPriceExcludingVatCurrency") is not None
    if including and has_excl:
        raise errors.validation(f"{where}.unitPriceExcludingVatCurrency", PRICE_INCL_REQUIRED)
    if not including and has_incl:
        raise errors.validation(f"{where}.unitPriceIncludingVatCurrency", PRICE_EXCL_REQUIRED)
    rate = vat_rate(vat)
    if including:
        gross_unit = money(
            line["unitPriceIncludingVatCurrency"]
            if has_incl
            else (product or {}).get("priceIncludingVatCurrency", 0)
        )
        net_unit = gross_unit / (1 + rate)
    else:
        net_unit = money(
            line["unitPriceExcludingVatCurrency"]
            if has_excl
            else (product or {}).get("priceExcludingVatCurrency", 0)
        )
        gross_unit = net_unit * (1 + rate)
    line["unitPriceExcludingVatCurrency"] = float(round(net_unit, 4))
    line["unitPriceIncludingVatCurrency"] = float(round(gross_unit, 4))
    line.setdefault("count", 1)
    line.setdefault("discount", 0)
    if product is not None and not line.get("description"):
        line["description"] = product.get("name", "")
    line["vatType"] = {"id": vat["id"]}
    line.pop("currency", None)  # always the order's (set when the line is stored)
    net, gross = line_amounts(
        {**line, "unitPriceIncludingVatCurrency": gross_unit, "unitPriceExcludingVatCurrency": net_unit},
        vat,
        including,
    )
    line["amountExcludingVatCurrency"] = out(net)
    line["amountIncludingVatCurrency"] = out(gross)
    # Decided here, checked again at invoicing (the product may change in between).
    income_account(ctx.company, vat, product)
    return line


# --- orders -------------------------------------------------------------------------------------


@dataclass
class OrderPlan:
    """A validated order that is not stored yet (or an existing one, ``row`` set)."""

    fields: Row
    lines: list[Row]
    customer: Row
    row: Row | None = None
    line_rows: list[Row] = field(default_factory=list)


def existing_order_plan(ctx: Ctx, order: Row) -> OrderPlan:
    """A stored order as a plan, to invoice it."""
    customer = ctx.get("Customer", order["customer"]["id"])
    lines = [ctx.company.table(LINE)[ref["id"]] for ref in order["orderLines"]]
    return OrderPlan(order, [], customer, row=order, line_rows=lines)


def plan_order(ctx: Ctx, body: Row, where: str = "") -> OrderPlan:
    customer = ctx.ref("Customer", body.get("customer"), f"{where}customer")
    if customer is None:
        raise errors.validation(f"{where}customer", REQUIRED, errors.VALUE_VALIDATION)
    for name in ("orderDate", "deliveryDate"):
        if not body.get(name):
            raise errors.validation(f"{where}{name}", REQUIRED, errors.VALUE_VALIDATION)
        try:
            date.fromisoformat(body[name])
        except ValueError:
            raise errors.validation(f"{where}{name}", "Ugyldig dato. Invalid date.") from None
    for key, schema in (
        ("department", "Department"),
        ("project", "Project"),
        ("ourContactEmployee", "Employee"),
    ):
        ctx.ref(schema, body.get(key), f"{where}{key}")
    currency = ctx.ref("Currency", body.get("currency"), f"{where}currency")
    including = bool(body.get("isPrioritizeAmountsIncludingVat", False))
    lines = [
        prepare_line(ctx, line, including, f"{where}orderLines[{i}]")
        for i, line in enumerate(body.get("orderLines") or [])
    ]
    fields = {k: v for k, v in body.items() if k not in ("orderLines", "id", "version")}
    fields.setdefault("isPrioritizeAmountsIncludingVat", including)
    # An order without a currency is in the customer's (NOK unless the customer says otherwise).
    fields["currency"] = {"id": currency["id"] if currency else ref_id(customer.get("currency")) or NOK}
    return OrderPlan(fields, lines, customer)


def store_order(ctx: Ctx, plan: OrderPlan) -> Row:
    customer = plan.customer
    defaults: Row = {
        "number": str(ctx.company.next_number("order")),
        "reference": "",
        "invoiceComment": "",
        "receiverEmail": customer.get("invoiceEmail") or customer.get("email", ""),
        "currency": {"id": 1},
        "invoicesDueIn": customer.get("invoicesDueIn", 14),
        "invoicesDueInType": customer.get("invoicesDueInType", "DAYS"),
        "isClosed": False,
        "isSubscription": False,
        "deliveryComment": "",
        "orderLines": [],
        "customerName": customer.get("name", ""),
    }
    row = ctx.insert(ORDER, {**defaults, **plan.fields})
    row["displayName"] = f"{row['number']} {customer.get('name', '')}".strip()
    for i, line in enumerate(plan.lines):
        add_line(ctx, row, line, sort_index=i)
    return row


def add_line(ctx: Ctx, order: Row, line: Row, sort_index: int | None = None) -> Row:
    currency = {"id": ref_id(order.get("currency")) or NOK}
    stored = ctx.insert(LINE, {**line, "order": {"id": order["id"]}, "currency": currency})
    stored.setdefault("sortIndex", sort_index if sort_index is not None else len(order["orderLines"]))
    order["orderLines"].append({"id": stored["id"]})
    return stored


def check_not_invoiced(order: Row, where: str = "order") -> None:
    if order.get("_invoiceId"):
        raise errors.validation(
            where,
            f"Ordren {order['number']} er allerede fakturert. Order {order['number']} is already invoiced.",
        )


#: What the orders of one collective invoice must share besides customer and currency (Tripletex's
#: rule for ``/order/:invoiceMultipleOrders``), with how a refusal names it.
SHARED_ON_COLLECTIVE: tuple[tuple[str, str, str], ...] = (
    ("invoicesDueIn", "forfall", "due date"),
    ("invoicesDueInType", "forfall", "due date"),
    ("receiverEmail", "mottakers e-post", "receiver email"),
    ("attn", "att.", "attn."),
    ("invoiceSMSNotificationNumber", "SMS-nummer", "SMS number"),
)


def check_collectable(plans: list[OrderPlan]) -> None:
    """``/order/:invoiceMultipleOrders``: no order may be closed, and every order must share due date,
    receiver e-mail, attn and SMS number with the first (customer and currency: :func:`plan_invoice`)."""
    for i, plan in enumerate(plans):
        order = plan.fields
        check_not_invoiced(order, f"orders[{i}]")
        if order.get("isClosed"):
            raise errors.validation(
                f"orders[{i}].isClosed",
                f"Ordren {order.get('number')} er lukket og kan ikke faktureres. "
                f"Order {order.get('number')} is closed and cannot be invoiced.",
            )
    first = plans[0].fields
    for i, plan in enumerate(plans[1:], start=1):
        for key, nb, en in SHARED_ON_COLLECTIVE:
            mine, theirs = plan.fields.get(key), first.get(key)
            if key == "attn":
                mine, theirs = ref_id(mine), ref_id(theirs)
            if (mine or None) != (theirs or None):
                raise errors.validation(
                    f"orders[{i}].{key}",
                    f"Alle ordrene må ha samme {nb} (ordre {plan.fields.get('number')}). "
                    f"All orders must have the same {en} (order {plan.fields.get('number')}).",
                )


# --- invoices -----------------------------------------------------------------------------------


@dataclass
class LineBooking:
    line: Row
    account: Row
    vat: Row
    net: Decimal
    gross: Decimal


def _due_date(invoice_date: date, customer: Row) -> date:
    amount = int(customer.get("invoicesDueIn", 14) or 0)
    if customer.get("invoicesDueInType") == "MONTHS":
        month = invoice_date.month - 1 + amount
        year, month = invoice_date.year + month // 12, month % 12 + 1
        # The same day of the month, or the month's last day when it is shorter (31 Jan → 28 Feb).
        day = min(invoice_date.day, calendar.monthrange(year, month)[1])
        return date(year, month, day)
    return invoice_date + timedelta(days=amount)


@dataclass(frozen=True)
class InvoicePlan:
    """An invoice that passed every check; :func:`write_invoice` stores it without failing."""

    plans: list[OrderPlan]
    customer: Row
    bookings: list[LineBooking]
    invoice_date: date
    due_date: date
    send_to_customer: bool
    comment: str
    kid: str | None
    payment: tuple[Row, Decimal] | None
    currency: Row
    #: NOK per one unit of ``currency`` on the invoice date (1 for NOK).
    rate: Decimal = Decimal(1)


def plan_invoice(
    ctx: Ctx,
    plans: list[OrderPlan],
    *,
    invoice_date: date,
    due_date: date | None,
    send_to_customer: bool,
    comment: str = "",
    kid: str | None = None,
    payment: tuple[Row, Decimal] | None = None,
    where: str = "",
) -> InvoicePlan:
    """Every rule an invoice must pass, with nothing written (so a list can be checked whole first)."""
    require_bank_account(ctx.company)
    if not plans:
        raise errors.validation(
            f"{where}orders", "Fakturaen må ha minst én ordre. The invoice needs an order."
        )
    customer = plans[0].customer
    for i, plan in enumerate(plans):
        if plan.customer["id"] != customer["id"]:
            raise errors.validation(
                f"{where}orders[{i}].customer",
                "Alle ordrene må ha samme kunde. All orders must have the same customer.",
            )
        if plan.row is not None:
            check_not_invoiced(plan.row, f"{where}orders[{i}]")
        if ref_id(plan.fields.get("currency")) != ref_id(plans[0].fields.get("currency")):
            raise errors.validation(
                f"{where}orders[{i}].currency",
                "Alle ordrene må ha samme valuta. All orders must have the same currency.",
            )
    bookings: list[LineBooking] = []
    for plan in plans:
        including = bool(plan.fields.get("isPrioritizeAmountsIncludingVat"))
        for line in plan.line_rows or plan.lines:
            vat = ctx.company.table("VatType")[line["vatType"]["id"]]
            product = ctx.company.table("Product").get(ref_id(line.get("product")) or 0)
            net, gross = line_amounts(line, vat, including)
            bookings.append(LineBooking(line, income_account(ctx.company, vat, product), vat, net, gross))
    if not bookings:
        raise errors.validation(
            f"{where}orderLines", "Fakturaen har ingen ordrelinjer. The invoice has no order lines."
        )
    if due_date is None:
        due_date = _due_date(invoice_date, customer)
    if due_date < invoice_date:
        raise errors.validation(
            f"{where}invoiceDueDate", "Forfallsdato før fakturadato. Due date before invoice date."
        )

    currency = ctx.company.table("Currency")[ref_id(plans[0].fields.get("currency")) or NOK]
    rate = Decimal(1)
    if currency["id"] != NOK:
        rate = rate_of(ctx, currency, invoice_date, f"{where}invoiceDate").per_unit
    return InvoicePlan(
        plans,
        customer,
        bookings,
        invoice_date,
        due_date,
        send_to_customer,
        comment,
        kid,
        payment,
        currency,
        rate,
    )


def write_invoice(ctx: Ctx, planned: InvoicePlan) -> Row:
    """Store the new orders, the voucher and the invoice of a checked plan."""
    plans, customer, bookings = planned.plans, planned.customer, planned.bookings
    invoice_date, due_date, comment, kid = (
        planned.invoice_date,
        planned.due_date,
        planned.comment,
        planned.kid,
    )
    orders = [plan.row if plan.row is not None else store_order(ctx, plan) for plan in plans]
    number = ctx.company.next_number("invoice")
    total_net = sum((b.net for b in bookings), Decimal(0))
    total_gross = sum((b.gross for b in bookings), Decimal(0))
    roundoff = Decimal(0)
    if ctx.company.extra.get(ROUNDING_SETTING):
        roundoff = total_gross.quantize(Decimal(1), rounding=ROUND_HALF_UP) - total_gross
    day = invoice_date.isoformat()
    description = f"Faktura nummer {number} til {customer.get('name', '')}"
    postings = _invoice_postings(ctx, customer, number, bookings, roundoff, due_date, sign=1)
    in_nok(postings, planned.currency, planned.rate)
    voucher = book(ctx, day=day, description=description, postings=postings, extra=LOCKED)
    line_refs = [ref for order in orders for ref in order["orderLines"]]
    receivable, *rest = postings
    amount, amount_currency = receivable["amount"], receivable["amountCurrency"]
    net_nok = -sum((p["amount"] for p in rest if not p.get("_vatOrRounding")), Decimal(0))
    roundoff_nok = -sum((p["amount"] for p in rest if p.get("_rounding")), Decimal(0))
    invoice: Row = {
        "invoiceNumber": number,
        "invoiceDate": day,
        "invoiceDueDate": due_date.isoformat(),
        "customer": {"id": customer["id"]},
        "kid": kid or kid_for(number, int(customer.get("customerNumber", 0))),
        "invoiceComment": comment or " ".join(o.get("invoiceComment", "") for o in orders).strip(),
        "comment": comment,
        "orders": [{"id": o["id"]} for o in orders],
        "orderLines": line_refs,
        "voucher": {"id": voucher["id"]},
        "deliveryDate": orders[0].get("deliveryDate", day),
        "amount": out(amount),
        "amountCurrency": out(amount_currency),
        "amountExcludingVat": out(net_nok),
        "amountExcludingVatCurrency": out(total_net),
        "amountRoundoff": out(roundoff_nok),
        "amountRoundoffCurrency": out(roundoff),
        "sumRemits": 0.0,
        "currency": {"id": planned.currency["id"]},
        "isCreditNote": False,
        "isCredited": False,
        "isCharged": True,
        "isApproved": True,
        "postings": list(voucher["postings"]),
        "reminders": [],
        "_sentToCustomer": planned.send_to_customer,
        "_sendMethod": customer.get("invoiceSendMethod", "EMAIL") if planned.send_to_customer else None,
    }
    _set_outstanding(invoice, amount, amount_currency)
    row = ctx.insert(INVOICE, invoice)
    for order in orders:
        order["_invoiceId"] = row["id"]
        order["isClosed"] = True
        ctx.touch(order)
    if planned.payment is not None:
        # A prepayment's paidAmount is in the invoice currency (the spec); NOK at the invoice's rate.
        payment_type, paid = planned.payment
        paid_nok = paid if planned.currency["id"] == NOK else money(paid * planned.rate)
        register_payment(ctx, row, payment_type, paid_nok, invoice_date, paid)
    return row


def _invoice_postings(
    ctx: Ctx,
    customer: Row,
    number: int,
    bookings: list[LineBooking],
    roundoff: Decimal,
    due_date: date,
    sign: int,
) -> list[Row]:
    """The invoice's voucher rows in the invoice currency (``amountCurrency``); the customer's
    receivable first. :func:`in_nok` adds the NOK amounts."""
    receivable = account_by_number(ctx.company, CUSTOMER_ACCOUNT)
    total_gross = sum((b.gross for b in bookings), Decimal(0)) + roundoff
    postings: list[Row] = [
        {
            "account": receivable,
            "amountCurrency": sign * total_gross,
            "amountGrossCurrency": sign * total_gross,
            "customer": customer,
            "invoiceNumber": number,
            "termOfPayment": due_date.isoformat(),
            "row": 1,
            "type": "OUTGOING_INVOICE_CUSTOMER_POSTING",
        }
    ]
    grouped: dict[tuple[int, int], list[Decimal]] = {}
    for b in bookings:
        sums = grouped.setdefault((b.account["id"], b.vat["id"]), [Decimal(0), Decimal(0)])
        sums[0] += b.net
        sums[1] += b.gross
    row = 2
    vat_rows: list[Row] = []
    for (account_id, vat_id), (net, gross) in grouped.items():
        vat = ctx.company.table("VatType")[vat_id]
        postings.append(
            {
                "account": ctx.company.table("Account")[account_id],
                "amountCurrency": -sign * net,
                "amountGrossCurrency": -sign * gross,
                "vatType": vat,
                "customer": customer,
                "row": row,
            }
        )
        vat_acc = vat_account(ctx.company, vat)
        if gross != net and vat_acc is not None:
            vat_rows.append(
                {
                    "account": vat_acc,
                    "amountCurrency": -sign * (gross - net),
                    "amountGrossCurrency": -sign * (gross - net),
                    "vatType": vat,
                    "row": row,
                    "systemGenerated": True,
                    "_vatOrRounding": True,
                }
            )
        row += 1
    if roundoff:
        rules = ctx.company.extra["posting_rules"]
        vat_rows.append(
            {
                "account": account_by_number(ctx.company, rules.rounding_account),
                "amountCurrency": -sign * roundoff,
                "amountGrossCurrency": -sign * roundoff,
                "row": row,
                "systemGenerated": True,
                "_vatOrRounding": True,
                "_rounding": True,
            }
        )
    return postings + vat_rows


def in_nok(postings: list[Row], currency: Row, rate: Decimal) -> None:
    """Each row's NOK ``amount`` at ``rate``; the first row (the customer's) takes what balances the
    others, so the voucher balances to the øre in NOK as well as in the currency."""
    for p in postings[1:]:
        p["amount"] = money(p["amountCurrency"] * rate)
        p["amountGross"] = money(p["amountGrossCurrency"] * rate)
        p["currency"] = currency
    first = postings[0]
    first["amount"] = first["amountGross"] = -sum((p["amount"] for p in postings[1:]), Decimal(0))
    first["currency"] = currency


def register_payment(
    ctx: Ctx,
    invoice: Row,
    payment_type: Row,
    amount: Decimal,
    day: date,
    amount_currency: Decimal | None = None,
) -> None:
    """A payment voucher (bank debit in NOK, 1500 credit); closes the postings when nothing is left.

    An invoice in a foreign currency is paid with ``amount_currency`` (``paidAmountCurrency``) too: the
    customer's posting is credited that in the currency and its share of the booked NOK, and the
    difference to the NOK that reached the bank is an exchange gain (8060) or loss (8160). Sent for a
    NOK invoice, ``paidAmountCurrency`` is what is settled as well (as Tripletex does)."""
    customer = ctx.company.table("Customer").get(invoice["customer"]["id"]) or invoice["customer"]
    debit_id = ref_id(payment_type.get("debitAccount"))
    debit = ctx.company.table("Account").get(debit_id or 0) or account_by_number(ctx.company, 1920)
    receivable = account_by_number(ctx.company, CUSTOMER_ACCOUNT)
    currency_id = ref_id(invoice.get("currency")) or NOK
    outstanding = money(invoice["amountOutstanding"])
    outstanding_currency = money(invoice["amountCurrencyOutstanding"])
    if amount_currency is None:
        if currency_id == NOK:
            settled, settled_currency = amount, amount
        else:
            raise errors.validation(
                "paidAmountCurrency",
                "Betalt beløp i fakturaens valuta må oppgis for en faktura i utenlandsk valuta. "
                "paidAmountCurrency is required for an invoice in a foreign currency.",
                errors.VALUE_VALIDATION,
            )
    else:
        # What is settled is the amount in the invoice currency (also on a NOK invoice), at its share
        # of the booked NOK; paidAmount is what reached the bank.
        settled_currency = amount_currency
        if currency_id == NOK:
            settled = amount_currency
        elif outstanding_currency == 0:
            rate = money(invoice["amount"]) / money(invoice["amountCurrency"])
            settled = money(amount_currency * rate)
        else:
            settled = money(outstanding * amount_currency / outstanding_currency)
    postings: list[Row] = [
        {"account": debit, "amount": amount, "amountGross": amount, "row": 1, "type": "INCOMING_PAYMENT"},
        {
            "account": receivable,
            "amount": -settled,
            "amountGross": -settled,
            "amountCurrency": -settled_currency,
            "amountGrossCurrency": -settled_currency,
            "currency": {"id": currency_id},
            "customer": customer,
            "invoiceNumber": invoice["invoiceNumber"],
            "row": 2,
            "type": "INCOMING_PAYMENT_OPPOSITE",
        },
    ]
    difference = amount - settled
    if difference:
        account = FX_GAIN_ACCOUNT if difference > 0 else FX_LOSS_ACCOUNT
        postings.append(
            {
                "account": account_by_number(ctx.company, account),
                "amount": -difference,
                "amountGross": -difference,
                "row": 3,
                "systemGenerated": True,
            }
        )
    book(
        ctx,
        day=day.isoformat(),
        description=f"Innbetaling faktura {invoice['invoiceNumber']}",
        extra=LOCKED,
        postings=postings,
    )
    _set_outstanding(invoice, outstanding - settled, outstanding_currency - settled_currency)
    invoice["sumRemits"] = out(money(invoice.get("sumRemits", 0)) + amount)
    ctx.touch(invoice)
    if outstanding_currency - settled_currency == 0:
        _close(ctx, invoice, day)


def _set_outstanding(invoice: Row, outstanding: Decimal, outstanding_currency: Decimal) -> None:
    invoice["amountOutstanding"] = invoice["amountOutstandingTotal"] = out(outstanding)
    invoice["amountCurrencyOutstanding"] = invoice["amountCurrencyOutstandingTotal"] = out(
        outstanding_currency
    )


def _close(ctx: Ctx, invoice: Row, day: date) -> None:
    numbers = [invoice["invoiceNumber"]]
    credited = invoice.get("_creditNoteNumber") or invoice.get("_creditedNumber")
    if credited:
        numbers.append(credited)
    postings: list[Row] = []
    for n in numbers:
        postings.extend(customer_postings(ctx, invoice["customer"]["id"], n))
    open_postings = [p for p in postings if not p.get("closeGroup")]
    if open_postings and sum(money(p["amount"]) for p in open_postings) == 0:
        close_group(ctx, open_postings, day.isoformat())


def credit_note(ctx: Ctx, invoice: Row, day: date, comment: str, send_to_customer: bool) -> Row:
    """A credit note reverses the invoice's voucher and leaves nothing outstanding."""
    if invoice.get("isCreditNote"):
        raise errors.validation("id", "En kreditnota kan ikke krediteres. A credit note cannot be credited.")
    if invoice.get("isCredited"):
        raise errors.validation("id", "Fakturaen er allerede kreditert. The invoice is already credited.")
    if day < date.fromisoformat(invoice["invoiceDate"]):
        raise errors.validation(
            "date", "Kreditnotadato før fakturadato. Credit note dated before the invoice."
        )
    customer = ctx.company.table("Customer").get(invoice["customer"]["id"]) or invoice["customer"]
    number = ctx.company.next_number("invoice")
    original = ctx.company.table("Voucher")[invoice["voucher"]["id"]]
    postings: list[Row] = []
    for ref in original["postings"]:
        p = ctx.company.table("Posting")[ref["id"]]
        reversed_posting: Row = {
            "account": ctx.company.table("Account")[p["account"]["id"]],
            "amount": -money(p["amount"]),
            "amountGross": -money(p["amountGross"]),
            "amountCurrency": -money(p["amountCurrency"]),
            "amountGrossCurrency": -money(p["amountGrossCurrency"]),
            "currency": p.get("currency") or {"id": NOK},
            "row": p["row"],
            "systemGenerated": p.get("systemGenerated", False),
        }
        for key, schema in (("customer", "Customer"), ("vatType", "VatType")):
            object_id = ref_id(p.get(key))
            if object_id is not None:
                reversed_posting[key] = ctx.company.table(schema).get(object_id) or {"id": object_id}
        if p.get("invoiceNumber"):
            reversed_posting["invoiceNumber"] = number
        postings.append(reversed_posting)
    voucher = book(
        ctx,
        day=day.isoformat(),
        description=f"Kreditnota {number} for faktura {invoice['invoiceNumber']}",
        postings=postings,
        extra=LOCKED,
    )
    amount, amount_currency = money(invoice["amount"]), money(invoice["amountCurrency"])
    outstanding = money(invoice["amountOutstanding"])
    outstanding_currency = money(invoice["amountCurrencyOutstanding"])
    note: Row = {
        "invoiceNumber": number,
        "invoiceDate": day.isoformat(),
        "invoiceDueDate": day.isoformat(),
        "customer": {"id": customer["id"]},
        "kid": "",
        "invoiceComment": comment,
        "comment": comment,
        "creditedInvoice": invoice["id"],
        "orders": list(invoice.get("orders", [])),
        "orderLines": [],
        "voucher": {"id": voucher["id"]},
        "deliveryDate": day.isoformat(),
        "amount": out(-amount),
        "amountCurrency": out(-amount_currency),
        "amountExcludingVat": out(-money(invoice["amountExcludingVat"])),
        "amountExcludingVatCurrency": out(-money(invoice["amountExcludingVatCurrency"])),
        "amountRoundoff": out(-money(invoice["amountRoundoff"])),
        "amountRoundoffCurrency": out(-money(invoice["amountRoundoffCurrency"])),
        "sumRemits": 0.0,
        "currency": dict(invoice["currency"]),
        "isCreditNote": True,
        "isCredited": False,
        "isCharged": True,
        "isApproved": True,
        "postings": list(voucher["postings"]),
        "reminders": [],
        "_creditedNumber": invoice["invoiceNumber"],
        "_sentToCustomer": send_to_customer,
        "_sendMethod": customer.get("invoiceSendMethod", "EMAIL") if send_to_customer else None,
    }
    # What was already paid stays as a credit in the customer's favour on the credit note.
    _set_outstanding(note, outstanding - amount, outstanding_currency - amount_currency)
    row = ctx.insert(INVOICE, note)
    invoice["isCredited"] = True
    invoice["_creditNoteNumber"] = number
    _set_outstanding(invoice, Decimal(0), Decimal(0))
    ctx.touch(invoice)
    _close(ctx, invoice, day)
    return row


def find_payment_type(ctx: Ctx, payment_type_id: int | None, where: str = "paymentTypeId") -> Row:
    row = ctx.company.table("PaymentType").get(payment_type_id or 0)
    if row is None:
        raise errors.validation(where, "Ukjent betalingstype. Unknown payment type.")
    return row


def check_paid_amounts(amount: Decimal, amount_currency: Decimal | None, foreign: bool) -> None:
    """Refuse what is no payment: the spec's ``paidAmount`` is «Amount paid by customer», so zero pays
    nothing, and ``paidAmountCurrency`` is that same payment in the invoice currency, so it is not zero
    (on a foreign invoice) nor of the other sign. Every failing parameter is named at once."""
    messages: list[errors.ValidationMessage] = []
    if amount == 0:
        messages.append(
            errors.ValidationMessage(
                "paidAmount",
                "Innbetalt beløp kan ikke være 0. paidAmount cannot be 0: send the amount paid "
                "(negative to reverse a payment).",
            )
        )
    if amount_currency is not None:
        if amount_currency == 0 and foreign:
            messages.append(
                errors.ValidationMessage(
                    "paidAmountCurrency",
                    "Innbetalt beløp i valuta kan ikke være 0. paidAmountCurrency cannot be 0: send "
                    "the amount paid in the invoice currency.",
                )
            )
        elif amount * amount_currency < 0:
            messages.append(
                errors.ValidationMessage(
                    "paidAmountCurrency",
                    "Beløpet i valuta må ha samme fortegn som beløpet i NOK. paidAmountCurrency must "
                    "have the sign of paidAmount.",
                )
            )
    if messages:
        raise errors.validations(messages)


def as_decimal(text: Any, where: str) -> Decimal:
    try:
        return money(text)
    except Exception:
        raise errors.validation(where, "Må være et tall. Must be a number.", errors.PARAM) from None
