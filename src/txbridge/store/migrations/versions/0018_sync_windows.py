"""Two-way sync: the windows still to read of a resource larger than Tripletex's 10,000-row limit,
kept on its cursor

Revision ID: 0018
Revises: 0022
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sync_cursor") as batch:
        batch.add_column(sa.Column("windows", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sync_cursor") as batch:
        batch.drop_column("windows")
