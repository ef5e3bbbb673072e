"""firm statistics: monthly values per client, runs (import / reload) with progress, client locks,
read digests

The ``firm_client_id`` columns refer to ``firm_client`` (migration 0015, the firm's tables): a client
deleted takes its values, read digests, lock and run rows with it.

Revision ID: 0016
Revises: 0015 (re-chained after 0015 when h-firmstats was merged into h-firm)
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from txbridge.store.types import ExactDecimal, UtcDateTime

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=24)


def upgrade() -> None:
    op.create_table(
        "statistic_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("firm_connection_id", sa.Integer(), nullable=False),
        sa.Column("kind", _enum("statistic_run_kind", "import", "reload"), nullable=False),
        sa.Column("months", sa.JSON(), nullable=False),
        sa.Column("only_client_id", sa.Integer(), nullable=True),
        sa.Column(
            "state",
            _enum("statistic_run_state", "running", "succeeded", "partly", "failed"),
            nullable=False,
        ),
        sa.Column("requested_by", sa.String(length=100), nullable=True),
        sa.Column("clients_total", sa.Integer(), nullable=False),
        sa.Column("clients_done", sa.Integer(), nullable=False),
        sa.Column("clients_failed", sa.Integer(), nullable=False),
        sa.Column("api_calls", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=64), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("finished_at", UtcDateTime(), nullable=True),
        sa.Column("notice_seen_at", UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["firm_connection_id"],
            ["connection.id"],
            name=op.f("fk_statistic_run_firm_connection_id_connection"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statistic_run")),
    )
    op.create_index(
        op.f("ix_statistic_run_firm_connection_id"), "statistic_run", ["firm_connection_id"], unique=False
    )
    op.create_table(
        "monthly_statistic",
        sa.Column("firm_client_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("field_key", sa.String(length=60), nullable=False),
        sa.Column("value", ExactDecimal(scale=2, precision=18), nullable=False),
        sa.Column("imported_at", UtcDateTime(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["statistic_run.id"],
            name=op.f("fk_monthly_statistic_run_id_statistic_run"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["firm_client_id"],
            ["firm_client.id"],
            name=op.f("fk_monthly_statistic_firm_client_id_firm_client"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("firm_client_id", "month", "field_key", name=op.f("pk_monthly_statistic")),
    )
    op.create_index("ix_monthly_statistic_month", "monthly_statistic", ["month"], unique=False)
    op.create_table(
        "statistic_run_client",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("firm_client_id", sa.Integer(), nullable=False),
        sa.Column("state", _enum("statistic_client_state", "pending", "done", "failed"), nullable=False),
        sa.Column("api_calls", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=64), nullable=True),
        sa.Column("finished_at", UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["statistic_run.id"],
            name=op.f("fk_statistic_run_client_run_id_statistic_run"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["firm_client_id"],
            ["firm_client.id"],
            name=op.f("fk_statistic_run_client_firm_client_id_firm_client"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("run_id", "firm_client_id", name=op.f("pk_statistic_run_client")),
    )
    op.create_table(
        "statistic_client_lock",
        sa.Column("firm_client_id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("holder", sa.String(length=64), nullable=False),
        sa.Column("heartbeat_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["statistic_run.id"],
            name=op.f("fk_statistic_client_lock_run_id_statistic_run"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["firm_client_id"],
            ["firm_client.id"],
            name=op.f("fk_statistic_client_lock_firm_client_id_firm_client"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("firm_client_id", name=op.f("pk_statistic_client_lock")),
    )
    op.create_table(
        "statistic_run_job",
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"], ["job.id"], name=op.f("fk_statistic_run_job_job_id_job"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["statistic_run.id"],
            name=op.f("fk_statistic_run_job_run_id_statistic_run"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("job_id", name=op.f("pk_statistic_run_job")),
    )
    op.create_index(op.f("ix_statistic_run_job_run_id"), "statistic_run_job", ["run_id"], unique=False)
    op.create_table(
        "statistic_read",
        sa.Column("firm_client_id", sa.Integer(), nullable=False),
        sa.Column("read_key", sa.String(length=300), nullable=False),
        sa.Column("version_digest", sa.String(length=200), nullable=False),
        sa.Column("tally", sa.JSON(), nullable=False),
        sa.Column("read_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["firm_client_id"],
            ["firm_client.id"],
            name=op.f("fk_statistic_read_firm_client_id_firm_client"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("firm_client_id", "read_key", name=op.f("pk_statistic_read")),
    )


def downgrade() -> None:
    op.drop_table("statistic_read")
    op.drop_index(op.f("ix_statistic_run_job_run_id"), table_name="statistic_run_job")
    op.drop_table("statistic_run_job")
    op.drop_table("statistic_client_lock")
    op.drop_table("statistic_run_client")
    op.drop_index("ix_monthly_statistic_month", table_name="monthly_statistic")
    op.drop_table("monthly_statistic")
    op.drop_index(op.f("ix_statistic_run_firm_connection_id"), table_name="statistic_run")
    op.drop_table("statistic_run")
