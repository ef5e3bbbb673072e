"""rate-limit budget shared by processes

Revision ID: 0006
Revises: 0008
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rate_limit_budget",
        sa.Column("token_pair", sa.String(length=64), nullable=False),
        sa.Column("period_limit", sa.Integer(), nullable=True),
        sa.Column("remaining", sa.Integer(), nullable=True),
        sa.Column("reset_at", sa.Double(), nullable=True),
        sa.Column("blocked_until", sa.Double(), nullable=False),
        sa.Column("next_slot", sa.Double(), nullable=False),
        sa.Column("early_calls", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("token_pair", name=op.f("pk_rate_limit_budget")),
    )


def downgrade() -> None:
    op.drop_table("rate_limit_budget")
