"""``txbridge pos customers | sale | collective | orders | collect | invoicing`` against the sandbox:
customers searched from Tripletex, sales collected per customer, their orders sent, the collective
invoices made once the period is over, and exported with ``batch export``; invoicing turned off
refuses the next sale."""

from __future__ import annotations

import json
import re

from tests.cli.conftest import Cli, sqlite_only


@sqlite_only
def test_collective_invoicing_from_the_command_line(cli: Cli) -> None:
    cli.connected()
    with cli.company.client() as tripletex:
        made = tripletex.post("/customer", json={"name": "Fjordkafé AS", "organizationNumber": "923456783"})
        made.raise_for_status()
    customer = made.json()["value"]
    found = cli("pos", "customers", "fjord")
    assert found.exit_code == 0 and "Fjordkafé AS" in found.output and str(customer["id"]) in found.output
    off = cli("pos", "collective", "on")
    assert off.exit_code == 2 and "pos setup" in off.output  # the set-up comes first
    assert cli("pos", "setup", "--start-date", "2026-10-01", "--payment", "invoice=1920").exit_code == 0
    early = cli(
        "--lang", "en", "pos", "sale", "S-0", "--customer", str(customer["id"]), "--line", "Lunsj;1;1;3"
    )
    assert early.exit_code == 2 and "invoicing from the POS is turned off" in early.output
    # The day sales book invoice payments on 1920: turning invoicing on would book them twice.
    mapped = cli("--lang", "en", "pos", "invoicing", "on")
    assert mapped.exit_code == 2 and "has account 1920" in mapped.output
    assert "pos unmap payment_method invoice" in mapped.output
    assert cli("pos", "unmap", "payment_method", "invoice").exit_code == 0
    assert cli("pos", "invoicing", "on").exit_code == 0
    again = cli("--lang", "en", "pos", "map", "payment_method", "invoice", "1920")
    assert again.exit_code == 2 and "cannot get an account (1920) while POS invoicing is on" in again.output
    shown = cli("--lang", "en", "pos", "show")
    assert "POS invoicing: on" in shown.output and "invoice" not in shown.output.split("POS invoicing")[0]
    assert cli("pos", "collective", "on").exit_code == 0
    for n, day in ((1, "2026-10-02"), (2, "2026-10-20")):
        sale = cli(
            "--lang", "en", "pos", "sale", f"S-{n}", "--customer", str(customer["id"]), "--date", day,
            "--line", "Lunsj;2;189.00;3", "--reference", "Kari", "--comment", "Møte",
        )  # fmt: skip
        assert sale.exit_code == 0, sale.output
        assert "collective invoice 2026-10" in sale.output
    bad = cli(
        "--lang", "en", "pos", "sale", "S-3", "--customer", str(customer["id"]), "--line", "Lunsj;two;1;3"
    )
    assert bad.exit_code == 2 and "description;quantity" in bad.output
    orders = cli("pos", "orders", "2026-10")
    assert orders.exit_code == 0, orders.output
    batch = re.search(r"batch export (\d+)", orders.output)
    assert batch is not None
    # The troubleshooter: the sale's order waits for its batch to be exported.
    why = cli("--lang", "en", "diagnose", "pos", "S-1")
    assert why.exit_code == 1 and "Are the orders sent to Tripletex?" in why.output
    assert f"batch export {batch[1]}" in why.output
    assert cli("batch", "export", batch[1]).exit_code == 0
    collect = cli("pos", "collect", "2026-10")
    assert collect.exit_code == 0, collect.output
    batch = re.search(r"batch export (\d+)", collect.output)
    assert batch is not None
    exported = cli("batch", "export", batch[1])
    assert exported.exit_code == 0, exported.output
    with cli.company.client() as tripletex:
        invoices = tripletex.get(
            "/invoice",
            params={
                "invoiceDateFrom": "2026-10-01",
                "invoiceDateTo": "2026-11-01",
                "fields": "amount,orders(id)",
            },
        ).json()["values"]
    assert [(i["amount"], len(i["orders"])) for i in invoices] == [(756, 2)]
    done = cli("diagnose", "pos", f"2026-10 · {customer['customerNumber']}", "--json")
    assert done.exit_code == 0 and json.loads(done.output)["outcome"] == "exported"
    again = cli("pos", "collect", "2026-10")
    assert again.exit_code == 0 and "2026-10" in again.output and "batch export" not in again.output
    # «Enable invoicing» off: the next sale is refused, the sales made stand.
    assert cli("pos", "invoicing", "off").exit_code == 0
    refused = cli(
        "--lang", "en", "pos", "sale", "S-4", "--customer", str(customer["id"]), "--line", "Lunsj;1;1;3"
    )
    assert refused.exit_code != 0 and "invoicing from the POS is turned off" in refused.output
