"""Accounting firms: firm connection, clients, mapping, import settings, inbound

Revision ID: 0015
Revises: 0013
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from txbridge.store.types import ExactDecimal, UtcDateTime

revision: str = "0015"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "firm_connection",
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column("marked_by", sa.String(length=100), nullable=True),
        sa.Column("marked_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("companies_refreshed_at", UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connection.id"],
            name=op.f("fk_firm_connection_connection_id_connection"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("connection_id", name=op.f("pk_firm_connection")),
    )
    op.create_table(
        "firm_client",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("firm_connection_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("organization_number", sa.String(length=20), nullable=True),
        sa.Column("tripletex_company_id", sa.Integer(), nullable=True),
        sa.Column("tripletex_company_name", sa.String(length=300), nullable=True),
        sa.Column("linked_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("linked_by", sa.String(length=100), nullable=True),
        sa.Column("last_error_id", sa.String(length=64), nullable=True),
        sa.Column("last_error_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("inbound_refreshed_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["firm_connection_id"],
            ["firm_connection.connection_id"],
            name=op.f("fk_firm_client_firm_connection_id_firm_connection"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_firm_client")),
        sa.UniqueConstraint("firm_connection_id", "key", name=op.f("uq_firm_client_firm_connection_id_key")),
        sa.UniqueConstraint(
            "firm_connection_id",
            "tripletex_company_id",
            name=op.f("uq_firm_client_firm_connection_id_tripletex_company_id"),
        ),
    )
    with op.batch_alter_table("firm_client", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_firm_client_firm_connection_id"), ["firm_connection_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_firm_client_organization_number"), ["organization_number"], unique=False
        )

    op.create_table(
        "firm_custom_field",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("firm_connection_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["firm_connection_id"],
            ["firm_connection.connection_id"],
            name=op.f("fk_firm_custom_field_firm_connection_id_firm_connection"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_firm_custom_field")),
        sa.UniqueConstraint(
            "firm_connection_id", "name", name=op.f("uq_firm_custom_field_firm_connection_id_name")
        ),
    )
    with op.batch_alter_table("firm_custom_field", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_firm_custom_field_firm_connection_id"), ["firm_connection_id"], unique=False
        )

    op.create_table(
        "firm_import_settings",
        sa.Column("firm_connection_id", sa.Integer(), nullable=False),
        sa.Column(
            "rule",
            sa.Enum(
                "last_working_day",
                "last_calendar_day",
                "day_of_next_month",
                name="import_day_rule",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("day_of_month", sa.Integer(), nullable=True),
        sa.Column("updated_by", sa.String(length=100), nullable=True),
        sa.Column("updated_at", UtcDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(rule = 'day_of_next_month' AND day_of_month BETWEEN 1 AND 28) "
            "OR (rule <> 'day_of_next_month' AND day_of_month IS NULL)",
            name=op.f("ck_firm_import_settings_day_of_month_with_rule"),
        ),
        sa.ForeignKeyConstraint(
            ["firm_connection_id"],
            ["firm_connection.connection_id"],
            name=op.f("fk_firm_import_settings_firm_connection_id_firm_connection"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("firm_connection_id", name=op.f("pk_firm_import_settings")),
    )
    op.create_table(
        "firm_reachable_company",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("firm_connection_id", sa.Integer(), nullable=False),
        sa.Column("tripletex_company_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("organization_number", sa.String(length=20), nullable=True),
        sa.Column("fetched_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["firm_connection_id"],
            ["firm_connection.connection_id"],
            name=op.f("fk_firm_reachable_company_firm_connection_id_firm_connection"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_firm_reachable_company")),
        sa.UniqueConstraint(
            "firm_connection_id",
            "tripletex_company_id",
            name=op.f("uq_firm_reachable_company_firm_connection_id_tripletex_company_id"),
        ),
    )
    with op.batch_alter_table("firm_reachable_company", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_firm_reachable_company_firm_connection_id"), ["firm_connection_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_firm_reachable_company_organization_number"), ["organization_number"], unique=False
        )

    op.create_table(
        "firm_client_customer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("firm_client_id", sa.Integer(), nullable=False),
        sa.Column("tripletex_id", sa.Integer(), nullable=False),
        sa.Column("customer_number", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("organization_number", sa.String(length=20), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=60), nullable=True),
        sa.Column("is_inactive", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["firm_client_id"],
            ["firm_client.id"],
            name=op.f("fk_firm_client_customer_firm_client_id_firm_client"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_firm_client_customer")),
        sa.UniqueConstraint(
            "firm_client_id", "tripletex_id", name=op.f("uq_firm_client_customer_firm_client_id_tripletex_id")
        ),
    )
    with op.batch_alter_table("firm_client_customer", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_firm_client_customer_firm_client_id"), ["firm_client_id"], unique=False
        )

    op.create_table(
        "firm_client_product",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("firm_client_id", sa.Integer(), nullable=False),
        sa.Column("tripletex_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=100), nullable=True),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("vat_type_id", sa.Integer(), nullable=True),
        sa.Column("price_excluding_vat", ExactDecimal(scale=2, precision=18), nullable=True),
        sa.Column("is_inactive", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["firm_client_id"],
            ["firm_client.id"],
            name=op.f("fk_firm_client_product_firm_client_id_firm_client"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_firm_client_product")),
        sa.UniqueConstraint(
            "firm_client_id", "tripletex_id", name=op.f("uq_firm_client_product_firm_client_id_tripletex_id")
        ),
    )
    with op.batch_alter_table("firm_client_product", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_firm_client_product_firm_client_id"), ["firm_client_id"], unique=False
        )

    op.create_table(
        "firm_client_vat_type",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("firm_client_id", sa.Integer(), nullable=False),
        sa.Column("tripletex_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=True),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("percentage", ExactDecimal(scale=2, precision=18), nullable=True),
        sa.ForeignKeyConstraint(
            ["firm_client_id"],
            ["firm_client.id"],
            name=op.f("fk_firm_client_vat_type_firm_client_id_firm_client"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_firm_client_vat_type")),
        sa.UniqueConstraint(
            "firm_client_id", "tripletex_id", name=op.f("uq_firm_client_vat_type_firm_client_id_tripletex_id")
        ),
    )
    with op.batch_alter_table("firm_client_vat_type", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_firm_client_vat_type_firm_client_id"), ["firm_client_id"], unique=False
        )

    op.create_table(
        "firm_field_mapping",
        sa.Column("firm_connection_id", sa.Integer(), nullable=False),
        sa.Column("field_key", sa.String(length=60), nullable=False),
        sa.Column("custom_field_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["custom_field_id"],
            ["firm_custom_field.id"],
            name=op.f("fk_firm_field_mapping_custom_field_id_firm_custom_field"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["firm_connection_id"],
            ["firm_connection.connection_id"],
            name=op.f("fk_firm_field_mapping_firm_connection_id_firm_connection"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("firm_connection_id", "field_key", name=op.f("pk_firm_field_mapping")),
    )
    with op.batch_alter_table("firm_field_mapping", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_firm_field_mapping_custom_field_id"), ["custom_field_id"], unique=False
        )

    op.create_table(
        "firm_inbound_state",
        sa.Column("firm_client_id", sa.Integer(), nullable=False),
        sa.Column(
            "resource",
            sa.Enum(
                "customer",
                "product",
                "vat_type",
                name="firm_inbound_resource",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("version_digest", sa.String(length=200), nullable=True),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("read_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("changed_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["firm_client_id"],
            ["firm_client.id"],
            name=op.f("fk_firm_inbound_state_firm_client_id_firm_client"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("firm_client_id", "resource", name=op.f("pk_firm_inbound_state")),
    )


def downgrade() -> None:
    op.drop_table("firm_inbound_state")
    with op.batch_alter_table("firm_field_mapping", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_firm_field_mapping_custom_field_id"))

    op.drop_table("firm_field_mapping")
    with op.batch_alter_table("firm_client_vat_type", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_firm_client_vat_type_firm_client_id"))

    op.drop_table("firm_client_vat_type")
    with op.batch_alter_table("firm_client_product", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_firm_client_product_firm_client_id"))

    op.drop_table("firm_client_product")
    with op.batch_alter_table("firm_client_customer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_firm_client_customer_firm_client_id"))

    op.drop_table("firm_client_customer")
    with op.batch_alter_table("firm_reachable_company", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_firm_reachable_company_organization_number"))
        batch_op.drop_index(batch_op.f("ix_firm_reachable_company_firm_connection_id"))

    op.drop_table("firm_reachable_company")
    op.drop_table("firm_import_settings")
    with op.batch_alter_table("firm_custom_field", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_firm_custom_field_firm_connection_id"))

    op.drop_table("firm_custom_field")
    with op.batch_alter_table("firm_client", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_firm_client_organization_number"))
        batch_op.drop_index(batch_op.f("ix_firm_client_firm_connection_id"))

    op.drop_table("firm_client")
    op.drop_table("firm_connection")
