"""A relink in the same instant a statistics run claims or stores the client: the run never stores
the old company's values. The relink and the run's claim/store take the client's row lock (the
order is then one or the other); the store checks the company the values were read from."""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from tests.flows.firm.world import Firm
from txbridge.flows.firm import clients, mapping, runs
from txbridge.flows.firm.clients import ClientIn
from txbridge.flows.firm.reads import ReadCache
from txbridge.flows.views.firm_stats import month_values
from txbridge.settings import Settings
from txbridge.store import Database
from txbridge.store.models import FirmClient, StatisticClientLock, StatisticRunKind, utcnow

MONTH = "2026-10"


def _run_of_one_client(db: Database, settings: Settings, firm: Firm) -> tuple[int, int]:
    client_id = clients.add_client(db, firm.id, ClientIn("K1", "Alfa AS"))
    clients.link(db, settings, firm.id, "K1", firm.companies[0], linked_by="t")
    mapping.set_mapping(db, firm.id, {"sale_entries": "Salg"}, changed_by="t")
    return runs.create_run(db, firm.id, StatisticRunKind.RELOAD, [MONTH]), client_id


def test_values_read_before_a_relink_are_not_stored_and_the_client_is_read_again(
    db: Database, settings: Settings, firm: Firm
) -> None:
    old, new, _ = firm.companies
    run_id, client_id = _run_of_one_client(db, settings, firm)
    claim = runs.claim_next(db, run_id, "w1")
    assert claim.client is not None and claim.client.tripletex_company_id == old

    # The relink commits while the run reads the old company; then the interleaving the lock alone
    # does not order: the run's lock row is there again (its claim landed just after the relink
    # deleted it), so only the check of the company at the store stands between the old values and
    # the client.
    clients.link(db, settings, firm.id, "K1", new, linked_by="t")
    with db.transaction() as session:
        session.add(
            StatisticClientLock(firm_client_id=client_id, run_id=run_id, holder="w1", heartbeat_at=utcnow())
        )
    with pytest.raises(runs.LinkChangedError):
        runs.store_client(
            db, run_id, client_id, "w1", {MONTH: {"sale_entries": Decimal(7)}}, ReadCache(), 2, company_id=old
        )
    assert month_values(db, firm.id, [MONTH]) == {}

    # The client is still pending and free: claimed again, it is read from the right company.
    again = runs.claim_next(db, run_id, "w1")
    assert again.client is not None and again.client.tripletex_company_id == new
    runs.store_client(
        db, run_id, client_id, "w1", {MONTH: {"sale_entries": Decimal(3)}}, ReadCache(), 2, company_id=new
    )
    assert month_values(db, firm.id, [MONTH]) == {client_id: {MONTH: {"sale_entries": Decimal(3)}}}


def test_a_claim_waits_for_a_relink_in_progress_and_reads_the_new_company(
    db: Database, settings: Settings, firm: Firm
) -> None:
    """The relink's transaction holds the client's row (as ``clients.link`` does) while a worker
    claims the client: the claim waits for the relink's commit and reads the company it links to."""
    old, new, _ = firm.companies
    run_id, client_id = _run_of_one_client(db, settings, firm)
    claimed: list[runs.Claim] = []
    with db.transaction() as session:
        session.execute(select(FirmClient.id).where(FirmClient.id == client_id).with_for_update())
        session.execute(update(FirmClient).where(FirmClient.id == client_id).values(tripletex_company_id=new))
        worker = threading.Thread(target=lambda: claimed.append(runs.claim_next(db, run_id, "w1")))
        worker.start()
        time.sleep(0.5)  # the worker is now waiting on the row (SQLite: on the write lock)
        assert not claimed, "the claim went ahead while the relink held the client"
    worker.join(timeout=30)
    assert claimed and claimed[0].client is not None
    assert claimed[0].client.tripletex_company_id == new
    assert old != new
