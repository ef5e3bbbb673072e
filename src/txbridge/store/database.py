"""The store's entry point: an engine and a session factory for one database URL, and migrations.

SQLite (a file, WAL, foreign keys on) by default; PostgreSQL by URL (``postgresql+psycopg://…``).
Nothing here runs at import: build a :class:`Database` from settings or a URL and pass it down.

Schema changes: on SQLite (one machine) :meth:`Database.open` migrates, each migration one
``BEGIN IMMEDIATE`` transaction, so processes starting together take turns and the later ones find
nothing to do. On PostgreSQL many workers open the database: only :meth:`Database.upgrade`
(``txbridge db upgrade``) changes the schema, under an advisory lock; everything else checks the
revision (:meth:`Database.require_current`) and stops with a catalog message when it is behind.

Other parts with a schema of their own (the job queue's procrastinate tables) register a step with
:func:`register_schema_step`; ``db upgrade`` applies it after the migrations and ``require_current``
asks it whether it is applied."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from txbridge.catalog import Bilingual, render
from txbridge.settings import Settings
from txbridge.store.errors import SchemaNotCurrentError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_READ_ONLY = "txbridge_read_only"
#: PostgreSQL advisory lock key held while the schema is upgraded ("txbridge" in ASCII, as an int).
UPGRADE_LOCK_KEY = 0x7478627269646765


@dataclass(frozen=True)
class SchemaStep:
    """A schema that is not one of our Alembic migrations (procrastinate's tables), applied by
    ``txbridge db upgrade`` after them. ``apply`` must be safe to run again; ``is_current`` (if
    given) tells whether it has been applied."""

    name: str
    apply: Callable[[Database], None]
    is_current: Callable[[Database], bool] | None = None


_schema_steps: dict[str, SchemaStep] = {}


def register_schema_step(
    name: str, apply: Callable[[Database], None], *, is_current: Callable[[Database], bool] | None = None
) -> None:
    """Have ``txbridge db upgrade`` apply ``apply`` (once per upgrade, after the migrations, in the
    order of registration); registering a name again replaces its step."""
    _schema_steps[name] = SchemaStep(name, apply, is_current)


def schema_steps() -> list[SchemaStep]:
    return list(_schema_steps.values())


def _prepare_sqlite(engine: Engine, busy_seconds: float) -> None:
    # pysqlite's own transaction handling starts transactions late and commits DDL on its own;
    # take control so that every unit of work (and every migration) is one real transaction.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={round(busy_seconds * 1000)}")
        if engine.url.database not in (None, "", ":memory:"):
            _use_wal(cursor, busy_seconds)
            # FULL: a committed intent survives even a power cut, which "never twice" relies on.
            cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock up front: two processes never both read, then both fail to
        # upgrade to a write (which SQLite reports as "database is locked" without waiting).
        # Read-only sessions (Database.reading) take no lock, so they never hold up a writer.
        if connection.get_execution_options().get(_READ_ONLY):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def _use_wal(cursor: Any, busy_seconds: float) -> None:
    """Switch the file to WAL (it stays so). Switching takes an exclusive lock, and while other
    processes open the same new file together SQLite may answer «database is locked» at once, without
    its busy handler: wait and try again, as the busy timeout would."""
    deadline = time.monotonic() + busy_seconds
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def private_file(path: Path) -> None:
    """Make the SQLite file (and its folder, if missing) readable by its owner only, like the key
    file: it holds the encrypted tokens and the business data. SQLite gives its -wal and -shm files
    the mode of the database file. An existing file or folder keeps the mode its owner gave it."""
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


class Database:
    """One database: ``engine``, a ``sessions`` factory, :meth:`transaction` and :meth:`migrate`."""

    def __init__(self, settings: Settings, *, echo: bool = False) -> None:
        self.url = make_url(settings.database_url)
        self.busy_seconds = settings.sqlite_busy_seconds
        self.engine = self._create_engine(echo=echo)
        self.sessions: sessionmaker[Session] = sessionmaker(self.engine, expire_on_commit=False)

    @classmethod
    def from_url(cls, url: str, *, echo: bool = False) -> Database:
        return cls(Settings(database_url=url), echo=echo)

    @classmethod
    def open(cls, settings: Settings) -> Database:
        """The database of ``settings`` with the schema this version needs: what commands call at
        start-up. SQLite is migrated here; PostgreSQL only checked (:meth:`require_current` raises
        :class:`SchemaNotCurrentError` until ``txbridge db upgrade`` has run)."""
        database = cls(settings)
        try:
            if database.backend == "sqlite":
                database.migrate()
            else:
                database.require_current()
        except BaseException:
            database.dispose()
            raise
        return database

    @property
    def backend(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.url.get_backend_name()

    def _create_engine(self, *, echo: bool) -> Engine:
        if self.url.get_backend_name() == "sqlite":
            database = self.url.database
            if database and database != ":memory:" and not database.startswith("file:"):
                private_file(Path(database).expanduser())
            engine = create_engine(self.url, echo=echo)
            _prepare_sqlite(engine, self.busy_seconds)
            return engine
        return create_engine(self.url, echo=echo, pool_pre_ping=True)

    def session(self) -> Session:
        """A new session; the caller commits or rolls back (or use :meth:`transaction`)."""
        return self.sessions()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One short unit of work: commits on success, rolls back on error.

        Use one per step that must be durable on its own (e.g. "intent recorded", then
        "reference stored together with posting status")."""
        with self.sessions.begin() as session:
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reading only (listings, reports, diagnose): on SQLite it takes no write lock,
        so it may stay open while exports write. Rolled back at the end; do not write with it."""
        session = Session(self.engine.execution_options(**{_READ_ONLY: True}), expire_on_commit=False)
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    def migrate(self, revision: str = "head") -> None:
        """Bring the schema up to ``revision`` (Alembic upgrade), in one transaction."""
        with self.engine.begin() as connection:
            command.upgrade(alembic_config(connection), revision)

    def current_revision(self) -> str | None:
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    def require_current(self) -> None:
        """Raise :class:`SchemaNotCurrentError` (with its catalog message) unless the schema is the one
        this version needs, registered steps included. Workers call this at start."""
        head = head_revision()
        current = self.current_revision()
        if current != head:
            if current is not None and not _known_revision(current):
                raise SchemaNotCurrentError(render("database_schema_unknown", current=current))
            shown = current if current is not None else Bilingual("tom", "empty")
            raise SchemaNotCurrentError(render("database_not_upgraded", current=shown, head=head))
        missing = [s.name for s in schema_steps() if s.is_current is not None and not s.is_current(self)]
        if missing:
            shown = f"{head}, {', '.join(missing)} mangler/missing"
            raise SchemaNotCurrentError(render("database_not_upgraded", current=shown, head=head))

    def upgrade(self) -> str | None:
        """Migrate to the newest schema and apply the registered steps, once: on PostgreSQL under an
        advisory lock, so two upgrades started together run one after the other (the second finds
        nothing to do). Returns the revision before."""
        with self._upgrade_lock():
            previous = self.current_revision()
            self.migrate()
            for step in schema_steps():
                step.apply(self)
        return previous

    @contextmanager
    def _upgrade_lock(self) -> Iterator[None]:
        if self.backend != "postgresql":
            yield  # SQLite: each migration's BEGIN IMMEDIATE already makes writers take turns
            return
        with self.engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": UPGRADE_LOCK_KEY})
            connection.commit()
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": UPGRADE_LOCK_KEY})
                connection.commit()

    def dispose(self) -> None:
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"Database({self.url.render_as_string(hide_password=True)!r})"


def head_revision() -> str | None:
    """The newest revision this version's migrations know."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def _known_revision(revision: str) -> bool:
    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except Exception:  # alembic raises its own errors for revisions it never heard of
        return False


def alembic_config(connection: Any = None) -> Config:
    """Alembic configuration without an ini file: the migrations shipped in the package, run on the
    given connection (``env.py`` uses it instead of making its own engine)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config
