"""What the user reads: one language at a time (help texts too), tables that read at 80 and 120
columns, progress lines when piped, and a warning for tokens typed on the command line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.cli.conftest import Cli, sqlite_only

_BOX = re.compile(r"[│┃┏┓┗┛┡┩└┘┌┐├┤┼┬┴╇╈─━═╭╮╰╯ ]+")


def _cells(output: str) -> str:
    """The text of a table with its rules and borders taken out."""
    return _BOX.sub(" ", output)


@sqlite_only
@pytest.mark.parametrize("width", [80, 120])
def test_tables_read_at_80_and_120_columns(cli: Cli, width: int) -> None:
    cli.connected()
    assert cli("batch", "close", "--period", "2026-10").exit_code == 0
    cli("batch", "export")
    cli.env["COLUMNS"] = str(width)
    screens = {
        "list": cli("batch", "show"),
        "batch": cli("batch", "show", "1"),
        "connection": cli("connection", "show"),
        "log": cli("log", "--limit", "10"),
        "diagnose": cli("diagnose", "invoice", "KURS-1"),
    }
    for name, result in screens.items():
        assert result.exit_code in (0, 1), (name, result.output)
        lines = result.output.splitlines()
        assert max(len(line) for line in lines) <= width, (name, result.output)
        # Nothing cut off (a masked token is shown with … on purpose).
        shown = result.output.replace("test-…", "").replace("…", "", 2 if name == "connection" else 0)
        assert "…" not in shown, (name, result.output)
    words = _cells(screens["list"].output).split()
    for word in ("Bunt", "Periode", "2026-10", "Eksportert", "Feilet", "Ventende", "Lukket"):
        assert word in words, (word, screens["list"].output)
    assert ("Hoppet" in words) is (width >= 100)  # the narrow table leaves the skipped count out
    batch_words = _cells(screens["batch"].output).split()
    for word in ("KURS-1", "OK-1", "Forsøk", "3099", "Tripletex"):
        assert word in batch_words, (word, screens["batch"].output)
    # The address is folded, never cut: its pieces give it back whole.
    connection = screens["connection"].output
    assert cli.company.base_url in "".join(line.strip() for line in connection.splitlines())
    assert "Bunt 1" in screens["log"].output or "bunt 1" in screens["log"].output.lower()


@sqlite_only
def test_help_in_one_language(cli: Cli) -> None:
    norsk = cli("batch", "--help")
    assert norsk.exit_code == 0
    assert "Eksporter en bunt til Tripletex" in norsk.output and "Export a batch" not in norsk.output
    assert "Vis denne hjelpen og avslutt" in norsk.output
    english = cli("--lang", "en", "batch", "--help")
    assert "Export a batch to Tripletex" in english.output and "Eksporter en bunt" not in english.output
    assert "Show this message and exit" in english.output
    cli.env["TXBRIDGE_LANGUAGE"] = "en"
    assert "Export a batch to Tripletex" in cli("batch", "--help").output
    assert "Eksporter" in cli("--lang", "nb", "batch", "--help").output
    option_help = cli("--lang", "en", "batch", "export", "--help").output
    assert "The connection's name" in option_help and "Tilkoblingens navn" not in option_help


@sqlite_only
def test_piped_export_shows_progress_lines(cli: Cli) -> None:
    cli.connected()
    assert cli("batch", "close", "--period", "2026-10").exit_code == 0
    result = cli("batch", "export")  # CliRunner's stdout is not a terminal
    progress = [line for line in result.output.splitlines() if line.startswith("Bunt 1: ")]
    assert len(progress) >= 3, result.output
    assert any(line.startswith("Bunt 1: fakturaer") for line in progress), progress
    assert progress[-1].startswith("Bunt 1: ferdig 6/6"), progress
    assert all(re.fullmatch(r"Bunt 1: [\w ]+ \d+/(\d+|\?)", line) for line in progress), progress


@sqlite_only
def test_tokens_typed_on_the_command_line_get_a_warning(cli: Cli) -> None:
    company = cli.company
    typed = cli.connect_typed()
    assert typed.exit_code == 0, typed.output
    assert "kan ses av andre i prosesslisten" in typed.output
    cli.env["TXBRIDGE_CONSUMER_TOKEN"] = company.consumer_token
    cli.env["TXBRIDGE_EMPLOYEE_TOKEN"] = company.employee_token
    from_env = cli("connect", "--base-url", company.base_url, "--name", "quiet")
    assert from_env.exit_code == 0, from_env.output
    assert "prosesslisten" not in from_env.output
    cli.env.pop("TXBRIDGE_CONSUMER_TOKEN")
    cli.env.pop("TXBRIDGE_EMPLOYEE_TOKEN")
    prompted = cli(
        "connect",
        "--base-url",
        company.base_url,
        "--name",
        "prompted",
        input=f"{company.consumer_token}\n{company.employee_token}\n",
    )
    assert prompted.exit_code == 0 and "prosesslisten" not in prompted.output


@sqlite_only
def test_piped_import_of_a_large_file_shows_progress_lines(cli: Cli, tmp_path: Path) -> None:
    cli.connected()
    many = tmp_path / "many.json"
    customers = [{"number": 50000 + i, "name": f"Kunde {i} AS"} for i in range(1000)]
    many.write_text(json.dumps({"customers": customers}), encoding="utf-8")
    result = cli("import", str(many))
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("Import: Kunder ")]
    assert lines and lines[-1] == "Import: Kunder 1000/1000", result.output


@sqlite_only
def test_usage_errors_in_the_users_language(cli: Cli) -> None:
    norsk = cli("batch", "close")
    assert norsk.exit_code == 2 and "Mangler valget '--period'" in norsk.output, norsk.output
    assert "Feil" in norsk.output and "Missing option" not in norsk.output
    assert "Ugyldig verdi for 'batch': skriv et heltall." in cli("batch", "show", "xx").output
    english = cli("--lang", "en", "batch", "close")
    assert english.exit_code == 2 and "Missing option '--period'" in english.output, english.output
