"""The ``txbridge`` export commands through Typer's CliRunner, against the sandbox over real HTTP."""

from __future__ import annotations

from sqlalchemy import select

from tests.cli.conftest import Cli
from txbridge.settings import Settings
from txbridge.store import Connection, ConnectionState, Database, ItemStatus, TokenCipher, queries


def _connection(database_url: str, name: str = "demo") -> Connection:
    database = Database.from_url(database_url)
    try:
        with database.session() as session:
            found = session.scalar(select(Connection).where(Connection.name == name))
            assert found is not None
            return found
    finally:
        database.dispose()


def test_connect_tests_first_masks_tokens_and_waits_for_approval(cli: Cli, database_url: str) -> None:
    company = cli.company
    result = cli(
        "connect",
        "-e",
        "sandbox",
        "--base-url",
        company.base_url,
        "--consumer-token",
        company.consumer_token,
        "--employee-token",
        company.employee_token,
    )
    assert result.exit_code == 0, result.output
    assert "Tilkoblet" in result.output and "Connected to" not in result.output  # one language
    assert company.employee_token not in result.output and company.consumer_token not in result.output
    assert company.employee_token[-4:] in result.output
    assert "txbridge connection approve" in result.output
    assert _connection(database_url, "default").state is ConnectionState.PENDING_APPROVAL

    shown = cli("connection", "show")
    assert shown.exit_code == 0 and "venter på godkjenning" in shown.output
    assert "waiting for approval" in cli("--lang", "en", "connection", "show").output
    assert company.employee_token not in shown.output

    approved = cli("connection", "approve")
    assert approved.exit_code == 0, approved.output
    assert _connection(database_url, "default").state is ConnectionState.ACTIVE


def test_connect_reads_tokens_from_hidden_prompts(cli: Cli) -> None:
    company = cli.company
    result = cli(
        "connect",
        "--base-url",
        company.base_url,
        input=f"{company.consumer_token}\n{company.employee_token}\n",
    )
    assert result.exit_code == 0, result.output
    assert company.employee_token not in result.output
    assert "sandbox" in cli("connection", "show").output  # a bare --base-url means the sandbox


def test_connect_with_a_wrong_token_exits_3_and_stores_nothing(cli: Cli, database_url: str) -> None:
    result = cli(
        "connect",
        "-e",
        "sandbox",
        "--base-url",
        cli.company.base_url,
        "--consumer-token",
        cli.company.consumer_token,
        "--employee-token",
        "not-the-right-employee-token",
    )
    assert result.exit_code == 3, result.output
    assert "Autentiseringen mot Tripletex mislyktes" in result.output
    assert "The integration authentication was unsuccessful" not in result.output
    assert "not-the-right-employee-token" not in result.output
    # The next step of a failed connect is another connect, not an export.
    assert "txbridge connect` på nytt" in result.output and "batch export" not in result.output
    assert cli("connection", "show").exit_code == 2


def test_sandbox_without_base_url_is_a_usage_error(cli: Cli) -> None:
    result = cli("connect", "-e", "sandbox", "--consumer-token", "x" * 20, "--employee-token", "y" * 20)
    assert result.exit_code == 2, result.output
    assert "--base-url" in result.output


def test_close_export_show_diagnose_log_payments(cli: Cli) -> None:
    cli.connected()

    closed = cli("batch", "close", "--period", "2026-10")
    assert closed.exit_code == 0, closed.output
    assert "Bunt 1 for 2026-10: 6 fakturaer" in closed.output
    assert "SEPT-1" in closed.output and "utenfor perioden 2026-10" in closed.output
    assert "DRAFT-1" in closed.output and "ikke klar for regnskapseksport" in closed.output

    exported = cli("--lang", "en", "batch", "export")
    assert exported.exit_code == 1, exported.output  # some postings failed
    assert "Account 3099 was not found in Tripletex" in exported.output
    assert "Konto 3099" not in exported.output
    # The next step with this batch's number: a failed posting waits for a reset.
    assert "then run `txbridge batch reset 1` and then `txbridge batch export 1`" in exported.output
    assert "API calls" in exported.output and "API-kall" not in exported.output

    shown = cli("batch", "show", "1")
    assert shown.exit_code == 0, shown.output
    assert "Feilet" in shown.output and "OK-1" in shown.output and "Failed" not in shown.output
    assert "`txbridge batch reset 1` og deretter `txbridge batch export 1`" in shown.output
    listing = cli("batch", "show")
    assert listing.exit_code == 0 and "2026-10" in listing.output

    kurs = cli("diagnose", "invoice", "KURS-1")
    assert kurs.exit_code == 1, kurs.output
    assert "Konto 3099 ble ikke funnet i Tripletex" in kurs.output
    assert "Ikke kjørt" in kurs.output and "Not run" not in kurs.output
    # The troubleshooter knows the invoice's batch: its fix names it.
    assert "`txbridge batch reset 1`" in kurs.output

    ok = cli("--lang", "en", "diagnose", "invoice", "OK-1")
    assert ok.exit_code == 0, ok.output
    assert "Already exported — no action needed" in ok.output

    as_json = cli("diagnose", "invoice", "OK-1", "--json")
    assert as_json.exit_code == 0 and '"outcome": "exported"' in as_json.output

    unknown = cli("diagnose", "invoice", "NOPE")
    assert unknown.exit_code == 1 and "Faktura NOPE finnes ikke" in unknown.output

    logged = cli("log", "--limit", "5")
    assert logged.exit_code == 0 and "Integrasjonslogg" in logged.output

    paid = cli("payments", "refresh")
    assert paid.exit_code == 0, paid.output
    assert "Betalingsstatus" in paid.output


def test_clear_reference_asks_then_resets_and_logs_the_actor(cli: Cli) -> None:
    cli.connected()
    assert cli("batch", "close", "--period", "2026-10").exit_code == 0
    cli("batch", "export")
    refused = cli("invoice", "clear-reference", "OK-1", input="n\n")
    assert refused.exit_code == 1  # aborted at the prompt
    cleared = cli("invoice", "clear-reference", "OK-1", "--yes", "--actor", "kari.admin")
    assert cleared.exit_code == 0, cleared.output
    assert "kari.admin" in cleared.output and "txbridge batch export 1" in cleared.output
    logged = cli("log", "--limit", "20")
    assert "kari.admin" in logged.output
    again = cli("diagnose", "invoice", "OK-1")
    assert "Allerede eksportert" not in again.output


def test_error_state_stops_export_with_exit_3_until_reactivated(cli: Cli, database_url: str) -> None:
    cli.connected()
    assert cli("batch", "close", "--period", "2026-10").exit_code == 0
    database = Database.from_url(database_url)
    with database.transaction() as session:
        connection = session.scalar(select(Connection))
        assert connection is not None
        connection.state = ConnectionState.ERROR
        connection.consecutive_failures = 5
    database.dispose()
    stopped = cli("batch", "export", "1")
    assert stopped.exit_code == 3, stopped.output
    assert "Integrasjonen er i feiltilstand" in stopped.output
    assert "The integration is in error state" not in stopped.output
    assert "`txbridge connection reactivate` og så `txbridge batch export 1`" in stopped.output
    diagnosed = cli("diagnose", "invoice", "OK-1")
    assert diagnosed.exit_code == 1, diagnosed.output  # check 2 (batch not exported) comes first
    assert "Bunt 1 er ikke eksportert" in diagnosed.output
    reactivated = cli("connection", "reactivate")
    assert reactivated.exit_code == 0, reactivated.output
    assert _connection(database_url).state is ConnectionState.ACTIVE
    assert cli("batch", "export", "1").exit_code == 1  # runs now; the known defects fail


def test_unknown_names_are_usage_errors(cli: Cli) -> None:
    cli.connected()
    unknown = cli("batch", "show", "99")
    assert unknown.exit_code == 2 and "Bunt 99 finnes ikke" in unknown.output
    assert "txbridge batch show" in unknown.output  # the catalog's fix
    assert cli("batch", "export", "99").exit_code == 2
    assert cli("batch", "close", "--period", "oktober").exit_code == 2
    assert cli("diagnose", "invoice", "OK-1", "--connection", "nope").exit_code == 2


def test_global_database_url_option_wins_over_the_environment(cli: Cli, database_url: str) -> None:
    cli.connected()
    env = dict(cli.env)
    cli.env["TXBRIDGE_DATABASE_URL"] = "sqlite:////nonexistent-dir-txbridge/x.db"
    try:
        result = cli("--database-url", database_url, "connection", "show")
    finally:
        cli.env = env
    assert result.exit_code == 0, result.output
    assert "demo" in result.output


def test_export_stopped_before_it_began_lists_no_pending_postings(cli: Cli) -> None:
    connected = cli.connect_typed()
    assert connected.exit_code == 0, connected.output
    assert cli("import", str(cli.data_file)).exit_code == 0
    assert cli("batch", "close", "--period", "2026-10").exit_code == 0
    stopped = cli("batch", "export")
    assert stopped.exit_code == 3, stopped.output
    assert "venter på godkjenning" in stopped.output
    # The same command `connect` named: approve (reactivate is for the error state).
    assert "txbridge connection approve -c default" in stopped.output
    assert "connection reactivate" not in stopped.output
    assert "Ventende" in stopped.output  # the batch's counts
    assert "OK-1" not in stopped.output and "Posteringer i bunt" not in stopped.output


def test_a_second_close_sums_up_the_invoices_already_in_a_batch(cli: Cli) -> None:
    cli.connected()
    assert cli("batch", "close", "--period", "2026-10").exit_code == 0
    cli("batch", "export")
    again = cli("batch", "close", "--period", "2026-10")
    assert again.exit_code == 1, again.output  # no new batch
    assert "Ingen ferdige fakturaer i perioden 2026-10" in again.output
    assert "6 fakturaer fra perioden 2026-10 ligger allerede i en bunt" in again.output
    assert "6 invoices from period 2026-10 are already in a batch" not in again.output
    assert "SEPT-1" in again.output and "DRAFT-1" in again.output
    assert "OK-1" not in again.output and "KURS-1" not in again.output


def test_tokens_never_show_in_help_log_or_a_failed_reactivation(cli: Cli, database_url: str) -> None:
    company = cli.company
    cli.env["TXBRIDGE_CONSUMER_TOKEN"] = company.consumer_token
    cli.env["TXBRIDGE_EMPLOYEE_TOKEN"] = company.employee_token
    helped = cli("connect", "--help")
    assert helped.exit_code == 0 and "TXBRIDGE_EMPLOYEE_TOKEN" in helped.output
    cli.connected()
    wrong = "test-" + "w" * 32
    cipher = TokenCipher.from_settings(Settings(secret_key=cli.env["TXBRIDGE_SECRET_KEY"]))
    database = Database.from_url(database_url)
    with database.transaction() as session:
        connection = session.scalar(select(Connection))
        assert connection is not None
        # Tripletex refuses this one: the test connection of the reactivation fails (and is logged).
        connection.set_tokens(cipher, consumer_token=company.consumer_token, employee_token=wrong)
    database.dispose()
    refused = cli("connection", "reactivate")
    assert refused.exit_code == 3, refused.output
    logged = cli("log", "--limit", "50")
    assert logged.exit_code == 0
    for output in (helped.output, refused.output, logged.output):
        assert company.employee_token not in output and company.consumer_token not in output
        assert company.employee_token[5:] not in output and wrong[5:] not in output


def test_diagnose_exits_3_when_the_integration_itself_is_the_fault(cli: Cli, database_url: str) -> None:
    cli.connected()
    assert cli("batch", "close", "--period", "2026-10").exit_code == 0
    database = Database.from_url(database_url)
    with database.transaction() as session:
        connection = session.scalar(select(Connection))
        assert connection is not None
        invoice = queries.invoice_by_number(session, connection.id, "OK-1")
        assert invoice is not None
        posting = queries.open_item_of_invoice(session, invoice.id)
        assert posting is not None
        queries.record_outcome(session, posting, ItemStatus.FAILED, error_id="x", message="x")
        connection.state = ConnectionState.ERROR
    database.dispose()
    diagnosed = cli("diagnose", "invoice", "OK-1")
    assert diagnosed.exit_code == 3, diagnosed.output
    assert "Integrasjonen er i feiltilstand" in diagnosed.output
    as_json = cli("diagnose", "invoice", "OK-1", "--json")
    assert as_json.exit_code == 3 and '"outcome": "failed"' in as_json.output


def test_following_the_troubleshooters_next_step_exports_a_fixed_invoice(cli: Cli) -> None:
    cli.connected()
    assert cli("batch", "close", "--period", "2026-10").exit_code == 0
    assert cli("batch", "export").exit_code == 1  # KURS-1 fails: account 3099 is missing
    with cli.company.client() as http:
        vat = http.get("/ledger/vatType", params={"number": "3", "fields": "id"}).json()["values"][0]
        http.post(
            "/ledger/account", json={"number": 3099, "name": "Kursinntekt", "vatType": {"id": vat["id"]}}
        ).raise_for_status()
    # Exporting again alone leaves a failed posting failed ...
    assert "KURS-1" in cli("batch", "export").output
    fixed = cli("diagnose", "invoice", "KURS-1")
    assert fixed.exit_code == 0, fixed.output
    assert "Ingen feil funnet nå" in fixed.output
    assert "txbridge batch reset 1" in fixed.output and "txbridge batch export 1" in fixed.output
    # ... the next step the troubleshooter names sends it. Without the number (as a fix reads where
    # the batch is not known), reset and export act on the latest unfinished batch: this one.
    reset = cli("batch", "reset")
    assert reset.exit_code == 0 and "Bunt 1: 3 posteringer prøves igjen" in reset.output, reset.output
    cli("batch", "export", "1")
    done = cli("diagnose", "invoice", "KURS-1")
    assert done.exit_code == 0 and "Allerede eksportert — ingen handling trengs" in done.output
