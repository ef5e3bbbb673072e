"""POS invoicing over the sandbox (real HTTP): the customer list from Tripletex (cached, checksum),
a sale invoiced on its own, collective invoices at the period's end for two customers, an order that
no longer matches refused with Tripletex's reason, and the bank account checked first."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.fixtures.sandbox import new_sandbox_company
from tests.flows.export.conftest import Env, connect_env, make_settings
from tests.flows.posinvoice.conftest import pos_setup, sale, tripletex_customer
from txbridge.flows import connections
from txbridge.flows.export import close_batch, export_batch
from txbridge.flows.posinvoice import (
    PosInvoiceError,
    close_collective_invoices,
    close_pos_orders,
    list_customers,
    record_sale,
    search_customers,
)
from txbridge.flows.posinvoice.errors import connection_of
from txbridge.sandbox.server import SandboxServer
from txbridge.store import BatchStatus, Database, ItemStatus, ReferenceKind
from txbridge.store import queries as q

NOVEMBER = date(2026, 11, 1)


def test_customers_come_from_tripletex_and_are_read_again_only_when_changed(env: Env) -> None:
    tripletex_customer(env, "Fjordkafé AS", "923456783")
    tripletex_customer(env, "Bakeriet Sør AS", "987654325")
    first = list_customers(env.db, env.settings, env.connection_id)
    assert [c.name for c in first] == ["Fjordkafé AS", "Bakeriet Sør AS"]
    calls = env.stats_total()
    # Searching as the cashier types: the cached list, no call to Tripletex.
    assert [c.name for c in search_customers(env.db, env.settings, env.connection_id, "fjord")] == [
        "Fjordkafé AS"
    ]
    assert [c.name for c in search_customers(env.db, env.settings, env.connection_id, "98765")] == [
        "Bakeriet Sør AS"
    ]
    number = first[1].number
    assert search_customers(env.db, env.settings, env.connection_id, str(number))[0].number == number
    assert env.stats_total() == calls
    # Read again: Tripletex answers 304 while nothing changed; a new customer shows after a change.
    connection = connection_of(env.db, env.connection_id)
    with connections.client_for(connection, env.settings) as tx:
        again = list_customers(env.db, env.settings, env.connection_id, client=tx, refresh=True)
        assert again == first and tx.stats.not_modified == 1
        tripletex_customer(env, "Ny Kunde AS", "912345678")
        names = [
            c.name for c in list_customers(env.db, env.settings, env.connection_id, client=tx, refresh=True)
        ]
        assert "Ny Kunde AS" in names and tx.stats.not_modified == 1


def test_a_sale_by_invoice_becomes_an_order_and_an_invoice_with_reference_and_comment(env: Env) -> None:
    pos_setup(env, collective=False)
    customer = tripletex_customer(env, "Fjordkafé AS", "923456783")
    recorded = record_sale(
        env.db,
        env.settings,
        env.connection_id,
        sale("S-1", customer, date(2026, 10, 6), reference="Bord 4 / Kari", comment="Personalmøte"),
    )
    assert recorded.collective is None and str(recorded.total) == "423.00"
    # The POS retries: one sale never makes two invoices.
    with pytest.raises(PosInvoiceError) as taken:
        record_sale(env.db, env.settings, env.connection_id, sale("S-1", customer, date(2026, 10, 6)))
    assert taken.value.message.id == "pos_sale_taken"
    closed = close_batch(env.db, env.connection_id, "2026-10")
    assert closed.batch_id is not None and closed.invoice_count == 1
    result = export_batch(env.db, env.settings, closed.batch_id)
    assert result.ok and result.exported == 1
    with env.api() as api:
        invoices = api.get(
            "/invoice",
            params={
                "invoiceDateFrom": "2026-10-01",
                "invoiceDateTo": "2026-11-01",
                "fields": "id,amount,comment,customer(id),orders(reference,customer(id))",
            },
        ).json()["values"]
    (invoice,) = invoices
    assert invoice["customer"]["id"] == customer["id"] and invoice["amount"] == 423
    assert invoice["comment"] == "Personalmøte"
    assert invoice["orders"][0]["reference"] == "Bord 4 / Kari"


def test_an_unknown_customer_is_refused_with_the_fix(env: Env) -> None:
    pos_setup(env, collective=False)
    with pytest.raises(PosInvoiceError) as refused:
        record_sale(env.db, env.settings, env.connection_id, sale("S-9", {"id": 999999}, date(2026, 10, 6)))
    assert refused.value.message.id == "pos_customer_unknown"
    assert "pos customers" in refused.value.message.fix_en


def _collect_october(env: Env) -> tuple[dict[str, object], dict[str, object]]:
    pos_setup(env, collective=True)
    anna = tripletex_customer(env, "Anna Catering AS", "923456783")
    bjorn = tripletex_customer(env, "Bjørn Bygg AS", "987654325")
    for n, (who, day) in enumerate([(anna, 3), (bjorn, 5), (anna, 12), (anna, 30), (bjorn, 31)]):
        recorded = record_sale(
            env.db, env.settings, env.connection_id, sale(f"S-{n}", who, date(2026, 10, day))
        )
        assert recorded.collective == f"2026-10 · {who['customerNumber']}"
    # The sales are collected, never in an invoice batch.
    assert close_batch(env.db, env.connection_id, "2026-10").batch_id is None
    orders = close_pos_orders(env.db, env.connection_id, "2026-10")
    assert orders.batch_id is not None and orders.count == 5
    sent = export_batch(env.db, env.settings, orders.batch_id)
    assert sent.ok and sent.exported == 5
    assert env.invoices() == []  # orders only, until the period ends
    return anna, bjorn


def test_collective_invoices_at_the_end_of_the_period_one_per_customer(env: Env) -> None:
    _collect_october(env)
    with pytest.raises(PosInvoiceError) as running:
        close_collective_invoices(env.db, env.connection_id, "2026-10", today=date(2026, 10, 31))
    assert running.value.message.id == "pos_period_running"
    closed = close_collective_invoices(env.db, env.connection_id, "2026-10", today=NOVEMBER)
    assert closed.batch_id is not None and closed.count == 2
    result = export_batch(env.db, env.settings, closed.batch_id)
    assert result.ok and result.exported == 2
    invoices = env.invoices()
    assert sorted(len(i["orders"]) for i in invoices) == [2, 3]
    numbers = sorted(i["invoiceNumber"] for i in invoices)
    assert numbers[1] == numbers[0] + 1
    # Nothing is invoiced twice: closing again finds nothing, exporting again skips.
    again = close_collective_invoices(env.db, env.connection_id, "2026-10", today=NOVEMBER)
    assert again.batch_id is None and again.message is not None
    assert again.message.id == "pos_nothing_to_close"
    rerun = export_batch(env.db, env.settings, closed.batch_id)
    assert rerun.exported == 2 and len(env.invoices()) == 2
    with env.db.transaction() as session:
        assert len(q.references_of(session, env.connection_id, ReferenceKind.COLLECTIVE_INVOICE)) == 2


def test_an_order_that_no_longer_matches_is_refused_with_tripletex_reason(env: Env) -> None:
    anna, _ = _collect_october(env)
    # Someone changed one of Anna's orders in Tripletex: another receiver e-mail.
    with env.api() as api:
        orders = api.get(
            "/order",
            params={"orderDateFrom": "2026-10-01", "orderDateTo": "2026-11-01", "customerId": anna["id"]},
        ).json()["values"]
        api.put(f"/order/{orders[-1]['id']}", json={"receiverEmail": "annen@kunde.no"}).raise_for_status()
    closed = close_collective_invoices(env.db, env.connection_id, "2026-10", today=NOVEMBER)
    assert closed.batch_id is not None
    result = export_batch(env.db, env.settings, closed.batch_id)
    assert result.exported == 1 and result.failed == 1
    (failure,) = result.failures
    assert failure.subject_key == f"2026-10 · {anna['customerNumber']}"
    assert "receiver email" in failure.message
    assert len(env.invoices()) == 1


def test_no_bank_account_is_found_before_the_first_invoice(
    database_url: str, tmp_path: Path, sandbox_server: SandboxServer
) -> None:
    settings = make_settings(database_url, tmp_path)
    env = connect_env(Database(settings), settings, new_sandbox_company(sandbox_server, bankAccount=False))
    pos_setup(env, collective=False)
    customer = tripletex_customer(env, "Fjordkafé AS", "923456783")
    record_sale(env.db, env.settings, env.connection_id, sale("S-1", customer, date(2026, 10, 6)))
    closed = close_batch(env.db, env.connection_id, "2026-10")
    assert closed.batch_id is not None
    result = export_batch(env.db, env.settings, closed.batch_id)
    assert result.status is BatchStatus.FAILED
    assert {f.error_id for f in result.failures} == {"no_bank_account"}
    with env.db.transaction() as session:
        assert {i.status for i in q.items_of_batch(session, closed.batch_id)} == {ItemStatus.FAILED}
    env.db.dispose()
