"""``txbridge firm …`` over the sandbox: a firm connection, clients from a file, links by organisation
number, a relink, inbound, mapping, import day and the portfolio as a table and as CSV."""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path

from typer.testing import CliRunner, Result

from tests.cli.conftest import sqlite_only
from tests.fixtures.sandbox import new_sandbox_company
from txbridge.cli import _register, app
from txbridge.flows.views import firm as firm_views
from txbridge.flows.views import firm_stats
from txbridge.jobs import api as jobs
from txbridge.sandbox.server import SandboxServer
from txbridge.settings import Settings
from txbridge.store import Database, TokenCipher


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

    # «Why?» before any field is mapped: the token and the link pass, the mapping check fails.
    unmapped = run("--lang", "en", "firm", "why", "K1")
    assert unmapped.exit_code == 1, unmapped.output
    assert "Does the employee token work?" in unmapped.output and "Not run" in unmapped.output
    assert "No statistic field is mapped" in unmapped.output
    refused_reload = run("firm", "reload", "K1")
    assert refused_reload.exit_code != 0 and "Traceback" not in refused_reload.output

    mapped = run("firm", "map", "sale_entries", "Salgsbilag")
    assert mapped.exit_code == 0
    fine = run("--lang", "en", "firm", "why", "K1", "--month", "2020-01")
    assert fine.exit_code == 0, fine.output
    assert "No fault found." in fine.output
    bad_month = run("firm", "why", "K1", "--month", "2026-13")
    assert bad_month.exit_code != 0 and "ÅÅÅÅ-MM" in bad_month.output

    # «Reload data» for one client and a month's import, as jobs; progress and the finished notice.
    reloading = run("firm", "reload", "K1", "--by", "kari")
    assert reloading.exit_code == 0, reloading.output
    job_id = int(reloading.output.split("(jobb ")[1].split(")")[0])
    again_reloading = run("firm", "reload", "K1")
    assert f"(jobb {job_id})" in again_reloading.output  # the running one, not a second
    importing = run("--lang", "en", "firm", "import-month", "2026-09")
    assert importing.exit_code == 0 and "2026-09 is imported (job" in importing.output
    queued = run("--lang", "en", "firm", "runs")
    assert queued.exit_code == 0, queued.output
    assert "reload" in queued.output and "import" in queued.output and "0/1" in queued.output
    cfg = Settings(database_url=database_url, secret_key=env["TXBRIDGE_SECRET_KEY"])
    database = Database(cfg)
    try:
        firm_id = firm_views.list_firms(database)[0].connection_id
        with jobs.embedded_worker(database, cfg):
            deadline = time.monotonic() + 60
            while any(r.finished_at is None for r in firm_stats.recent_runs(database, firm_id)):
                assert time.monotonic() < deadline, "the runs did not finish"
                time.sleep(0.2)
        finished = run("--lang", "en", "firm", "runs")
        assert "1/1" in finished.output and "2/2" in finished.output, finished.output
        assert "Mark as seen: `txbridge firm runs --seen" in finished.output
        run_ids = [r.run_id for r in firm_stats.unseen_notices(database, firm_id)]
    finally:
        database.dispose()
    assert len(run_ids) == 2
    seen = run("--lang", "en", "firm", "runs", "--seen", str(run_ids[0]))
    assert seen.exit_code == 0 and f"--seen {run_ids[1]}" in seen.output
    other = run("firm", "runs", "--seen", "999")
    assert other.exit_code != 0 and "999 finnes ikke" in other.output
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
