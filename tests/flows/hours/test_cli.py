"""`txbridge hours close`: the month's hours into a batch, in one language, with the next command."""

from __future__ import annotations

from typer.testing import CliRunner

import txbridge.cli.hours  # noqa: F401  (registers the command)
from tests.flows.hours.test_intake import hour
from txbridge.cli import app
from txbridge.flows.intake import import_data
from txbridge.store import Database


def _invoke(database_url: str, *args: str, language: str = "nb") -> tuple[int, str]:
    result = CliRunner().invoke(
        app,
        ["hours", *args],
        env={"TXBRIDGE_DATABASE_URL": database_url, "COLUMNS": "200", "TXBRIDGE_LANGUAGE": language},
    )
    return result.exit_code, result.output


def test_hours_close(database: Database, database_url: str, connection_id: int) -> None:
    import_data(database, connection_id, {"hours": [hour("s-1"), hour("s-2", date="2026-10-06")]})
    code, output = _invoke(database_url, "close", "--period", "2026-10")
    assert code == 0, output
    assert "2 nye timer, 0 rettinger" in output and "txbridge batch export" in output
    code, output = _invoke(database_url, "close", "--period", "2026-10", language="en")
    assert code == 1 and "No hours to send for 2026-10." in output
    code, output = _invoke(database_url, "close", "--period", "oktober")
    assert code == 2, output
