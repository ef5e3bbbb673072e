"""Tripletex webhook subscriptions and the inbox of received events

Revision ID: 0014
Revises: 0012
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from txbridge.store.types import UtcDateTime

revision: str = "0014"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "webhook_subscription",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=60), nullable=False),
        sa.Column("tripletex_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("target_url", sa.String(length=500), nullable=False),
        sa.Column("auth_header_name", sa.String(length=60), nullable=False),
        sa.Column("auth_header_encrypted", sa.Text(), nullable=False),
        sa.Column("secret_encrypted", sa.Text(), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("checked_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("disabled_seen_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("reenabled_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connection.id"],
            name=op.f("fk_webhook_subscription_connection_id_connection"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_subscription")),
        sa.UniqueConstraint(
            "connection_id", "event", name=op.f("uq_webhook_subscription_connection_id_event")
        ),
    )
    op.create_table(
        "webhook_inbox_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=True),
        sa.Column("event", sa.String(length=60), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=True),
        sa.Column("received_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("processed_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=40), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connection.id"],
            name=op.f("fk_webhook_inbox_event_connection_id_connection"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_inbox_event")),
        sa.UniqueConstraint(
            "connection_id",
            "idempotency_key",
            name=op.f("uq_webhook_inbox_event_connection_id_idempotency_key"),
        ),
    )
    op.create_index(
        "ix_webhook_inbox_event_connection_id_processed_at",
        "webhook_inbox_event",
        ["connection_id", "processed_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_webhook_inbox_event_connection_id_processed_at", table_name="webhook_inbox_event")
    op.drop_table("webhook_inbox_event")
    op.drop_table("webhook_subscription")
