from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from txbridge.settings import Settings
from txbridge.store import Base, Database
from txbridge.store.database import alembic_config


def _head() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_migrations_produce_exactly_the_models(database: Database) -> None:
    # The fixture's database was built by the migrations (plus procrastinate's own schema, which is not
    # ours to model); the models must not drift from the migrations.
    def ours(name: str | None, _type: str, _parent: object) -> bool:
        return not (name or "").startswith("procrastinate")

    with database.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_name": ours})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
    assert database.current_revision() == _head()


def test_migrate_again_is_a_no_op(database: Database) -> None:
    database.migrate()
    assert database.current_revision() == _head()
    assert set(inspect(database.engine).get_table_names()) >= {
        "connection",
        "customer",
        "product_class",
        "product",
        "invoice",
        "invoice_line",
        "batch",
        "batch_item",
        "integration_reference",
        "log_entry",
    }


def test_migrate_from_empty_sqlite_file_in_new_directory(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nested' / 'dir' / 'store.db'}"
    database = Database(Settings(database_url=url))
    database.migrate()
    try:
        assert (tmp_path / "nested" / "dir" / "store.db").exists()
        assert database.current_revision() == _head()
        with database.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        database.dispose()


def test_transaction_rolls_back_on_error(database: Database) -> None:
    with pytest.raises(RuntimeError), database.transaction() as session:
        session.execute(
            text("INSERT INTO log_entry (at, level, message) VALUES (CURRENT_TIMESTAMP, 'info', 'x')")
        )
        raise RuntimeError("boom")
    with database.transaction() as session:
        assert session.execute(text("SELECT count(*) FROM log_entry")).scalar() == 0


def test_repr_hides_database_password() -> None:
    database = Database.from_url("postgresql+psycopg://bridge:hunter2@db.example:5432/txbridge")
    try:
        assert "hunter2" not in repr(database)
        assert database.backend == "postgresql"
    finally:
        database.dispose()


def test_a_reader_never_holds_up_a_writer(database: Database) -> None:
    with database.reading() as reader:
        assert reader.execute(text("SELECT count(*) FROM log_entry")).scalar() == 0
        # The reader's transaction is still open; a writer must get through at once.
        with database.transaction() as writer:
            writer.execute(
                text("INSERT INTO log_entry (at, level, message) VALUES (CURRENT_TIMESTAMP, 'info', 'x')")
            )
    with database.reading() as reader:
        assert reader.execute(text("SELECT count(*) FROM log_entry")).scalar() == 1
