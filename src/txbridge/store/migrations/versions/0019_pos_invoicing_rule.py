"""POS invoicing's switch (the wizard's «Enable invoicing») and POS invoicing's copies of Tripletex
customers keyed by the Tripletex customer id

Revision ID: 0019
Revises: 0017
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ALTERs and an index: no batch rebuild of tables others cascade from.
    op.add_column(
        "pos_setup", sa.Column("invoicing", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    # A store that already invoices POS sales (collective invoice on, or sales recorded) keeps doing so.
    op.execute(
        "UPDATE pos_setup SET invoicing = TRUE WHERE collective_invoice = TRUE OR EXISTS ("
        "SELECT 1 FROM invoice WHERE invoice.connection_id = pos_setup.connection_id "
        "AND invoice.number LIKE 'POS-%')"
    )
    op.add_column("customer", sa.Column("tripletex_id", sa.Integer(), nullable=True))
    op.add_column("customer", sa.Column("tripletex_number", sa.Integer(), nullable=True))
    # NULLs never collide: host customers (no Tripletex id) are only unique by number.
    op.create_index(
        op.f("ix_customer_connection_id_tripletex_id"),
        "customer",
        ["connection_id", "tripletex_id"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_customer_connection_id_tripletex_id"), table_name="customer")
    op.execute("ALTER TABLE customer DROP COLUMN tripletex_number")
    op.execute("ALTER TABLE customer DROP COLUMN tripletex_id")
    op.execute("ALTER TABLE pos_setup DROP COLUMN invoicing")
