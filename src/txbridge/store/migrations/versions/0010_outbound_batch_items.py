"""outbound engine: posting becomes batch_item (with a kind and a subject key); batches get a kind

Revision ID: 0010
Revises: 0016
Create Date: 2026-11-30

The store's «one document in a batch» was called ``posting``, the same word as Tripletex's voucher
rows; hours and day sales make that collision real. The rows are copied with their ids (references,
logs and markers such as ``TXB-<number>-<item id>.<n>`` keep pointing at the same item), so a batch
exported before the upgrade is still known as exported after it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from txbridge.store.types import UtcDateTime

revision: str = "0010"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KINDS = ("invoice", "hours", "day_sales")
_KIND_LIST = ", ".join(f"'{kind}'" for kind in _KINDS)
_STATUSES = ("pending", "in_flight", "exported", "failed", "skipped", "removed")
_COPIED = (
    "id",
    "batch_id",
    "invoice_id",
    "status",
    "error_id",
    "message",
    "attempts",
    "intent_marker",
    "intent_at",
    "created_at",
    "updated_at",
    "exported_at",
)


def _copy(source: str, target: str, *, extra: dict[str, Any], only_invoices: bool = False) -> None:
    """INSERT INTO target (the copied columns + ``extra``'s) SELECT them FROM source; ``extra`` maps a
    target column to a source column name or a literal."""
    names = [*_COPIED, "invoice_number", "subject_key", "kind"]
    src = sa.table(source, *(sa.column(n) for n in names))
    dst = sa.table(target, *(sa.column(n) for n in names))
    values = [src.c[v] if v in names else sa.literal(v) for v in extra.values()]
    query = sa.select(*(src.c[n] for n in _COPIED), *values)
    if only_invoices:
        query = query.where(src.c.kind == "invoice")
    op.execute(dst.insert().from_select([*_COPIED, *extra], query))


def _kind_column() -> sa.Column[str]:
    return sa.Column(
        "kind",
        sa.Enum(*_KINDS, name="outbound_kind", native_enum=False, create_constraint=True, length=24),
        server_default="invoice",
        nullable=False,
    )


def _create_items_table(table: str, *, new: bool) -> None:
    """``batch_item`` (``new``) or the old ``posting``: the same columns but for the kind and the key."""
    columns: list[sa.Column[Any]] = [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
    ]
    if new:
        columns.append(_kind_column())
    columns.append(sa.Column("invoice_id", sa.Integer(), nullable=True))
    if new:
        columns.append(sa.Column("subject_key", sa.String(length=100), nullable=False))
    else:
        columns.append(sa.Column("invoice_number", sa.String(length=50), nullable=False))
    status = "item_status" if new else "posting_status"
    extra: list[sa.CheckConstraint] = []
    if new:
        extra.append(
            sa.CheckConstraint(
                "kind = 'invoice' OR invoice_id IS NULL",
                name=op.f(f"ck_{table}_invoice_id_only_for_invoices"),
            )
        )
    op.create_table(
        table,
        *columns,
        sa.Column(
            "status",
            sa.Enum(*_STATUSES, name=status, native_enum=False, create_constraint=True, length=24),
            nullable=False,
        ),
        sa.Column("error_id", sa.String(length=64), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("intent_marker", sa.String(length=100), nullable=True),
        sa.Column("intent_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("exported_at", UtcDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("attempts >= 0", name=op.f(f"ck_{table}_attempts_not_negative")),
        *extra,
        sa.ForeignKeyConstraint(
            ["batch_id"], ["batch.id"], name=op.f(f"fk_{table}_batch_id_batch"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoice.id"], name=op.f(f"fk_{table}_invoice_id_invoice"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        sa.UniqueConstraint("batch_id", "invoice_id", name=op.f(f"uq_{table}_batch_id_invoice_id")),
    )


def _finish_items_table(table: str) -> None:
    """After the copy: the sequence goes on after the copied ids (PostgreSQL), then the indexes."""
    if op.get_bind().dialect.name == "postgresql":
        ids = sa.table(table, sa.column("id"))
        highest = sa.select(sa.func.coalesce(sa.func.max(ids.c.id), 0) + 1).scalar_subquery()
        op.execute(sa.select(sa.func.setval(sa.func.pg_get_serial_sequence(table, "id"), highest, False)))
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{table}_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(batch_op.f(f"ix_{table}_intent_marker"), ["intent_marker"], unique=False)
        batch_op.create_index(
            f"uq_{table}_invoice_in_one_batch",
            ["invoice_id"],
            unique=True,
            sqlite_where=sa.text("status <> 'removed'"),
            postgresql_where=sa.text("status <> 'removed'"),
        )


def upgrade() -> None:
    # Plain ALTER on both databases: a batch-mode rebuild of ``batch`` on SQLite would drop the old
    # table, and its ON DELETE CASCADE would take every item, lease and job with it.
    op.execute(
        "ALTER TABLE batch ADD COLUMN kind VARCHAR(24) DEFAULT 'invoice' NOT NULL "
        f"CONSTRAINT ck_batch_outbound_kind CHECK (kind IN ({_KIND_LIST}))"
    )
    _create_items_table("batch_item", new=True)
    _copy("posting", "batch_item", extra={"kind": "invoice", "subject_key": "invoice_number"})
    op.drop_table("posting")
    _finish_items_table("batch_item")


def downgrade() -> None:
    """Back to ``posting`` with the invoice items only (other kinds did not exist before 0010)."""
    _create_items_table("posting", new=False)
    # Invoice items' keys are invoice numbers (at most 50 characters, as intake checks).
    _copy("batch_item", "posting", extra={"invoice_number": "subject_key"}, only_invoices=True)
    op.drop_table("batch_item")
    _finish_items_table("posting")
    op.execute("DELETE FROM batch WHERE kind <> 'invoice'")
    op.execute("ALTER TABLE batch DROP COLUMN kind")
