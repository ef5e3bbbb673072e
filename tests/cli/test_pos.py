"""``txbridge pos``: the set-up wizard's steps as options (and as prompts), single mappings checked
against the company's chart in the sandbox, and Z-reports imported from CSV."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import Cli, sqlite_only


@sqlite_only
def test_setup_maps_accounts_from_the_chart_and_refuses_one_that_is_not_there(cli: Cli) -> None:
    cli.connected()
    before = cli("pos", "show")
    assert before.exit_code == 2 and "pos setup --start-date" in before.output
    result = cli(
        "pos", "setup", "--start-date", "2026-10-01",
        "--payment", "card=1920,cash=1900", "--group", "food=3000", "--takeaway", "food=3001",
        "--event", "tips=2915", "--actor", "kari",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "2026-10-01" in result.output and "varegruppe (takeaway)" in result.output
    assert cli("pos", "map", "payment_method", "vipps", "1570").exit_code == 0
    missing = cli("--lang", "en", "pos", "map", "payment_method", "vipps", "1234")
    assert missing.exit_code == 2
    assert "Account 1234 is not in Tripletex's chart of accounts (vipps)" in missing.output
    assert "Kontoplan" not in missing.output  # one language
    bad_event = cli("pos", "map", "event", "bonus", "2915")
    assert bad_event.exit_code == 2 and "ukjent hendelse «bonus»" in bad_event.output
    shown = cli("--lang", "en", "pos", "show")
    assert shown.exit_code == 0
    for text in ("product group (takeaway)", "3001", "vipps", "1570", "tips", "2915"):
        assert text in shown.output
    assert "1234" not in shown.output
    assert cli("pos", "unmap", "payment_method", "vipps").exit_code == 0
    assert "vipps" not in cli("pos", "show").output
    accounts = cli("pos", "accounts")
    assert accounts.exit_code == 0 and "3001" in accounts.output and "31" in accounts.output


@sqlite_only
def test_the_wizard_asks_step_by_step_when_given_no_options(cli: Cli) -> None:
    cli.connected()
    # Start date, then cash card vipps gift_card invoice (suggested), more; groups: more; takeaway:
    # more; events: tips rounding cash_difference gift_card_sold gift_card_redeemed, more.
    answers = "\n".join(
        ["2026-09-01", "1900", "1920", "", "", "", "", "food=3000,drinks=3000", "food=3001",
         "2915", "7960", "", "", "", ""]
    )  # fmt: skip
    result = cli("pos", "setup", input=answers + "\n")
    assert result.exit_code == 0, result.output
    shown = cli("--lang", "en", "pos", "show").output
    assert "2026-09-01" in shown and "drinks" in shown and "7960" in shown


@sqlite_only
def test_z_reports_come_in_from_csv_with_per_item_refusals(cli: Cli, tmp_path: Path) -> None:
    cli.connected()
    path = tmp_path / "days.csv"
    path.write_text(
        "hostId;location;date;type;code;vatRate;takeaway;amount\n"
        "Z-1;Storgata;2026-10-05;sale;food;25;;1000.00\n"
        "Z-1;Storgata;2026-10-05;payment;card;;;1000.00\n"
        "Z-2;Storgata;2026-10-06;sale;food;25;;500.00\n"
        "Z-2;Storgata;2026-10-06;payment;card;;;499.50\n"
        "Z-3;Torget;2026-10-06;event;bonus;;;10\n",
        encoding="utf-8",
    )
    result = cli("--lang", "en", "import", str(path))
    assert result.exit_code == 1, result.output
    assert "Day sales" in result.output
    # The fix gives the rounding/cash-difference event that balances the day (a negative one debits).
    assert "daySales[1] Z-2: the day does not balance (difference -0.50)" in result.output
    assert "(«cash_difference») event of -0.50" in result.output
    assert "daySales[2] Z-3: row 6 — unknown event" in result.output and "lines[0]" in result.output
