from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

import txbridge.cli.intake  # noqa: F401  (registers the command)
from tests.flows.intake.conftest import small_payload
from txbridge.cli import app
from txbridge.store import Database, Invoice


def _invoke(database_url: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        app, ["import", *args], env={"TXBRIDGE_DATABASE_URL": database_url, "COLUMNS": "250"}
    )
    return result.exit_code, result.output


def test_all_items_in_exit_0(
    tmp_path: Path, database: Database, database_url: str, connection_id: int
) -> None:
    path = tmp_path / "data.json"
    path.write_text(json.dumps(small_payload()), encoding="utf-8")
    code, output = _invoke(database_url, str(path))
    assert code == 0, output
    assert "Fakturaer / Invoices" in output
    with database.session() as session:
        assert session.query(Invoice).count() == 2


def test_some_rejected_exit_1_with_table(
    tmp_path: Path, database: Database, database_url: str, connection_id: int
) -> None:
    payload = small_payload()
    payload["customers"][0]["organizationNumber"] = "123456789"
    path = tmp_path / "data.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    code, output = _invoke(database_url, str(path), "--connection", "acme")
    assert code == 1, output
    assert "customers[0] 10001" in output
    assert "organisasjonsnummer 123456789 er ikke gyldig" in output
    assert "invoices[0] F-1001" in output  # its invoice refers to the rejected customer


def test_csv_with_kind_option(
    tmp_path: Path, database: Database, database_url: str, connection_id: int
) -> None:
    path = tmp_path / "kunder.csv"
    path.write_text("nr;navn\n1;Feil kolonner\n", encoding="utf-8")
    code, output = _invoke(database_url, str(path), "--kind", "customers")
    assert code == 1, output  # Norwegian column names are not the import format
    assert "customers[0]" in output and "nr" in output
    path.write_text("number;name;isPrivatePerson\n20001;Ola Nordmann;true\n", encoding="utf-8")
    code, output = _invoke(database_url, str(path), "--kind", "customers")
    assert code == 0, output


def test_bad_file_exit_2(tmp_path: Path, database_url: str, connection_id: int) -> None:
    path = tmp_path / "data.json"
    path.write_text("{oops", encoding="utf-8")
    code, output = _invoke(database_url, str(path))
    assert code == 2
    assert "er ikke gyldig JSON (linje 1, tegn 2)" in output and "is not valid JSON" in output


def test_no_connection_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    path.write_text(json.dumps(small_payload()), encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'new' / 'store.db'}"
    code, output = _invoke(url, str(path))
    assert code == 2
    assert "txbridge connect" in output
    assert (tmp_path / "new" / "store.db").exists()  # made and migrated at start-up


def test_several_connections_need_a_name(
    tmp_path: Path, database: Database, database_url: str, connection_id: int
) -> None:
    from txbridge.store import Connection, Environment, TokenCipher

    with database.transaction() as session:
        other = Connection(
            name="beta", environment=Environment.TEST, base_url="https://api-test.tripletex.tech/v2"
        )
        other.set_tokens(
            TokenCipher(TokenCipher.generate_key()), consumer_token="c" * 20, employee_token="e" * 20
        )
        session.add(other)
    path = tmp_path / "data.json"
    path.write_text(json.dumps(small_payload()), encoding="utf-8")
    code, output = _invoke(database_url, str(path))
    assert code == 2 and "acme, beta" in output
    result = CliRunner().invoke(
        app,
        ["import", str(path)],
        env={"TXBRIDGE_DATABASE_URL": database_url, "TXBRIDGE_CONNECTION": "beta", "COLUMNS": "250"},
    )
    assert result.exit_code == 0, result.output
    with database.session() as session:
        (invoice,) = {i.connection_id for i in session.query(Invoice)}
        assert invoice != connection_id  # went to beta, not acme


def test_import_says_which_encoding_it_read(
    tmp_path: Path, database: Database, database_url: str, connection_id: int
) -> None:
    path = tmp_path / "kunder.csv"
    path.write_bytes("number;name\r\n30001;Bjørnø Blåbær AS\r\n".encode("cp1252"))
    code, output = _invoke(database_url, str(path))
    assert code == 0, output
    assert "Filen ble lest som Windows-1252" in output
    from txbridge.store import Customer

    with database.session() as session:
        assert session.query(Customer).filter_by(number=30001).one().name == "Bjørnø Blåbær AS"


def test_hostile_file_is_one_message_and_exit_2(
    tmp_path: Path, database_url: str, connection_id: int
) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000, encoding="utf-8")
    code, output = _invoke(database_url, str(path))
    assert code == 2, output
    assert "Traceback" not in output and "nøstet dypere enn 16 nivåer" in output


def test_csv_rejections_name_row_and_column(
    tmp_path: Path, database: Database, database_url: str, connection_id: int
) -> None:
    path = tmp_path / "data.json"
    path.write_text(json.dumps({"customers": small_payload()["customers"]}), encoding="utf-8")
    assert _invoke(database_url, str(path))[0] == 0
    path = tmp_path / "fakturaer.csv"
    path.write_text(
        "number;invoiceDate;dueDate;customerNumber;description;quantity;unitPrice;vatCode\n"
        "F-9;05/10/2026;19.10.2026;10001;Montasje;1;100;3\n",
        encoding="utf-8",
    )
    code, output = _invoke(database_url, str(path))
    assert code == 1, output
    assert "invoiceDate (rad 2) «05/10/2026» kan leses som mer enn én dato" in output


def test_import_limits_shown_set_and_reset(database_url: str, connection_id: int) -> None:
    def limits(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(
            app, ["import-limits", *args], env={"TXBRIDGE_DATABASE_URL": database_url, "COLUMNS": "250"}
        )
        return result.exit_code, result.output

    code, output = limits()
    assert code == 0 and "100 000 000" in output
    code, output = limits("--max-invoice-total", "250 000 000")
    assert code == 0 and "250 000 000" in output
    assert "250 000 000" in limits()[1]
    code, output = limits("--max-quantity", "mange")
    assert code == 2 and "Grensen --max-quantity kan ikke være mange" in output
    code, output = limits("--max-quantity", "0")
    assert code == 2 and "max_quantity" in output
    code, output = limits("--reset")
    assert code == 0 and "250 000 000" not in output
