"""POS day sales: the set-up per connection, its account mappings, the days (Z-reports) and their lines

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from txbridge.store.models import ReferenceKind
from txbridge.store.types import ExactDecimal, UtcDateTime

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Reference kinds before and after this step (the CHECK constraint lists them). After: every member
#: the program knows, so this step stays right wherever it is chained among the steps of other kinds
#: that add members of their own (hours' 0011 may come before it).
KINDS_BEFORE = ("customer", "product", "order", "invoice")
KINDS_AFTER = tuple(dict.fromkeys([*KINDS_BEFORE, *(kind.value for kind in ReferenceKind)]))
#: Items that hold their day: at most one per day (an exported, skipped or removed one frees it).
OPEN_ITEM = "status NOT IN ('removed', 'exported', 'skipped')"


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=24)


def _reference_kinds(kinds: Sequence[str]) -> None:
    with op.batch_alter_table("integration_reference") as table:
        table.drop_constraint(op.f("ck_integration_reference_reference_kind"), type_="check")
        table.create_check_constraint("reference_kind", sa.column("kind").in_(kinds))


def upgrade() -> None:
    op.create_table(
        "pos_setup",
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column("sales_start_date", sa.Date(), nullable=False),
        sa.Column("vat_reported_through", sa.Date(), nullable=True),
        sa.Column("updated_by", sa.String(length=100), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connection.id"],
            name=op.f("fk_pos_setup_connection_id_connection"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("connection_id", name=op.f("pk_pos_setup")),
    )
    op.create_table(
        "pos_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column(
            "group",
            _enum("pos_account_group", "payment_method", "product_group", "takeaway_group", "event"),
            nullable=False,
        ),
        sa.Column("key", sa.String(length=50), nullable=False),
        sa.Column("account_number", sa.Integer(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connection.id"],
            name=op.f("fk_pos_account_connection_id_connection"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pos_account")),
        sa.UniqueConstraint(
            "connection_id", "group", "key", name=op.f("uq_pos_account_connection_id_group_key")
        ),
    )
    with op.batch_alter_table("pos_account") as table:
        table.create_index(table.f("ix_pos_account_connection_id"), ["connection_id"], unique=False)

    op.create_table(
        "day_sale",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column("host_id", sa.String(length=100), nullable=False),
        sa.Column("location", sa.String(length=100), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("corrected_at", UtcDateTime(), nullable=True),
        sa.Column("replaces_voucher_id", sa.Integer(), nullable=True),
        sa.Column("replaces_voucher_number", sa.String(length=50), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.CheckConstraint("revision >= 1", name=op.f("ck_day_sale_revision_positive")),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connection.id"],
            name=op.f("fk_day_sale_connection_id_connection"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_day_sale")),
        sa.UniqueConstraint("connection_id", "host_id", name=op.f("uq_day_sale_connection_id_host_id")),
        sa.UniqueConstraint(
            "connection_id",
            "location",
            "business_date",
            name=op.f("uq_day_sale_connection_id_location_business_date"),
        ),
    )
    with op.batch_alter_table("day_sale") as table:
        table.create_index(table.f("ix_day_sale_connection_id"), ["connection_id"], unique=False)
        table.create_index(table.f("ix_day_sale_business_date"), ["business_date"], unique=False)

    op.create_table(
        "day_sale_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day_sale_id", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("type", _enum("day_sale_line_type", "sale", "payment", "event"), nullable=False),
        sa.Column("code", sa.String(length=50), nullable=False),
        sa.Column("vat_rate", ExactDecimal(scale=2, precision=18), nullable=True),
        sa.Column("takeaway", sa.Boolean(), nullable=False),
        sa.Column("amount", ExactDecimal(scale=2, precision=18), nullable=False),
        sa.ForeignKeyConstraint(
            ["day_sale_id"],
            ["day_sale.id"],
            name=op.f("fk_day_sale_line_day_sale_id_day_sale"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_day_sale_line")),
        sa.UniqueConstraint("day_sale_id", "line_no", name=op.f("uq_day_sale_line_day_sale_id_line_no")),
    )
    with op.batch_alter_table("day_sale_line") as table:
        table.create_index(table.f("ix_day_sale_line_day_sale_id"), ["day_sale_id"], unique=False)

    _reference_kinds(KINDS_AFTER)

    with op.batch_alter_table("batch_item") as table:
        table.add_column(sa.Column("day_sale_id", sa.Integer(), nullable=True))
        table.create_foreign_key(
            table.f("fk_batch_item_day_sale_id_day_sale"),
            "day_sale",
            ["day_sale_id"],
            ["id"],
            ondelete="SET NULL",
        )
        table.create_index(table.f("ix_batch_item_day_sale_id"), ["day_sale_id"], unique=False)
        table.create_index(
            "uq_batch_item_day_sale_open",
            ["day_sale_id"],
            unique=True,
            sqlite_where=sa.text(OPEN_ITEM),
            postgresql_where=sa.text(OPEN_ITEM),
        )
        table.create_check_constraint(
            "day_sale_id_only_for_day_sales", "kind = 'day_sales' OR day_sale_id IS NULL"
        )


def downgrade() -> None:
    # Back to the kinds the step before knew: the day-sales references go, other kinds' stay.
    before = tuple(kind for kind in KINDS_AFTER if kind != "day_sale")
    with op.batch_alter_table("batch_item") as table:
        table.drop_constraint(op.f("ck_batch_item_day_sale_id_only_for_day_sales"), type_="check")
        table.drop_index("uq_batch_item_day_sale_open")
        table.drop_index(table.f("ix_batch_item_day_sale_id"))
        table.drop_constraint(table.f("fk_batch_item_day_sale_id_day_sale"), type_="foreignkey")
        table.drop_column("day_sale_id")
    op.execute(sa.text("DELETE FROM integration_reference WHERE kind = 'day_sale'"))
    _reference_kinds(before)
    op.drop_table("day_sale_line")
    op.drop_table("day_sale")
    op.drop_table("pos_account")
    op.drop_table("pos_setup")
