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
    __table_args__ = (UniqueConstraint("connection_id", "number"),)

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
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

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
        return f"{self.period} · {self.customer.number}"

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
