from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tests.fixtures.sandbox import SandboxCompany
from tests.flows.diagnose.world import payload
from txbridge.cli import _register, app
from txbridge.store import TokenCipher

#: For tests of what the screen shows: the store behind it does not change it, so SQLite alone.
sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@dataclass
class Cli:
    env: dict[str, str | None]
    company: SandboxCompany
    data_file: Path

    def __call__(self, *args: str, input: str | None = None) -> Result:
        return CliRunner().invoke(app, list(args), env=self.env, input=input)

    def connect_typed(self, *extra: str) -> Result:
        """``connect`` to the sandbox company with both tokens typed on the command line."""
        return self(
            "connect",
            "--base-url",
            self.company.base_url,
            "--consumer-token",
            self.company.consumer_token,
            "--employee-token",
            self.company.employee_token,
            *extra,
        )

    def connected(self, name: str = "demo") -> None:
        """connect --approve + import of the small world; asserts both worked."""
        result = self.connect_typed("--environment", "sandbox", "--name", name, "--approve")
        assert result.exit_code == 0, result.output
        imported = self("import", str(self.data_file), "--connection", name)
        assert imported.exit_code == 0, imported.output


@pytest.fixture
def cli(database_url: str, sandbox_company: SandboxCompany, tmp_path: Path) -> Callable[..., Result]:
    _register()
    data_file = tmp_path / "world.json"
    data_file.write_text(json.dumps(payload()), encoding="utf-8")
    env = {
        "TXBRIDGE_DATABASE_URL": database_url,
        "TXBRIDGE_SECRET_KEY": TokenCipher.generate_key().decode(),
        "TXBRIDGE_CONNECTION": None,
        "TXBRIDGE_LANGUAGE": None,
        "COLUMNS": "250",
    }
    return Cli(env, sandbox_company, data_file)
