"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from txbridge.store.types import ExactDecimal, UtcDateTime

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "connection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column(
            "environment",
            sa.Enum(
                "production",
                "test",
                "sandbox",
                name="environment",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("base_url", sa.String(length=300), nullable=False),
        sa.Column("consumer_token_encrypted", sa.Text(), nullable=False),
        sa.Column("employee_token_encrypted", sa.Text(), nullable=False),
        sa.Column("consumer_token_hint", sa.String(length=40), nullable=False),
        sa.Column("employee_token_hint", sa.String(length=40), nullable=False),
        sa.Column("token_expires_on", sa.Date(), nullable=True),
        sa.Column("tripletex_company_id", sa.Integer(), nullable=False),
        sa.Column("company_name", sa.String(length=300), nullable=True),
        sa.Column(
            "state",
            sa.Enum(
                "pending_approval",
                "active",
                "error",
                "token_expired",
                name="connection_state",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column("last_error_id", sa.String(length=64), nullable=True),
        sa.Column("last_error_detail", sa.Text(), nullable=True),
        sa.Column("last_error_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("send_to_customer", sa.Boolean(), nullable=False),
        sa.Column("prices_include_vat", sa.Boolean(), nullable=False),
        sa.Column("batch_size", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UtcDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("batch_size BETWEEN 1 AND 100", name=op.f("ck_connection_batch_size_range")),
        sa.CheckConstraint("consecutive_failures >= 0", name=op.f("ck_connection_failures_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_connection")),
        sa.UniqueConstraint("name", name=op.f("uq_connection_name")),
    )
    op.create_table(
        "batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "exported",
                "failed",
                name="batch_status",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("progress_percent", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("exported_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", UtcDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("progress_percent BETWEEN 0 AND 100", name=op.f("ck_batch_progress_range")),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connection.id"],
            name=op.f("fk_batch_connection_id_connection"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_batch")),
    )
    with op.batch_alter_table("batch", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_batch_connection_id"), ["connection_id"], unique=False)
        batch_op.create_index("ix_batch_connection_id_period", ["connection_id", "period"], unique=False)

    op.create_table(
        "customer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("organization_number", sa.String(length=9), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("invoice_email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("address_line1", sa.String(length=255), nullable=True),
        sa.Column("address_line2", sa.String(length=255), nullable=True),
        sa.Column("postal_code", sa.String(length=20), nullable=True),
        sa.Column("city", sa.String(length=100), nullable=True),
        sa.Column("country_code", sa.String(length=2), nullable=False),
        sa.Column("is_private_person", sa.Boolean(), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connection.id"],
            name=op.f("fk_customer_connection_id_connection"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer")),
        sa.UniqueConstraint("connection_id", "number", name=op.f("uq_customer_connection_id_number")),
    )
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_customer_connection_id"), ["connection_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_customer_organization_number"), ["organization_number"], unique=False
        )

    op.create_table(
        "integration_reference",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "customer",
                "product",
                "order",
                "invoice",
                name="reference_kind",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("local_id", sa.Integer(), nullable=False),
        sa.Column("local_number", sa.String(length=100), nullable=False),
        sa.Column("tripletex_id", sa.Integer(), nullable=True),
        sa.Column("tripletex_number", sa.String(length=100), nullable=True),
        sa.Column("tripletex_version", sa.Integer(), nullable=True),
        sa.Column("tripletex_order_id", sa.Integer(), nullable=True),
        sa.Column("voucher_id", sa.Integer(), nullable=True),
        sa.Column("voucher_number", sa.String(length=50), nullable=True),
        sa.Column(
            "payment_status",
            sa.Enum(
                "outstanding",
                "paid",
                "credited",
                name="payment_status",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=True,
        ),
        sa.Column("amount_outstanding", ExactDecimal(scale=2, precision=18), nullable=True),
        sa.Column("payment_checked_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connection.id"],
            name=op.f("fk_integration_reference_connection_id_connection"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integration_reference")),
        sa.UniqueConstraint("connection_id", "kind", "local_id", name="uq_integration_reference_local"),
    )
    with op.batch_alter_table("integration_reference", schema=None) as batch_op:
        batch_op.create_index(
            "ix_integration_reference_tripletex", ["connection_id", "kind", "tripletex_id"], unique=False
        )

    op.create_table(
        "log_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("connection_id", sa.Integer(), nullable=True),
        sa.Column(
            "level",
            sa.Enum(
                "info",
                "warning",
                "error",
                name="log_level",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("message_id", sa.String(length=64), nullable=True),
        sa.Column("object_type", sa.String(length=40), nullable=True),
        sa.Column("object_key", sa.String(length=100), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connection.id"],
            name=op.f("fk_log_entry_connection_id_connection"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_log_entry")),
    )
    with op.batch_alter_table("log_entry", schema=None) as batch_op:
        batch_op.create_index("ix_log_entry_connection_id_at", ["connection_id", "at"], unique=False)

    op.create_table(
        "product_class",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=50), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("account_number", sa.Integer(), nullable=True),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connection.id"],
            name=op.f("fk_product_class_connection_id_connection"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product_class")),
        sa.UniqueConstraint("connection_id", "code", name=op.f("uq_product_class_connection_id_code")),
    )
    with op.batch_alter_table("product_class", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_product_class_connection_id"), ["connection_id"], unique=False)

    op.create_table(
        "invoice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=50), nullable=False),
        sa.Column("invoice_date", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("prices_include_vat", sa.Boolean(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft", "ready", name="invoice_status", native_enum=False, create_constraint=True, length=24
            ),
            nullable=False,
        ),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UtcDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("due_date >= invoice_date", name=op.f("ck_invoice_due_after_invoice_date")),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connection.id"],
            name=op.f("fk_invoice_connection_id_connection"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customer.id"],
            name=op.f("fk_invoice_customer_id_customer"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice")),
        sa.UniqueConstraint("connection_id", "number", name=op.f("uq_invoice_connection_id_number")),
    )
    with op.batch_alter_table("invoice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invoice_connection_id"), ["connection_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_invoice_customer_id"), ["customer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_invoice_invoice_date"), ["invoice_date"], unique=False)

    op.create_table(
        "product",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("product_class_id", sa.Integer(), nullable=True),
        sa.Column("vat_code", sa.Integer(), nullable=False),
        sa.Column("unit_price", ExactDecimal(scale=2, precision=18), nullable=True),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connection.id"],
            name=op.f("fk_product_connection_id_connection"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_class_id"],
            ["product_class.id"],
            name=op.f("fk_product_product_class_id_product_class"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product")),
        sa.UniqueConstraint("connection_id", "number", name=op.f("uq_product_connection_id_number")),
    )
    with op.batch_alter_table("product", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_product_connection_id"), ["connection_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_product_product_class_id"), ["product_class_id"], unique=False)

    op.create_table(
        "invoice_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.String(length=1000), nullable=True),
        sa.Column("quantity", ExactDecimal(scale=4, precision=18), nullable=False),
        sa.Column("unit_price", ExactDecimal(scale=2, precision=18), nullable=False),
        sa.Column("vat_code", sa.Integer(), nullable=False),
        sa.Column("discount_percent", ExactDecimal(scale=2, precision=18), nullable=False),
        sa.CheckConstraint(
            "CAST(discount_percent AS NUMERIC) BETWEEN 0 AND 100", name=op.f("ck_invoice_line_discount_range")
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoice.id"],
            name=op.f("fk_invoice_line_invoice_id_invoice"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["product.id"],
            name=op.f("fk_invoice_line_product_id_product"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_line")),
        sa.UniqueConstraint("invoice_id", "line_no", name=op.f("uq_invoice_line_invoice_id_line_no")),
    )
    with op.batch_alter_table("invoice_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invoice_line_invoice_id"), ["invoice_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_invoice_line_product_id"), ["product_id"], unique=False)

    op.create_table(
        "posting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=True),
        sa.Column("invoice_number", sa.String(length=50), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "in_flight",
                "exported",
                "failed",
                "skipped",
                "removed",
                name="posting_status",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
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
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_posting_attempts_not_negative")),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["batch.id"], name=op.f("fk_posting_batch_id_batch"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoice.id"], name=op.f("fk_posting_invoice_id_invoice"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_posting")),
        sa.UniqueConstraint("batch_id", "invoice_id", name=op.f("uq_posting_batch_id_invoice_id")),
    )
    with op.batch_alter_table("posting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_posting_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_posting_intent_marker"), ["intent_marker"], unique=False)
        batch_op.create_index(
            "uq_posting_invoice_in_one_batch",
            ["invoice_id"],
            unique=True,
            sqlite_where=sa.text("status <> 'removed'"),
            postgresql_where=sa.text("status <> 'removed'"),
        )


def downgrade() -> None:

    with op.batch_alter_table("posting", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_posting_invoice_in_one_batch",
            sqlite_where=sa.text("status <> 'removed'"),
            postgresql_where=sa.text("status <> 'removed'"),
        )
        batch_op.drop_index(batch_op.f("ix_posting_intent_marker"))
        batch_op.drop_index(batch_op.f("ix_posting_batch_id"))

    op.drop_table("posting")
    with op.batch_alter_table("invoice_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invoice_line_product_id"))
        batch_op.drop_index(batch_op.f("ix_invoice_line_invoice_id"))

    op.drop_table("invoice_line")
    with op.batch_alter_table("product", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_product_product_class_id"))
        batch_op.drop_index(batch_op.f("ix_product_connection_id"))

    op.drop_table("product")
    with op.batch_alter_table("invoice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invoice_invoice_date"))
        batch_op.drop_index(batch_op.f("ix_invoice_customer_id"))
        batch_op.drop_index(batch_op.f("ix_invoice_connection_id"))

    op.drop_table("invoice")
    with op.batch_alter_table("product_class", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_product_class_connection_id"))

    op.drop_table("product_class")
    with op.batch_alter_table("log_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_log_entry_connection_id_at")

    op.drop_table("log_entry")
    with op.batch_alter_table("integration_reference", schema=None) as batch_op:
        batch_op.drop_index("ix_integration_reference_tripletex")

    op.drop_table("integration_reference")
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customer_organization_number"))
        batch_op.drop_index(batch_op.f("ix_customer_connection_id"))

    op.drop_table("customer")
    with op.batch_alter_table("batch", schema=None) as batch_op:
        batch_op.drop_index("ix_batch_connection_id_period")
        batch_op.drop_index(batch_op.f("ix_batch_connection_id"))

    op.drop_table("batch")
    op.drop_table("connection")
