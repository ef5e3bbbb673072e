"""POS invoicing: collective invoices per customer and period, the POS's cached customer list, the
invoice's reference, the collective-invoice switch of the POS set-up, and the kinds ``pos_order`` and
``collective_invoice``

Revision ID: 0017
Revises: 0014
Create Date: 2026-11-30
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

from txbridge.store.models import ReferenceKind
from txbridge.store.types import UtcDateTime

revision: str = "0017"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS_BEFORE = "'invoice', 'hours', 'day_sales'"
KINDS_AFTER = f"{KINDS_BEFORE}, 'pos_order', 'collective_invoice'"
INVOICE_ONLY_BEFORE = "kind = 'invoice' OR invoice_id IS NULL"
INVOICE_ONLY_AFTER = "kind IN ('invoice', 'pos_order') OR invoice_id IS NULL"
#: As 0012 does: every reference kind of the models (the coordinator re-chains the migrations).
REFERENCE_KINDS_AFTER = tuple(
    dict.fromkeys(["customer", "product", "order", "invoice", *(kind.value for kind in ReferenceKind)])
)
REFERENCE_KINDS_BEFORE = tuple(kind for kind in REFERENCE_KINDS_AFTER if kind != "collective_invoice")


def _edit_sqlite_table(table: str, edit: Callable[[str], str]) -> None:
    """Change constraints only of a SQLite table by editing its stored SQL: SQLite cannot alter a
    constraint, and a batch-mode rebuild of ``batch`` or ``invoice`` would cascade-delete their items
    and lines. This is SQLite's documented procedure for constraint-only changes (no row moves; here
    every change widens a CHECK or adds a foreign key on a column that is still all NULL)."""
    bind = op.get_bind()
    sql = bind.execute(
        sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :name"), {"name": table}
    ).scalar_one()
    version = bind.execute(sa.text("PRAGMA schema_version")).scalar_one()
    bind.execute(sa.text("PRAGMA writable_schema = ON"))
    bind.execute(
        sa.text("UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = :name"),
        {"sql": edit(sql), "name": table},
    )
    bind.execute(sa.text(f"PRAGMA schema_version = {int(version) + 1}"))
    bind.execute(sa.text("PRAGMA writable_schema = OFF"))


def _replace_in_checks(table: str, swaps: Sequence[tuple[str, str]]) -> None:
    """Widen (or narrow back) CHECK constraints of ``batch`` / ``batch_item`` in place."""
    if op.get_bind().dialect.name == "sqlite":

        def edit(sql: str) -> str:
            for old, new in swaps:
                sql = sql.replace(old, new)
            return sql

        _edit_sqlite_table(table, edit)
        return
    for name, (_, new) in _PG_CHECKS[table]:
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        op.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({new})")


_PG_CHECKS: dict[str, list[tuple[str, tuple[str, str]]]] = {}


def _kind_checks(upgrade: bool) -> None:
    kinds = (KINDS_BEFORE, KINDS_AFTER) if upgrade else (KINDS_AFTER, KINDS_BEFORE)
    only = (INVOICE_ONLY_BEFORE, INVOICE_ONLY_AFTER) if upgrade else (INVOICE_ONLY_AFTER, INVOICE_ONLY_BEFORE)
    _PG_CHECKS["batch"] = [("ck_batch_outbound_kind", (kinds[0], f"kind IN ({kinds[1]})"))]
    _PG_CHECKS["batch_item"] = [
        ("ck_batch_item_outbound_kind", (kinds[0], f"kind IN ({kinds[1]})")),
        ("ck_batch_item_invoice_id_only_for_invoices", only),
    ]
    _replace_in_checks("batch", [kinds])
    _replace_in_checks("batch_item", [kinds, only])


def _reference_kinds(kinds: Sequence[str]) -> None:
    with op.batch_alter_table("integration_reference") as table:
        table.drop_constraint(op.f("ck_integration_reference_reference_kind"), type_="check")
        table.create_check_constraint("reference_kind", sa.column("kind").in_(kinds))


def _fk_clause(table: str, on_delete: str) -> str:
    return (
        f", CONSTRAINT fk_{table}_collective_invoice_id_collective_invoice "
        f"FOREIGN KEY(collective_invoice_id) REFERENCES collective_invoice (id) ON DELETE {on_delete}"
    )


def _without(clause: str, sql: str) -> str:
    return sql.replace(clause, "")


def _add_reference(table: str, on_delete: str) -> None:
    """``table.collective_invoice_id`` → ``collective_invoice.id``, without rebuilding ``table``."""
    op.execute(f"ALTER TABLE {table} ADD COLUMN collective_invoice_id INTEGER")
    if op.get_bind().dialect.name == "sqlite":
        clause = _fk_clause(table, on_delete)
        _edit_sqlite_table(table, lambda sql: sql[: sql.rindex(")")] + clause + sql[sql.rindex(")") :])
        return
    name = f"fk_{table}_collective_invoice_id_collective_invoice"
    op.create_foreign_key(
        name, table, "collective_invoice", ["collective_invoice_id"], ["id"], ondelete=on_delete
    )


def upgrade() -> None:
    op.create_table(
        "collective_invoice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("invoice_date", sa.Date(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connection.id"],
            name=op.f("fk_collective_invoice_connection_id_connection"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customer.id"],
            name=op.f("fk_collective_invoice_customer_id_customer"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collective_invoice")),
        sa.UniqueConstraint(
            "connection_id",
            "customer_id",
            "period",
            name=op.f("uq_collective_invoice_connection_id_customer_id_period"),
        ),
    )
    with op.batch_alter_table("collective_invoice") as table:
        table.create_index(table.f("ix_collective_invoice_connection_id"), ["connection_id"], unique=False)
    op.create_table(
        "pos_customer_list",
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column("version_digest", sa.String(length=100), nullable=True),
        sa.Column("customers", sa.JSON(), nullable=False),
        sa.Column("checked_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connection.id"],
            name=op.f("fk_pos_customer_list_connection_id_connection"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("connection_id", name=op.f("pk_pos_customer_list")),
    )
    # Plain ALTERs (no batch rebuild of tables others cascade from).
    op.add_column("invoice", sa.Column("reference", sa.String(length=100), nullable=True))
    _add_reference("invoice", "RESTRICT")
    op.create_index(op.f("ix_invoice_collective_invoice_id"), "invoice", ["collective_invoice_id"])
    _add_reference("batch_item", "SET NULL")
    op.create_index(op.f("ix_batch_item_collective_invoice_id"), "batch_item", ["collective_invoice_id"])
    op.add_column(
        "pos_setup",
        sa.Column("collective_invoice", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    _kind_checks(upgrade=True)
    _reference_kinds(REFERENCE_KINDS_AFTER)


def downgrade() -> None:
    op.execute("DELETE FROM integration_reference WHERE kind = 'collective_invoice'")
    _reference_kinds(REFERENCE_KINDS_BEFORE)
    op.execute("DELETE FROM batch_item WHERE kind IN ('pos_order', 'collective_invoice')")
    op.execute("DELETE FROM batch WHERE kind IN ('pos_order', 'collective_invoice')")
    _kind_checks(upgrade=False)
    with op.batch_alter_table("pos_setup") as table:
        table.drop_column("collective_invoice")
    op.drop_index(op.f("ix_batch_item_collective_invoice_id"), table_name="batch_item")
    op.drop_index(op.f("ix_invoice_collective_invoice_id"), table_name="invoice")
    for name, on_delete in (("batch_item", "SET NULL"), ("invoice", "RESTRICT")):
        if op.get_bind().dialect.name == "sqlite":
            _edit_sqlite_table(name, functools.partial(_without, _fk_clause(name, on_delete)))
        else:
            op.drop_constraint(
                f"fk_{name}_collective_invoice_id_collective_invoice", name, type_="foreignkey"
            )
        op.execute(f"ALTER TABLE {name} DROP COLUMN collective_invoice_id")
    op.execute("ALTER TABLE invoice DROP COLUMN reference")
    op.drop_table("pos_customer_list")
    op.drop_table("collective_invoice")
