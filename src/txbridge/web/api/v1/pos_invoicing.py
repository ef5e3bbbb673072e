"""POS invoicing: the Tripletex customers the POS picks from (a cached list, read again with
Tripletex's checksum; searched by name, customer number or organisation number), and a sale «by
invoice» recorded (invoiced alone, or collected for the customer's collective invoice)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from txbridge.flows.posinvoice import InvoiceSale, PosInvoiceError, SaleLine, record_sale, search_customers
from txbridge.web.api.v1.deps import ConnectionId, IntakeKey, ReadKey
from txbridge.web.api.v1.idempotent import IDEMPOTENT, Answer, run_once
from txbridge.web.api.v1.problems import ApiProblem
from txbridge.web.api.v1.schemas import PosCustomerPublic, PosSaleCreate, PosSalePublic
from txbridge.web.deps import Config, Db

router = APIRouter(tags=["POS invoicing"])
#: A sale refused for what it says; anything else is Tripletex out of reach (502).
_SALE_STATUS = {
    "pos_sale_taken": 409,
    "pos_customer_unknown": 422,
    "pos_sale_invalid": 422,
    "pos_invoicing_off": 409,
}


@router.get("/connections/{connection_id}/pos/customers", response_model=list[PosCustomerPublic])
def list_pos_customers(
    db: Db,
    settings: Config,
    key: ReadKey,
    connection_id: ConnectionId,
    q: Annotated[str, Query(max_length=100, description="Name, customer number or org. number.")] = "",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[PosCustomerPublic]:
    """Customers of the connected company in Tripletex whose name contains ``q`` (any case) or whose
    customer or organisation number starts with it. Costs no call while the cached list is fresh,
    then one conditional read (304 while nothing changed)."""
    try:
        found = search_customers(db, settings, connection_id, q, limit=limit)
    except PosInvoiceError as exc:
        raise ApiProblem(exc.message, 502 if exc.message.id != "connection_not_found" else 404) from None
    return [
        PosCustomerPublic(
            tripletex_id=c.tripletex_id,
            number=c.number,
            name=c.name,
            organization_number=c.organization_number,
            email=c.email,
        )
        for c in found
    ]


@router.post(
    "/connections/{connection_id}/pos/invoice-sales",
    openapi_extra=IDEMPOTENT,
    response_model=PosSalePublic,
    status_code=201,
)
async def post_invoice_sale(
    request: Request,
    db: Db,
    settings: Config,
    key: IntakeKey,
    connection_id: ConnectionId,
    sale: PosSaleCreate,
) -> Response:
    """Record a sale paid «by invoice». It is exported with the period's invoice batch, or (with the
    POS set-up's collective invoice on) collected for the customer's collective invoice of the month.
    A sale id seen before is refused (``pos_sale_taken``, 409): one sale never makes two invoices."""

    def handle() -> Answer:
        lines = [SaleLine(x.description, x.quantity, x.unit_price, x.vat_code) for x in sale.lines]
        one = InvoiceSale(sale.host_id, sale.sale_date, sale.customer_id, lines, sale.reference, sale.comment)
        try:
            recorded = record_sale(db, settings, connection_id, one)
        except PosInvoiceError as exc:
            raise ApiProblem(exc.message, _SALE_STATUS.get(exc.message.id, 502)) from None
        return 201, PosSalePublic(
            invoice_number=recorded.invoice_number,
            customer_number=recorded.customer.number,
            customer_name=recorded.customer.name,
            collective_invoice=recorded.collective,
            total=recorded.total,
        )

    return await run_once(request, db, key, await request.body(), handle)
