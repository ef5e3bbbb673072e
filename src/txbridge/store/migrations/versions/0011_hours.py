"""hours: the host's approved hours, their batch items, and timesheet entries as a reference kind

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from txbridge.store.types import ExactDecimal, UtcDateTime

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KINDS_BEFORE = ("customer", "product", "order", "invoice")
_KINDS_AFTER = (*_KINDS_BEFORE, "timesheet_entry")


def _reference_kind(kinds: Sequence[str]) -> sa.Enum:
    return sa.Enum(*kinds, name="reference_kind", native_enum=False, create_constraint=True, length=24)


def _reference_kinds(before: Sequence[str], after: Sequence[str]) -> None:
    """The reference kind is text with a CHECK of its members: a new member is a new CHECK."""
    if op.get_bind().dialect.name == "postgresql":
        name = op.f("ck_integration_reference_reference_kind")
        op.drop_constraint(name, "integration_reference", type_="check")
        members = ", ".join(f"'{kind}'" for kind in after)
        op.create_check_constraint(name, "integration_reference", f"kind IN ({members})")
        return
    with op.batch_alter_table("integration_reference", schema=None) as batch_op:
        batch_op.alter_column("kind", existing_type=_reference_kind(before), type_=_reference_kind(after))


def upgrade() -> None:
    op.create_table(
        "hours_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column("host_id", sa.String(length=100), nullable=False),
        sa.Column("employee_number", sa.String(length=50), nullable=True),
        sa.Column("employee_email", sa.String(length=254), nullable=True),
        sa.Column("project_number", sa.String(length=100), nullable=True),
        sa.Column("activity_number", sa.String(length=100), nullable=True),
        sa.Column("activity_name", sa.String(length=255), nullable=True),
        sa.Column("work_date", sa.Date(), nullable=False),
        sa.Column("hours", ExactDecimal(scale=2, precision=18), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column(
            "state",
            sa.Enum(
                "ready",
                "exported",
                "changed",
                "deleted",
                "gone",
                name="hours_state",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("sent_signature", sa.String(length=64), nullable=True),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UtcDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "CAST(hours AS NUMERIC) BETWEEN 0 AND 24", name=op.f("ck_hours_entry_hours_in_a_day")
        ),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connection.id"],
            name=op.f("fk_hours_entry_connection_id_connection"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hours_entry")),
        sa.UniqueConstraint("connection_id", "host_id", name=op.f("uq_hours_entry_connection_id_host_id")),
    )
    with op.batch_alter_table("hours_entry", schema=None) as batch_op:
        batch_op.create_index(
            "ix_hours_entry_connection_id_work_date", ["connection_id", "work_date"], unique=False
        )
    _reference_kinds(_KINDS_BEFORE, _KINDS_AFTER)
    with op.batch_alter_table("batch_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hours_entry_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_batch_item_hours_entry_id_hours_entry"),
            "hours_entry",
            ["hours_entry_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_check_constraint(
            op.f("ck_batch_item_hours_entry_id_only_for_hours"), "kind = 'hours' OR hours_entry_id IS NULL"
        )
        batch_op.create_index(
            "uq_batch_item_hours_entry_open",
            ["hours_entry_id"],
            unique=True,
            sqlite_where=sa.text("status IN ('pending', 'in_flight')"),
            postgresql_where=sa.text("status IN ('pending', 'in_flight')"),
        )


def downgrade() -> None:
    with op.batch_alter_table("batch_item", schema=None) as batch_op:
        batch_op.drop_index("uq_batch_item_hours_entry_open")
        batch_op.drop_constraint(op.f("ck_batch_item_hours_entry_id_only_for_hours"), type_="check")
        batch_op.drop_constraint(op.f("fk_batch_item_hours_entry_id_hours_entry"), type_="foreignkey")
        batch_op.drop_column("hours_entry_id")
    _reference_kinds(_KINDS_AFTER, _KINDS_BEFORE)
    with op.batch_alter_table("hours_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_hours_entry_connection_id_work_date")
    op.drop_table("hours_entry")
