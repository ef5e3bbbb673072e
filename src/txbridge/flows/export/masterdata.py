"""The customers and products a batch's pending invoices need, in Tripletex: matched by number (then
customers by organisation number), missing ones created with the bulk ``/list`` endpoints, existing
products given their product class's account and VAT type.

No intent is recorded before these writes, and none is needed: customer and product numbers are
unique in Tripletex, and every run (and every round after a lost answer) reads them again and matches
by number before creating anything, so what a lost answer or a crash created is found, not repeated."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from txbridge.catalog import Message, render
from txbridge.flows.bulk import create_isolating
from txbridge.flows.export.mapping import (
    Chart,
    ProductTarget,
    customer_body,
    needs_update,
    plan_customers,
    product_body,
    product_target,
)
from txbridge.flows.outbound.context import RunContext, detail
from txbridge.store import (
    BatchItem,
    Customer,
    Invoice,
    InvoiceLine,
    ItemStatus,
    LogLevel,
    Product,
    ReferenceKind,
)
from txbridge.store import queries as q
from txbridge.tripletex import (
    APIStatusError,
    ConflictError,
    OutcomeUnknownError,
)
from txbridge.tripletex import models as m

T = TypeVar("T")
R = TypeVar("R")

CUSTOMER_FIELDS = "id,customerNumber,organizationNumber,name"
PRODUCT_FIELDS = "id,version,number,account(id),vatType(id)"
#: Bulk creates of customers/products per call (Tripletex documents no limit; keep refusals small).
MASTER_DATA_CHUNK = 500
#: Rounds of "read, match, create" for master data when a bulk create's answer is lost.
MASTER_DATA_ROUNDS = 3

#: Items whose customers and products must exist: pending ones, and those in flight that may be
#: sent again in this run once their grace is over.
TO_SEND = (ItemStatus.PENDING, ItemStatus.IN_FLIGHT)


class MasterData:
    """Per local customer/product id: its Tripletex id, or the catalog message saying why it cannot
    be used (its invoices fail with that message)."""

    def __init__(self, run: RunContext, chart: Chart) -> None:
        self.run = run
        self.chart = chart
        self.customer_ids: dict[int, int] = {}
        self.customer_numbers: dict[int, int] = {}
        self.customer_failures: dict[int, Message] = {}
        self.products: dict[int, Product] = {}
        self.product_ids: dict[int, int] = {}
        self.product_failures: dict[int, Message] = {}

    def find_or_create_customers(self) -> None:
        with self.run.db.transaction() as session:
            needed = self._needed_customers(session)
            # POS invoicing's copies name their Tripletex customer by id: nothing to match or create.
            known = {c.id: c.tripletex_id for c in needed if c.tripletex_id is not None}
            customers = [c for c in needed if c.tripletex_id is None]
            orgs = {c.organization_number for c in customers if c.organization_number}
            shared: dict[str, list[int]] = defaultdict(list)
            if orgs:
                for org, number in session.execute(
                    select(Customer.organization_number, Customer.number).where(
                        Customer.connection_id == self.run.connection_id,
                        Customer.organization_number.in_(orgs),
                        Customer.tripletex_id.is_(None),
                    )
                ):
                    shared[str(org)].append(int(number))
        by_id = {c.id: c for c in needed}
        self.customer_numbers = {c.id: c.shown_number for c in needed}
        self.customer_ids = dict(known)
        for round_ in range(MASTER_DATA_ROUNDS if customers or not known else 0):
            remote = self.run.api(lambda: list(self.run.client.customers.iter(fields=CUSTOMER_FIELDS)))
            plan = plan_customers(customers, remote, shared)
            self.customer_ids, self.customer_failures = {**known, **plan.tripletex_ids}, plan.failures
            if not plan.to_create:
                break
            try:
                created, refused = self._create_isolating(
                    plan.to_create,
                    lambda part: self.run.client.customers.create_many([customer_body(c) for c in part]),
                    key=lambda c: str(c.number),
                    remote_key=lambda r: str(r.customerNumber),
                )
            except OutcomeUnknownError as exc:
                if round_ == MASTER_DATA_ROUNDS - 1:
                    raise self.run.stop_for(exc) from None
                continue  # read again: what was created is matched by number, never created twice
            if refused and round_ < MASTER_DATA_ROUNDS - 1:
                continue  # refused maybe because it exists by now (another run): read and match again
            for c, r in created:
                if r.id is not None:
                    self.customer_ids[c.id] = r.id
            for c, err in refused:
                self.customer_failures[c.id] = render(
                    "customer_not_created", customer=c.number, detail=detail(err)
                )
            break
        with self.run.db.transaction() as session:
            q.upsert_references(
                session,
                self.run.connection_id,
                ReferenceKind.CUSTOMER,
                [
                    (
                        local_id,
                        str(by_id[local_id].number),
                        {"tripletex_id": tx_id, "tripletex_number": str(by_id[local_id].shown_number)},
                    )
                    for local_id, tx_id in self.customer_ids.items()
                ],
            )
            for local_id, message in self.customer_failures.items():
                self.run.log(
                    message,
                    LogLevel.ERROR,
                    object_type="customer",
                    object_key=str(by_id[local_id].number),
                    session=session,
                )
        self.run.report("customers")

    def find_or_create_products(self) -> None:
        chart = self.chart  # read once here; the comprehensions below use it
        with self.run.db.transaction() as session:
            ids = (
                select(InvoiceLine.product_id)
                .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
                .join(BatchItem, BatchItem.invoice_id == Invoice.id)
                .where(BatchItem.batch_id == self.run.batch_id, BatchItem.status.in_(TO_SEND))
            )
            products = list(
                session.scalars(
                    select(Product)
                    .where(Product.id.in_(ids))
                    .options(selectinload(Product.product_class))
                    .order_by(Product.number)
                )
            )
        self.products = {p.id: p for p in products}
        targets: dict[int, ProductTarget] = {}
        for p in products:
            target = product_target(p, chart)
            if isinstance(target, Message):
                self.product_failures[p.id] = target
            else:
                targets[p.id] = target
        wanted = [p for p in products if p.id in targets]
        for round_ in range(MASTER_DATA_ROUNDS):
            remote = {
                r.number: r
                for r in self.run.api(lambda: list(self.run.client.products.iter(fields=PRODUCT_FIELDS)))
                if r.number
            }
            missing = [p for p in wanted if p.number not in remote]
            stale = [
                (p, remote[p.number])
                for p in wanted
                if p.number in remote and needs_update(remote[p.number], targets[p.id])
            ]
            for p in wanted:
                r = remote.get(p.number)
                if r is not None and r.id is not None:
                    self.product_ids[p.id] = r.id
            if stale:
                self._update_products(stale, targets)
            if not missing:
                break
            try:
                created, refused = self._create_isolating(
                    missing,
                    lambda part: self.run.client.products.create_many(
                        [product_body(p, targets[p.id]) for p in part]
                    ),
                    key=lambda p: p.number,
                    remote_key=lambda r: str(r.number),
                )
            except OutcomeUnknownError as exc:
                if round_ == MASTER_DATA_ROUNDS - 1:
                    raise self.run.stop_for(exc) from None
                continue
            if refused and round_ < MASTER_DATA_ROUNDS - 1:
                continue  # refused maybe because it exists by now (another run): read and match again
            for p, r in created:
                if r.id is not None:
                    self.product_ids[p.id] = r.id
            for p, err in refused:
                self.product_failures[p.id] = render(
                    "product_not_created", product=p.number, detail=detail(err)
                )
            break
        by_id = {p.id: p for p in products}
        with self.run.db.transaction() as session:
            q.upsert_references(
                session,
                self.run.connection_id,
                ReferenceKind.PRODUCT,
                [
                    (
                        local_id,
                        by_id[local_id].number,
                        {"tripletex_id": tx_id, "tripletex_number": by_id[local_id].number},
                    )
                    for local_id, tx_id in self.product_ids.items()
                ],
            )
            for local_id, message in self.product_failures.items():
                self.run.log(
                    message,
                    LogLevel.ERROR,
                    object_type="product",
                    object_key=by_id[local_id].number,
                    session=session,
                )
        self.run.report("products")

    def _needed_customers(self, session: Session) -> list[Customer]:
        ids = (
            select(Invoice.customer_id)
            .join(BatchItem, BatchItem.invoice_id == Invoice.id)
            .where(BatchItem.batch_id == self.run.batch_id, BatchItem.status.in_(TO_SEND))
        )
        return list(session.scalars(select(Customer).where(Customer.id.in_(ids)).order_by(Customer.number)))

    def _create_isolating(
        self,
        items: Sequence[T],
        post: Callable[[Sequence[T]], list[R]],
        *,
        key: Callable[[T], str],
        remote_key: Callable[[R], str],
    ) -> tuple[list[tuple[T, R]], list[tuple[T, APIStatusError]]]:
        """Bulk create in chunks; a refused chunk is halved until the refused items are isolated."""
        return create_isolating(
            items, post, chunk_size=MASTER_DATA_CHUNK, key=key, remote_key=remote_key, call=self.run.api
        )

    def _update_products(
        self, stale: list[tuple[Product, m.Product]], targets: dict[int, ProductTarget]
    ) -> None:
        """Existing products get the account of their product class and their VAT type (one bulk PUT)."""

        def put(part: Sequence[tuple[Product, m.Product]]) -> list[m.Product]:
            body = [
                {
                    "id": r.id,
                    "version": r.version,
                    "account": {"id": targets[p.id].account_id},
                    "vatType": {"id": targets[p.id].vat_type_id},
                }
                for p, r in part
            ]
            answer = self.run.client.request("PUT", "/product/list", json=body)
            return [m.Product.model_validate(v) for v in (answer or {}).get("values") or []]

        _, refused = self._create_isolating(
            stale, put, key=lambda pr: str(pr[1].id), remote_key=lambda r: str(r.id)
        )
        for (p, _r), err in refused:
            self.product_ids.pop(p.id, None)
            self.product_failures[p.id] = (
                # Changed in Tripletex since the read: the next run reads it again and retries.
                render("tripletex_conflict", object=f"Vare {p.number} / product {p.number}")
                if isinstance(err, ConflictError)
                else render("product_not_created", product=p.number, detail=detail(err))
            )
