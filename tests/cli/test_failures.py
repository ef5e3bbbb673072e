"""No tracebacks: what a user's surroundings cause is one catalog message and an exit code; anything
else is one line naming a report file that holds the traceback."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from tests.cli.conftest import Cli, sqlite_only
from txbridge.cli import failures


def _one_message(output: str) -> None:
    assert "Traceback" not in output and 'File "' not in output
    assert len(output.strip().splitlines()) <= 4, output


@sqlite_only
def test_an_unreachable_database_is_one_message_and_exit_3(cli: Cli) -> None:
    cli.env["TXBRIDGE_DATABASE_URL"] = "postgresql+psycopg://txbridge@127.0.0.1:1/nowhere"
    result = cli("batch", "show")
    assert result.exit_code == 3, result.output
    _one_message(result.output)
    assert "Får ikke åpnet databasen postgresql+psycopg://txbridge@127.0.0.1:1/nowhere" in result.output
    assert "TXBRIDGE_DATABASE_URL" in result.output


@sqlite_only
def test_a_database_held_by_another_process_is_one_message_and_exit_3(cli: Cli, database_url: str) -> None:
    cli.connected()
    holder = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process writing, for longer than we wait
    try:
        cli.env["TXBRIDGE_SQLITE_BUSY_SECONDS"] = "0.2"
        result = cli("batch", "show")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 3, result.output
    _one_message(result.output)
    assert "er opptatt av en annen prosess" in result.output and "kjør kommandoen igjen" in result.output


@sqlite_only
def test_a_database_path_that_cannot_be_made_is_one_message_and_exit_2(cli: Cli, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    cli.env["TXBRIDGE_DATABASE_URL"] = f"sqlite:///{blocker}/txbridge.db"
    result = cli("--lang", "en", "connection", "show")
    assert result.exit_code == 2, result.output
    _one_message(result.output)
    assert f"Cannot find {blocker}" in result.output


@sqlite_only
def test_a_database_url_that_is_no_url_is_named_without_its_password(cli: Cli) -> None:
    result = cli("--database-url", "postgres//ola:hemmelig@db/x", "batch", "show")
    assert result.exit_code == 2, result.output
    _one_message(result.output)
    assert "TXBRIDGE_DATABASE_URL" in result.output and "postgres//***@db/x" in result.output
    assert "hemmelig" not in result.output


@sqlite_only
def test_a_broken_setting_is_named(cli: Cli) -> None:
    cli.env["TXBRIDGE_LANGUAGE"] = "de"
    result = cli("batch", "show")
    assert result.exit_code == 2, result.output
    _one_message(result.output)
    assert "Innstillingen TXBRIDGE_LANGUAGE har en ugyldig verdi: de" in result.output


@sqlite_only
def test_an_unreadable_import_file_is_one_message(cli: Cli, tmp_path: Path) -> None:
    cli.connected()
    result = cli("import", str(tmp_path / "missing.json"))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "missing.json" in result.output


@sqlite_only
def test_anything_unexpected_is_one_line_and_a_report_file(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    cli.connected()

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("the view broke")

    monkeypatch.setattr("txbridge.flows.views.batches.list_batches", broken)
    monkeypatch.setattr(failures.tempfile, "gettempdir", lambda: str(tmp_path))
    result = cli("batch", "show")
    assert result.exit_code == failures.EXIT_INTERNAL, result.output
    _one_message(result.output)
    assert "Uventet feil: RuntimeError: the view broke" in result.output
    (report,) = tmp_path.glob("txbridge-error-*.txt")
    assert str(report) in result.output.replace("\n", "")
    assert "Traceback" in report.read_text() and "the view broke" in report.read_text()
    assert report.stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(
    ("error", "message_id", "code"),
    [
        (OperationalError("BEGIN", {}, Exception("database is locked")), "database_locked", 3),
        (OperationalError("INSERT", {}, Exception("database or disk is full")), "disk_full", 3),
        (
            OperationalError("INSERT", {}, Exception("attempt to write a readonly database")),
            "file_permission_denied",
            2,
        ),
        (OSError(errno.ENOSPC, "No space left on device", "/var/x"), "disk_full", 3),
        (PermissionError(errno.EACCES, "Permission denied", "/etc/x.db"), "file_permission_denied", 2),
        (FileNotFoundError(errno.ENOENT, "No such file", "/x/y.json"), "file_not_found", 2),
    ],
)
def test_expected_failures_each_have_their_message(error: Exception, message_id: str, code: int) -> None:
    # Root may read and write anything and a real full disk is not at hand: these are classified
    # from the exceptions the database driver and the OS raise.
    found = failures.expected(error)
    assert found is not None
    message, exit_code = found
    assert (message.id, exit_code) == (message_id, code)
    assert "{" not in message.text("nb") + message.fix("en")


def test_an_unknown_error_is_not_passed_off_as_expected() -> None:
    assert failures.expected(ValueError("x")) is None
    assert failures.expected(OSError(errno.EIO, "I/O error")) is None
