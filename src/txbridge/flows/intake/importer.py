"""Import host data item by item: every item validated, a bad one rejected with a reason that names
it, the good ones stored. Never half an item: each goes in under its own savepoint.

Order: product classes, customers, products, invoices, so an item may refer to one earlier in the
same file or already in the store. Re-importing an item updates it by number, except an invoice that
is in a batch or exported (rejected, unless it is unchanged)."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy import or_, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, selectinload

from txbridge.catalog import Bilingual, Message, render
from txbridge.flows.hours.batches import hours_in_open_batches
from txbridge.flows.hours.entries import in_tripletex, next_state, signature
from txbridge.flows.intake.errors import ConnectionNotFoundError
from txbridge.flows.intake.files import INVALID_KEY, KINDS, PROBLEMS_KEY, ROWS_KEY, Problem, read_file
from txbridge.flows.intake.limits import IntakeLimits, invoice_problems
from txbridge.flows.intake.reasons import field_label, field_path, problem_message, shown, validation_messages
from txbridge.flows.intake.schemas import (
    CustomerIn,
    DaySaleIn,
    HoursIn,
    InvoiceIn,
    ProductClassIn,
    ProductIn,
)
from txbridge.store import (
    BatchItem,
    Connection,
    Customer,
    Database,
    DaySale,
    DaySaleLine,
    DaySaleLineType,
    HoursEntry,
    HoursState,
    IntegrationReference,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    ItemStatus,
    Product,
    ProductClass,
    ReferenceKind,
)
from txbridge.store.models import utcnow

#: Items per database transaction; each item still has its own savepoint.
CHUNK_SIZE = 500

_SCHEMAS: dict[str, type[BaseModel]] = {
    "productClasses": ProductClassIn,
    "customers": CustomerIn,
    "products": ProductIn,
    "invoices": InvoiceIn,
    "daySales": DaySaleIn,
    "hours": HoursIn,
}
#: The field that names an item of each kind (``invoices[12] F-1013``).
_KEY_FIELDS = {"productClasses": "code", "daySales": "hostId", "hours": "id"}


@dataclass(frozen=True, slots=True)
class Rejection:
    """One reason an item was not imported."""

    kind: str
    #: Names the item: position in its list and its number (``invoices[12] F-1013``).
    item: str
    #: The field at fault (``lines[2].unitPrice``), or None when it is the whole item.
    field: str | None
    message: Message
    #: CSV: the rows of the item (an invoice has one per line); empty for JSON.
    rows: tuple[int, ...] = ()


@dataclass(slots=True)
class KindCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0

    @property
    def accepted(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass(slots=True)
class ImportReport:
    counts: dict[str, KindCounts] = field(default_factory=lambda: {kind: KindCounts() for kind in KINDS})
    rejections: list[Rejection] = field(default_factory=list)

    @property
    def all_accepted(self) -> bool:
        return not any(counts.rejected for counts in self.counts.values())

    def rejections_of(self, kind: str) -> list[Rejection]:
        return [rejection for rejection in self.rejections if rejection.kind == kind]


@dataclass(slots=True)
class _ChunkDone:
    outcomes: list[str] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)


class _Rejected(Exception):
    """Raised inside an item's savepoint: roll the item back and record why."""

    def __init__(self, field: str | None, message: Message) -> None:
        super().__init__(str(message))
        self.field = field
        self.message = message


def _label(kind: str, index: int, raw: Mapping[str, Any]) -> str:
    key = raw.get(_KEY_FIELDS.get(kind, "number"))
    return f"{kind}[{index}] {shown(key)}" if key not in (None, "") else f"{kind}[{index}]"


def _reader_notes(raw: Mapping[str, Any]) -> tuple[tuple[int, ...], list[Problem], dict[str, Any]]:
    """The rows and problems the file reader noted on an item, and the item's own fields. Notes of
    the wrong type did not come from the reader (a JSON item may hold any key): they stay fields, so
    validation rejects them as unknown."""
    fields = dict(raw)
    rows: tuple[int, ...] = ()
    noted_rows = raw.get(ROWS_KEY)
    if isinstance(noted_rows, list) and all(type(row) is int for row in noted_rows):
        rows = tuple(noted_rows)
        del fields[ROWS_KEY]
    problems: list[Problem] = []
    noted_problems = raw.get(PROBLEMS_KEY)
    if isinstance(noted_problems, list) and all(isinstance(problem, Problem) for problem in noted_problems):
        problems = noted_problems
        del fields[PROBLEMS_KEY]
    return rows, problems, fields


def _changes(target: object, values: Mapping[str, Any]) -> bool:
    """Set the values that differ; True if any did."""
    changed = False
    for name, value in values.items():
        if getattr(target, name) != value:
            setattr(target, name, value)
            changed = True
    return changed


class Intake:
    """Imports items for one connection. Build once per import; see :func:`import_data`."""

    def __init__(
        self,
        database: Database,
        connection_id: int,
        *,
        clock: Callable[[], datetime] = utcnow,
        chunk_size: int = CHUNK_SIZE,
        on_progress: Callable[[str, int, int], None] | None = None,
        limits: IntakeLimits | None = None,
    ) -> None:
        self.database = database
        self.connection_id = connection_id
        self.clock = clock
        self.chunk_size = chunk_size
        #: Called with (kind, items done, items of that kind) after each chunk, e.g. for a progress bar.
        self.on_progress = on_progress
        with database.transaction() as session:
            connection = session.get(Connection, connection_id)
            if connection is None:
                raise ConnectionNotFoundError(connection_id)
            self.prices_include_vat_default = connection.prices_include_vat
            #: The connection's sanity limits, unless the caller gives its own.
            self.limits = limits or IntakeLimits.from_stored(connection.intake_limits)
        #: CSV rows of each item being imported, by its label (see :meth:`_field`).
        self._rows: dict[str, tuple[int, ...]] = {}

    def run(self, items: Mapping[str, Sequence[Mapping[str, Any]]]) -> ImportReport:
        unknown = set(items) - set(KINDS)
        if unknown:
            raise ValueError(f"unknown kinds {sorted(unknown)}; expected {list(KINDS)}")
        report = ImportReport()
        for kind in KINDS:
            if items.get(kind):
                self._import_kind(kind, items[kind], report)
        return report

    # ---- one kind ------------------------------------------------------------------------------------

    def _import_kind(self, kind: str, raw_items: Sequence[Mapping[str, Any]], report: ImportReport) -> None:
        counts = report.counts[kind]
        valid: list[tuple[str, Any]] = []
        self._rows = {}
        for index, raw in enumerate(raw_items):
            item = _label(kind, index, raw)
            found = self._validate(kind, item, raw)
            if isinstance(found, list):
                report.rejections.extend(found)
                counts.rejected += 1
            else:
                valid.append((item, found))
        valid = self._reject_duplicates(kind, valid, report)
        appliers: dict[str, Callable[[Session, _ChunkContext, str, Any], str]] = {
            "productClasses": self._apply_product_class,
            "customers": self._apply_customer,
            "products": self._apply_product,
            "invoices": self._apply_invoice,
            "daySales": self._apply_day_sale,
            "hours": self._apply_hours,
        }
        apply = appliers[kind]
        for start in range(0, len(valid), self.chunk_size):
            chunk = valid[start : start + self.chunk_size]
            try:
                # Fast path: the whole chunk in one flush (bulk INSERTs). Items the database refuses
                # are rare, so only then is the chunk redone item by item under savepoints.
                done = self._run_chunk(kind, apply, chunk, item_by_item=False)
            except DBAPIError:
                done = self._run_chunk(kind, apply, chunk, item_by_item=True)
            for outcome in done.outcomes:
                setattr(counts, outcome, getattr(counts, outcome) + 1)
            counts.rejected += len({rejection.item for rejection in done.rejections})
            report.rejections.extend(done.rejections)
            if self.on_progress is not None:
                self.on_progress(
                    kind, counts.created + counts.updated + counts.unchanged + counts.rejected, len(raw_items)
                )

    def _validate(self, kind: str, item: str, raw: Mapping[str, Any]) -> Any:
        """The item's model, or the rejections that keep it out."""
        rows, problems, fields = _reader_notes(raw)
        self._rows[item] = rows

        def rejected(found: Sequence[tuple[str | None, Message]]) -> list[Rejection]:
            return [Rejection(kind, item, path, message, rows) for path, message in found]

        if INVALID_KEY in raw:
            whole = Bilingual("elementet", "the item")
            return rejected([(None, problem_message("intake_not_an_object", item=item, field=whole))])
        if problems:
            # Found while reading (CSV rows that disagree or do not fit the header): the item is not
            # what its writer meant, so nothing else about it is worth checking.
            return rejected(
                [
                    (problem.field, problem_message(problem.message_id, item=item, **problem.params))
                    for problem in problems
                ]
            )
        try:
            model = _SCHEMAS[kind].model_validate(fields)
        except ValidationError as error:
            return rejected(validation_messages(item, error, rows or None))
        if isinstance(model, InvoiceIn):
            insane = invoice_problems(item, model, self.limits, rows or None)
            if insane:
                return rejected(insane)
        return model

    def _field(self, item: str, loc: Sequence[int | str]) -> tuple[str, Any]:
        """A field's path and its label for the user (for CSV: column and row)."""
        return field_path(loc), field_label(loc, self._rows.get(item) or None)

    def _run_chunk(
        self,
        kind: str,
        apply: Callable[[Session, _ChunkContext, str, Any], str],
        chunk: Sequence[tuple[str, Any]],
        *,
        item_by_item: bool,
    ) -> _ChunkDone:
        done = _ChunkDone()
        with self.database.transaction() as session:
            ctx = _ChunkContext.load(session, self.connection_id, kind, [model for _, model in chunk])
            for item, model in chunk:
                try:
                    if item_by_item:
                        with session.begin_nested():
                            outcome = apply(session, ctx, item, model)
                            self._flush(session, ctx)
                    else:
                        # Appliers check everything before they add or change anything, so a
                        # rejection here leaves nothing of the item behind.
                        outcome = apply(session, ctx, item, model)
                except _Rejected as rejected:
                    rows = self._rows.get(item, ())
                    done.rejections.append(Rejection(kind, item, rejected.field, rejected.message, rows))
                    continue
                except DBAPIError:
                    if not item_by_item:
                        raise
                    ctx.earlier_exports.clear()
                    message = render("intake_refused_by_store", item=item)
                    done.rejections.append(Rejection(kind, item, None, message, self._rows.get(item, ())))
                    continue
                done.outcomes.append(outcome)
            if not item_by_item:
                self._flush(session, ctx)
        return done

    def _flush(self, session: Session, ctx: _ChunkContext) -> None:
        session.flush()
        if not ctx.earlier_exports:
            return
        # Invoices exported by an earlier integration get their reference once they have an id.
        now = self.clock()
        for invoice, tripletex_number in ctx.earlier_exports:
            reference = IntegrationReference(
                connection_id=self.connection_id,
                kind=ReferenceKind.INVOICE,
                local_id=invoice.id,
                local_number=invoice.number,
                tripletex_number=str(tripletex_number),
                created_at=now,
                updated_at=now,
            )
            session.add(reference)
            ctx.invoice_references[invoice.id] = reference
        ctx.earlier_exports.clear()
        session.flush()

    def _reject_duplicates(
        self, kind: str, valid: list[tuple[str, Any]], report: ImportReport
    ) -> list[tuple[str, Any]]:
        def key(model: Any) -> Any:
            if kind == "daySales":
                return model.host_id
            if kind == "hours":
                return model.id
            return model.code if kind == "productClasses" else model.number

        seen = Counter(key(model) for _, model in valid)
        kept = []
        for item, model in valid:
            if seen[key(model)] > 1:
                message = render("intake_duplicate_in_file", item=item)
                report.rejections.append(Rejection(kind, item, None, message, self._rows.get(item, ())))
                report.counts[kind].rejected += 1
            else:
                kept.append((item, model))
        return kept

    # ---- one item (inside its savepoint) ---------------------------------------------------------------

    def _apply_product_class(
        self, session: Session, ctx: _ChunkContext, item: str, model: ProductClassIn
    ) -> str:
        values = {"name": model.name, "account_number": model.account_number}
        return self._create_or_touch(session, ctx.product_classes, ProductClass, {"code": model.code}, values)

    def _apply_customer(self, session: Session, ctx: _ChunkContext, item: str, model: CustomerIn) -> str:
        values = model.model_dump(exclude={"number"})
        return self._create_or_touch(session, ctx.customers, Customer, {"number": model.number}, values)

    def _apply_product(self, session: Session, ctx: _ChunkContext, item: str, model: ProductIn) -> str:
        class_id = None
        if model.product_class_code is not None:
            class_id = ctx.product_class_ids.get(model.product_class_code)
            if class_id is None:
                path, label = self._field(item, ("productClassCode",))
                raise _Rejected(
                    path,
                    render(
                        "intake_unknown_reference",
                        item=item,
                        field=label,
                        reference=model.product_class_code,
                    ),
                )
        values = {
            "name": model.name,
            "product_class_id": class_id,
            "vat_code": model.vat_code,
            "unit_price": model.unit_price,
        }
        return self._create_or_touch(session, ctx.products, Product, {"number": model.number}, values)

    def _create_or_touch(
        self,
        session: Session,
        known: dict[Any, Any],
        model: type[Any],
        key: Mapping[str, Any],
        values: Mapping[str, Any],
    ) -> str:
        """Upsert by business key: a new row of ``model``, or the stored one brought up to date."""
        (key_value,) = key.values()
        existing = known.get(key_value)
        if existing is not None:
            return self._touch(session, existing, values)
        now = self.clock()
        row = model(connection_id=self.connection_id, created_at=now, updated_at=now, **key, **values)
        session.add(row)
        known[key_value] = row
        return "created"

    def _touch(self, session: Session, existing: Any, values: Mapping[str, Any]) -> str:
        if not _changes(existing, values):
            return "unchanged"
        existing.updated_at = self.clock()
        return "updated"

    def _apply_invoice(self, session: Session, ctx: _ChunkContext, item: str, model: InvoiceIn) -> str:
        customer_id = ctx.customer_ids.get(model.customer_number)
        if customer_id is None:
            path, label = self._field(item, ("customerNumber",))
            raise _Rejected(
                path,
                render(
                    "intake_unknown_reference",
                    item=item,
                    field=label,
                    reference=model.customer_number,
                ),
            )
        lines = [self._line(ctx, item, position, line) for position, line in enumerate(model.lines)]
        header = {
            "invoice_date": model.invoice_date,
            "due_date": model.due_date,
            "customer_id": customer_id,
            "currency": model.currency,
            "prices_include_vat": (
                self.prices_include_vat_default
                if model.prices_include_vat is None
                else model.prices_include_vat
            ),
            "status": InvoiceStatus(model.status),
            "comment": model.comment,
        }
        existing = ctx.invoices.get(model.number)
        if existing is None:
            now = self.clock()
            invoice = Invoice(
                connection_id=self.connection_id,
                number=model.number,
                created_at=now,
                updated_at=now,
                lines=[InvoiceLine(**line) for line in lines],
                **header,
            )
            session.add(invoice)
            if model.tripletex_invoice_number is not None:
                ctx.earlier_exports.append((invoice, model.tripletex_invoice_number))
            return "created"

        same = _invoice_signature(header, lines) == _stored_signature(existing)
        reference = ctx.invoice_references.get(existing.id)
        if reference is not None:
            same_reference = model.tripletex_invoice_number in (
                None,
                _int_or_none(reference.tripletex_number),
            )
            if same and same_reference:
                return "unchanged"
            raise _Rejected(
                None,
                render(
                    "intake_invoice_exported", item=item, tripletex_number=reference.tripletex_number or "?"
                ),
            )
        batch_id = ctx.open_batches.get(existing.id)
        if batch_id is not None:
            if same and model.tripletex_invoice_number is None:
                return "unchanged"
            raise _Rejected(None, render("intake_invoice_in_batch", item=item, batch=batch_id))
        if same and model.tripletex_invoice_number is None:
            return "unchanged"
        _changes(existing, header)
        existing.lines.clear()
        session.flush()  # old line numbers must be gone before the new lines reuse them
        existing.lines.extend(InvoiceLine(**line) for line in lines)
        existing.updated_at = self.clock()
        if model.tripletex_invoice_number is not None:
            ctx.earlier_exports.append((existing, model.tripletex_invoice_number))
        return "updated"

    def _apply_day_sale(self, session: Session, ctx: _ChunkContext, item: str, model: DaySaleIn) -> str:
        """A day is created, unchanged, or updated; an update of a day already exported makes it a
        correction (a new revision: its voucher is reversed and the day posted again)."""
        lines = [
            DaySaleLine(
                line_no=position,
                type=DaySaleLineType(line.type),
                code=line.code,
                vat_rate=line.vat_rate,
                takeaway=line.takeaway,
                amount=line.amount,
            )
            for position, line in enumerate(model.lines, start=1)
        ]
        digest = day_digest(model.location, model.date, lines)
        existing = ctx.day_sales.get(model.host_id)
        taken = ctx.day_sales_by_day.get((model.location, model.date))
        if taken is not None and taken is not existing:
            raise _Rejected(
                None,
                render(
                    "daysales_intake_day_taken",
                    item=item,
                    location=model.location,
                    date=model.date.isoformat(),
                    host_id=taken.host_id,
                ),
            )
        now = self.clock()
        if existing is None:
            day = DaySale(
                connection_id=self.connection_id,
                host_id=model.host_id,
                location=model.location,
                business_date=model.date,
                digest=digest,
                revision=1,
                created_at=now,
                updated_at=now,
                lines=lines,
            )
            session.add(day)
            ctx.day_sales[model.host_id] = day
            ctx.day_sales_by_day[(model.location, model.date)] = day
            return "created"
        if existing.digest == digest:
            return "unchanged"
        batch_id = ctx.open_batches.get(existing.id)
        if batch_id is not None:
            raise _Rejected(None, render("daysales_intake_in_batch", item=item, batch=batch_id))
        ctx.day_sales_by_day.pop((existing.location, existing.business_date), None)
        existing.location, existing.business_date, existing.digest = model.location, model.date, digest
        ctx.day_sales_by_day[(model.location, model.date)] = existing
        existing.lines.clear()
        session.flush()  # old line numbers must be gone before the new lines reuse them
        existing.lines.extend(lines)
        existing.updated_at = now
        reference = ctx.exported_days.pop(existing.id, None)
        if reference is not None:
            # Changed after export: its voucher no longer shows the day. The next export reverses it
            # and posts this revision (a marker of its own).
            existing.revision += 1
            existing.corrected_at = now
            existing.replaces_voucher_id = reference.voucher_id or reference.tripletex_id
            existing.replaces_voucher_number = reference.voucher_number or reference.tripletex_number
            session.delete(reference)
        return "updated"

    def _apply_hours(self, session: Session, ctx: _ChunkContext, item: str, model: HoursIn) -> str:
        """An hour by the host's id: new, unchanged, or changed — after an export a change or a
        delete becomes a correction (see :mod:`txbridge.flows.hours.entries`)."""
        values = model.model_dump(include=set(_HOURS_FIELDS))
        values = {column: values[name] for name, column in _HOURS_FIELDS.items()}
        existing = ctx.hours.get(model.id)
        if existing is None:
            now = self.clock()
            state = HoursState.GONE if model.deleted else HoursState.READY
            entry = HoursEntry(
                connection_id=self.connection_id,
                host_id=model.id,
                state=state,
                created_at=now,
                updated_at=now,
                **values,
            )
            session.add(entry)
            ctx.hours[model.id] = entry
            return "created"
        state = next_state(
            existing, values, model.deleted, in_tripletex=existing.id in ctx.hours_in_tripletex
        )
        same = signature(values) == signature({name: getattr(existing, name) for name in values})
        if same and state == existing.state:
            return "unchanged"
        batch_id = ctx.open_batches.get(existing.id)
        if batch_id is not None:
            raise _Rejected(None, render("hours_in_batch", item=item, batch=batch_id))
        _changes(existing, values)
        existing.state = state
        existing.updated_at = self.clock()
        return "updated"

    def _line(self, ctx: _ChunkContext, item: str, position: int, line: Any) -> dict[str, Any]:
        product_id = None
        vat_code = line.vat_code
        if line.product_number is not None:
            product = ctx.product_ids.get(line.product_number)
            if product is None:
                path, label = self._field(item, ("lines", position, "productNumber"))
                raise _Rejected(
                    path,
                    render("intake_unknown_reference", item=item, field=label, reference=line.product_number),
                )
            product_id, product_vat = product
            vat_code = product_vat if vat_code is None else vat_code
        if vat_code is None:
            path, label = self._field(item, ("lines", position, "vatCode"))
            raise _Rejected(path, render("intake_line_vat_code_missing", item=item, field=label))
        return {
            "line_no": line.line_no if line.line_no is not None else position + 1,
            "product_id": product_id,
            "description": line.description,
            "quantity": line.quantity,
            "unit_price": line.unit_price,
            "vat_code": vat_code,
            "discount_percent": line.discount,
        }


def day_digest(location: str, day: date, lines: Sequence[DaySaleLine]) -> str:
    """What makes two imports of a day the same day (1.5 and 1.50 are one amount)."""

    def exact(value: Decimal | None) -> str:
        return "" if value is None else f"{value.normalize():f}"

    parts = [location, day.isoformat()] + [
        f"{line.type.value}|{line.code}|{exact(line.vat_rate)}|{int(line.takeaway)}|{exact(line.amount)}"
        for line in lines
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value is not None and value.isdigit() else None


def _invoice_signature(header: Mapping[str, Any], lines: Sequence[Mapping[str, Any]]) -> tuple[Any, ...]:
    def exact(value: Any) -> Any:
        # 1.5 and 1.5000 are the same amount.
        return value.normalize() if isinstance(value, Decimal) else value

    ordered = sorted(lines, key=lambda line: line["line_no"])
    return (
        tuple(sorted((name, exact(value)) for name, value in header.items())),
        tuple(tuple(sorted((name, exact(value)) for name, value in line.items())) for line in ordered),
    )


def _stored_signature(invoice: Invoice) -> tuple[Any, ...]:
    header = {
        name: getattr(invoice, name)
        for name in (
            "invoice_date",
            "due_date",
            "customer_id",
            "currency",
            "prices_include_vat",
            "status",
            "comment",
        )
    }
    lines = [
        {
            "line_no": line.line_no,
            "product_id": line.product_id,
            "description": line.description,
            "quantity": line.quantity,
            "unit_price": line.unit_price,
            "vat_code": line.vat_code,
            "discount_percent": line.discount_percent,
        }
        for line in invoice.lines
    ]
    return _invoice_signature(header, lines)


#: HoursIn's fields → hours_entry's columns.
_HOURS_FIELDS = {
    "employee_id": "employee_host_id",
    "employee_number": "employee_number",
    "employee_email": "employee_email",
    "project_id": "project_host_id",
    "project_number": "project_number",
    "activity_number": "activity_number",
    "activity_name": "activity_name",
    "date": "work_date",
    "hours": "hours",
    "comment": "comment",
}

_Stored = TypeVar("_Stored", ProductClass, Customer, Product)


def _stored(
    session: Session, model: type[_Stored], key: str, connection_id: int, keys: Sequence[Any]
) -> dict[Any, _Stored]:
    """The connection's stored objects of ``model`` whose ``key`` column is in ``keys``, by that key."""
    column = getattr(model, key)
    query = select(model).where(model.connection_id == connection_id, column.in_(list(keys)))
    return {getattr(found, key): found for found in session.scalars(query)}


@dataclass
class _ChunkContext:
    """What the items of one chunk need from the store, read in a few queries up front."""

    product_classes: dict[str, ProductClass] = field(default_factory=dict)
    customers: dict[int, Customer] = field(default_factory=dict)
    products: dict[str, Product] = field(default_factory=dict)
    invoices: dict[str, Invoice] = field(default_factory=dict)
    day_sales: dict[str, DaySale] = field(default_factory=dict)
    day_sales_by_day: dict[tuple[str, date], DaySale] = field(default_factory=dict)
    #: The days that have a voucher in Tripletex: day id → its integration reference.
    exported_days: dict[int, IntegrationReference] = field(default_factory=dict)
    hours: dict[str, HoursEntry] = field(default_factory=dict)
    hours_in_tripletex: set[int] = field(default_factory=set)
    #: Numbers of things an item may refer to → their ids (products: id and VAT code).
    product_class_ids: dict[str, int] = field(default_factory=dict)
    customer_ids: dict[int, int] = field(default_factory=dict)
    product_ids: dict[str, tuple[int, int]] = field(default_factory=dict)
    invoice_references: dict[int, IntegrationReference] = field(default_factory=dict)
    open_batches: dict[int, int] = field(default_factory=dict)
    #: Invoices waiting for an id to get their earlier-export reference (see ``Intake._flush``).
    earlier_exports: list[tuple[Invoice, int]] = field(default_factory=list)

    @classmethod
    def load(cls, session: Session, connection_id: int, kind: str, models: Sequence[Any]) -> _ChunkContext:
        ctx = cls()
        if kind == "productClasses":
            ctx.product_classes = _stored(
                session, ProductClass, "code", connection_id, [m.code for m in models]
            )
        elif kind == "customers":
            ctx.customers = _stored(session, Customer, "number", connection_id, [m.number for m in models])
        elif kind == "products":
            ctx.products = _stored(session, Product, "number", connection_id, [m.number for m in models])
            class_codes = {model.product_class_code for model in models if model.product_class_code}
            ctx.product_class_ids = dict(
                session.execute(
                    select(ProductClass.code, ProductClass.id).where(
                        ProductClass.connection_id == connection_id, ProductClass.code.in_(class_codes)
                    )
                ).all()
            )
        elif kind == "daySales":
            ctx._load_for_day_sales(session, connection_id, models)
        elif kind == "hours":
            ctx._load_for_hours(session, connection_id, models)
        else:
            ctx._load_for_invoices(session, connection_id, models)
        return ctx

    def _load_for_day_sales(self, session: Session, connection_id: int, models: Sequence[DaySaleIn]) -> None:
        host_ids = [model.host_id for model in models]
        dates = {model.date for model in models}
        found = session.scalars(
            select(DaySale)
            .where(
                DaySale.connection_id == connection_id,
                or_(DaySale.host_id.in_(host_ids), DaySale.business_date.in_(dates)),
            )
            .options(selectinload(DaySale.lines))
        ).all()
        self.day_sales = {day.host_id: day for day in found}
        self.day_sales_by_day = {(day.location, day.business_date): day for day in found}
        ids = [day.id for day in found]
        self.open_batches = days_in_unfinished_batches(session, ids)
        self.exported_days = {
            reference.local_id: reference
            for reference in session.scalars(
                select(IntegrationReference).where(
                    IntegrationReference.connection_id == connection_id,
                    IntegrationReference.kind == ReferenceKind.DAY_SALE,
                    IntegrationReference.local_id.in_(ids),
                )
            )
        }

    def _load_for_hours(self, session: Session, connection_id: int, models: Sequence[HoursIn]) -> None:
        self.hours = {
            entry.host_id: entry
            for entry in session.scalars(
                select(HoursEntry).where(
                    HoursEntry.connection_id == connection_id,
                    HoursEntry.host_id.in_([model.id for model in models]),
                )
            )
        }
        ids = [entry.id for entry in self.hours.values()]
        self.open_batches = hours_in_open_batches(session, ids)
        self.hours_in_tripletex = in_tripletex(session, connection_id, ids)

    def _load_for_invoices(self, session: Session, connection_id: int, models: Sequence[InvoiceIn]) -> None:
        customer_numbers = {model.customer_number for model in models}
        self.customer_ids = dict(
            session.execute(
                select(Customer.number, Customer.id).where(
                    Customer.connection_id == connection_id, Customer.number.in_(customer_numbers)
                )
            ).all()
        )
        product_numbers = {
            line.product_number for model in models for line in model.lines if line.product_number
        }
        self.product_ids = {
            number: (product_id, vat_code)
            for number, product_id, vat_code in session.execute(
                select(Product.number, Product.id, Product.vat_code).where(
                    Product.connection_id == connection_id, Product.number.in_(product_numbers)
                )
            ).all()
        }
        numbers = [model.number for model in models]
        self.invoices = {
            invoice.number: invoice
            for invoice in session.scalars(
                select(Invoice)
                .where(Invoice.connection_id == connection_id, Invoice.number.in_(numbers))
                .options(selectinload(Invoice.lines))
            )
        }
        ids = [invoice.id for invoice in self.invoices.values()]
        if ids:
            self.invoice_references = {
                reference.local_id: reference
                for reference in session.scalars(
                    select(IntegrationReference).where(
                        IntegrationReference.connection_id == connection_id,
                        IntegrationReference.kind == ReferenceKind.INVOICE,
                        IntegrationReference.local_id.in_(ids),
                    )
                )
            }
            self.open_batches = {
                invoice_id: batch_id
                for invoice_id, batch_id in session.execute(
                    select(BatchItem.invoice_id, BatchItem.batch_id).where(
                        BatchItem.invoice_id.in_(ids), BatchItem.status != ItemStatus.REMOVED
                    )
                ).all()
                if invoice_id is not None
            }


def days_in_unfinished_batches(session: Session, day_sale_ids: Sequence[int]) -> dict[int, int]:
    """Days waiting to be sent (pending or in flight) in a batch, by id → batch id: changing one
    would change what that batch is sending. A day whose item failed may be sent again corrected."""
    if not day_sale_ids:
        return {}
    rows = session.execute(
        select(BatchItem.day_sale_id, BatchItem.batch_id).where(
            BatchItem.day_sale_id.in_(list(day_sale_ids)),
            BatchItem.status.in_([ItemStatus.PENDING, ItemStatus.IN_FLIGHT]),
        )
    ).all()
    return {day_id: batch_id for day_id, batch_id in rows if day_id is not None}


def import_data(
    database: Database,
    connection_id: int,
    items: Mapping[str, Sequence[Mapping[str, Any]]],
    *,
    clock: Callable[[], datetime] = utcnow,
    on_progress: Callable[[str, int, int], None] | None = None,
) -> ImportReport:
    """Import ``{"productClasses": [...], "customers": [...], "products": [...], "invoices": [...]}``
    (camelCase keys, as in the JSON file) for one connection."""
    return Intake(database, connection_id, clock=clock, on_progress=on_progress).run(items)


def import_file(
    database: Database,
    connection_id: int,
    path: Path,
    *,
    kind: str | None = None,
    clock: Callable[[], datetime] = utcnow,
    on_progress: Callable[[str, int, int], None] | None = None,
) -> ImportReport:
    """Import a JSON or CSV file; raises :class:`~txbridge.flows.intake.files.IntakeFileError` when the
    file itself cannot be read (nothing is imported then)."""
    items = read_file(path, kind).items
    return import_data(database, connection_id, items, clock=clock, on_progress=on_progress)
