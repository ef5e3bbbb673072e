"""``txbridge firm …`` over the sandbox: a firm connection, clients from a file, links by organisation
number, a relink, inbound, mapping, import day and the portfolio as a table and as CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from typer.testing import CliRunner, Result

from tests.cli.conftest import sqlite_only
from tests.fixtures.sandbox import new_sandbox_company
from txbridge.cli import _register, app
from txbridge.sandbox.server import SandboxServer
from txbridge.store import TokenCipher


@sqlite_only
def test_a_firm_from_the_command_line(
    database_url: str, sandbox_server: SandboxServer, tmp_path: Path
) -> None:
    _register()
    env: dict[str, str | None] = {
        "TXBRIDGE_DATABASE_URL": database_url,
        "TXBRIDGE_SECRET_KEY": TokenCipher.generate_key().decode(),
        "TXBRIDGE_CONNECTION": None,
        "TXBRIDGE_LANGUAGE": None,
        "COLUMNS": "250",
    }

    def run(*args: str) -> Result:
        return CliRunner().invoke(app, list(args), env=env)

    sandbox = new_sandbox_company(sandbox_server, name="Byrå AS", accountantClients=3)
    connected = run(
        "connect",
        "--environment",
        "sandbox",
        "--base-url",
        sandbox.base_url,
        "--consumer-token",
        sandbox.consumer_token,
        "--employee-token",
        sandbox.employee_token,
        "--name",
        "byraa",
        "--approve",
    )
    assert connected.exit_code == 0, connected.output
    enabled = run("firm", "enable")
    assert enabled.exit_code == 0, enabled.output
    assert "3 klientselskaper" in enabled.output

    listed = run("--lang", "en", "firm", "companies")
    assert listed.exit_code == 0 and "Client companies" in listed.output
    first, second, third = sandbox.client_company_ids
    numbers = {}
    for line in listed.output.splitlines():
        for company in (first, second, third):
            if f"│ {company} " in line:
                numbers[company] = next(
                    w for w in line.replace("│", " ").split() if len(w) == 9 and w.isdigit()
                )
    assert len(numbers) == 3

    clients_file = tmp_path / "klienter.csv"
    clients_file.write_text(
        f"nøkkel;navn;orgnr\nK1;Alfa AS;{numbers[first]}\nK2;Beta AS;{numbers[second]}\nK3;Gamma AS;123\n",
        encoding="utf-8",
    )
    imported = run("firm", "import", str(clients_file))
    assert imported.exit_code == 1, imported.output  # one row refused, the rest in
    assert "rad 3 (K3): organisasjonsnummer 123 er ikke gyldig" in imported.output
    assert "2 nye, 0 endret, 1 avvist" in imported.output

    shown = run("firm", "clients")
    assert "forslag:" in shown.output
    linked = run("firm", "link", "--suggested", "--by", "kari")
    assert linked.exit_code == 0 and "2 klienter er koblet" in linked.output

    # A wrong link is fixed by linking again.
    taken = run("firm", "link", "K1", str(second))
    assert taken.exit_code == 2 and "`txbridge firm unlink K2`" in taken.output
    relinked = run("--lang", "en", "firm", "link", "K1", str(third))
    assert relinked.exit_code == 0, relinked.output
    assert f"relinked from {first} to" in relinked.output

    read = run("firm", "inbound")
    assert read.exit_code == 0, read.output
    assert "2 klienter: 6 lister endret" in read.output
    again = run("firm", "inbound", "K1")
    assert "1 klienter: 0 lister endret, 3 uendret, 3 kall" in again.output
    vat = run("firm", "data", "K1", "vat-types")
    assert vat.exit_code == 0 and "Mva-typer · K1" in vat.output

    mapped = run("firm", "map", "sale_entries", "Salgsbilag")
    assert mapped.exit_code == 0
    unknown = run("firm", "map", "salg", "Salg")
    assert unknown.exit_code == 2 and "Statistikkfeltet salg finnes ikke" in unknown.output
    fields = run("firm", "fields")
    assert "Salgsbilag" in fields.output and "--all" in fields.output
    assert "inbox_waiting" not in fields.output and "inbox_waiting" in run("firm", "fields", "--all").output

    assert "siste arbeidsdag" in run("firm", "import-day").output
    assert "den 5. i måneden etter" in run("firm", "import-day", "5").output
    refused = run("firm", "import-day", "30")
    assert refused.exit_code == 2 and "Importdagen 30 kan ikke brukes" in refused.output

    table = run("firm", "portfolio", "--sort", "key")
    assert table.exit_code == 0, table.output
    assert table.output.index("K1 Alfa AS") < table.output.index("K2 Beta AS")
    exported = run("--lang", "en", "firm", "portfolio", "--csv", "-", "--health", "ok")
    assert exported.exit_code == 0, exported.output
    rows = list(csv.reader(io.StringIO(exported.output), delimiter=";"))
    assert rows[0][:3] == ["key", "name", "organisation number"]
    assert "Sale entries" in rows[0][9]
    assert [r[0] for r in rows[1:]] == ["K1", "K2"]
