"""The Tripletex customers as the POS lists and searches them, cheaply: the list is kept in the store
with Tripletex's ``versionDigest`` and asked for again with ``If-None-Match``; while nothing changed
Tripletex answers 304 (no body), so a search costs one small call, or none within ``max_age``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx

from txbridge.flows import connections
from txbridge.flows.posinvoice.errors import PosInvoiceError, client_of, connection_of
from txbridge.flows.views.page import Page, window
from txbridge.settings import Settings
from txbridge.store import Database, PosCustomerList
from txbridge.store.models import utcnow
from txbridge.tripletex import NotModified, Tripletex, TripletexError
from txbridge.tripletex import models as m

FIELDS = "id,customerNumber,name,organizationNumber,email,invoiceEmail,invoicesDueIn,invoicesDueInType"
PAGE = 1000
#: A list checked this recently is used without asking Tripletex (a POS searches as the cashier types).
MAX_AGE = timedelta(seconds=30)


@dataclass(frozen=True, slots=True)
class PosCustomer:
    """One Tripletex customer as the POS shows it."""

    tripletex_id: int
    number: int
    name: str
    organization_number: str | None = None
    email: str | None = None
    invoices_due_in_days: int = 14

    def as_dict(self) -> dict[str, Any]:
        return {
            "tripletex_id": self.tripletex_id,
            "number": self.number,
            "name": self.name,
            "organization_number": self.organization_number,
            "email": self.email,
            "invoices_due_in_days": self.invoices_due_in_days,
        }

    @classmethod
    def from_dict(cls, row: dict[str, Any]) -> PosCustomer:
        return cls(**row)


def _from_tripletex(c: m.Customer) -> PosCustomer | None:
    if c.id is None or c.customerNumber is None:
        return None
    due = c.invoicesDueIn if c.invoicesDueIn is not None and c.invoicesDueInType in (None, "DAYS") else 14
    return PosCustomer(
        c.id, c.customerNumber, c.name or "", c.organizationNumber or None, c.invoiceEmail or c.email, due
    )


def list_customers(
    db: Database,
    settings: Settings,
    connection_id: int,
    *,
    client: Tripletex | None = None,
    transport: httpx.BaseTransport | None = None,
    refresh: bool = False,
    now: Callable[[], datetime] = utcnow,
) -> list[PosCustomer]:
    """The connection's active Tripletex customers, by number. Reads Tripletex only when the cached
    list is older than :data:`MAX_AGE` (or ``refresh``), and then with the checksum (304: unchanged)."""
    with db.reading() as session:
        cached = session.get(PosCustomerList, connection_id)
        digest = cached.version_digest if cached is not None else None
        rows = list(cached.customers) if cached is not None else []
        fresh = cached is not None and now() - cached.checked_at < MAX_AGE
    if fresh and not refresh:
        return [PosCustomer.from_dict(row) for row in rows]
    connection = connection_of(db, connection_id)
    tx = client or client_of(connection, settings, transport)
    try:
        first = tx.customers.list_if_changed(
            digest if cached is not None else None, fields=FIELDS, count=PAGE
        )
        if isinstance(first, NotModified):
            customers = [PosCustomer.from_dict(row) for row in rows]
        else:
            found = list(first.values)
            while len(found) % PAGE == 0 and len(found) > 0:  # a full page: there may be more
                page = tx.customers.list(fields=FIELDS, from_=len(found), count=PAGE)
                found.extend(page.values)
                if len(page.values) < PAGE:
                    break
            customers = sorted(
                (c for c in map(_from_tripletex, found) if c is not None), key=lambda c: c.number
            )
            digest = first.version_digest
    except (TripletexError, httpx.HTTPError) as exc:
        raise PosInvoiceError(connections.message_for_error(exc, connection.base_url)) from None
    finally:
        if client is None:
            tx.close()
    with db.transaction() as session:
        stored = session.get(PosCustomerList, connection_id)
        if stored is None:
            stored = PosCustomerList(connection_id=connection_id)
            session.add(stored)
        stored.version_digest = digest
        stored.customers = [c.as_dict() for c in customers]
        stored.checked_at = now()
    return customers


def _matches(query: str) -> Callable[[PosCustomer], bool]:
    """Name contains ``query`` (any case), or customer number or organisation number starts with it
    (spaces ignored); everything for an empty query."""
    wanted = query.strip().casefold()
    digits = wanted.replace(" ", "")

    def hit(c: PosCustomer) -> bool:
        if not wanted:
            return True
        if wanted in c.name.casefold():
            return True
        return digits.isdigit() and (
            str(c.number).startswith(digits) or (c.organization_number or "").startswith(digits)
        )

    return hit


def search_customers(
    db: Database,
    settings: Settings,
    connection_id: int,
    query: str,
    *,
    client: Tripletex | None = None,
    transport: httpx.BaseTransport | None = None,
    limit: int = 50,
) -> list[PosCustomer]:
    """Customers whose name contains ``query`` (any case), or whose customer number or organisation
    number starts with it (spaces ignored); the whole list for an empty query."""
    customers = list_customers(db, settings, connection_id, client=client, transport=transport)
    return list(filter(_matches(query), customers))[:limit]


def customer_page(
    db: Database,
    settings: Settings,
    connection_id: int,
    query: str = "",
    *,
    offset: int = 0,
    limit: int = 50,
    transport: httpx.BaseTransport | None = None,
) -> Page[PosCustomer]:
    """One page of :func:`search_customers`' hits, with their total: the same cached list (no read of
    Tripletex within :data:`MAX_AGE`, else one conditional read)."""
    offset, limit = window(offset, limit)
    hits = list(filter(_matches(query), list_customers(db, settings, connection_id, transport=transport)))
    return Page(hits[offset : offset + limit], len(hits), offset, limit)
