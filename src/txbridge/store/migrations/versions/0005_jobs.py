"""jobs: job bookkeeping (and the embedded runner's queue), attempts, schedule ticks, token warnings

Revision ID: 0005
Revises: 0006
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from txbridge.store.types import UtcDateTime

revision: str = "0005"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task", sa.String(length=60), nullable=False),
        sa.Column("connection_id", sa.Integer(), nullable=True),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column(
            "state",
            sa.Enum(
                "queued",
                "running",
                "succeeded",
                "failed",
                "cancelled",
                name="job_state",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("requested_by", sa.String(length=100), nullable=True),
        sa.Column("queued_at", UtcDateTime(), nullable=False),
        sa.Column("started_at", UtcDateTime(), nullable=True),
        sa.Column("finished_at", UtcDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("not_before", UtcDateTime(), nullable=False),
        sa.Column("active_key", sa.String(length=120), nullable=True),
        sa.Column("worker", sa.String(length=120), nullable=True),
        sa.Column("heartbeat_at", UtcDateTime(), nullable=True),
        sa.Column("message_id", sa.String(length=64), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("engine_job_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_job_attempts_not_negative")),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["batch.id"], name=op.f("fk_job_batch_id_batch"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connection.id"],
            name=op.f("fk_job_connection_id_connection"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job")),
        sa.UniqueConstraint("active_key", name=op.f("uq_job_active_key")),
    )
    op.create_index("ix_job_state_not_before", "job", ["state", "not_before"], unique=False)
    op.create_index("ix_job_connection_id_state", "job", ["connection_id", "state"], unique=False)
    op.create_index(op.f("ix_job_batch_id"), "job", ["batch_id"], unique=False)
    op.create_index(op.f("ix_job_engine_job_id"), "job", ["engine_job_id"], unique=False)

    op.create_table(
        "job_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("connection_id", sa.Integer(), nullable=True),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("host", sa.String(length=100), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", UtcDateTime(), nullable=False),
        sa.Column("finished_at", UtcDateTime(), nullable=True),
        sa.Column("outcome", sa.String(length=24), nullable=True),
        sa.ForeignKeyConstraint(
            ["job_id"], ["job.id"], name=op.f("fk_job_attempt_job_id_job"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_attempt")),
    )
    op.create_index(op.f("ix_job_attempt_job_id"), "job_attempt", ["job_id"], unique=False)
    op.create_index(
        "ix_job_attempt_connection_id_started_at",
        "job_attempt",
        ["connection_id", "started_at"],
        unique=False,
    )

    op.create_table(
        "schedule_tick",
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("due_at", UtcDateTime(), nullable=False),
        sa.Column("fired_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", "due_at", name=op.f("pk_schedule_tick")),
    )

    op.create_table(
        "token_expiry_warning",
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("days_before", sa.Integer(), nullable=False),
        sa.Column("warned_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connection.id"],
            name=op.f("fk_token_expiry_warning_connection_id_connection"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "connection_id", "expires_on", "days_before", name=op.f("pk_token_expiry_warning")
        ),
    )


def downgrade() -> None:
    op.drop_table("token_expiry_warning")
    op.drop_table("schedule_tick")
    op.drop_index("ix_job_attempt_connection_id_started_at", table_name="job_attempt")
    op.drop_index(op.f("ix_job_attempt_job_id"), table_name="job_attempt")
    op.drop_table("job_attempt")
    op.drop_index(op.f("ix_job_engine_job_id"), table_name="job")
    op.drop_index(op.f("ix_job_batch_id"), table_name="job")
    op.drop_index("ix_job_connection_id_state", table_name="job")
    op.drop_index("ix_job_state_not_before", table_name="job")
    op.drop_table("job")
