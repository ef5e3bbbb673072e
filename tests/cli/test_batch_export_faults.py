"""``txbridge batch export`` under faults, against the sandbox over real HTTP: its exit codes mean
what the README says (3 for the integration, 4 for another export of the batch running), and a 500
does not stop the run."""

from __future__ import annotations

import os
import socket

from tests.cli.conftest import Cli
from txbridge.flows.export import BatchLease
from txbridge.store import Database, ItemStatus, queries


def _fault(cli: Cli, **fault: object) -> None:
    with cli.company.control() as control:
        control.post("/faults", json={"companyId": cli.company.company_id, **fault}).raise_for_status()


def _statuses(database_url: str) -> dict[ItemStatus, int]:
    database = Database.from_url(database_url)
    try:
        with database.transaction() as session:
            counts: dict[ItemStatus, int] = {}
            for posting in queries.items_of_batch(session, 1):
                counts[posting.status] = counts.get(posting.status, 0) + 1
            return counts
    finally:
        database.dispose()


def test_a_500_on_an_invoice_write_does_not_stop_the_export(cli: Cli, database_url: str) -> None:
    cli.connected()
    assert cli("batch", "close", "--period", "2026-10").exit_code == 0
    _fault(cli, method="POST", path="/v2/invoice/list", kind="status", status=500, count=1)
    exported = cli("batch", "export", "1")
    # Exit 1 for the world's known defects (a missing account …), not a stop: nothing is left over.
    assert exported.exit_code == 1, exported.output
    assert set(_statuses(database_url)) <= {ItemStatus.EXPORTED, ItemStatus.FAILED}


def test_5xx_beyond_the_retries_is_an_integration_fault_exit_3(cli: Cli, database_url: str) -> None:
    cli.connected()
    assert cli("batch", "close", "--period", "2026-10").exit_code == 0
    _fault(cli, method="POST", path="/v2/invoice/list", kind="status", status=500, count=50)
    stopped = cli("--lang", "en", "batch", "export", "1")
    assert stopped.exit_code == 3, stopped.output  # README: the integration cannot work now
    assert "answered 500 after the request was sent" in stopped.output
    assert "`txbridge batch export 1`" in stopped.output
    assert ItemStatus.IN_FLIGHT not in _statuses(database_url)  # looked up: nothing in doubt


def test_a_second_export_of_a_running_batch_exits_4_naming_the_holder(cli: Cli, database_url: str) -> None:
    cli.connected()
    assert cli("batch", "close", "--period", "2026-10").exit_code == 0
    database = Database.from_url(database_url)
    try:
        with BatchLease(database, 1, holder="job 7"):
            refused = cli("batch", "export", "1")
    finally:
        database.dispose()
    assert refused.exit_code == 4, refused.output
    host, pid = socket.gethostname(), os.getpid()
    assert f"En annen eksport av bunt 1 kjører allerede (job 7, prosess {pid} på {host}" in refused.output
    assert "Another export" not in refused.output  # one language
    assert _statuses(database_url) == {ItemStatus.PENDING: 6}  # touched nothing
    assert cli("batch", "export", "1").exit_code == 1  # the lease given back: it runs now
