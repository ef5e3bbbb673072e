"""payment status in the invoice currency as well as NOK

Revision ID: 0008
Revises: 0003
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from txbridge.store.types import ExactDecimal

revision: str = "0008"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("integration_reference") as table:
        table.add_column(sa.Column("outstanding_currency", sa.String(length=3), nullable=True))
        table.add_column(
            sa.Column("amount_outstanding_currency", ExactDecimal(scale=2, precision=18), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("integration_reference") as table:
        table.drop_column("amount_outstanding_currency")
        table.drop_column("outstanding_currency")
