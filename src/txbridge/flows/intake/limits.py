"""Sanity limits checked at intake, before anything can reach Tripletex: per connection, with defaults
no real invoice reaches (a value beyond them is a typo or a broken export, not a sale).

    limits = set_intake_limits(database, connection_id, max_invoice_total=Decimal("250000000"))
    intake_limits(database, connection_id).max_quantity

An invoice's total is the sum of its lines (quantity × unit price less discount, in the invoice's
currency, as the prices are given: with or without VAT). It must be above zero: a negative invoice
is a credit note, a zero one bills nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from txbridge.catalog import Message
from txbridge.flows.intake.errors import ConnectionNotFoundError
from txbridge.flows.intake.reasons import field_label, problem_message, shown
from txbridge.flows.intake.schemas import InvoiceIn
from txbridge.store import Connection, Database


@dataclass(frozen=True, slots=True)
class IntakeLimits:
    """Upper bounds, in the invoice's currency; each applies to the value's size (a negative line
    counts as much as a positive one)."""

    #: The sum of an invoice's lines (100 million).
    max_invoice_total: Decimal = Decimal("100000000")
    #: One line's quantity (100 million: a month of an industrial customer's kWh is well below).
    max_quantity: Decimal = Decimal("100000000")
    #: One line's unit price (100 million).
    max_unit_price: Decimal = Decimal("100000000")

    @classmethod
    def from_stored(cls, stored: dict[str, str] | None) -> IntakeLimits:
        limits = cls()
        for name, value in (stored or {}).items():
            if name in _FIELD_NAMES:
                limits = replace(limits, **{name: Decimal(value)})
        return limits

    def to_stored(self) -> dict[str, str] | None:
        """Only what differs from the defaults, so a later change of a default reaches everyone else."""
        default = IntakeLimits()
        changed = {
            name: str(value) for name, value in asdict(self).items() if value != getattr(default, name)
        }
        return changed or None


_FIELD_NAMES = frozenset(field.name for field in fields(IntakeLimits))


class IntakeLimitError(ValueError):
    """A limit that is not a positive number (a flows error carrying its catalog message)."""

    def __init__(self, message: Message) -> None:
        super().__init__(str(message))
        self.message = message


def intake_limits(database: Database, connection_id: int) -> IntakeLimits:
    """The connection's limits (defaults where it has set none)."""
    with database.session() as session:
        connection = session.get(Connection, connection_id)
        if connection is None:
            raise ConnectionNotFoundError(connection_id)
        return IntakeLimits.from_stored(connection.intake_limits)


def set_intake_limits(
    database: Database,
    connection_id: int,
    *,
    max_invoice_total: Decimal | None = None,
    max_quantity: Decimal | None = None,
    max_unit_price: Decimal | None = None,
    reset: bool = False,
) -> IntakeLimits:
    """Change the given limits (``reset`` first goes back to the defaults); returns them all."""
    changes = {
        "max_invoice_total": max_invoice_total,
        "max_quantity": max_quantity,
        "max_unit_price": max_unit_price,
    }
    for name, value in changes.items():
        if value is not None and not (value.is_finite() and value > 0):
            raise IntakeLimitError(problem_message("intake_limit_invalid", name=name, value=shown(value)))
    with database.transaction() as session:
        connection = session.get(Connection, connection_id)
        if connection is None:
            raise ConnectionNotFoundError(connection_id)
        limits = IntakeLimits() if reset else IntakeLimits.from_stored(connection.intake_limits)
        limits = replace(limits, **{name: value for name, value in changes.items() if value is not None})
        connection.intake_limits = limits.to_stored()
        return limits


def invoice_total(invoice: InvoiceIn) -> Decimal:
    """The sum of the lines, rounded to øre as Tripletex rounds each line."""
    total = Decimal(0)
    for line in invoice.lines:
        amount = line.quantity * line.unit_price * (100 - line.discount) / 100
        total += amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return total


def invoice_problems(
    item: str, invoice: InvoiceIn, limits: IntakeLimits, rows: Sequence[int] | None = None
) -> list[tuple[str | None, Message]]:
    """What makes a well-formed invoice one that must not reach Tripletex: (field, message) each."""
    found: list[tuple[str | None, Message]] = []
    for position, line in enumerate(invoice.lines):
        for name, value, limit in (
            ("quantity", line.quantity, limits.max_quantity),
            ("unitPrice", line.unit_price, limits.max_unit_price),
        ):
            if abs(value) > limit:
                loc = ("lines", position, name)
                message = problem_message(
                    "intake_limit_exceeded",
                    item=item,
                    field=field_label(loc, rows),
                    value=shown(value),
                    limit=limit,
                )
                found.append((f"lines[{position}].{name}", message))
    try:
        total = invoice_total(invoice)
    except InvalidOperation:  # pragma: no cover - bounded by the schema's digits
        return found
    params = {"item": item, "total": total, "currency": invoice.currency}
    if total < 0:
        found.append((None, problem_message("intake_invoice_total_negative", **params)))
    elif total == 0:
        found.append((None, problem_message("intake_invoice_total_zero", **params)))
    elif total > limits.max_invoice_total:
        message = problem_message("intake_invoice_total_too_large", **params, limit=limits.max_invoice_total)
        found.append((None, message))
    return found
