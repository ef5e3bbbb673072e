"""Product (CRUD, ``/list``, unique number) and product group."""

from __future__ import annotations

from fastapi import APIRouter, Response

from txbridge.sandbox import crud, errors
from txbridge.sandbox.accounting import DEFAULT_VAT_NUMBER, money, out, vat_rate, vat_type_by_number
from txbridge.sandbox.context import Ctx, CtxDep, id_list
from txbridge.sandbox.state import Row

router = APIRouter()
SCHEMA = "Product"
GROUP = "ProductGroup"


def _check_number(ctx: Ctx, number: str, own_id: int | None) -> None:
    for other in ctx.company.table(SCHEMA).values():
        if other.get("number") == number and other["id"] != own_id:
            raise errors.validation(
                "number",
                f"Produktnummeret {number} er i bruk. The product number {number} is already in use.",
            )


def _prices(ctx: Ctx, row: Row, changed: Row) -> None:
    """Keep both prices: the one given decides, the other follows the VAT rate."""
    vat = ctx.company.table("VatType")[row["vatType"]["id"]]
    rate = vat_rate(vat)
    if "priceIncludingVatCurrency" in changed and "priceExcludingVatCurrency" not in changed:
        gross = money(row["priceIncludingVatCurrency"])
        row["priceExcludingVatCurrency"] = out(money(gross / (1 + rate)))
    elif "priceExcludingVatCurrency" in changed or "vatType" in changed:
        net = money(row.get("priceExcludingVatCurrency", 0))
        row["priceExcludingVatCurrency"] = out(net)
        if "priceIncludingVatCurrency" not in changed:
            row["priceIncludingVatCurrency"] = out(money(net * (1 + rate)))


def _validate_refs(ctx: Ctx, body: Row) -> None:
    ctx.ref("VatType", body.get("vatType"), "vatType")
    ctx.ref("Account", body.get("account"), "account")
    ctx.ref("Currency", body.get("currency"), "currency")
    ctx.ref("Department", body.get("department"), "department")


def _create(ctx: Ctx, body: Row) -> Row:
    if not body.get("name"):
        raise errors.validation("name", crud.REQUIRED, errors.VALUE_VALIDATION)
    _validate_refs(ctx, body)
    if body.get("number"):
        _check_number(ctx, body["number"], None)
    defaults: Row = {
        "number": "",
        "description": "",
        "orderLineDescription": "",
        "ean": "",
        "costExcludingVatCurrency": 0.0,
        "priceExcludingVatCurrency": 0.0,
        "priceIncludingVatCurrency": 0.0,
        "isInactive": False,
        "isStockItem": False,
        "vatType": {"id": vat_type_by_number(ctx.company, DEFAULT_VAT_NUMBER)["id"]},
        "currency": {"id": 1},
    }
    row = ctx.insert(SCHEMA, {**defaults, **body})
    _prices(ctx, row, {**body, "vatType": row["vatType"]})
    row["displayName"] = f"{row['number']} {row['name']}".strip()
    return row


def _update(ctx: Ctx, object_id: int, body: Row) -> Row:
    row = ctx.get(SCHEMA, object_id)
    _validate_refs(ctx, body)
    if body.get("number"):
        _check_number(ctx, body["number"], object_id)
    ctx.update(SCHEMA, row, dict(body))
    _prices(ctx, row, body)
    row["displayName"] = f"{row['number']} {row['name']}".strip()
    return row


def _check_list(ctx: Ctx, bodies: list[Row]) -> None:
    """Numbers unique within the list and free, names and references valid: before any is created."""
    crud.check_unique_in_list(bodies, "number", "Produktnummer gjentas i listen. Duplicate product number.")
    for b in bodies:
        if not b.get("name"):
            raise errors.validation("name", crud.REQUIRED, errors.VALUE_VALIDATION)
        _validate_refs(ctx, b)
        if b.get("number"):
            _check_number(ctx, b["number"], None)


def _check_delete(ctx: Ctx, object_id: int) -> None:
    if any(ref_product(line) == object_id for line in ctx.company.table("OrderLine").values()):
        raise errors.TripletexError(
            409,
            10000,
            "Produktet er i bruk og kan ikke slettes. The product is in use and cannot be deleted.",
        )


PRODUCTS = crud.Resource(SCHEMA, _create, _update, event="product", check_delete=_check_delete)


@router.get("/product")
async def search(
    ctx: CtxDep,
    number: str | None = None,
    ids: str | None = None,
    productNumber: str | None = None,
    name: str | None = None,
    ean: str | None = None,
    isInactive: bool | None = None,
    isStockItem: bool | None = None,
    currencyId: str | None = None,
    vatTypeId: str | None = None,
    departmentId: str | None = None,
    accountId: str | None = None,
) -> Response:
    id_set = id_list(ids)
    numbers = {n.strip() for n in productNumber.split(",")} if productNumber else None
    vats, accounts, currencies, departments = (
        id_list(vatTypeId),
        id_list(accountId),
        id_list(currencyId),
        id_list(departmentId),
    )
    lowered = name.lower() if name else None

    def wanted(r: Row) -> bool:
        return (
            (id_set is None or r["id"] in id_set)
            and (number is None or r.get("number") == number)
            and (numbers is None or r.get("number") in numbers)
            and (lowered is None or lowered in str(r.get("name", "")).lower())
            and (ean is None or r.get("ean") == ean)
            and (isInactive is None or r.get("isInactive") == isInactive)
            and (isStockItem is None or r.get("isStockItem") == isStockItem)
            and (vats is None or (r.get("vatType") or {}).get("id") in vats)
            and (accounts is None or (r.get("account") or {}).get("id") in accounts)
            and (currencies is None or (r.get("currency") or {}).get("id") in currencies)
            and (departments is None or (r.get("department") or {}).get("id") in departments)
        )

    return ctx.listing(filter(wanted, ctx.company.table(SCHEMA).values()), SCHEMA)


@router.post("/product")
async def create(ctx: CtxDep) -> Response:
    return await PRODUCTS.create_one(ctx)


@router.post("/product/list")
async def create_list(ctx: CtxDep) -> Response:
    return await PRODUCTS.create_list(ctx, precheck=_check_list)


@router.put("/product/list")
async def update_list(ctx: CtxDep) -> Response:
    return await PRODUCTS.update_list(ctx)


@router.get("/product/group")
async def search_groups(
    ctx: CtxDep, id: str | None = None, name: str | None = None, query: str | None = None
) -> Response:
    ids = id_list(id)
    lowered = (name or query or "").lower() or None

    def wanted(r: Row) -> bool:
        return (ids is None or r["id"] in ids) and (lowered is None or lowered in r.get("name", "").lower())

    return ctx.listing(filter(wanted, ctx.company.table(GROUP).values()), GROUP)


def _create_group(ctx: Ctx, body: Row) -> Row:
    if not body.get("name"):
        raise errors.validation("name", crud.REQUIRED, errors.VALUE_VALIDATION)
    ctx.ref(GROUP, body.get("parentGroup"), "parentGroup")
    if any(r.get("name") == body["name"] for r in ctx.company.table(GROUP).values()):
        raise errors.validation("name", "Navnet er i bruk. The name is already in use.")
    row = ctx.insert(GROUP, body)
    row["displayName"] = row["name"]
    row["isDeletable"] = True
    return row


def _update_group(ctx: Ctx, object_id: int, body: Row) -> Row:
    row = ctx.update(GROUP, ctx.get(GROUP, object_id), body)
    row["displayName"] = row["name"]
    return row


# Tripletex sends no webhook events for product groups.
GROUPS = crud.Resource(GROUP, _create_group, _update_group)


@router.post("/product/group")
async def create_group(ctx: CtxDep) -> Response:
    return await GROUPS.create_one(ctx)


@router.post("/product/group/list")
async def create_group_list(ctx: CtxDep) -> Response:
    return await GROUPS.create_list(ctx)


@router.get("/product/group/{id}")
async def get_group(id: int, ctx: CtxDep) -> Response:
    return GROUPS.get_one(ctx, id)


@router.put("/product/group/{id}")
async def update_group(id: int, ctx: CtxDep) -> Response:
    return await GROUPS.update_one(ctx, id)


@router.delete("/product/group/{id}")
async def delete_group(id: int, ctx: CtxDep) -> Response:
    return GROUPS.delete_all(ctx, [id])


@router.get("/product/{id}")
async def get(id: int, ctx: CtxDep) -> Response:
    return PRODUCTS.get_one(ctx, id)


@router.put("/product/{id}")
async def update(id: int, ctx: CtxDep) -> Response:
    return await PRODUCTS.update_one(ctx, id)


@router.delete("/product/{id}")
async def delete(id: int, ctx: CtxDep) -> Response:
    return PRODUCTS.delete_all(ctx, [id])


def ref_product(line: Row) -> int | None:
    product = line.get("product")
    return product.get("id") if isinstance(product, dict) else None
