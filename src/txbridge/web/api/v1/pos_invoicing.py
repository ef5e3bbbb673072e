"""POS invoicing: the Tripletex customers the POS picks from (a cached list, read again with
Tripletex's checksum; searched by name, customer number or organisation number)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from txbridge.flows.posinvoice import PosInvoiceError, search_customers
from txbridge.web.api.v1.deps import ConnectionId, ReadKey
from txbridge.web.api.v1.problems import ApiProblem
from txbridge.web.api.v1.schemas import PosCustomerPublic
from txbridge.web.deps import Config, Db

router = APIRouter(tags=["POS invoicing"])


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
