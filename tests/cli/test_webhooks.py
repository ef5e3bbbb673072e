"""``txbridge webhooks subscribe`` and ``reconcile`` against the sandbox."""

from __future__ import annotations

from tests.cli.conftest import Cli, sqlite_only


@sqlite_only
def test_subscribe_then_reconcile(cli: Cli) -> None:
    cli.connected()
    missing = cli("webhooks", "subscribe")
    assert missing.exit_code != 0 and "TXBRIDGE_PUBLIC_URL" in missing.output
    cli.env["TXBRIDGE_PUBLIC_URL"] = "http://127.0.0.1:9/bro"
    first = cli("webhooks", "subscribe")
    assert first.exit_code == 0, first.output
    assert first.output.count("abonnert") == 9 and "2 API-kall" in first.output
    again = cli("--lang", "en", "webhooks", "subscribe")
    assert again.exit_code == 0 and again.output.count("active") == 9 and "1 API calls" in again.output
    read = cli("webhooks", "reconcile")
    assert read.exit_code == 0, read.output
    nothing = cli("--lang", "en", "webhooks", "reconcile")
    assert nothing.exit_code == 0, nothing.output
    rows = [
        line
        for line in nothing.output.splitlines()
        if line.strip("│ ").startswith(("customer", "employee", "project"))
    ]
    assert len(rows) == 3 and all(" 1 " in row and "yes" in row for row in rows)
