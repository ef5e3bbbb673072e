"""Small, obvious repository helpers so flows never write SQL text.

Every helper takes the caller's :class:`~sqlalchemy.orm.Session` and leaves committing to the caller
(``with database.transaction() as session: …``), so a flow decides where its transactions end."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import exists, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, selectinload

from txbridge.store.models import (
    Batch,
    BatchItem,
    BatchStatus,
    Connection,
    ConnectionState,
    Customer,
    IntegrationReference,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    ItemStatus,
    LogEntry,
    LogLevel,
    OutboundKind,
    Product,
    ProductClass,
    ReferenceKind,
    period_bounds,
    utcnow,
)

# --------------------------------------------------------------------------------------------------
# Connection and host data by number
# --------------------------------------------------------------------------------------------------


def connection_by_name(session: Session, name: str) -> Connection | None:
    return session.scalar(select(Connection).where(Connection.name == name))


def connections(session: Session) -> list[Connection]:
    return list(session.scalars(select(Connection).order_by(Connection.name)))


def add_connection_failures(
    session: Session,
    connection_id: int,
    weight: int,
    *,
    error_id: str,
    detail: str,
    now: datetime | None = None,
) -> int | None:
    """Add ``weight`` to the connection's failure count in one UPDATE (workers failing at once never
    lose an increment; on PostgreSQL the row stays locked until the caller commits). The new count,
    or None when there is no such connection."""
    return session.execute(
        update(Connection)
        .where(Connection.id == connection_id)
        .values(
            consecutive_failures=Connection.consecutive_failures + weight,
            last_error_id=error_id,
            last_error_detail=detail,
            last_error_at=now or utcnow(),
        )
        .returning(Connection.consecutive_failures)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()


def clear_connection_failures(session: Session, connection_id: int) -> None:
    """The failure streak is over (one UPDATE, and none when there was no streak)."""
    session.execute(
        update(Connection)
        .where(Connection.id == connection_id, Connection.consecutive_failures != 0)
        .values(consecutive_failures=0)
        .execution_options(synchronize_session=False)
    )


def move_connection_state(
    session: Session,
    connection_id: int,
    to: ConnectionState,
    *,
    only_from: ConnectionState,
    min_failures: int = 0,
) -> bool:
    """Change the state only if it still is ``only_from`` (and the failures reach ``min_failures``),
    in one UPDATE: of two workers making the same change, exactly one gets True (and logs it)."""
    moved = session.execute(
        update(Connection)
        .where(
            Connection.id == connection_id,
            Connection.state == only_from,
            Connection.consecutive_failures >= min_failures,
        )
        .values(state=to)
        .returning(Connection.id)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    return moved is not None


def customer_by_number(session: Session, connection_id: int, number: int) -> Customer | None:
    return session.scalar(
        select(Customer).where(Customer.connection_id == connection_id, Customer.number == number)
    )


def product_class_by_code(session: Session, connection_id: int, code: str) -> ProductClass | None:
    return session.scalar(
        select(ProductClass).where(ProductClass.connection_id == connection_id, ProductClass.code == code)
    )


def product_by_number(session: Session, connection_id: int, number: str) -> Product | None:
    return session.scalar(
        select(Product).where(Product.connection_id == connection_id, Product.number == number)
    )


def invoice_by_number(session: Session, connection_id: int, number: str) -> Invoice | None:
    return session.scalar(
        select(Invoice).where(Invoice.connection_id == connection_id, Invoice.number == number)
    )


def _open_item_exists() -> Any:
    return exists().where(BatchItem.invoice_id == Invoice.id, BatchItem.status != ItemStatus.REMOVED)


# --------------------------------------------------------------------------------------------------
# Batches and postings
# --------------------------------------------------------------------------------------------------


def invoices_ready_for_batch(session: Session, connection_id: int, period: str) -> list[Invoice]:
    """Invoices a batch close for ``period`` takes: ready, dated inside the period, in no batch yet."""
    start, end = period_bounds(period)
    return list(
        session.scalars(
            select(Invoice)
            .where(
                Invoice.connection_id == connection_id,
                Invoice.status == InvoiceStatus.READY,
                Invoice.invoice_date >= start,
                Invoice.invoice_date < end,
                # A POS sale kept for a collective invoice goes as an order (kind pos_order).
                Invoice.collective_invoice_id.is_(None),
                ~_open_item_exists(),
            )
            .order_by(Invoice.invoice_date, Invoice.number)
        )
    )


def invoices_in_no_batch(session: Session, connection_id: int) -> list[Invoice]:
    """Every invoice not in any batch (whatever its period or status): what a batch close left out."""
    return list(
        session.scalars(
            select(Invoice)
            .where(
                Invoice.connection_id == connection_id,
                Invoice.collective_invoice_id.is_(None),
                ~_open_item_exists(),
            )
            .order_by(Invoice.invoice_date, Invoice.number)
        )
    )


def create_batch(
    session: Session,
    connection_id: int,
    period: str,
    invoices: Iterable[Invoice],
    *,
    now: datetime | None = None,
) -> Batch:
    """A new pending batch for ``period`` with one pending item per invoice. The database refuses
    (IntegrityError) an invoice that is already in another batch."""
    period_bounds(period)  # validates the format
    moment = now or utcnow()
    batch = Batch(
        connection_id=connection_id,
        kind=OutboundKind.INVOICE,
        period=period,
        status=BatchStatus.PENDING,
        progress_percent=0,
        created_at=moment,
        closed_at=moment,
        updated_at=moment,
    )
    session.add(batch)
    session.flush()
    for invoice in invoices:
        session.add(
            BatchItem(
                batch_id=batch.id,
                kind=OutboundKind.INVOICE,
                invoice_id=invoice.id,
                subject_key=invoice.number,
                status=ItemStatus.PENDING,
                attempts=0,
                created_at=moment,
                updated_at=moment,
            )
        )
    session.flush()
    return batch


def batches(session: Session, connection_id: int) -> list[Batch]:
    return list(session.scalars(select(Batch).where(Batch.connection_id == connection_id).order_by(Batch.id)))


def items_of_batch(
    session: Session, batch_id: int, statuses: Sequence[ItemStatus] | None = None
) -> list[BatchItem]:
    """The batch's postings in a stable order, with invoice, lines, products, product classes and
    customer loaded up front (the export reads all of them)."""
    query = (
        select(BatchItem)
        .where(BatchItem.batch_id == batch_id)
        .options(
            selectinload(BatchItem.invoice).selectinload(Invoice.customer),
            selectinload(BatchItem.invoice)
            .selectinload(Invoice.lines)
            .selectinload(InvoiceLine.product)
            .selectinload(Product.product_class),
        )
        .order_by(BatchItem.id)
    )
    if statuses is not None:
        query = query.where(BatchItem.status.in_(list(statuses)))
    return list(session.scalars(query))


def open_item_of_invoice(session: Session, invoice_id: int) -> BatchItem | None:
    """The posting that holds the invoice in a batch now (not ``removed``), if any."""
    return session.scalar(
        select(BatchItem).where(BatchItem.invoice_id == invoice_id, BatchItem.status != ItemStatus.REMOVED)
    )


def items_in_flight(session: Session, connection_id: int) -> list[BatchItem]:
    """Postings whose write may have reached Tripletex without us knowing: reconcile these first."""
    return list(
        session.scalars(
            select(BatchItem)
            .join(Batch, BatchItem.batch_id == Batch.id)
            .where(Batch.connection_id == connection_id, BatchItem.status == ItemStatus.IN_FLIGHT)
            .order_by(BatchItem.id)
        )
    )


def record_intent(session: Session, posting: BatchItem, marker: str, *, now: datetime | None = None) -> None:
    """Mark the posting in flight with the marker about to be written to Tripletex. Commit this
    before sending, so a crash after the send is recognisable."""
    moment = now or utcnow()
    posting.status = ItemStatus.IN_FLIGHT
    posting.intent_marker = marker
    posting.intent_at = moment
    posting.attempts += 1
    posting.updated_at = moment


def record_exported(
    session: Session,
    posting: BatchItem,
    connection_id: int,
    *,
    tripletex_id: int | None,
    tripletex_number: str | None,
    voucher_id: int | None = None,
    voucher_number: str | None = None,
    tripletex_order_id: int | None = None,
    now: datetime | None = None,
) -> IntegrationReference:
    """The invoice is in Tripletex: store its reference and mark the posting exported, in the caller's
    one transaction (so there is never a reference without its posting status, or the reverse)."""
    if posting.invoice_id is None:
        raise ValueError("posting has no invoice")
    moment = now or utcnow()
    reference = upsert_reference(
        session,
        connection_id,
        ReferenceKind.INVOICE,
        posting.invoice_id,
        posting.subject_key,
        now=moment,
        tripletex_id=tripletex_id,
        tripletex_number=tripletex_number,
        voucher_id=voucher_id,
        voucher_number=voucher_number,
        tripletex_order_id=tripletex_order_id,
    )
    posting.status = ItemStatus.EXPORTED
    posting.error_id = None
    posting.message = None
    posting.exported_at = moment
    posting.updated_at = moment
    return reference


def record_outcome(
    session: Session,
    posting: BatchItem,
    status: ItemStatus,
    *,
    error_id: str | None,
    message: str | None,
    now: datetime | None = None,
) -> None:
    """Mark a posting ``failed``/``skipped``/``pending`` with a catalog id and its rendered text."""
    if status in (ItemStatus.EXPORTED, ItemStatus.IN_FLIGHT):
        raise ValueError("use record_exported / record_intent for that")
    posting.status = status
    posting.error_id = error_id
    posting.message = message
    posting.updated_at = now or utcnow()


def refresh_batch(session: Session, batch: Batch, *, now: datetime | None = None) -> Batch:
    """Recompute the batch's progress and status from its postings.

    Progress counts postings that need nothing more (exported or skipped). The batch is exported
    when all of them do, failed when nothing is left to try but something failed, else pending."""
    moment = now or utcnow()
    statuses = [
        status
        for status in session.scalars(
            select(BatchItem.status).where(
                BatchItem.batch_id == batch.id, BatchItem.status != ItemStatus.REMOVED
            )
        )
    ]
    done = sum(1 for status in statuses if status in (ItemStatus.EXPORTED, ItemStatus.SKIPPED))
    open_ = sum(1 for status in statuses if status in (ItemStatus.PENDING, ItemStatus.IN_FLIGHT))
    batch.progress_percent = 100 if not statuses else (100 * done) // len(statuses)
    if done == len(statuses):
        if batch.status is not BatchStatus.EXPORTED:
            batch.exported_at = moment
        batch.status = BatchStatus.EXPORTED
    elif open_ == 0:
        batch.status = BatchStatus.FAILED
    else:
        batch.status = BatchStatus.PENDING
    batch.updated_at = moment
    session.flush()
    return batch


def reset_batch(session: Session, batch: Batch, *, now: datetime | None = None) -> int:
    """Put the batch's failed postings back to pending so the next export tries them again.
    Returns how many were reset. In-flight postings stay in flight: they must be reconciled."""
    moment = now or utcnow()
    count = 0
    for posting in session.scalars(
        select(BatchItem).where(BatchItem.batch_id == batch.id, BatchItem.status == ItemStatus.FAILED)
    ):
        record_outcome(session, posting, ItemStatus.PENDING, error_id=None, message=None, now=moment)
        count += 1
    refresh_batch(session, batch, now=moment)
    return count


# --------------------------------------------------------------------------------------------------
# Integration references
# --------------------------------------------------------------------------------------------------


def reference_of(
    session: Session, connection_id: int, kind: ReferenceKind, local_id: int
) -> IntegrationReference | None:
    return session.scalar(
        select(IntegrationReference).where(
            IntegrationReference.connection_id == connection_id,
            IntegrationReference.kind == kind,
            IntegrationReference.local_id == local_id,
        )
    )


def references_of(
    session: Session, connection_id: int, kind: ReferenceKind, local_ids: Iterable[int] | None = None
) -> dict[int, IntegrationReference]:
    """References of one kind, by local id (all of them when ``local_ids`` is None)."""
    query = select(IntegrationReference).where(
        IntegrationReference.connection_id == connection_id, IntegrationReference.kind == kind
    )
    if local_ids is not None:
        ids = list(local_ids)
        if not ids:
            return {}
        query = query.where(IntegrationReference.local_id.in_(ids))
    return {ref.local_id: ref for ref in session.scalars(query)}


def upsert_reference(
    session: Session,
    connection_id: int,
    kind: ReferenceKind,
    local_id: int,
    local_number: str,
    *,
    now: datetime | None = None,
    **fields: Any,
) -> IntegrationReference:
    """Create or update the reference of a local object. ``fields`` are IntegrationReference
    columns (``tripletex_id``, ``tripletex_number``, ``voucher_number`` …)."""
    moment = now or utcnow()
    unknown = set(fields) - set(IntegrationReference.__table__.columns.keys())
    if unknown:
        raise TypeError(f"unknown reference fields: {sorted(unknown)}")
    reference = reference_of(session, connection_id, kind, local_id)
    if reference is None:
        reference = IntegrationReference(
            connection_id=connection_id,
            kind=kind,
            local_id=local_id,
            local_number=local_number,
            created_at=moment,
        )
        session.add(reference)
    reference.local_number = local_number
    reference.updated_at = moment
    for name, value in fields.items():
        setattr(reference, name, value)
    session.flush()
    return reference


def upsert_references(
    session: Session,
    connection_id: int,
    kind: ReferenceKind,
    rows: Sequence[tuple[int, str, Mapping[str, Any]]],
    *,
    now: datetime | None = None,
) -> None:
    """Create or update many references of one kind in one statement: ``rows`` are (local id, local
    number, columns), every row with the same columns. ``INSERT … ON CONFLICT DO UPDATE`` on the
    one-reference-per-object key, so two exports storing the same reference at once both succeed
    (a read-then-insert would let one of them fail on the unique constraint)."""
    latest = {local_id: (number, dict(fields)) for local_id, number, fields in rows}  # last one wins
    if not latest:
        return
    moment = now or utcnow()
    values = [
        {
            "connection_id": connection_id,
            "kind": kind,
            "local_id": local_id,
            "local_number": number,
            "created_at": moment,
            "updated_at": moment,
            **fields,
        }
        for local_id, (number, fields) in latest.items()
    ]
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(IntegrationReference)
    changed = [name for name in values[0] if name not in ("connection_id", "kind", "local_id", "created_at")]
    statement = statement.on_conflict_do_update(
        index_elements=["connection_id", "kind", "local_id"],
        set_={name: statement.excluded[name] for name in changed},
    )
    session.execute(statement, values)


def clear_reference(session: Session, connection_id: int, kind: ReferenceKind, local_id: int) -> bool:
    """Delete the reference (administrator re-export). True if there was one."""
    reference = reference_of(session, connection_id, kind, local_id)
    if reference is None:
        return False
    session.delete(reference)
    session.flush()
    return True


# --------------------------------------------------------------------------------------------------
# Integration log
# --------------------------------------------------------------------------------------------------


def add_log(
    session: Session,
    connection_id: int | None,
    message: str,
    *,
    level: LogLevel = LogLevel.INFO,
    message_id: str | None = None,
    object_type: str | None = None,
    object_key: str | None = None,
    detail: str | None = None,
    now: datetime | None = None,
) -> LogEntry:
    """Append to the integration log. Callers pass texts without secrets."""
    entry = LogEntry(
        at=now or utcnow(),
        connection_id=connection_id,
        level=level,
        message_id=message_id,
        object_type=object_type,
        object_key=object_key,
        message=message,
        detail=detail,
    )
    session.add(entry)
    session.flush()
    return entry


def log_entries(
    session: Session,
    connection_id: int | None = None,
    *,
    object_type: str | None = None,
    object_key: str | None = None,
    limit: int = 100,
) -> list[LogEntry]:
    """Newest first."""
    query = select(LogEntry)
    if connection_id is not None:
        query = query.where(LogEntry.connection_id == connection_id)
    if object_type is not None:
        query = query.where(LogEntry.object_type == object_type)
    if object_key is not None:
        query = query.where(LogEntry.object_key == object_key)
    return list(session.scalars(query.order_by(LogEntry.at.desc(), LogEntry.id.desc()).limit(limit)))
