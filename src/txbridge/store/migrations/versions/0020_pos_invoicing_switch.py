"""The POS set-up's «Enable invoicing» switch (seed 002, step 12): on for every existing set-up, so
sales «by invoice» go on being accepted as before

Revision ID: 0020
Revises: 0017
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("pos_setup", sa.Column("invoicing", sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("pos_setup") as table:
        table.drop_column("invoicing")
