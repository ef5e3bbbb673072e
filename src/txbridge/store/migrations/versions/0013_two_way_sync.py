"""Two-way sync: links, host objects, cursors, sync log, held matches, change feed, host webhooks

Revision ID: 0013
Revises: 0009
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from txbridge.store.types import UtcDateTime

revision: str = "0013"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "change_feed_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column(
            "resource",
            sa.Enum(
                "customer",
                "project",
                "employee",
                name="sync_resource",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column(
            "action",
            sa.Enum(
                "created",
                "changed",
                "deleted",
                name="change_action",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("tripletex_id", sa.Integer(), nullable=False),
        sa.Column("host_id", sa.String(length=100), nullable=True),
        sa.Column("tripletex_version", sa.Integer(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=True),
        sa.Column("at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connection.id"],
            name=op.f("fk_change_feed_entry_connection_id_connection"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_feed_entry")),
        sa.UniqueConstraint("connection_id", "seq", name=op.f("uq_change_feed_entry_connection_id_seq")),
    )
    op.create_table(
        "held_match",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column(
            "resource",
            sa.Enum(
                "customer",
                "project",
                "employee",
                name="sync_resource",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("host_id", sa.String(length=100), nullable=True),
        sa.Column("tripletex_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=255), nullable=True),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("candidates", sa.JSON(), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("decided_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column(
            "decision",
            sa.Enum(
                "link",
                "create_new",
                "skip",
                name="held_decision",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connection.id"],
            name=op.f("fk_held_match_connection_id_connection"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_held_match")),
    )
    with op.batch_alter_table("held_match", schema=None) as batch_op:
        batch_op.create_index(
            "ix_held_match_connection_id_decided_at", ["connection_id", "decided_at"], unique=False
        )

    op.create_table(
        "host_object",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column(
            "resource",
            sa.Enum(
                "customer",
                "project",
                "employee",
                name="sync_resource",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("host_id", sa.String(length=100), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("data_hash", sa.String(length=64), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("changed_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connection.id"],
            name=op.f("fk_host_object_connection_id_connection"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_host_object")),
        sa.UniqueConstraint(
            "connection_id", "resource", "host_id", name=op.f("uq_host_object_connection_id_resource_host_id")
        ),
    )
    op.create_table(
        "host_webhook_endpoint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("secret_encrypted", sa.Text(), nullable=False),
        sa.Column("secret_hint", sa.String(length=40), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("delivered_seq", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connection.id"],
            name=op.f("fk_host_webhook_endpoint_connection_id_connection"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_host_webhook_endpoint")),
    )
    with op.batch_alter_table("host_webhook_endpoint", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_host_webhook_endpoint_connection_id"), ["connection_id"], unique=False
        )

    op.create_table(
        "sync_cursor",
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column(
            "resource",
            sa.Enum(
                "customer",
                "project",
                "employee",
                name="sync_resource",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("version_digest", sa.String(length=100), nullable=True),
        sa.Column("changed_since", UtcDateTime(timezone=True), nullable=True),
        sa.Column("after_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=20), nullable=True),
        sa.Column("completed_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connection.id"],
            name=op.f("fk_sync_cursor_connection_id_connection"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("connection_id", "resource", "purpose", name=op.f("pk_sync_cursor")),
    )
    op.create_table(
        "sync_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column(
            "resource",
            sa.Enum(
                "customer",
                "project",
                "employee",
                name="sync_resource",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("host_id", sa.String(length=100), nullable=True),
        sa.Column("tripletex_id", sa.Integer(), nullable=True),
        sa.Column("tripletex_version", sa.Integer(), nullable=True),
        sa.Column(
            "state",
            sa.Enum(
                "linked",
                "creating",
                "unlinked",
                name="sync_link_state",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("marker", sa.String(length=60), nullable=True),
        sa.Column("name", sa.String(length=255), nullable=True),
        sa.Column("base", sa.JSON(), nullable=True),
        sa.Column("sent_to_tripletex_hash", sa.String(length=64), nullable=True),
        sa.Column("sent_to_tripletex_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("sent_to_host_hash", sa.String(length=64), nullable=True),
        sa.Column("sent_to_host_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connection.id"],
            name=op.f("fk_sync_link_connection_id_connection"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_link")),
        sa.UniqueConstraint(
            "connection_id", "resource", "host_id", name=op.f("uq_sync_link_connection_id_resource_host_id")
        ),
        sa.UniqueConstraint(
            "connection_id", "resource", "marker", name=op.f("uq_sync_link_connection_id_resource_marker")
        ),
        sa.UniqueConstraint(
            "connection_id",
            "resource",
            "tripletex_id",
            name=op.f("uq_sync_link_connection_id_resource_tripletex_id"),
        ),
    )
    with op.batch_alter_table("sync_link", schema=None) as batch_op:
        batch_op.create_index(
            "ix_sync_link_connection_id_resource_state", ["connection_id", "resource", "state"], unique=False
        )

    op.create_table(
        "sync_log_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column(
            "resource",
            sa.Enum(
                "customer",
                "project",
                "employee",
                name="sync_resource",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column(
            "direction",
            sa.Enum(
                "to_tripletex",
                "to_host",
                name="sync_direction",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column(
            "outcome",
            sa.Enum(
                "skipped",
                "held",
                "conflict_resolved",
                "failed",
                name="sync_outcome",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("host_id", sa.String(length=100), nullable=True),
        sa.Column("host_name", sa.String(length=255), nullable=True),
        sa.Column("tripletex_id", sa.Integer(), nullable=True),
        sa.Column("tripletex_name", sa.String(length=255), nullable=True),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("params", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connection.id"],
            name=op.f("fk_sync_log_entry_connection_id_connection"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_log_entry")),
    )
    with op.batch_alter_table("sync_log_entry", schema=None) as batch_op:
        batch_op.create_index("ix_sync_log_entry_connection_id_at", ["connection_id", "at"], unique=False)
        batch_op.create_index(batch_op.f("ix_sync_log_entry_rule"), ["rule"], unique=False)

    op.create_table(
        "tripletex_object",
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column(
            "resource",
            sa.Enum(
                "customer",
                "project",
                "employee",
                name="sync_resource",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("tripletex_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("read_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connection.id"],
            name=op.f("fk_tripletex_object_connection_id_connection"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "connection_id", "resource", "tripletex_id", name=op.f("pk_tripletex_object")
        ),
    )
    op.create_table(
        "host_webhook_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("endpoint_id", sa.Integer(), nullable=False),
        sa.Column("from_seq", sa.Integer(), nullable=False),
        sa.Column("to_seq", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "pending",
                "delivered",
                "failed",
                name="delivery_state",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("delivered_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["endpoint_id"],
            ["host_webhook_endpoint.id"],
            name=op.f("fk_host_webhook_delivery_endpoint_id_host_webhook_endpoint"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_host_webhook_delivery")),
        sa.UniqueConstraint(
            "endpoint_id", "from_seq", name=op.f("uq_host_webhook_delivery_endpoint_id_from_seq")
        ),
    )
    with op.batch_alter_table("host_webhook_delivery", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_host_webhook_delivery_endpoint_id"), ["endpoint_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("host_webhook_delivery", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_host_webhook_delivery_endpoint_id"))

    op.drop_table("host_webhook_delivery")
    op.drop_table("tripletex_object")
    with op.batch_alter_table("sync_log_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_log_entry_rule"))
        batch_op.drop_index("ix_sync_log_entry_connection_id_at")

    op.drop_table("sync_log_entry")
    with op.batch_alter_table("sync_link", schema=None) as batch_op:
        batch_op.drop_index("ix_sync_link_connection_id_resource_state")

    op.drop_table("sync_link")
    op.drop_table("sync_cursor")
    with op.batch_alter_table("host_webhook_endpoint", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_host_webhook_endpoint_connection_id"))

    op.drop_table("host_webhook_endpoint")
    op.drop_table("host_object")
    with op.batch_alter_table("held_match", schema=None) as batch_op:
        batch_op.drop_index("ix_held_match_connection_id_decided_at")

    op.drop_table("held_match")
    op.drop_table("change_feed_entry")
