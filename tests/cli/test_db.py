"""``txbridge db upgrade|status`` and ``txbridge secrets new-key|rotate`` on PostgreSQL, as an operator
running many workers uses them."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from typer.testing import CliRunner

from txbridge.cli import _register, app
from txbridge.store import Connection, Database, Environment, TokenCipher

pytestmark = pytest.mark.postgres


def test_commands_stop_until_db_upgrade_has_run_then_work(empty_postgres_url: str) -> None:
    _register()
    key = TokenCipher.generate_key().decode()
    env = {"TXBRIDGE_DATABASE_URL": empty_postgres_url, "TXBRIDGE_SECRET_KEY": key, "COLUMNS": "200"}
    # Through the installed entry point: one catalog message and its fix, no traceback, exit 2.
    refused = subprocess.run(
        [sys.executable, "-m", "txbridge", "log"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "Traceback" not in refused.stdout + refused.stderr
    assert "txbridge db upgrade" in refused.stdout and "ikke skjemaet" in refused.stdout

    runner = CliRunner()
    assert runner.invoke(app, ["db", "status"], env=env).exit_code == 3
    upgraded = runner.invoke(app, ["db", "upgrade"], env=env)
    assert upgraded.exit_code == 0, upgraded.output
    assert "upgraded to" in upgraded.output
    status = runner.invoke(app, ["db", "status"], env=env)
    assert status.exit_code == 0 and "upgraded" in status.output
    again = runner.invoke(app, ["db", "upgrade"], env=env)
    assert again.exit_code == 0, again.output


def test_secrets_new_key_and_rotate(database_url: str) -> None:
    _register()
    runner = CliRunner()
    made = runner.invoke(app, ["secrets", "new-key"])
    assert made.exit_code == 0
    old = made.output.strip()
    Fernet(old.encode())  # a usable key, nothing else on the line
    database = Database.from_url(database_url)
    with database.transaction() as session:
        connection = Connection(
            name="acme", environment=Environment.SANDBOX, base_url="http://127.0.0.1:9/v2"
        )
        connection.set_tokens(TokenCipher(old), consumer_token="c-0123456789", employee_token="e-0123456789")
        session.add(connection)
    new = TokenCipher.generate_key().decode()
    env = {"TXBRIDGE_DATABASE_URL": database_url, "TXBRIDGE_SECRET_KEY": new, "COLUMNS": "200"}

    without_old = runner.invoke(app, ["secrets", "rotate"], env=env)
    assert without_old.exit_code == 1 and "acme" in without_old.output
    rotated = runner.invoke(app, ["secrets", "rotate"], env={**env, "TXBRIDGE_OLD_SECRET_KEYS": old})
    assert rotated.exit_code == 0, rotated.output
    assert "1 connections" in rotated.output
    with database.transaction() as session:
        stored = session.get(Connection, connection.id)
        assert stored is not None and stored.employee_token(TokenCipher(new)) == "e-0123456789"
    database.dispose()
