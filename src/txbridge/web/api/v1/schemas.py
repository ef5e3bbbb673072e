"""The API's schemas, in families as in FastAPI's full-stack template: ``…Create`` (what a client
sends), ``…Public`` (what the API answers). Keys are camelCase, as in the intake's JSON. The host
data's Create schemas are the intake's own (:mod:`txbridge.flows.intake.schemas`): one validator."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from txbridge.catalog import Message

T = TypeVar("T")


class _Schema(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True)


class MessagePublic(_Schema):
    """A catalog message in the client's language."""

    id: str
    text: str
    cause: str
    fix: str

    @classmethod
    def of(cls, message: Message | None, language: str) -> MessagePublic | None:
        if message is None:
            return None
        return cls(
            id=message.id,
            text=message.text(language),
            cause=message.cause(language),
            # The web app's words, never a CLI command (see problems.py).
            fix=message.web_fix(language),
        )


class ProblemPublic(_Schema):
    """RFC 9457 problem details (``application/problem+json``)."""

    type: str = Field(examples=["urn:txbridge:message:batch_not_found"])
    id: str = Field(description="The catalog id of the message.")
    status: int
    title: str
    detail: str = Field(description="The cause.")
    fix: str
    instance: str


class PagePublic(_Schema, Generic[T]):
    items: list[T]
    total: int
    offset: int
    limit: int


# ---- connections ------------------------------------------------------------------------------------


class ConnectionPublic(_Schema):
    id: int
    name: str
    company_name: str | None
    environment: str
    state: str
    token_expires: str | None = Field(description="ISO date, or null when unknown.")
    days_to_expiry: int | None
    last_export_at: datetime | None
    recent_failures: int
    blocked_by: MessagePublic | None


# ---- intake ------------------------------------------------------------------------------------------


class ItemProblemPublic(_Schema):
    field: str | None = Field(description="The field at fault (``lines[2].unitPrice``), or null.")
    message: MessagePublic


class ItemResultPublic(_Schema):
    """One item of the request: accepted (stored, updated or unchanged) or rejected with reasons."""

    index: int = Field(description="Position of the item in the request (from 0).")
    key: str | None = Field(description="The item's number (product classes: code), as sent.")
    status: Literal["accepted", "rejected"]
    problems: list[ItemProblemPublic] = Field(default_factory=list)


class IntakeResultPublic(_Schema):
    kind: str
    accepted: int
    rejected: int
    created: int
    updated: int
    unchanged: int
    items: list[ItemResultPublic]


# ---- invoices ----------------------------------------------------------------------------------------


class InvoiceStatusPublic(_Schema):
    """Where an invoice is: ``unknown``, ``not_in_batch``, ``pending``, ``exported`` or ``failed``."""

    number: str
    where: str
    status: str | None
    period: str | None
    batch_id: int | None
    posting_status: str | None
    attempts: int
    tripletex_invoice_number: str | None
    payment_status: str | None
    message: MessagePublic | None


class CheckPublic(_Schema):
    check: int
    name: str
    title: str
    status: Literal["passed", "failed", "not_run"]
    message: MessagePublic | None
    note: str | None


class DiagnosisPublic(_Schema):
    invoice: str
    connection_id: int
    outcome: Literal["exported", "failed", "no_fault_found"]
    answer: MessagePublic | None
    checks: list[CheckPublic]
    next_step: str | None
    api_calls: int


# ---- batches -----------------------------------------------------------------------------------------


class BatchCreate(_Schema):
    """Close a batch: the ready invoices of ``period`` go into a new pending batch."""

    period: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", examples=["2026-10"])


class BatchPublic(_Schema):
    id: int
    connection_id: int
    period: str
    status: str
    percent: int
    counts: dict[str, int] = Field(description="Postings per status.")
    created_at: datetime
    closed_at: datetime | None
    exported_at: datetime | None


class PostingPublic(_Schema):
    id: int
    invoice_number: str
    status: str
    tripletex_invoice_number: str | None
    attempts: int
    message: MessagePublic | None
    updated_at: datetime


class BatchDetailPublic(_Schema):
    batch: BatchPublic
    postings: PagePublic[PostingPublic]


class LeftOutPublic(_Schema):
    invoice_number: str
    message: MessagePublic


class BatchClosePublic(_Schema):
    period: str
    batch_id: int | None = Field(description="The new batch, or null when no invoice was ready.")
    invoice_count: int
    left_out: list[LeftOutPublic]
    message: MessagePublic | None


class BatchResetPublic(_Schema):
    batch_id: int
    reset: int = Field(description="Failed postings put back to pending.")


# ---- jobs and log ------------------------------------------------------------------------------------


class JobPublic(_Schema):
    id: int
    task: str
    connection_id: int | None
    batch_id: int | None
    state: Literal["queued", "running", "succeeded", "failed", "cancelled"]
    requested_by: str | None
    queued_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    attempts: int
    message: MessagePublic | None


class LogEntryPublic(_Schema):
    id: int
    at: datetime
    level: str
    actor: str | None
    object_type: str | None
    object_key: str | None
    batch_id: int | None
    message: MessagePublic


class PosSetupUpdate(_Schema):
    """The POS set-up as the wizard collects it; accounts by number (checked against the company's
    chart in Tripletex). A code mapped to null loses its account; codes left out keep theirs."""

    sales_start_date: date | None = None
    vat_reported_through: date | None = None
    payment_methods: dict[str, int | None] = Field(default_factory=dict, examples=[{"card": 1920}])
    product_groups: dict[str, int | None] = Field(default_factory=dict, examples=[{"food": 3000}])
    takeaway_groups: dict[str, int | None] = Field(default_factory=dict, examples=[{"food": 3001}])
    events: dict[str, int | None] = Field(default_factory=dict, examples=[{"tips": 2915}])


class PosSetupPublic(_Schema):
    sales_start_date: date | None
    vat_reported_through: date | None
    payment_methods: dict[str, int]
    product_groups: dict[str, int]
    takeaway_groups: dict[str, int]
    events: dict[str, int]
    invoicing: bool = Field(
        description="«Enable invoicing» (off until ticked): sales paid by invoice are booked by their "
        "invoices in Tripletex, and the Z-reports leave them out (the «invoice» payment method gets no "
        "account)."
    )
    collective_invoice: bool = Field(
        description="Sales by invoice are collected per customer and invoiced together per month."
    )


class PosCustomerPublic(_Schema):
    """A Tripletex customer as the POS lists it (customers are kept in Tripletex)."""

    tripletex_id: int
    number: int
    name: str
    organization_number: str | None = None
    email: str | None = None


class PosSaleLineCreate(_Schema):
    description: str = Field(min_length=1, max_length=1000, examples=["Lunsjbuffet"])
    quantity: Decimal = Field(gt=0, examples=["2"])
    #: Unit price including VAT, as the POS shows it.
    unit_price: Decimal = Field(ge=0, examples=["189.00"])
    vat_code: int = Field(examples=[3])


class PosSaleCreate(_Schema):
    """A POS sale paid «by invoice» to a Tripletex customer (``customerId`` from the customer list)."""

    host_id: str = Field(min_length=1, max_length=40, examples=["S-1001"])
    sale_date: date
    customer_id: int
    lines: list[PosSaleLineCreate] = Field(min_length=1, max_length=500)
    reference: str | None = Field(default=None, max_length=100)
    comment: str | None = Field(default=None, max_length=1000)


class PosSalePublic(_Schema):
    invoice_number: str
    customer_number: int
    customer_name: str
    #: The customer's collective invoice of the period (``2026-10 · 10001``), or null: invoiced alone.
    collective_invoice: str | None
    total: Decimal
