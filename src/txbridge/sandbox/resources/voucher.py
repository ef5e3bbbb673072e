"""Vouchers and postings: ``ledger/voucher`` (create, search, ``>externalVoucherNumber``, reverse),
``ledger/posting`` (search by customer, account, dates; open postings) and close groups.

:func:`book` is the one way a voucher is written, also for invoices and payments, so every voucher
in the sandbox is balanced per date and numbered per year.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Response

from txbridge.sandbox import errors
from txbridge.sandbox.accounting import CUSTOMER_ACCOUNT, money, out, ref_id, vat_account, vat_rate
from txbridge.sandbox.context import Ctx, CtxDep, id_list, in_range, parse_date_param, parse_date_range
from txbridge.sandbox.resources.accounting_period import refuse_locked
from txbridge.sandbox.resources.voucher_type import voucher_type_ref
from txbridge.sandbox.state import Row

router = APIRouter()
SCHEMA = "Voucher"
POSTING = "Posting"
#: Vouchers in the voucher reception (rendered as ``Voucher``), kept apart from the ledger's.
RECEPTION = "VoucherReception"


def book(
    ctx: Ctx,
    *,
    day: str,
    description: str,
    postings: list[Row],
    external_voucher_number: str | None = None,
    extra: Row | None = None,
) -> Row:
    """Write a voucher whose net ``amount`` s (VAT postings included) balance per date.

    Each posting has ``account`` (row), ``amount`` and ``amountGross`` (Decimal), ``row`` and
    optional refs (rows or ``{"id"}``)."""
    _check_balance(postings, day, "amount")
    has_vat = any(p.get("vatType") is not None and vat_rate(p["vatType"]) != 0 for p in postings)
    for when in sorted({p.get("date", day) for p in postings} | {day}):
        refuse_locked(ctx, when, has_vat=has_vat)
    year = int(day[:4])
    number = ctx.company.next_number(f"voucher-{year}")
    voucher: Row = {
        "date": day,
        "number": number,
        "tempNumber": 0,
        "year": year,
        "description": description,
        "postings": [],
        "displayName": f"{number}-{year}",
        "numberAsString": f"{number}-{year}",
        "wasAutoMatched": False,
    }
    if external_voucher_number:
        voucher["externalVoucherNumber"] = external_voucher_number
    if extra:
        voucher.update(extra)
    voucher = ctx.insert(SCHEMA, voucher)
    _write_postings(ctx, voucher, postings, day, description)
    return voucher


def _check_balance(postings: list[Row], day: str, key: str) -> None:
    by_date: dict[str, Decimal] = defaultdict(Decimal)
    for p in postings:
        by_date[p.get("date", day)] += p[key]
    for when, total in by_date.items():
        if total != 0:
            raise errors.validation(
                "postings",
                f"Bilaget er ikke i balanse ({when}): differanse {out(total)}. "
                f"The voucher does not balance on {when}: difference {out(total)}.",
            )


def _write_postings(ctx: Ctx, voucher: Row, postings: list[Row], day: str, description: str) -> None:
    for p in postings:
        account: Row = p["account"]
        row: Row = {
            "voucher": {"id": voucher["id"]},
            "date": p.get("date", day),
            "description": p.get("description", description),
            "account": {"id": account["id"]},
            "amount": out(p["amount"]),
            "amountCurrency": out(p["amountCurrency"] if "amountCurrency" in p else p["amount"]),
            "amountGross": out(p["amountGross"]),
            "amountGrossCurrency": out(
                p["amountGrossCurrency"] if "amountGrossCurrency" in p else p["amountGross"]
            ),
            "currency": {"id": p["currency"]["id"]} if p.get("currency") else {"id": 1},
            "row": p["row"],
            "systemGenerated": bool(p.get("systemGenerated", False)),
            "_accountNumber": account["number"],
        }
        for key in ("customer", "supplier", "employee", "project", "product", "department", "vatType"):
            if p.get(key) is not None:
                row[key] = {"id": p[key]["id"]}
        if p.get("type"):
            row["type"] = p["type"]  # one of the spec's Posting.type values
        if p.get("invoiceNumber"):
            row["invoiceNumber"] = str(p["invoiceNumber"])
        if p.get("termOfPayment"):
            row["termOfPayment"] = p["termOfPayment"]
        stored = ctx.insert(POSTING, row)
        voucher["postings"].append({"id": stored["id"]})
        account["isPostingsExist"] = True


def close_group(ctx: Ctx, postings: list[Row], day: str) -> Row:
    """Close postings that net to zero (an invoice and its payments or credit note)."""
    group = ctx.insert("CloseGroup", {"date": day, "postings": [{"id": p["id"]} for p in postings]})
    for p in postings:
        p["closeGroup"] = {"id": group["id"]}
        ctx.touch(p)
    return group


def customer_postings(ctx: Ctx, customer_id: int, invoice_number: int) -> list[Row]:
    return [
        p
        for p in ctx.company.table(POSTING).values()
        if p.get("_accountNumber") == CUSTOMER_ACCOUNT
        and ref_id(p.get("customer")) == customer_id
        and p.get("invoiceNumber") == str(invoice_number)
    ]


NOK = 1  # Tripletex's currency ids are global; NOK is 1


def _amount(p: Row, key: str) -> Decimal | None:
    value = p.get(key)
    if value is None:
        return None
    try:
        return money(value)
    except (ArithmeticError, ValueError, TypeError):
        return None  # not a number: the request's type check answers for it


def _currency_amounts(ctx: Ctx, raw: list[Row]) -> list[Row | None]:
    """Each posting's currency row (None for NOK), after checking its currency amounts.

    A posting in a foreign currency carries both its NOK amount and its amount in that currency; a
    NOK posting's currency amount is the NOK amount (the spec: «amountGrossCurrency: The posting gross
    amount in posting currency»). Every failing posting is named at once, as Tripletex reports every
    failing field of a request."""
    messages: list[errors.ValidationMessage] = []
    currencies: list[Row | None] = []

    def refuse(i: int, key: str, text: str) -> None:
        messages.append(errors.ValidationMessage(f"postings.{key}", text, f"postings[{i}].{key}"))

    for i, p in enumerate(raw):
        currency = ctx.ref("Currency", p.get("currency"), f"postings[{i}].currency")
        gross, gross_currency = _amount(p, "amountGross"), _amount(p, "amountGrossCurrency")
        net, net_currency = _amount(p, "amount"), _amount(p, "amountCurrency")
        if currency is not None and currency["id"] != NOK:
            code = currency["code"]
            currencies.append(currency)
            if gross_currency is None and net_currency is None:
                refuse(
                    i,
                    "amountGrossCurrency",
                    f"Rad {p.get('row')}: beløp i valuta må oppgis for en postering i {code}. "
                    f"A posting in {code} needs amountGrossCurrency, the amount in {code}.",
                )
            if gross is None and net is None:
                refuse(
                    i,
                    "amountGross",
                    f"Rad {p.get('row')}: beløp i NOK må oppgis for en postering i {code}. "
                    f"A posting in {code} needs amountGross, the amount in NOK.",
                )
            elif (gross if gross is not None else net or 0) * (
                gross_currency if gross_currency is not None else net_currency or 0
            ) < 0:
                refuse(
                    i,
                    "amountGrossCurrency",
                    f"Rad {p.get('row')}: beløpet i valuta og beløpet i NOK må ha samme fortegn. "
                    "amountGrossCurrency and amountGross must have the same sign.",
                )
            continue
        currencies.append(None)
        for nok_key, currency_key, nok_value, currency_value in (
            ("amountGross", "amountGrossCurrency", gross, gross_currency),
            ("amount", "amountCurrency", net, net_currency),
        ):
            if nok_value is not None and currency_value is not None and nok_value != currency_value:
                refuse(
                    i,
                    currency_key,
                    f"Rad {p.get('row')}: en postering i NOK har samme beløp i valuta som i NOK "
                    f"({out(nok_value)}, ikke {out(currency_value)}). A NOK posting's {currency_key} "
                    f"must equal its {nok_key}.",
                )
    if messages:
        raise errors.validations(messages)
    return currencies


def _client_postings(ctx: Ctx, body: Row, day: str) -> list[Row]:
    """Turn the postings a client sent into booked rows, adding VAT postings from the VAT type."""
    raw = body.get("postings") or []
    if not raw:
        raise errors.validation("postings", "Bilaget må ha posteringer. The voucher needs postings.")
    currencies = _currency_amounts(ctx, raw)
    prepared: list[Row] = []
    vat_rows: list[Row] = []
    for i, p in enumerate(raw):
        where = f"postings[{i}]"
        row_number = p.get("row")
        if not isinstance(row_number, int) or row_number < 1:
            raise errors.validation(
                f"{where}.row",
                "Radnummer må være 1 eller høyere (rad 0 er systemgenerert). Rows are numbered from 1.",
            )
        account = ctx.ref("Account", p.get("account"), f"{where}.account")
        if account is None:
            raise errors.validation(
                f"{where}.account", "Kan ikke være null. Cannot be null.", errors.VALUE_VALIDATION
            )
        customer = ctx.ref("Customer", p.get("customer"), f"{where}.customer")
        if account["number"] == CUSTOMER_ACCOUNT and customer is None:
            raise errors.validation(
                f"{where}.customer",
                "Kunde må oppgis på postering mot kundefordringer. A posting on 1500 needs the customer.",
            )
        vat = ctx.ref("VatType", p.get("vatType"), f"{where}.vatType")
        account_vat_id = ref_id(account.get("vatType"))
        if vat is None and account_vat_id is not None:
            vat = ctx.company.table("VatType").get(account_vat_id)
        if vat is not None and account.get("vatLocked") and account_vat_id not in (None, vat["id"]):
            raise errors.validation(
                f"{where}.vatType",
                f"Konto {account['number']} er låst til en annen mva-kode. "
                f"Account {account['number']} is locked to another VAT type.",
            )
        currency = currencies[i]
        gross_raw = (
            p.get("amountGross", p.get("amount"))
            if currency is not None
            else p.get("amountGross", p.get("amountGrossCurrency", p.get("amount", p.get("amountCurrency"))))
        )
        if gross_raw is None:
            raise errors.validation(
                f"{where}.amountGross", "Kan ikke være null. Cannot be null.", errors.VALUE_VALIDATION
            )
        gross = money(gross_raw)
        rate = vat_rate(vat) if vat is not None else Decimal(0)
        vat_acc = vat_account(ctx.company, vat) if vat is not None and rate else None
        if vat is not None and rate and vat_acc is None:
            # Import and reverse-charge codes need postings the sandbox does not make; say so plainly
            # rather than refuse a balanced voucher as unbalanced.
            raise errors.validation(
                f"{where}.vatType",
                f"Sandkassen fører ikke mva-kode {vat['number']} på bilag. "
                f"The sandbox does not book VAT code {vat['number']} on vouchers.",
            )
        net = money(gross / (1 + rate)) if rate else gross
        in_currency: Row = {}
        if currency is not None:
            gross_currency = money(p.get("amountGrossCurrency", p.get("amountCurrency")))
            net_currency = money(gross_currency / (1 + rate)) if rate else gross_currency
            in_currency = {
                "currency": currency,
                "amountGrossCurrency": gross_currency,
                "amountCurrency": net_currency,
            }
        refs: dict[str, Any] = {}
        for key, schema in (
            ("supplier", "Supplier"),
            ("employee", "Employee"),
            ("project", "Project"),
            ("product", "Product"),
            ("department", "Department"),
        ):
            if p.get(key) is not None:
                refs[key] = ctx.ref(schema, p[key], f"{where}.{key}") if schema != "Supplier" else p[key]
        prepared.append(
            {
                "date": p.get("date", day),
                "description": p.get("description", body.get("description", "")),
                "account": account,
                "amount": net,
                "amountGross": gross,
                "row": row_number,
                "customer": customer,
                "vatType": vat,
                "invoiceNumber": p.get("invoiceNumber"),
                "termOfPayment": p.get("termOfPayment"),
                **refs,
                **in_currency,
            }
        )
        if vat_acc is not None and gross != net:
            vat_row: Row = {
                "date": p.get("date", day),
                "description": p.get("description", body.get("description", "")),
                "account": vat_acc,
                "amount": gross - net,
                "amountGross": gross - net,
                "row": row_number,
                "systemGenerated": True,
            }
            if in_currency:
                vat_currency = in_currency["amountGrossCurrency"] - in_currency["amountCurrency"]
                vat_row.update(
                    currency=currency, amountCurrency=vat_currency, amountGrossCurrency=vat_currency
                )
            vat_rows.append(vat_row)
    # VAT is part of the gross line it came from, so only the gross amounts must balance.
    _check_balance(prepared, day, "amountGross")
    return prepared + vat_rows


@router.post("/ledger/voucher")
async def create(ctx: CtxDep) -> Response:
    body = await ctx.body(SCHEMA)
    day = body.get("date")
    if not day:
        raise errors.validation("date", "Kan ikke være null. Cannot be null.", errors.VALUE_VALIDATION)
    parse_date_param(day, "date")
    with ctx.state.lock:
        postings = _client_postings(ctx, body, day)
        extra = {k: body[k] for k in ("vendorInvoiceNumber",) if body.get(k)}
        if body.get("voucherType"):
            extra["voucherType"] = {"id": voucher_type_ref(ctx, body["voucherType"])}
        voucher = book(
            ctx,
            day=day,
            description=body.get("description", ""),
            postings=postings,
            external_voucher_number=body.get("externalVoucherNumber"),
            extra=extra,
        )
    ctx.emit("voucher.create", SCHEMA, voucher)
    return ctx.single(voucher, SCHEMA, status=201)


@router.get("/ledger/voucher")
async def search(
    ctx: CtxDep,
    dateFrom: str | None = None,
    dateTo: str | None = None,
    id: str | None = None,
    number: str | None = None,
    numberFrom: int | None = None,
    numberTo: int | None = None,
    typeId: str | None = None,
) -> Response:
    start, end = parse_date_range(dateFrom, dateTo, "dateFrom", "dateTo")
    ids = id_list(id)
    numbers = id_list(number)
    types = id_list(typeId)

    def wanted(v: Row) -> bool:
        return (
            in_range(v["date"], start, end)
            and (ids is None or v["id"] in ids)
            and (numbers is None or v["number"] in numbers)
            and (numberFrom is None or v["number"] >= numberFrom)
            and (numberTo is None or v["number"] <= numberTo)
            and (types is None or ref_id(v.get("voucherType")) in types)
        )

    return ctx.listing(filter(wanted, ctx.company.table(SCHEMA).values()), SCHEMA)


@router.get("/ledger/voucher/>voucherReception")
async def voucher_reception(
    ctx: CtxDep, dateFrom: str | None = None, dateTo: str | None = None, searchText: str | None = None
) -> Response:
    """Vouchers waiting in the voucher reception (the inbox of received documents): not in the
    ledger, so never in ``GET /ledger/voucher``. Both dates are optional here."""
    start = parse_date_param(dateFrom, "dateFrom")
    end = parse_date_param(dateTo, "dateTo")
    text = (searchText or "").lower()

    def wanted(v: Row) -> bool:
        return ((start is None and end is None) or in_range(v.get("date"), start, end)) and (
            text in str(v.get("description", "")).lower()
        )

    rows = sorted(filter(wanted, ctx.company.table(RECEPTION).values()), key=lambda v: (v["date"], v["id"]))
    return ctx.listing(rows, SCHEMA, changed_since=False)


@router.get("/ledger/voucher/>externalVoucherNumber")
async def by_external_number(ctx: CtxDep, externalVoucherNumber: str | None = None) -> Response:
    rows = [
        v
        for v in ctx.company.table(SCHEMA).values()
        if externalVoucherNumber is not None and v.get("externalVoucherNumber") == externalVoucherNumber
    ]
    return ctx.listing(rows, SCHEMA)


@router.get("/ledger/voucher/{id}")
async def get(id: int, ctx: CtxDep) -> Response:
    return ctx.single(ctx.get(SCHEMA, id), SCHEMA)


def _editable(ctx: Ctx, object_id: int) -> Row:
    voucher = ctx.get(SCHEMA, object_id)
    if voucher.get("_locked"):
        raise errors.validation(
            "id",
            "Bilaget er laget av en faktura eller betaling og kan ikke endres. "
            "The voucher belongs to an invoice or payment and cannot be changed.",
        )
    return voucher


def _update_voucher(ctx: Ctx, voucher: Row, body: Row) -> Row:
    """Plain fields change in place; sent postings replace the old ones (checked as on create)."""
    body.pop("id", None)
    new_postings = body.pop("postings", None)
    day: str = body.get("date") or voucher["date"]
    prepared = _client_postings(ctx, {**body, "postings": new_postings}, day) if new_postings else None
    if prepared is not None:
        _check_balance(prepared, day, "amount")
    ctx.update(SCHEMA, voucher, body)
    if prepared is not None:
        for ref in voucher["postings"]:
            ctx.company.table(POSTING).pop(ref["id"], None)
        voucher["postings"] = []
        _write_postings(ctx, voucher, prepared, day, voucher.get("description", ""))
    return voucher


@router.put("/ledger/voucher/list")
async def update_list(ctx: CtxDep) -> Response:
    bodies = await ctx.body_list(SCHEMA)
    with ctx.state.lock:
        for body in bodies:
            if not isinstance(body.get("id"), int):
                raise errors.validation("id", "Kan ikke være null. Cannot be null.", errors.VALUE_VALIDATION)
            voucher = _editable(ctx, body["id"])
            if body.get("version") is not None and body["version"] != voucher["version"]:
                raise errors.stale_version(SCHEMA, voucher["id"], body["version"], voucher["version"])
            if body.get("postings"):
                # Checked for every voucher first, so a bad one later in the list changes none.
                _client_postings(ctx, body, body.get("date") or voucher["date"])
        rows = [_update_voucher(ctx, _editable(ctx, b["id"]), b) for b in bodies]
    for row in rows:
        ctx.emit("voucher.update", SCHEMA, row)
    return ctx.created_list(rows, SCHEMA, status=200)


@router.put("/ledger/voucher/{id}")
async def update(id: int, ctx: CtxDep) -> Response:
    body = await ctx.body(SCHEMA)
    with ctx.state.lock:
        voucher = _update_voucher(ctx, _editable(ctx, id), body)
    ctx.emit("voucher.update", SCHEMA, voucher)
    return ctx.single(voucher, SCHEMA)


@router.delete("/ledger/voucher/{id}")
async def delete(id: int, ctx: CtxDep) -> Response:
    with ctx.state.lock:
        voucher = _editable(ctx, id)
        for ref in voucher["postings"]:
            ctx.company.table(POSTING).pop(ref["id"], None)
        del ctx.company.table(SCHEMA)[id]
    ctx.emit("voucher.delete", SCHEMA, None, id)
    return Response(status_code=204)


@router.get("/ledger/closeGroup/{id}")
async def get_close_group(id: int, ctx: CtxDep) -> Response:
    return ctx.single(ctx.get("CloseGroup", id), "CloseGroup")


@router.put("/ledger/voucher/{id}/:reverse")
async def reverse(id: int, ctx: CtxDep, date: str | None = None) -> Response:
    day = parse_date_param(date, "date", required=True)
    assert day is not None
    with ctx.state.lock:
        # An invoice's or payment's voucher is undone through the invoice (credit note), so the
        # invoice's amountOutstanding and close groups stay true.
        original = _editable(ctx, id)
        if original.get("reverseVoucher"):
            raise errors.validation("id", "Bilaget er allerede reversert. The voucher is already reversed.")
        postings = _reversed(ctx, original, day)
        voucher = book(
            ctx,
            day=day.isoformat(),
            description=f"Reversering av bilag {original['displayName']}",
            postings=postings,
        )
        original["reverseVoucher"] = {"id": voucher["id"]}
        ctx.touch(original)
    return ctx.single(voucher, SCHEMA)


def _reversed(ctx: Ctx, voucher: Row, day: date) -> list[Row]:
    out_rows: list[Row] = []
    for ref in voucher["postings"]:
        p = ctx.company.table(POSTING)[ref["id"]]
        account = ctx.company.table("Account")[p["account"]["id"]]
        row: Row = {
            "date": day.isoformat(),
            "description": p.get("description", ""),
            "account": account,
            "amount": -money(p["amount"]),
            "amountGross": -money(p["amountGross"]),
            "amountCurrency": -money(p["amountCurrency"]),
            "amountGrossCurrency": -money(p["amountGrossCurrency"]),
            "currency": p.get("currency"),
            "row": p["row"],
            "invoiceNumber": p.get("invoiceNumber"),
        }
        for key, schema in (("customer", "Customer"), ("vatType", "VatType"), ("product", "Product")):
            object_id = ref_id(p.get(key))
            if object_id is not None:
                row[key] = ctx.company.table(schema).get(object_id) or {"id": object_id}
        out_rows.append(row)
    return out_rows


@router.get("/ledger/posting")
async def search_postings(
    ctx: CtxDep,
    dateFrom: str | None = None,
    dateTo: str | None = None,
    openPostings: str | None = None,  # deprecated in the spec; "true" = open customer postings
    accountId: str | None = None,
    supplierId: str | None = None,
    customerId: str | None = None,
    employeeId: str | None = None,
    departmentId: str | None = None,
    projectId: str | None = None,
    productId: str | None = None,
    accountNumberFrom: int | None = None,
    accountNumberTo: int | None = None,
    type: str | None = None,
) -> Response:
    start, end = parse_date_range(dateFrom, dateTo, "dateFrom", "dateTo")
    only_open = (openPostings or "").lower() in ("true", "1")
    filters = [
        ("account", id_list(accountId)),
        ("supplier", id_list(supplierId)),
        ("customer", id_list(customerId)),
        ("employee", id_list(employeeId)),
        ("department", id_list(departmentId)),
        ("project", id_list(projectId)),
        ("product", id_list(productId)),
    ]

    def wanted(p: Row) -> bool:
        if not in_range(p["date"], start, end):
            return False
        for key, ids in filters:
            if ids is not None and ref_id(p.get(key)) not in ids:
                return False
        number = p["_accountNumber"]
        if accountNumberFrom is not None and number < accountNumberFrom:
            return False
        if accountNumberTo is not None and number > accountNumberTo:
            return False
        if type is not None and p.get("type") != type:
            return False
        return not (only_open and (p.get("closeGroup") or number != CUSTOMER_ACCOUNT))

    return ctx.listing(filter(wanted, ctx.company.table(POSTING).values()), POSTING)


@router.get("/ledger/posting/{id}")
async def get_posting(id: int, ctx: CtxDep) -> Response:
    return ctx.single(ctx.get(POSTING, id), POSTING)
