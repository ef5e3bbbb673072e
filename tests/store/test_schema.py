"""Who changes the schema: on PostgreSQL only ``Database.upgrade`` (``txbridge db upgrade``), once and
under a lock; opening checks and refuses with a catalog message. On SQLite opening migrates, and
processes opening a new file together take turns."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from txbridge.settings import Settings
from txbridge.store import Database, SchemaNotCurrentError
from txbridge.store import database as store_database
from txbridge.store.database import head_revision, register_schema_step


@pytest.fixture
def schema_steps() -> Iterator[None]:
    saved = dict(store_database._schema_steps)
    yield
    store_database._schema_steps.clear()
    store_database._schema_steps.update(saved)


def run_together(count: int, work: Callable[[], object]) -> list[BaseException]:
    start = threading.Barrier(count)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait()
            work()
        except BaseException as exc:  # pragma: no cover - reported by the caller
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.postgres
def test_opening_postgresql_checks_and_never_migrates(empty_postgres_url: str) -> None:
    settings = Settings(database_url=empty_postgres_url)
    with pytest.raises(SchemaNotCurrentError) as refused:
        Database.open(settings)
    message = refused.value.message
    assert message.id == "database_not_upgraded"
    assert "`txbridge db upgrade`" in message.fix_en and "`txbridge db upgrade`" in message.fix_nb
    assert "empty" in message.en and "tom" in message.nb and str(head_revision()) in message.en
    probe = Database(settings)
    assert inspect(probe.engine).get_table_names() == []  # opening touched nothing
    assert probe.upgrade() is None
    probe.dispose()
    opened = Database.open(settings)
    assert opened.current_revision() == head_revision()
    opened.dispose()


@pytest.mark.postgres
def test_a_database_behind_names_its_revision_and_one_ahead_asks_for_a_newer_program(
    empty_postgres_url: str,
) -> None:
    database = Database.from_url(empty_postgres_url)
    database.migrate("0001")
    with pytest.raises(SchemaNotCurrentError) as behind:
        database.require_current()
    assert behind.value.message.id == "database_not_upgraded" and "0001" in behind.value.message.en
    database.upgrade()
    with database.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    with pytest.raises(SchemaNotCurrentError) as ahead:
        database.require_current()
    assert ahead.value.message.id == "database_schema_unknown"
    assert "9999_from_the_future" in ahead.value.message.en
    database.dispose()


@pytest.mark.postgres
def test_upgrades_started_together_run_one_after_the_other(empty_postgres_url: str) -> None:
    databases = [Database.from_url(empty_postgres_url) for _ in range(3)]
    previous: list[str | None] = []
    errors = run_together(3, lambda: previous.append(databases.pop().upgrade()))
    assert errors == []
    # Exactly one found the database empty; the others found it done.
    assert sorted(previous, key=str) == sorted([None, head_revision(), head_revision()], key=str)
    check = Database.from_url(empty_postgres_url)
    check.require_current()
    check.dispose()


@pytest.mark.postgres
@pytest.mark.usefixtures("schema_steps")
def test_a_registered_schema_step_is_applied_by_upgrade_and_checked_on_open(empty_postgres_url: str) -> None:
    def apply(database: Database) -> None:
        with database.engine.begin() as conn:
            conn.execute(text("CREATE TABLE IF NOT EXISTS queue_of_another_part (id int)"))

    def is_current(database: Database) -> bool:
        return "queue_of_another_part" in inspect(database.engine).get_table_names()

    register_schema_step("queue", apply, is_current=is_current)
    database = Database.from_url(empty_postgres_url)
    database.migrate()  # our migrations only, as an older `db upgrade` would have left it
    with pytest.raises(SchemaNotCurrentError) as missing:
        database.require_current()
    assert "queue" in missing.value.message.en
    database.upgrade()
    database.upgrade()  # again: nothing to do, no error
    database.require_current()
    database.dispose()


def test_processes_opening_a_new_sqlite_file_together_take_turns(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'new' / 'store.db'}")
    opened: list[Database] = []
    errors = run_together(4, lambda: opened.append(Database.open(settings)))
    assert errors == []
    assert {database.current_revision() for database in opened} == {head_revision()}
    for database in opened:
        database.dispose()
