"""Inbound per linked client: the client company's customers (the firm's «clients» of seed 004,
matched on contact details), products and VAT types, read through the firm's token acting for the
company (``for_company``) and kept in the store.

Cheap when nothing changed: each list is asked for with the ``versionDigest`` of its last read as
``If-None-Match``; Tripletex answers 304 and nothing is read or written but the time. A changed list
is read whole (pages of the client's page size) and stored with its new digest in one transaction
(the digest is committed with the rows it describes, so a run killed midway reads the list again).

Per client failures (the firm lost access to a company: 403) are recorded on the client and the run
goes on; a failure of the token itself (authentication, Tripletex out of reach) stops the run and
counts on the connection, as exports do."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from txbridge.catalog import Message, render
from txbridge.flows import connections
from txbridge.flows.firm.clients import FirmError, firm_connection, open_client, raise_integration_failure
from txbridge.settings import Settings
from txbridge.store import Database
from txbridge.store import queries as q
from txbridge.store.models import (
    Base,
    FirmClient,
    FirmClientCustomer,
    FirmClientProduct,
    FirmClientVatType,
    FirmInboundResource,
    FirmInboundState,
    utcnow,
)
from txbridge.tripletex import NotModified, PermissionDeniedError, Tripletex, TripletexError
from txbridge.tripletex.models import Customer, Product, TripletexModel, VatType

#: Rows per call: most client companies' lists fit in one.
PAGE = 1000


def _customer(obj: Customer) -> dict[str, Any]:
    return {
        "customer_number": obj.customerNumber,
        "name": (obj.name or "")[:300],
        "organization_number": obj.organizationNumber or None,
        "email": obj.email or None,
        "phone": obj.phoneNumber or obj.phoneNumberMobile or None,
        "is_inactive": bool(obj.isInactive),
        "version": obj.version,
    }


def _product(obj: Product) -> dict[str, Any]:
    price = obj.priceExcludingVatCurrency
    return {
        "number": obj.number or None,
        "name": (obj.name or "")[:300],
        "vat_type_id": obj.vatType.id if obj.vatType is not None else None,
        "price_excluding_vat": Decimal(str(price)) if price is not None else None,
        "is_inactive": bool(obj.isInactive),
        "version": obj.version,
    }


def _vat_type(obj: VatType) -> dict[str, Any]:
    percentage = obj.percentage
    return {
        "number": obj.number or None,
        "name": (obj.name or "")[:300],
        "percentage": Decimal(str(percentage)) if percentage is not None else None,
    }


@dataclass(frozen=True)
class _Inbound:
    resource: FirmInboundResource
    fields: str
    model: type[Base]
    lister: Callable[[Tripletex], Any]
    row: Callable[[Any], dict[str, Any]]


INBOUND: tuple[_Inbound, ...] = (
    _Inbound(
        FirmInboundResource.CUSTOMER,
        "id,version,customerNumber,name,organizationNumber,email,phoneNumber,phoneNumberMobile,isInactive",
        FirmClientCustomer,
        lambda tx: tx.customers,
        _customer,
    ),
    _Inbound(
        FirmInboundResource.PRODUCT,
        "id,version,number,name,vatType(id),priceExcludingVatCurrency,isInactive",
        FirmClientProduct,
        lambda tx: tx.products,
        _product,
    ),
    _Inbound(
        FirmInboundResource.VAT_TYPE,
        "id,number,name,percentage",
        FirmClientVatType,
        lambda tx: tx.ledger.vat_types,
        _vat_type,
    ),
)


@dataclass
class InboundResult:
    """What a refresh did: per client and resource read, how many lists changed and how many were
    unchanged (304), the calls it took, and the clients that could not be read (id → message)."""

    clients: int = 0
    lists_changed: int = 0
    lists_unchanged: int = 0
    api_calls: int = 0
    failures: dict[int, Message] = field(default_factory=dict)


def refresh_inbound(
    db: Database,
    settings: Settings,
    firm_id: int,
    *,
    client_ids: Sequence[int] | None = None,
    client: Tripletex | None = None,
) -> InboundResult:
    """Read the customers, products and VAT types of the firm's linked clients (or ``client_ids``,
    which must be linked)."""
    with db.transaction() as session:
        firm_connection(session, firm_id)
        query = select(FirmClient).where(FirmClient.firm_connection_id == firm_id).order_by(FirmClient.key)
        if client_ids is not None:
            query = query.where(FirmClient.id.in_(list(client_ids)))
        chosen = list(session.scalars(query))
        if client_ids is not None:
            for wanted in chosen:
                if wanted.tripletex_company_id is None:
                    raise FirmError(render("firm_client_not_linked", client=wanted.key))
        targets = [(c.id, c.key, c.tripletex_company_id, c.tripletex_company_name) for c in chosen]
        digests = _digests(session, [c.id for c in chosen])
    result = InboundResult()
    with open_client(db, settings, firm_id, client) as tx:
        for client_id, key, company_id, company_name in targets:
            if company_id is None:
                continue
            result.clients += 1
            acting = tx.for_company(company_id)
            try:
                for inbound in INBOUND:
                    _refresh_one(
                        db, acting, client_id, inbound, digests.get((client_id, inbound.resource)), result
                    )
            except PermissionDeniedError:
                message = render("firm_client_not_accessible", company=company_name or company_id, client=key)
                _client_failed(db, firm_id, client_id, key, message)
                result.failures[client_id] = message
            except (TripletexError, httpx.HTTPError) as exc:
                raise_integration_failure(db, settings, firm_id, exc)
            else:
                with db.transaction() as session:
                    found = session.get(FirmClient, client_id)
                    if found is not None:
                        found.inbound_refreshed_at = utcnow()
                        found.last_error_id = found.last_error_at = None
    if result.api_calls:
        connections.record_success(db, firm_id)
    return result


def _digests(session: Session, client_ids: list[int]) -> dict[tuple[int, FirmInboundResource], str | None]:
    rows = session.execute(
        select(
            FirmInboundState.firm_client_id, FirmInboundState.resource, FirmInboundState.version_digest
        ).where(FirmInboundState.firm_client_id.in_(client_ids))
    )
    return {(client_id, resource): digest for client_id, resource, digest in rows}


def _refresh_one(
    db: Database,
    tx: Tripletex,
    client_id: int,
    inbound: _Inbound,
    digest: str | None,
    result: InboundResult,
) -> None:
    resource = inbound.lister(tx)
    first = resource.list_if_changed(digest, fields=inbound.fields, count=PAGE)
    result.api_calls += 1
    now = utcnow()
    # An empty list has no digest (Tripletex: «null if no result»): empty again is unchanged too.
    if isinstance(first, NotModified) or (
        not first.values and digest is None and _was_read(db, client_id, inbound)
    ):
        result.lists_unchanged += 1
        with db.transaction() as session:
            state = session.get(FirmInboundState, (client_id, inbound.resource))
            if state is not None:
                state.read_at = now
        return
    objects: list[TripletexModel] = list(first.values)
    page = first
    # A full page may have more after it (the envelope's «count» is what came, not what was asked).
    while len(page.values) >= PAGE:
        page = resource.list(fields=inbound.fields, from_=page.from_ + len(page.values), count=PAGE)
        result.api_calls += 1
        objects.extend(page.values)
    result.lists_changed += 1
    with db.transaction() as session:
        _store(session, client_id, inbound, objects)
        state = session.get(FirmInboundState, (client_id, inbound.resource))
        if state is None:
            state = FirmInboundState(firm_client_id=client_id, resource=inbound.resource)
            session.add(state)
        state.version_digest, state.row_count = first.version_digest, len(objects)
        state.read_at = state.changed_at = now


def _was_read(db: Database, client_id: int, inbound: _Inbound) -> bool:
    with db.reading() as session:
        return session.get(FirmInboundState, (client_id, inbound.resource)) is not None


def _store(session: Session, client_id: int, inbound: _Inbound, objects: list[TripletexModel]) -> None:
    model: Any = inbound.model
    stored = {
        row.tripletex_id: row
        for row in session.scalars(select(model).where(model.firm_client_id == client_id))
    }
    seen: set[int] = set()
    for obj in objects:
        if obj.id is None or obj.id in seen:
            continue
        seen.add(obj.id)
        values = inbound.row(obj)
        row = stored.get(obj.id)
        if row is None:
            session.add(model(firm_client_id=client_id, tripletex_id=obj.id, **values))
            continue
        for name, value in values.items():
            setattr(row, name, value)
    gone = [tripletex_id for tripletex_id in stored if tripletex_id not in seen]
    if gone:
        session.execute(delete(model).where(model.firm_client_id == client_id, model.tripletex_id.in_(gone)))


def _client_failed(db: Database, firm_id: int, client_id: int, key: str, message: Message) -> None:
    with db.transaction() as session:
        found = session.get(FirmClient, client_id)
        if found is not None:
            found.last_error_id, found.last_error_at = message.id, utcnow()
        q.add_log(
            session,
            firm_id,
            message.nb,
            message_id=message.id,
            object_type="firm_client",
            object_key=key,
            detail=message.en,
        )
