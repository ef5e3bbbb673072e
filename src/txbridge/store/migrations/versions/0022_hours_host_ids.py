"""hours: the host's own ids of an hour's employee and project, so the export finds them through
the two-way sync's links whatever the host's ids are

Both columns are nullable: hours stored before keep naming their employee and project by number or
e-mail only, and are found as before.

Revision ID: 0022
Revises: 0019
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN (nullable, no default): SQLite needs no table rebuild for it.
    op.add_column("hours_entry", sa.Column("employee_host_id", sa.String(length=100), nullable=True))
    op.add_column("hours_entry", sa.Column("project_host_id", sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("hours_entry", schema=None) as batch_op:
        batch_op.drop_column("project_host_id")
        batch_op.drop_column("employee_host_id")
