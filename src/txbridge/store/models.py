"""The store's tables, in the words of the domain.

Three groups: the **connection** to one Tripletex company, the **host data** a business system hands
us (customers, product classes, products, invoices), and the **export** bookkeeping (batches, one
item per document in a batch, integration references, the integration log).

Rules the database itself enforces, so "never twice" does not depend on code being careful:

* one integration reference per local object (``uq_integration_reference_local``);
* one item per invoice and batch, and an invoice in at most one batch at a time (a partial unique
  index over items that are not ``removed``);
* numbers of host objects are unique per connection.

The accounting period of an invoice is derived from its invoice date (``YYYY-MM``, see
:func:`period_of`); there is no period table because a period carries nothing but its name.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Double,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from txbridge.store.crypto import TokenCipher, mask_token
from txbridge.store.types import ExactDecimal, UtcDateTime

#: Constraint names are spelled out so Alembic migrations can refer to them on both databases.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def period_of(day: date) -> str:
    """The accounting period (``YYYY-MM``) an invoice date falls in."""
    return f"{day.year:04d}-{day.month:02d}"


def period_bounds(period: str) -> tuple[date, date]:
    """First day of ``period`` and first day of the next one (from-and-including, to-excluding,
    like Tripletex's own date ranges). Raises ValueError on anything but ``YYYY-MM``."""
    if len(period) != 7 or period[4] != "-":
        raise ValueError(f"period must be YYYY-MM, not {period!r}")
    year, month = int(period[:4]), int(period[5:])
    start = date(year, month, 1)
    end = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return start, end


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    # Stored as the value text with a CHECK constraint: same on SQLite and PostgreSQL, and adding a
    # member later is a constraint change rather than an ALTER TYPE.
    return Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=24,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


# --------------------------------------------------------------------------------------------------
# Enumerations
# --------------------------------------------------------------------------------------------------


class Environment(enum.StrEnum):
    PRODUCTION = "production"
    TEST = "test"
    SANDBOX = "sandbox"


class ConnectionState(enum.StrEnum):
    PENDING_APPROVAL = "pending_approval"
    ACTIVE = "active"
    ERROR = "error"
    TOKEN_EXPIRED = "token_expired"  # noqa: S105 - a state name, not a secret


class InvoiceStatus(enum.StrEnum):
    DRAFT = "draft"
    READY = "ready"


class BatchStatus(enum.StrEnum):
    PENDING = "pending"
    EXPORTED = "exported"
    FAILED = "failed"

    @property
    def label_nb(self) -> str:
        return {"pending": "Ventende", "exported": "Eksportert", "failed": "Feilet"}[self.value]

    @property
    def label_en(self) -> str:
        return {"pending": "Pending", "exported": "Exported", "failed": "Failed"}[self.value]


class OutboundKind(enum.StrEnum):
    """What an export batch sends to Tripletex (see ``txbridge.flows.outbound``)."""

    INVOICE = "invoice"
    #: Timesheet entries (``/timesheet/entry``).
    HOURS = "hours"
    #: A day's point-of-sale sales as one voucher (``/ledger/voucher``).
    DAY_SALES = "day_sales"
    #: POS sales «by invoice» collected for a collective invoice: their orders only (``/order/list``).
    POS_ORDER = "pos_order"
    #: One customer's collected orders of a period invoiced together (``/order/:invoiceMultipleOrders``).
    COLLECTIVE_INVOICE = "collective_invoice"


class ItemStatus(enum.StrEnum):
    PENDING = "pending"
    #: The intent is recorded and a write to Tripletex may have happened: reconcile before resending.
    IN_FLIGHT = "in_flight"
    EXPORTED = "exported"
    FAILED = "failed"
    #: Not sent because it needs nothing (e.g. already exported).
    SKIPPED = "skipped"
    #: Taken out of its batch by an administrator; frees the invoice for another batch.
    REMOVED = "removed"


class ReferenceKind(enum.StrEnum):
    CUSTOMER = "customer"
    PRODUCT = "product"
    ORDER = "order"
    INVOICE = "invoice"
    #: A POS day (one location's Z-report) and the voucher it became.
    DAY_SALE = "day_sale"
    TIMESHEET_ENTRY = "timesheet_entry"
    #: One customer's collective invoice of a period (``local_id``: the CollectiveInvoice).
    COLLECTIVE_INVOICE = "collective_invoice"


class PaymentStatus(enum.StrEnum):
    OUTSTANDING = "outstanding"
    PAID = "paid"
    CREDITED = "credited"


class LogLevel(enum.StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


# --------------------------------------------------------------------------------------------------
# Connection
# --------------------------------------------------------------------------------------------------


class Connection(Base):
    """One connected Tripletex company. Tokens are stored encrypted (see
    :class:`txbridge.store.crypto.TokenCipher`); only masked hints are kept in clear."""

    __tablename__ = "connection"
    __table_args__ = (
        CheckConstraint("consecutive_failures >= 0", name="failures_not_negative"),
        CheckConstraint("batch_size BETWEEN 1 AND 100", name="batch_size_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    environment: Mapped[Environment] = mapped_column(_enum(Environment, "environment"))
    base_url: Mapped[str] = mapped_column(String(300))
    consumer_token_encrypted: Mapped[str] = mapped_column(Text)
    employee_token_encrypted: Mapped[str] = mapped_column(Text)
    #: Masked views (``test-…c3f9``) for display without the key.
    consumer_token_hint: Mapped[str] = mapped_column(String(40))
    employee_token_hint: Mapped[str] = mapped_column(String(40))
    token_expires_on: Mapped[date | None] = mapped_column(Date)
    #: Basic-auth user: 0 for the token's own company, else an accountant's client company id.
    tripletex_company_id: Mapped[int] = mapped_column(Integer, default=0)
    company_name: Mapped[str | None] = mapped_column(String(300))
    state: Mapped[ConnectionState] = mapped_column(
        _enum(ConnectionState, "connection_state"), default=ConnectionState.PENDING_APPROVAL
    )
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    #: Catalog id of the last error (see :mod:`txbridge.catalog`) and its detail; never secrets.
    last_error_id: Mapped[str | None] = mapped_column(String(64))
    last_error_detail: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    send_to_customer: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Default for invoices that do not say whether their prices include VAT.
    prices_include_vat: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Invoices per ``POST /invoice/list`` call (Tripletex accepts at most 100).
    batch_size: Mapped[int] = mapped_column(Integer, default=100)
    #: Intake's sanity limits that differ from the defaults (see txbridge.flows.intake.limits), as
    #: ``{"maxInvoiceTotal": "250000000"}``; None when all are the defaults.
    intake_limits: Mapped[dict[str, str] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    def set_tokens(self, cipher: TokenCipher, *, consumer_token: str, employee_token: str) -> None:
        """Store both tokens encrypted (whitespace trimmed) with their masked hints."""
        self.consumer_token_encrypted = cipher.encrypt(consumer_token)
        self.employee_token_encrypted = cipher.encrypt(employee_token)
        self.consumer_token_hint = mask_token(consumer_token)
        self.employee_token_hint = mask_token(employee_token)

    def consumer_token(self, cipher: TokenCipher) -> str:
        return cipher.decrypt(self.consumer_token_encrypted)

    def employee_token(self, cipher: TokenCipher) -> str:
        return cipher.decrypt(self.employee_token_encrypted)

    def __repr__(self) -> str:
        # Deliberately lists no token columns, not even encrypted ones.
        return (
            f"Connection(id={self.id!r}, name={self.name!r}, environment={self.environment!r}, "
            f"company_id={self.tripletex_company_id!r}, state={self.state!r})"
        )


# --------------------------------------------------------------------------------------------------
# Host data
# --------------------------------------------------------------------------------------------------


class Customer(Base):
    __tablename__ = "customer"
    __table_args__ = (
        UniqueConstraint("connection_id", "number"),
        Index("ix_customer_connection_id_tripletex_id", "connection_id", "tripletex_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connection.id", ondelete="CASCADE"), index=True)
    #: Same number as the Tripletex ``customerNumber`` it is matched on.
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(255))
    organization_number: Mapped[str | None] = mapped_column(String(9), index=True)
    email: Mapped[str | None] = mapped_column(String(254))
    invoice_email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    address_line1: Mapped[str | None] = mapped_column(String(255))
    address_line2: Mapped[str | None] = mapped_column(String(255))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    city: Mapped[str | None] = mapped_column(String(100))
    country_code: Mapped[str] = mapped_column(String(2), default="NO")
    is_private_person: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Set on POS invoicing's copy of a Tripletex customer (the POS picks customers in Tripletex): the
    #: copy is found by this id, never by number, and its ``number`` is ``-tripletex_id`` — outside the
    #: host's numbers (≥ 1), so a host customer with the Tripletex number is never touched. None on
    #: the host's own customers.
    tripletex_id: Mapped[int | None] = mapped_column(Integer)
    #: The copy's Tripletex customer number, as shown to users (see :attr:`shown_number`).
    tripletex_number: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    @property
    def shown_number(self) -> int:
        """The number users know the customer by: Tripletex's for a POS invoicing copy."""
        return self.tripletex_number if self.tripletex_number is not None else self.number

    def __repr__(self) -> str:
        return f"Customer(number={self.number!r}, name={self.name!r})"


class ProductClass(Base):
    """Groups products and gives them their income account, by Tripletex account **number**."""

    __tablename__ = "product_class"
    __table_args__ = (UniqueConstraint("connection_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connection.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(50))
    name: Mapped[str] = mapped_column(String(255))
    account_number: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"ProductClass(code={self.code!r}, account_number={self.account_number!r})"


class Product(Base):
    __tablename__ = "product"
    __table_args__ = (UniqueConstraint("connection_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connection.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(255))
    product_class_id: Mapped[int | None] = mapped_column(
        ForeignKey("product_class.id", ondelete="RESTRICT"), index=True
    )
    #: Tripletex VAT **number** (3, 31, 33, 5, 6 …), not a VAT type id: ids differ per company.
    vat_code: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[Decimal | None] = mapped_column(ExactDecimal(2))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    product_class: Mapped[ProductClass | None] = relationship()

    def __repr__(self) -> str:
        return f"Product(number={self.number!r}, name={self.name!r}, vat_code={self.vat_code!r})"


class Invoice(Base):
    __tablename__ = "invoice"
    __table_args__ = (
        UniqueConstraint("connection_id", "number"),
        CheckConstraint("due_date >= invoice_date", name="due_after_invoice_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connection.id", ondelete="CASCADE"), index=True)
    #: The host system's invoice number (Tripletex gives the invoice its own number on export).
    number: Mapped[str] = mapped_column(String(50))
    invoice_date: Mapped[date] = mapped_column(Date, index=True)
    due_date: Mapped[date] = mapped_column(Date)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="RESTRICT"), index=True)
    currency: Mapped[str] = mapped_column(String(3), default="NOK")
    prices_include_vat: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[InvoiceStatus] = mapped_column(
        _enum(InvoiceStatus, "invoice_status"), default=InvoiceStatus.READY
    )
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    #: The buyer's reference (the order's ``reference``), as the POS cashier typed it.
    reference: Mapped[str | None] = mapped_column(String(100))
    #: A POS sale kept for its customer's collective invoice: exported as an order (kind ``pos_order``),
    #: invoiced with the others at the end of the period; never in an invoice batch.
    collective_invoice_id: Mapped[int | None] = mapped_column(
        ForeignKey("collective_invoice.id", ondelete="RESTRICT"), index=True
    )

    customer: Mapped[Customer] = relationship()
    lines: Mapped[list[InvoiceLine]] = relationship(
        back_populates="invoice",
        cascade="all, delete-orphan",
        order_by="InvoiceLine.line_no",
        passive_deletes=True,
    )

    @property
    def period(self) -> str:
        return period_of(self.invoice_date)

    def __repr__(self) -> str:
        return f"Invoice(number={self.number!r}, invoice_date={self.invoice_date!r}, status={self.status!r})"


class InvoiceLine(Base):
    __tablename__ = "invoice_line"
    __table_args__ = (
        UniqueConstraint("invoice_id", "line_no"),
        CheckConstraint("CAST(discount_percent AS NUMERIC) BETWEEN 0 AND 100", name="discount_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id", ondelete="CASCADE"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("product.id", ondelete="RESTRICT"), index=True)
    description: Mapped[str | None] = mapped_column(String(1000))
    quantity: Mapped[Decimal] = mapped_column(ExactDecimal(4))
    #: Incl. or excl. VAT according to the invoice's ``prices_include_vat``.
    unit_price: Mapped[Decimal] = mapped_column(ExactDecimal(2))
    vat_code: Mapped[int] = mapped_column(Integer)
    discount_percent: Mapped[Decimal] = mapped_column(ExactDecimal(2), default=Decimal("0"))

    invoice: Mapped[Invoice] = relationship(back_populates="lines")
    product: Mapped[Product | None] = relationship()

    def __repr__(self) -> str:
        return (
            f"InvoiceLine(line_no={self.line_no!r}, quantity={self.quantity!r}, "
            f"unit_price={self.unit_price!r})"
        )


# --------------------------------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------------------------------


class Batch(Base):
    """An export batch: the ready documents of one kind (invoices today; hours, day sales) and one
    accounting period, exported together."""

    __tablename__ = "batch"
    __table_args__ = (
        CheckConstraint("progress_percent BETWEEN 0 AND 100", name="progress_range"),
        Index("ix_batch_connection_id_period", "connection_id", "period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connection.id", ondelete="CASCADE"), index=True)
    #: What the batch sends (its items carry the same kind).
    kind: Mapped[OutboundKind] = mapped_column(
        _enum(OutboundKind, "outbound_kind"), default=OutboundKind.INVOICE, server_default="invoice"
    )
    period: Mapped[str] = mapped_column(String(7))
    status: Mapped[BatchStatus] = mapped_column(
        _enum(BatchStatus, "batch_status"), default=BatchStatus.PENDING
    )
    progress_percent: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    exported_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    items: Mapped[list[BatchItem]] = relationship(
        back_populates="batch", order_by="BatchItem.id", passive_deletes=True
    )

    def __repr__(self) -> str:
        return (
            f"Batch(id={self.id!r}, kind={self.kind!r}, period={self.period!r}, status={self.status!r}, "
            f"progress_percent={self.progress_percent!r})"
        )


class BatchItem(Base):
    """One document in one batch (an invoice, an hours entry, a day's sales), with its own export
    status, error and write intent. Not a Tripletex *posting* (a voucher row): users still read
    «postering/posting» where the seeds say so, the store does not.

    The local subject is a real foreign key per kind (``invoice_id`` for invoices; other kinds add
    their own column); only the kind's own column may be set. ``subject_key`` is what users see
    (the invoice number, the host's hours id, «2026-10-05 · Storgata»).

    Crash safety: before a write to Tripletex the export commits ``status=in_flight``, the
    ``intent_marker`` it will write on the document, and ``intent_at``; after a crash an item still
    ``in_flight`` is reconciled by searching Tripletex for that marker before anything is sent
    again. The reference and ``status=exported`` are committed in one transaction."""

    __tablename__ = "batch_item"
    __table_args__ = (
        UniqueConstraint("batch_id", "invoice_id"),
        # An invoice is in at most one batch at a time; REMOVED items free it.
        Index(
            "uq_batch_item_invoice_in_one_batch",
            "invoice_id",
            unique=True,
            sqlite_where=text("status <> 'removed'"),
            postgresql_where=text("status <> 'removed'"),
        ),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        CheckConstraint(
            "kind IN ('invoice', 'pos_order') OR invoice_id IS NULL", name="invoice_id_only_for_invoices"
        ),
        # A day is in at most one unfinished item; an exported one frees it for its correction.
        Index(
            "uq_batch_item_day_sale_open",
            "day_sale_id",
            unique=True,
            sqlite_where=text("status NOT IN ('removed', 'exported', 'skipped')"),
            postgresql_where=text("status NOT IN ('removed', 'exported', 'skipped')"),
        ),
        CheckConstraint("kind = 'day_sales' OR day_sale_id IS NULL", name="day_sale_id_only_for_day_sales"),
        # An hour is on its way to Tripletex in at most one batch at a time (pending or in flight); a
        # correction after its export is a new item in a later batch.
        Index(
            "uq_batch_item_hours_entry_open",
            "hours_entry_id",
            unique=True,
            sqlite_where=text("status IN ('pending', 'in_flight')"),
            postgresql_where=text("status IN ('pending', 'in_flight')"),
        ),
        CheckConstraint("kind = 'hours' OR hours_entry_id IS NULL", name="hours_entry_id_only_for_hours"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id", ondelete="CASCADE"), index=True)
    #: The batch's kind, repeated so per-kind rules (CHECKs, unique indexes) need no join.
    kind: Mapped[OutboundKind] = mapped_column(
        _enum(OutboundKind, "outbound_kind"), default=OutboundKind.INVOICE, server_default="invoice"
    )
    #: Null when the invoice was deleted locally after the batch was closed («Invoice is not found»).
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoice.id", ondelete="SET NULL"))
    subject_key: Mapped[str] = mapped_column(String(100))
    #: Hours: the host's hour (null when it was deleted locally after the batch was closed).
    hours_entry_id: Mapped[int | None] = mapped_column(ForeignKey("hours_entry.id", ondelete="SET NULL"))
    status: Mapped[ItemStatus] = mapped_column(_enum(ItemStatus, "item_status"), default=ItemStatus.PENDING)
    error_id: Mapped[str | None] = mapped_column(String(64))
    message: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    intent_marker: Mapped[str | None] = mapped_column(String(100), index=True)
    intent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    exported_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    #: Day sales: the day (Z-report); null when it was deleted locally after the batch was closed.
    day_sale_id: Mapped[int | None] = mapped_column(
        ForeignKey("day_sale.id", ondelete="SET NULL"), index=True
    )

    #: Collective invoices: the customer's period; null when it was deleted after the batch was closed.
    collective_invoice_id: Mapped[int | None] = mapped_column(
        ForeignKey("collective_invoice.id", ondelete="SET NULL"), index=True
    )

    batch: Mapped[Batch] = relationship(back_populates="items")
    invoice: Mapped[Invoice | None] = relationship()

    def __repr__(self) -> str:
        return (
            f"BatchItem(id={self.id!r}, batch_id={self.batch_id!r}, kind={self.kind!r}, "
            f"subject_key={self.subject_key!r}, status={self.status!r}, error_id={self.error_id!r})"
        )


class IntegrationReference(Base):
    """Links a local object to the Tripletex object it became. Its existence is what makes an
    invoice "already exported"."""

    __tablename__ = "integration_reference"
    __table_args__ = (
        UniqueConstraint("connection_id", "kind", "local_id", name="uq_integration_reference_local"),
        Index("ix_integration_reference_tripletex", "connection_id", "kind", "tripletex_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connection.id", ondelete="CASCADE"))
    kind: Mapped[ReferenceKind] = mapped_column(_enum(ReferenceKind, "reference_kind"))
    #: Primary key of the local customer/product/invoice (no foreign key: one column, four tables).
    local_id: Mapped[int] = mapped_column(Integer)
    #: The local number, kept for display and for the log after a local delete.
    local_number: Mapped[str] = mapped_column(String(100))
    tripletex_id: Mapped[int | None] = mapped_column(Integer)
    tripletex_number: Mapped[str | None] = mapped_column(String(100))
    tripletex_version: Mapped[int | None] = mapped_column(Integer)
    #: Invoices: the order created for them and the voucher Tripletex booked them on.
    tripletex_order_id: Mapped[int | None] = mapped_column(Integer)
    voucher_id: Mapped[int | None] = mapped_column(Integer)
    voucher_number: Mapped[str | None] = mapped_column(String(50))
    payment_status: Mapped[PaymentStatus | None] = mapped_column(_enum(PaymentStatus, "payment_status"))
    amount_outstanding: Mapped[Decimal | None] = mapped_column(ExactDecimal(2))
    #: The invoice currency's code and what is outstanding in it (NOK invoices: the same as above).
    outstanding_currency: Mapped[str | None] = mapped_column(String(3))
    amount_outstanding_currency: Mapped[Decimal | None] = mapped_column(ExactDecimal(2))
    payment_checked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return (
            f"IntegrationReference(kind={self.kind!r}, local_number={self.local_number!r}, "
            f"tripletex_id={self.tripletex_id!r}, tripletex_number={self.tripletex_number!r})"
        )


class LogEntry(Base):
    """The integration log: what happened, to which object, and why. Never holds secrets."""

    __tablename__ = "log_entry"
    __table_args__ = (Index("ix_log_entry_connection_id_at", "connection_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    connection_id: Mapped[int | None] = mapped_column(ForeignKey("connection.id", ondelete="CASCADE"))
    level: Mapped[LogLevel] = mapped_column(_enum(LogLevel, "log_level"), default=LogLevel.INFO)
    #: Catalog id (:mod:`txbridge.catalog`) when the entry is one of its messages.
    message_id: Mapped[str | None] = mapped_column(String(64))
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_key: Mapped[str | None] = mapped_column(String(100))
    message: Mapped[str] = mapped_column(Text)
    detail: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"LogEntry(at={self.at!r}, level={self.level!r}, message_id={self.message_id!r})"


# --------------------------------------------------------------------------------------------------
# Admin web app: users, their sign-in sessions, sign-in throttling
# --------------------------------------------------------------------------------------------------


class UserRole(enum.StrEnum):
    #: Approves connections, rotates tokens, resets batches, clears references, manages users.
    ADMIN = "admin"
    #: Sees everything, runs diagnose, starts exports.
    SUPPORT = "support"


class UserAccount(Base):
    """A person who signs in to the admin web app. Only an argon2 hash of the password is kept."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[UserRole] = mapped_column(_enum(UserRole, "user_role"), default=UserRole.SUPPORT)
    #: ``nb`` (bokmål, the default) or ``en``: the language the web app speaks to this user.
    language: Mapped[str] = mapped_column(String(2), default="nb")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        # No password hash, not even in a traceback.
        return f"UserAccount(id={self.id!r}, username={self.username!r}, role={self.role!r})"


class WebSession(Base):
    """A signed-in browser. The cookie holds a random token; only its SHA-256 is stored, so a copy of
    the database signs nobody in. ``csrf_token`` is what every form of the session must send back."""

    __tablename__ = "web_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)

    user: Mapped[UserAccount] = relationship()

    def __repr__(self) -> str:
        return f"WebSession(id={self.id!r}, user_id={self.user_id!r}, expires_at={self.expires_at!r})"


class SignInThrottle(Base):
    """Failed sign-ins per key (``user:<name>`` or ``ip:<address>``), so guessing gets slower and
    slower whatever process answers (one row per key; a success deletes the user's row)."""

    __tablename__ = "sign_in_throttle"

    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    blocked_until: Mapped[datetime | None] = mapped_column(UtcDateTime)

    def __repr__(self) -> str:
        return f"SignInThrottle(key={self.key!r}, failures={self.failures!r})"


# --------------------------------------------------------------------------------------------------
# Rate-limit budget shared by processes
# --------------------------------------------------------------------------------------------------


class RateLimitBudget(Base):
    """What the last answers said of one token pair's rate-limit period, for every process using this
    database (see :mod:`txbridge.store.ratebudget`). Keyed by a digest of the tokens, never the tokens.
    Times are the database server's clock in epoch seconds: the one clock all machines share."""

    __tablename__ = "rate_limit_budget"

    token_pair: Mapped[str] = mapped_column(String(64), primary_key=True)
    period_limit: Mapped[int | None] = mapped_column(Integer)
    remaining: Mapped[int | None] = mapped_column(Integer)
    reset_at: Mapped[float | None] = mapped_column(Double)
    blocked_until: Mapped[float] = mapped_column(Double, default=0.0)
    next_slot: Mapped[float] = mapped_column(Double, default=0.0)
    early_calls: Mapped[int] = mapped_column(Integer, default=0)


# Jobs (the work ``txbridge.jobs`` runs: bookkeeping on every database, the queue itself on SQLite)
# --------------------------------------------------------------------------------------------------


class JobState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Job(Base):
    """One piece of work asked for (an export of a batch, a payments refresh, …) and how it went.

    On PostgreSQL procrastinate queues and locks it (``engine_job_id``); on SQLite the in-process runner
    claims rows here directly. ``active_key`` is set while the job is queued or running and unique, so
    the database itself refuses a second export of one batch however it is started."""

    __tablename__ = "job"
    __table_args__ = (
        Index("ix_job_state_not_before", "state", "not_before"),
        Index("ix_job_connection_id_state", "connection_id", "state"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task: Mapped[str] = mapped_column(String(60))
    connection_id: Mapped[int | None] = mapped_column(ForeignKey("connection.id", ondelete="CASCADE"))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("batch.id", ondelete="CASCADE"), index=True)
    state: Mapped[JobState] = mapped_column(_enum(JobState, "job_state"), default=JobState.QUEUED)
    requested_by: Mapped[str | None] = mapped_column(String(100))
    queued_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: Not to be started before this time (a retry's backoff); the in-process runner honours it.
    not_before: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    active_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    #: Who runs it now (``host:pid``) and when that runner last said it is alive.
    worker: Mapped[str | None] = mapped_column(String(120))
    heartbeat_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    #: The last catalog message (JSON of the rendered message), e.g. why it failed or is retried.
    message_id: Mapped[str | None] = mapped_column(String(64))
    message: Mapped[str | None] = mapped_column(Text)
    engine_job_id: Mapped[int | None] = mapped_column(Integer, index=True)

    def __repr__(self) -> str:
        return f"Job(id={self.id!r}, task={self.task!r}, state={self.state!r}, attempts={self.attempts!r})"


class JobAttempt(Base):
    """One run of a job by one worker process, written by the task itself: when it began and ended
    (no end: the process died). What the chaos tests read to prove no two runs of one connection
    overlapped."""

    __tablename__ = "job_attempt"
    __table_args__ = (Index("ix_job_attempt_connection_id_started_at", "connection_id", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("job.id", ondelete="CASCADE"), index=True)
    connection_id: Mapped[int | None] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    host: Mapped[str] = mapped_column(String(100))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    #: ``succeeded``, ``failed``, ``retry`` or ``cancelled``; null while running or when the run died.
    outcome: Mapped[str | None] = mapped_column(String(24))


class ScheduleTick(Base):
    """A schedule's run at one due time, fired once: two embedded runners never both fire it."""

    __tablename__ = "schedule_tick"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime, primary_key=True)
    fired_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class TokenExpiryWarning(Base):
    """A token-expiry warning given (14, 7 or 1 days before): each is given once per expiry date."""

    __tablename__ = "token_expiry_warning"

    connection_id: Mapped[int] = mapped_column(
        ForeignKey("connection.id", ondelete="CASCADE"), primary_key=True
    )
    expires_on: Mapped[date] = mapped_column(Date, primary_key=True)
    days_before: Mapped[int] = mapped_column(Integer, primary_key=True)
    warned_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ExportLease(Base):
    """Who is exporting a batch right now: one row per batch while an export runs.

    Taken before an export touches anything and deleted when it ends. A holder that dies without
    deleting it (SIGKILL, power cut) stops refreshing ``heartbeat_at``, so its lease goes stale after a
    bounded time and the next export takes it over (``txbridge.flows.outbound.lease``)."""

    __tablename__ = "export_lease"

    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id", ondelete="CASCADE"), primary_key=True)
    #: Unique per run: only the run that took the lease refreshes or releases it.
    token: Mapped[str] = mapped_column(String(32))
    #: Who asked for the export (a user's login name, ``job 12``, a web user).
    holder: Mapped[str] = mapped_column(String(200))
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    since: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    heartbeat_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    def __repr__(self) -> str:
        return (
            f"ExportLease(batch_id={self.batch_id!r}, holder={self.holder!r}, host={self.host!r}, "
            f"pid={self.pid!r}, since={self.since!r})"
        )


# --------------------------------------------------------------------------------------------------
# REST API: API keys of vendor systems and the answers kept for their Idempotency-Keys
# --------------------------------------------------------------------------------------------------


class ApiKey(Base):
    """A vendor system's key to the REST API. The key is shown once; only ``prefix`` (to find the row)
    and a SHA-256 of the whole key are kept. The key holds 256 random bits, so a fast hash suffices
    (nobody can guess through the hash), as for web sessions. ``scopes``: space-separated
    (``read intake export admin``)."""

    __tablename__ = "api_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    connections: Mapped[list[ApiKeyConnection]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    def __repr__(self) -> str:
        # Neither the hash nor anything of the secret, not even in a traceback.
        return f"ApiKey(id={self.id!r}, name={self.name!r}, prefix={self.prefix!r})"


class ApiKeyConnection(Base):
    """A connection an API key may act on (its scope over data)."""

    __tablename__ = "api_key_connection"

    api_key_id: Mapped[int] = mapped_column(ForeignKey("api_key.id", ondelete="CASCADE"), primary_key=True)
    connection_id: Mapped[int] = mapped_column(
        ForeignKey("connection.id", ondelete="CASCADE"), primary_key=True
    )


class IdempotentRequest(Base):
    """One ``Idempotency-Key`` of one API key: the request it was first used with (a SHA-256 of method,
    path and body) and, once answered, the answer to replay. The unique key makes a second request
    with the same key wait for, or replay, the first instead of running again."""

    __tablename__ = "idempotent_request"
    __table_args__ = (UniqueConstraint("api_key_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    api_key_id: Mapped[int] = mapped_column(ForeignKey("api_key.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    #: None while the first request runs.
    status_code: Mapped[int | None] = mapped_column(Integer)
    body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)


# --------------------------------------------------------------------------------------------------
# Point of sale: the set-up of a connection's sales export and the days (Z-reports) it exports
# --------------------------------------------------------------------------------------------------


class PosAccountGroup(enum.StrEnum):
    """The wizard's steps that map something of the POS to an account (by number)."""

    PAYMENT_METHOD = "payment_method"
    PRODUCT_GROUP = "product_group"
    #: The same product groups sold as takeaway (another VAT rate, so another account).
    TAKEAWAY_GROUP = "takeaway_group"
    #: Tips, rounding, cash differences, gift cards sold and redeemed.
    EVENT = "event"


class DaySaleLineType(enum.StrEnum):
    SALE = "sale"
    PAYMENT = "payment"
    EVENT = "event"


class PosSetup(Base):
    """A connection's POS sales export: from which day, and through which day VAT is already reported
    (Tripletex's API does not tell; a correction is never dated on or before it)."""

    __tablename__ = "pos_setup"

    connection_id: Mapped[int] = mapped_column(
        ForeignKey("connection.id", ondelete="CASCADE"), primary_key=True
    )
    sales_start_date: Mapped[date] = mapped_column(Date)
    vat_reported_through: Mapped[date | None] = mapped_column(Date)
    #: Sales «by invoice» are collected per customer and invoiced together at the end of the period.
    collective_invoice: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: The wizard's «Enable invoicing»: sales paid by invoice become invoices in Tripletex, which book
    #: them; the Z-reports then leave them out (a day listing an «invoice» payment is refused).
    invoicing: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    updated_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"PosSetup(connection_id={self.connection_id!r}, sales_start_date={self.sales_start_date!r})"


class PosAccount(Base):
    """One mapping of the wizard: a payment method, product group (eat-in or takeaway) or event of the
    POS to a Tripletex account **number** (its VAT type comes from the account in Tripletex)."""

    __tablename__ = "pos_account"
    __table_args__ = (UniqueConstraint("connection_id", "group", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connection.id", ondelete="CASCADE"), index=True)
    group: Mapped[PosAccountGroup] = mapped_column(_enum(PosAccountGroup, "pos_account_group"))
    #: The POS's own code: ``card``, ``vipps``, a product group code, ``tips`` …
    key: Mapped[str] = mapped_column(String(50))
    account_number: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"PosAccount(group={self.group!r}, key={self.key!r}, account_number={self.account_number!r})"


class DaySale(Base):
    """One location's (or register's) Z-report for one day: what becomes one voucher in Tripletex.

    A day is exported when it has an integration reference (kind ``day_sale``). When the host changes
    an exported day, the day is *corrected after export*: ``revision`` goes up, ``corrected_at`` is
    set, and the reference gives way to ``replaces_voucher_id`` (the voucher no longer shows the day).
    The next export reverses that voucher first (clearing both) and posts the new revision, whose
    marker names the revision."""

    __tablename__ = "day_sale"
    __table_args__ = (
        UniqueConstraint("connection_id", "host_id"),
        UniqueConstraint("connection_id", "location", "business_date"),
        CheckConstraint("revision >= 1", name="revision_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connection.id", ondelete="CASCADE"), index=True)
    #: The host system's own id of the Z-report.
    host_id: Mapped[str] = mapped_column(String(100))
    location: Mapped[str] = mapped_column(String(100))
    business_date: Mapped[date] = mapped_column(Date, index=True)
    #: SHA-256 of the day's lines, so an import of the same day again is «unchanged».
    digest: Mapped[str] = mapped_column(String(64))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    #: When the host changed the day after it was exported; None once its voucher is reversed.
    corrected_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    #: The voucher of the earlier revision, still to be reversed (Tripletex id and number).
    replaces_voucher_id: Mapped[int | None] = mapped_column(Integer)
    replaces_voucher_number: Mapped[str | None] = mapped_column(String(50))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    lines: Mapped[list[DaySaleLine]] = relationship(
        back_populates="day_sale",
        cascade="all, delete-orphan",
        order_by="DaySaleLine.line_no",
        passive_deletes=True,
    )

    @property
    def subject_key(self) -> str:
        """What users see for the day: ``2026-10-05 · Storgata``."""
        return f"{self.business_date.isoformat()} · {self.location}"

    @property
    def period(self) -> str:
        return period_of(self.business_date)

    def __repr__(self) -> str:
        return (
            f"DaySale(host_id={self.host_id!r}, location={self.location!r}, "
            f"business_date={self.business_date!r}, revision={self.revision!r})"
        )


class DaySaleLine(Base):
    """One figure of a Z-report: sales of a product group at a VAT rate (eat-in or takeaway), a payment
    method's takings, or an event (tips, rounding, …). Amounts are gross, in NOK, as the POS counts
    them (sales and payments positive; see :mod:`txbridge.flows.daysales.voucher` for the sides)."""

    __tablename__ = "day_sale_line"
    __table_args__ = (UniqueConstraint("day_sale_id", "line_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day_sale_id: Mapped[int] = mapped_column(ForeignKey("day_sale.id", ondelete="CASCADE"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    type: Mapped[DaySaleLineType] = mapped_column(_enum(DaySaleLineType, "day_sale_line_type"))
    code: Mapped[str] = mapped_column(String(50))
    #: Sales only: the VAT rate in percent the POS charged (25, 15, 12, 0).
    vat_rate: Mapped[Decimal | None] = mapped_column(ExactDecimal(2))
    takeaway: Mapped[bool] = mapped_column(Boolean, default=False)
    amount: Mapped[Decimal] = mapped_column(ExactDecimal(2))

    day_sale: Mapped[DaySale] = relationship(back_populates="lines")

    def __repr__(self) -> str:
        return f"DaySaleLine(type={self.type!r}, code={self.code!r}, amount={self.amount!r})"


# --------------------------------------------------------------------------------------------------
# Two-way sync: customers, projects and employees kept the same in the host and in Tripletex
# --------------------------------------------------------------------------------------------------


class SyncResource(enum.StrEnum):
    CUSTOMER = "customer"
    PROJECT = "project"
    EMPLOYEE = "employee"


class SyncDirection(enum.StrEnum):
    TO_TRIPLETEX = "to_tripletex"
    TO_HOST = "to_host"


class SyncLinkState(enum.StrEnum):
    #: Both sides know the object and are paired.
    LINKED = "linked"
    #: A create in Tripletex is claimed (marker recorded) and may have happened: look it up by its
    #: marker before creating again.
    CREATING = "creating"
    #: Deleted on one side; the pair is kept for the record, nothing more is synced.
    UNLINKED = "unlinked"


class SyncOutcome(enum.StrEnum):
    #: Stopped by a rule (not synced); the entry names the rule and the fix.
    SKIPPED = "skipped"
    #: Waits for a person: two plausible matches, or a number match with another name or e-mail.
    HELD = "held"
    #: Synced, and an edit on the other side lost to the written conflict rule.
    CONFLICT_RESOLVED = "conflict_resolved"
    #: Tripletex refused the write (the entry carries Tripletex's reason).
    FAILED = "failed"


class HeldDecision(enum.StrEnum):
    LINK = "link"
    CREATE_NEW = "create_new"
    SKIP = "skip"


class ChangeAction(enum.StrEnum):
    CREATED = "created"
    CHANGED = "changed"
    DELETED = "deleted"


class DeliveryState(enum.StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    #: Gave up after the last retry; a new delivery of later entries starts again from the cursor.
    FAILED = "failed"


class SyncLink(Base):
    """One object known on both sides (or being created on the other): host id ↔ Tripletex id, the
    last Tripletex ``version`` seen, and what was last sent each way (a SHA-256 of the synced fields
    and when). ``base`` is the last state both sides agreed on, per synced field: what the conflict
    rule compares an edit on each side with."""

    __tablename__ = "sync_link"
    __table_args__ = (
        UniqueConstraint("connection_id", "resource", "host_id"),
        UniqueConstraint("connection_id", "resource", "tripletex_id"),
        UniqueConstraint("connection_id", "resource", "marker"),
        Index("ix_sync_link_connection_id_resource_state", "connection_id", "resource", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connection.id", ondelete="CASCADE"))
    resource: Mapped[SyncResource] = mapped_column(_enum(SyncResource, "sync_resource"))
    #: The host's own id; None while a Tripletex-only object waits for the host to create it.
    host_id: Mapped[str | None] = mapped_column(String(100))
    #: None while a host-only object is being created in Tripletex.
    tripletex_id: Mapped[int | None] = mapped_column(Integer)
    tripletex_version: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[SyncLinkState] = mapped_column(
        _enum(SyncLinkState, "sync_link_state"), default=SyncLinkState.LINKED
    )
    #: What a create in Tripletex carries to be found again after an unknown outcome.
    marker: Mapped[str | None] = mapped_column(String(60))
    #: Display name (the latest of either side), so the log and the screens need no lookup.
    name: Mapped[str | None] = mapped_column(String(255))
    base: Mapped[dict[str, object] | None] = mapped_column(JSON)
    sent_to_tripletex_hash: Mapped[str | None] = mapped_column(String(64))
    sent_to_tripletex_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    sent_to_host_hash: Mapped[str | None] = mapped_column(String(64))
    sent_to_host_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return (
            f"SyncLink(resource={self.resource!r}, host_id={self.host_id!r}, "
            f"tripletex_id={self.tripletex_id!r}, state={self.state!r})"
        )


class HostObject(Base):
    """The host's latest state of one customer, project or employee, as it pushed it (Python API,
    REST API or file). ``revision`` counts the host's changes; ``deleted`` keeps a host delete until
    it is applied."""

    __tablename__ = "host_object"
    __table_args__ = (UniqueConstraint("connection_id", "resource", "host_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connection.id", ondelete="CASCADE"))
    resource: Mapped[SyncResource] = mapped_column(_enum(SyncResource, "sync_resource"))
    host_id: Mapped[str] = mapped_column(String(100))
    data: Mapped[dict[str, object]] = mapped_column(JSON)
    #: SHA-256 of ``data`` in canonical form: unchanged data is not a change.
    data_hash: Mapped[str] = mapped_column(String(64))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"HostObject(resource={self.resource!r}, host_id={self.host_id!r}, revision={self.revision!r})"


class SyncCursor(Base):
    """Where a read of one resource stands, committed in the same transaction as the rows it
    describes (dlt's pattern), so a crash re-reads at most one page and never skips one.
    ``purpose``: ``initial`` (the initial sync) or ``reconcile`` (the nightly read)."""

    __tablename__ = "sync_cursor"

    connection_id: Mapped[int] = mapped_column(
        ForeignKey("connection.id", ondelete="CASCADE"), primary_key=True
    )
    resource: Mapped[SyncResource] = mapped_column(_enum(SyncResource, "sync_resource"), primary_key=True)
    purpose: Mapped[str] = mapped_column(String(20), primary_key=True)
    #: The list's ``versionDigest`` at the last complete read (``If-None-Match`` next time).
    version_digest: Mapped[str | None] = mapped_column(String(100))
    #: ``changedSince`` for the next read, where Tripletex has it (customers).
    changed_since: Mapped[datetime | None] = mapped_column(UtcDateTime)
    #: Resume position: the highest Tripletex id read so far (reads go in ascending id order).
    after_id: Mapped[int] = mapped_column(Integer, default=0)
    #: Rows of the id-sorted list read so far (Tripletex has no id-range filter: pages go by ``from``);
    #: in a read in windows, of the first of ``windows``.
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: The step a multi-step run has reached (initial sync: ``pull``, ``match``, ``create``, ``done``).
    step: Mapped[str | None] = mapped_column(String(20))
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    #: A read in windows (a list above Tripletex's 10,000-row limit): the windows still to read, the
    #: first being read now from ``position`` (see :mod:`txbridge.flows.sync.reader`); null: one list.
    windows: Mapped[dict[str, object] | None] = mapped_column(JSON)


class TripletexObject(Base):
    """The last state read from Tripletex of one object (synced fields only): what the initial match
    works on and what a conflict is judged against."""

    __tablename__ = "tripletex_object"

    connection_id: Mapped[int] = mapped_column(
        ForeignKey("connection.id", ondelete="CASCADE"), primary_key=True
    )
    resource: Mapped[SyncResource] = mapped_column(_enum(SyncResource, "sync_resource"), primary_key=True)
    tripletex_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int | None] = mapped_column(Integer)
    data: Mapped[dict[str, object]] = mapped_column(JSON)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    read_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class SyncLogEntry(Base):
    """One object that did not sync, or synced with a conflict resolved: both ids and names, the
    direction, the rule (a catalog id) and its rendered message (the fix is in the catalog)."""

    __tablename__ = "sync_log_entry"
    __table_args__ = (Index("ix_sync_log_entry_connection_id_at", "connection_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connection.id", ondelete="CASCADE"))
    resource: Mapped[SyncResource] = mapped_column(_enum(SyncResource, "sync_resource"))
    direction: Mapped[SyncDirection] = mapped_column(_enum(SyncDirection, "sync_direction"))
    outcome: Mapped[SyncOutcome] = mapped_column(_enum(SyncOutcome, "sync_outcome"))
    host_id: Mapped[str | None] = mapped_column(String(100))
    host_name: Mapped[str | None] = mapped_column(String(255))
    tripletex_id: Mapped[int | None] = mapped_column(Integer)
    tripletex_name: Mapped[str | None] = mapped_column(String(255))
    #: Catalog id of the rule (``sync_*``); its parameters render it in either language.
    rule: Mapped[str] = mapped_column(String(64), index=True)
    params: Mapped[dict[str, object] | None] = mapped_column(JSON)

    def __repr__(self) -> str:
        return f"SyncLogEntry(resource={self.resource!r}, rule={self.rule!r}, outcome={self.outcome!r})"


class HeldMatch(Base):
    """A match the sync would not guess: one object with two plausible partners, or a number match
    whose name or e-mail differs. ``candidates``: ``[{"side", "id", "name", "why"}]``. Open while
    ``decided_at`` is None."""

    __tablename__ = "held_match"
    __table_args__ = (Index("ix_held_match_connection_id_decided_at", "connection_id", "decided_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connection.id", ondelete="CASCADE"))
    resource: Mapped[SyncResource] = mapped_column(_enum(SyncResource, "sync_resource"))
    #: The object held: a host object (host_id) or a Tripletex one (tripletex_id).
    host_id: Mapped[str | None] = mapped_column(String(100))
    tripletex_id: Mapped[int | None] = mapped_column(Integer)
    name: Mapped[str | None] = mapped_column(String(255))
    rule: Mapped[str] = mapped_column(String(64))
    candidates: Mapped[list[dict[str, object]]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decision: Mapped[HeldDecision | None] = mapped_column(_enum(HeldDecision, "held_decision"))

    def __repr__(self) -> str:
        return f"HeldMatch(id={self.id!r}, resource={self.resource!r}, rule={self.rule!r})"


class ChangeFeedEntry(Base):
    """What changed in Tripletex, for the host, in order. ``seq`` is per connection and dense:
    taken as the highest + 1 under the connection's feed lock as the transaction commits
    (``flows.sync.journal``), so a reader that saw ``seq`` N never misses a later-committed N-1; the
    unique constraint guards it."""

    __tablename__ = "change_feed_entry"
    __table_args__ = (UniqueConstraint("connection_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connection.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    resource: Mapped[SyncResource] = mapped_column(_enum(SyncResource, "sync_resource"))
    action: Mapped[ChangeAction] = mapped_column(_enum(ChangeAction, "change_action"))
    tripletex_id: Mapped[int] = mapped_column(Integer)
    #: The host's id when the object is linked; None for an object the host should create.
    host_id: Mapped[str | None] = mapped_column(String(100))
    tripletex_version: Mapped[int | None] = mapped_column(Integer)
    #: The synced fields, host-shaped (None on delete).
    data: Mapped[dict[str, object] | None] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class HostWebhookEndpoint(Base):
    """Where the host wants the change feed pushed. The signing secret is encrypted with the store's
    key (:class:`txbridge.store.crypto.TokenCipher`); only a masked hint is kept in clear."""

    __tablename__ = "host_webhook_endpoint"

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connection.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(500))
    secret_encrypted: Mapped[str] = mapped_column(Text)
    secret_hint: Mapped[str] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: The highest feed ``seq`` delivered (acknowledged with 2xx) to this endpoint.
    delivered_seq: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"HostWebhookEndpoint(id={self.id!r}, url={self.url!r}, active={self.active!r})"


class HostWebhookDelivery(Base):
    """One signed call to a host endpoint carrying feed entries ``from_seq``..``to_seq``: attempts
    with backoff until a 2xx or the last retry."""

    __tablename__ = "host_webhook_delivery"
    __table_args__ = (UniqueConstraint("endpoint_id", "from_seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(
        ForeignKey("host_webhook_endpoint.id", ondelete="CASCADE"), index=True
    )
    from_seq: Mapped[int] = mapped_column(Integer)
    to_seq: Mapped[int] = mapped_column(Integer)
    state: Mapped[DeliveryState] = mapped_column(
        _enum(DeliveryState, "delivery_state"), default=DeliveryState.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


# --------------------------------------------------------------------------------------------------
# Accounting firms: one employee token reaching many client companies (issue 13)
# --------------------------------------------------------------------------------------------------


class ImportDayRule(enum.StrEnum):
    """When a firm's monthly statistics are imported (seed 004: «Import data»)."""

    LAST_WORKING_DAY = "last_working_day"
    LAST_CALENDAR_DAY = "last_calendar_day"
    #: ``FirmImportSettings.day_of_month`` (1–28) of the month after the one imported.
    DAY_OF_NEXT_MONTH = "day_of_next_month"


class FirmInboundResource(enum.StrEnum):
    """What the firm reads from each linked client company."""

    CUSTOMER = "customer"
    PRODUCT = "product"
    VAT_TYPE = "vat_type"


class FirmConnection(Base):
    """A connection whose employee token reaches client companies (an accounting firm's token).

    The row marks the connection as a firm's; ``companies_refreshed_at`` says when the list of
    companies the token reaches (:class:`FirmReachableCompany`) was last read."""

    __tablename__ = "firm_connection"

    connection_id: Mapped[int] = mapped_column(
        ForeignKey("connection.id", ondelete="CASCADE"), primary_key=True
    )
    marked_by: Mapped[str | None] = mapped_column(String(100))
    marked_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    companies_refreshed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    def __repr__(self) -> str:
        return f"FirmConnection(connection_id={self.connection_id!r})"


class FirmReachableCompany(Base):
    """One client company the firm's token may act for (``GET /company/>withLoginAccess``), cached."""

    __tablename__ = "firm_reachable_company"
    __table_args__ = (UniqueConstraint("firm_connection_id", "tripletex_company_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    firm_connection_id: Mapped[int] = mapped_column(
        ForeignKey("firm_connection.connection_id", ondelete="CASCADE"), index=True
    )
    tripletex_company_id: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(300))
    organization_number: Mapped[str | None] = mapped_column(String(20), index=True)
    fetched_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"FirmReachableCompany(id={self.tripletex_company_id!r}, name={self.name!r})"


class FirmClient(Base):
    """One of the firm's own clients, linked (or not yet) to the Tripletex company it keeps the
    books of. ``key`` is the firm's own identifier for the client."""

    __tablename__ = "firm_client"
    __table_args__ = (
        UniqueConstraint("firm_connection_id", "key"),
        # One Tripletex company belongs to one of the firm's clients (NULLs, unlinked, are many).
        UniqueConstraint("firm_connection_id", "tripletex_company_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    firm_connection_id: Mapped[int] = mapped_column(
        ForeignKey("firm_connection.connection_id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(300))
    organization_number: Mapped[str | None] = mapped_column(String(20), index=True)
    tripletex_company_id: Mapped[int | None] = mapped_column(Integer)
    tripletex_company_name: Mapped[str | None] = mapped_column(String(300))
    linked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    linked_by: Mapped[str | None] = mapped_column(String(100))
    #: The last inbound read of the linked company that did not go through (catalog id), and when.
    last_error_id: Mapped[str | None] = mapped_column(String(64))
    last_error_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    inbound_refreshed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    @property
    def linked(self) -> bool:
        return self.tripletex_company_id is not None

    def __repr__(self) -> str:
        return (
            f"FirmClient(id={self.id!r}, key={self.key!r}, name={self.name!r}, "
            f"tripletex_company_id={self.tripletex_company_id!r})"
        )


class FirmCustomField(Base):
    """One of the firm's own fields (a custom task field in seed 004) that statistics land in."""

    __tablename__ = "firm_custom_field"
    __table_args__ = (UniqueConstraint("firm_connection_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    firm_connection_id: Mapped[int] = mapped_column(
        ForeignKey("firm_connection.connection_id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"FirmCustomField(id={self.id!r}, name={self.name!r})"


class FirmFieldMapping(Base):
    """A statistic field (key from ``txbridge.flows.firm.fields``) mapped to one of the firm's own
    fields. A field without a row is not imported."""

    __tablename__ = "firm_field_mapping"

    firm_connection_id: Mapped[int] = mapped_column(
        ForeignKey("firm_connection.connection_id", ondelete="CASCADE"), primary_key=True
    )
    field_key: Mapped[str] = mapped_column(String(60), primary_key=True)
    custom_field_id: Mapped[int] = mapped_column(
        ForeignKey("firm_custom_field.id", ondelete="CASCADE"), index=True
    )
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    custom_field: Mapped[FirmCustomField] = relationship()

    def __repr__(self) -> str:
        return f"FirmFieldMapping(field_key={self.field_key!r}, custom_field_id={self.custom_field_id!r})"


class FirmImportSettings(Base):
    """When the firm's monthly statistics are imported (one row per firm; none = the default,
    the last working day)."""

    __tablename__ = "firm_import_settings"
    __table_args__ = (
        CheckConstraint(
            "(rule = 'day_of_next_month' AND day_of_month BETWEEN 1 AND 28) "
            "OR (rule <> 'day_of_next_month' AND day_of_month IS NULL)",
            name="day_of_month_with_rule",
        ),
    )

    firm_connection_id: Mapped[int] = mapped_column(
        ForeignKey("firm_connection.connection_id", ondelete="CASCADE"), primary_key=True
    )
    rule: Mapped[ImportDayRule] = mapped_column(
        _enum(ImportDayRule, "import_day_rule"), default=ImportDayRule.LAST_WORKING_DAY
    )
    day_of_month: Mapped[int | None] = mapped_column(Integer)
    updated_by: Mapped[str | None] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"FirmImportSettings(rule={self.rule!r}, day_of_month={self.day_of_month!r})"


class FirmInboundState(Base):
    """The last read of one resource of one linked client: Tripletex's ``versionDigest`` of the list
    (sent back as ``If-None-Match``: a 304 means nothing changed) and when it was read. Committed with
    the rows it describes."""

    __tablename__ = "firm_inbound_state"

    firm_client_id: Mapped[int] = mapped_column(
        ForeignKey("firm_client.id", ondelete="CASCADE"), primary_key=True
    )
    resource: Mapped[FirmInboundResource] = mapped_column(
        _enum(FirmInboundResource, "firm_inbound_resource"), primary_key=True
    )
    version_digest: Mapped[str | None] = mapped_column(String(200))
    row_count: Mapped[int] = mapped_column(Integer, default=0)
    read_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    #: When the list last came back with rows (not a 304).
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class FirmClientCustomer(Base):
    """A Tripletex customer of a linked client company, as last read."""

    __tablename__ = "firm_client_customer"
    __table_args__ = (UniqueConstraint("firm_client_id", "tripletex_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    firm_client_id: Mapped[int] = mapped_column(ForeignKey("firm_client.id", ondelete="CASCADE"), index=True)
    tripletex_id: Mapped[int] = mapped_column(Integer)
    customer_number: Mapped[int | None] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(300))
    organization_number: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(60))
    is_inactive: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int | None] = mapped_column(Integer)

    def __repr__(self) -> str:
        return f"FirmClientCustomer(tripletex_id={self.tripletex_id!r}, name={self.name!r})"


class FirmClientProduct(Base):
    """A Tripletex product of a linked client company, as last read."""

    __tablename__ = "firm_client_product"
    __table_args__ = (UniqueConstraint("firm_client_id", "tripletex_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    firm_client_id: Mapped[int] = mapped_column(ForeignKey("firm_client.id", ondelete="CASCADE"), index=True)
    tripletex_id: Mapped[int] = mapped_column(Integer)
    number: Mapped[str | None] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(300))
    vat_type_id: Mapped[int | None] = mapped_column(Integer)
    price_excluding_vat: Mapped[Decimal | None] = mapped_column(ExactDecimal(2))
    is_inactive: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int | None] = mapped_column(Integer)

    def __repr__(self) -> str:
        return f"FirmClientProduct(tripletex_id={self.tripletex_id!r}, name={self.name!r})"


class FirmClientVatType(Base):
    """A VAT type of a linked client company, as last read (ids differ per company; the number
    does not)."""

    __tablename__ = "firm_client_vat_type"
    __table_args__ = (UniqueConstraint("firm_client_id", "tripletex_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    firm_client_id: Mapped[int] = mapped_column(ForeignKey("firm_client.id", ondelete="CASCADE"), index=True)
    tripletex_id: Mapped[int] = mapped_column(Integer)
    number: Mapped[str | None] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(300))
    percentage: Mapped[Decimal | None] = mapped_column(ExactDecimal(2))

    def __repr__(self) -> str:
        return f"FirmClientVatType(number={self.number!r}, name={self.name!r})"


# Accounting firms: monthly work statistics (flows/firm/statistics.py)
# --------------------------------------------------------------------------------------------------


class StatisticRunKind(enum.StrEnum):
    #: One month for every linked client (the scheduled import, or one started by hand).
    IMPORT = "import"
    #: «Reload data»: the last 12 months, for every linked client or one.
    RELOAD = "reload"


class StatisticRunState(enum.StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    #: Finished, but some clients could not be read (each client row says why).
    PARTLY = "partly"
    FAILED = "failed"


class StatisticClientState(enum.StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


class MonthlyStatistic(Base):
    """One statistic field's value for one of the firm's clients and one calendar month.

    Written by an import or a reload, overwriting the earlier value (an upsert on the key, so a run
    killed midway and run again counts nothing twice)."""

    __tablename__ = "monthly_statistic"
    __table_args__ = (Index("ix_monthly_statistic_month", "month"),)

    firm_client_id: Mapped[int] = mapped_column(
        ForeignKey("firm_client.id", ondelete="CASCADE"), primary_key=True
    )
    #: ``YYYY-MM``.
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    #: A key of ``txbridge.flows.firm.fields.FIELDS``.
    field_key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[Decimal] = mapped_column(ExactDecimal(2))
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    #: The run that wrote it last.
    run_id: Mapped[int | None] = mapped_column(ForeignKey("statistic_run.id", ondelete="SET NULL"))

    def __repr__(self) -> str:
        return (
            f"MonthlyStatistic(client={self.firm_client_id!r}, month={self.month!r}, "
            f"field={self.field_key!r}, value={self.value!r})"
        )


class StatisticRun(Base):
    """One import or reload of a firm's statistics: which months and clients, its progress, and the
    notice the web shows once it is done (``notice_seen_at`` set when the user has seen it)."""

    __tablename__ = "statistic_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    firm_connection_id: Mapped[int] = mapped_column(
        ForeignKey("connection.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[StatisticRunKind] = mapped_column(_enum(StatisticRunKind, "statistic_run_kind"))
    #: The months read (``["2026-01", …]``).
    months: Mapped[list[str]] = mapped_column(JSON)
    #: The one client a reload was asked for (None: every linked client).
    only_client_id: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[StatisticRunState] = mapped_column(
        _enum(StatisticRunState, "statistic_run_state"), default=StatisticRunState.RUNNING
    )
    requested_by: Mapped[str | None] = mapped_column(String(100))
    clients_total: Mapped[int] = mapped_column(Integer, default=0)
    clients_done: Mapped[int] = mapped_column(Integer, default=0)
    clients_failed: Mapped[int] = mapped_column(Integer, default=0)
    api_calls: Mapped[int] = mapped_column(Integer, default=0)
    #: Catalog id and rendered message (JSON) of why it stopped, or its closing notice.
    message_id: Mapped[str | None] = mapped_column(String(64))
    message: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    notice_seen_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    def __repr__(self) -> str:
        return f"StatisticRun(id={self.id!r}, kind={self.kind!r}, state={self.state!r})"


class StatisticRunClient(Base):
    """One client of a run: pending until a worker has read and stored all its months, in one
    transaction with its values (a worker killed midway leaves it pending for the next)."""

    __tablename__ = "statistic_run_client"

    run_id: Mapped[int] = mapped_column(ForeignKey("statistic_run.id", ondelete="CASCADE"), primary_key=True)
    firm_client_id: Mapped[int] = mapped_column(
        ForeignKey("firm_client.id", ondelete="CASCADE"), primary_key=True
    )
    state: Mapped[StatisticClientState] = mapped_column(
        _enum(StatisticClientState, "statistic_client_state"), default=StatisticClientState.PENDING
    )
    api_calls: Mapped[int] = mapped_column(Integer, default=0)
    message_id: Mapped[str | None] = mapped_column(String(64))
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class StatisticClientLock(Base):
    """Who reads one client's statistics right now: one row per client, so two runs (an import and a
    reload, two workers) never read it at once. A holder that dies stops beating; its lock goes stale
    and the next worker takes it over."""

    __tablename__ = "statistic_client_lock"

    firm_client_id: Mapped[int] = mapped_column(
        ForeignKey("firm_client.id", ondelete="CASCADE"), primary_key=True
    )
    run_id: Mapped[int] = mapped_column(ForeignKey("statistic_run.id", ondelete="CASCADE"))
    holder: Mapped[str] = mapped_column(String(64))
    heartbeat_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class StatisticRunJob(Base):
    """The jobs working on a run (a reload is split into parts that workers run side by side)."""

    __tablename__ = "statistic_run_job"

    job_id: Mapped[int] = mapped_column(ForeignKey("job.id", ondelete="CASCADE"), primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("statistic_run.id", ondelete="CASCADE"), index=True)


class StatisticRead(Base):
    """The last answer to one statistics read of one client: Tripletex's ``versionDigest`` (sent back
    as ``If-None-Match``; a 304 means nothing changed) and what was counted from it, per month, so a
    304 gives the same counts without reading the rows again."""

    __tablename__ = "statistic_read"

    firm_client_id: Mapped[int] = mapped_column(
        ForeignKey("firm_client.id", ondelete="CASCADE"), primary_key=True
    )
    #: The call and its parameters (``/ledger/voucher?dateFrom=…&dateTo=…``).
    read_key: Mapped[str] = mapped_column(String(300), primary_key=True)
    version_digest: Mapped[str] = mapped_column(String(200))
    #: ``{"2026-01": {"sale_entries": 3, …}, …}`` or the read's own extract (voucher type ids …).
    tally: Mapped[dict[str, object]] = mapped_column(JSON)
    read_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


# Hours (timesheet entries from a time-tracking host, e.g. Svenn)
# --------------------------------------------------------------------------------------------------


class HoursState(enum.StrEnum):
    """Where one host hour stands towards Tripletex."""

    #: Approved in the host, not in Tripletex yet.
    READY = "ready"
    #: In Tripletex as the host has it.
    EXPORTED = "exported"
    #: Changed in the host after it was exported: the entry in Tripletex is to be updated.
    CHANGED = "changed"
    #: Deleted in the host after it was exported: the entry in Tripletex is to be deleted.
    DELETED = "deleted"
    #: Deleted in the host and not (or no longer) in Tripletex: nothing left to do.
    GONE = "gone"


class HoursEntry(Base):
    """One approved hour registration of the host, by the host's own id.

    Employee, project and activity are the host's references (employee number or e-mail, project
    number, activity number or name) and, when the host sends them, its own ids of the employee and
    the project (what the two-way sync links); the export maps them to Tripletex ids.
    ``sent_signature`` is a digest of what was last written to Tripletex, so an import can tell a
    change after export."""

    __tablename__ = "hours_entry"
    __table_args__ = (
        UniqueConstraint("connection_id", "host_id"),
        Index("ix_hours_entry_connection_id_work_date", "connection_id", "work_date"),
        CheckConstraint("CAST(hours AS NUMERIC) BETWEEN 0 AND 24", name="hours_in_a_day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connection.id", ondelete="CASCADE"))
    host_id: Mapped[str] = mapped_column(String(100))
    employee_number: Mapped[str | None] = mapped_column(String(50))
    employee_email: Mapped[str | None] = mapped_column(String(254))
    project_number: Mapped[str | None] = mapped_column(String(100))
    #: The host's own ids of the employee and the project (the two-way sync's ``SyncLink.host_id``).
    employee_host_id: Mapped[str | None] = mapped_column(String(100))
    project_host_id: Mapped[str | None] = mapped_column(String(100))
    activity_number: Mapped[str | None] = mapped_column(String(100))
    activity_name: Mapped[str | None] = mapped_column(String(255))
    work_date: Mapped[date] = mapped_column(Date)
    hours: Mapped[Decimal] = mapped_column(ExactDecimal(2))
    comment: Mapped[str | None] = mapped_column(Text)
    state: Mapped[HoursState] = mapped_column(_enum(HoursState, "hours_state"), default=HoursState.READY)
    sent_signature: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return (
            f"HoursEntry(id={self.id!r}, host_id={self.host_id!r}, work_date={self.work_date!r}, "
            f"hours={self.hours!r}, state={self.state!r})"
        )


# --------------------------------------------------------------------------------------------------
# Two-way sync, real time: Tripletex webhook subscriptions and the inbox of received events
# --------------------------------------------------------------------------------------------------


class WebhookSubscription(Base):
    """One Tripletex event subscription of a connection (``customer.update``, …) as we asked for it.

    ``tripletex_id`` is Tripletex's subscription id once created; ``status`` mirrors Tripletex's
    (ACTIVE, DISABLED_TOO_MANY_ERRORS, …) as last seen. The auth header value and the HMAC shared
    secret are encrypted with the store's key, as tokens are, and never shown."""

    __tablename__ = "webhook_subscription"
    __table_args__ = (UniqueConstraint("connection_id", "event"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connection.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(60))
    tripletex_id: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(40), default="PENDING")
    target_url: Mapped[str] = mapped_column(String(500))
    auth_header_name: Mapped[str] = mapped_column(String(60))
    auth_header_encrypted: Mapped[str] = mapped_column(Text)
    secret_encrypted: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    checked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    #: When we last found Tripletex had disabled it (and re-enabled it), and how often that happened.
    disabled_seen_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reenabled_count: Mapped[int] = mapped_column(Integer, default=0)

    def auth_header_value(self, cipher: TokenCipher) -> str:
        return cipher.decrypt(self.auth_header_encrypted)

    def secret(self, cipher: TokenCipher) -> str:
        return cipher.decrypt(self.secret_encrypted)

    def __repr__(self) -> str:
        # Neither the secret nor the auth header, not even encrypted.
        return (
            f"WebhookSubscription(id={self.id!r}, connection_id={self.connection_id!r}, "
            f"event={self.event!r}, tripletex_id={self.tripletex_id!r}, status={self.status!r})"
        )


class WebhookInboxEvent(Base):
    """One webhook callback received and verified, keyed by its idempotency key: a duplicate delivery
    finds the row and is acknowledged without a second one. ``processed_at`` is set in the same
    transaction as the change the event applied; ``outcome`` says what it did."""

    __tablename__ = "webhook_inbox_event"
    __table_args__ = (
        UniqueConstraint("connection_id", "idempotency_key"),
        Index("ix_webhook_inbox_event_connection_id_processed_at", "connection_id", "processed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connection.id", ondelete="CASCADE"))
    idempotency_key: Mapped[str] = mapped_column(String(200))
    subscription_id: Mapped[int | None] = mapped_column(Integer)
    event: Mapped[str] = mapped_column(String(60))
    object_id: Mapped[int | None] = mapped_column(Integer)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    #: ``applied``, ``unchanged``, ``deleted``, ``held``, ``not_synced``, ``ignored`` (see
    #: txbridge.flows.sync.inbox); null until processed.
    outcome: Mapped[str | None] = mapped_column(String(40))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: Catalog id of the last failure to process it, if any.
    error_id: Mapped[str | None] = mapped_column(String(64))


# --- POS invoicing -------------------------------------------------------------------------------


class CollectiveInvoice(Base):
    """One Tripletex customer's collective invoice for one period (``YYYY-MM``): the POS sales «by
    invoice» of that customer and month (``Invoice.collective_invoice_id``), invoiced together with
    ``PUT /order/:invoiceMultipleOrders`` on ``invoice_date`` (the period's last day)."""

    __tablename__ = "collective_invoice"
    __table_args__ = (UniqueConstraint("connection_id", "customer_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connection.id", ondelete="CASCADE"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="RESTRICT"))
    period: Mapped[str] = mapped_column(String(7))
    invoice_date: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    customer: Mapped[Customer] = relationship()

    @property
    def subject_key(self) -> str:
        return f"{self.period} · {self.customer.shown_number}"

    def __repr__(self) -> str:
        return f"CollectiveInvoice(id={self.id!r}, customer_id={self.customer_id!r}, period={self.period!r})"


class PosCustomerList(Base):
    """The connection's Tripletex customers as the POS lists them: read again only when Tripletex's
    checksum (``versionDigest``) says they changed (a 304 costs no parsing)."""

    __tablename__ = "pos_customer_list"

    connection_id: Mapped[int] = mapped_column(
        ForeignKey("connection.id", ondelete="CASCADE"), primary_key=True
    )
    version_digest: Mapped[str | None] = mapped_column(String(100))
    customers: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    checked_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"PosCustomerList(connection_id={self.connection_id!r}, count={len(self.customers)!r})"
