"""The POS invoicing troubleshooter over the sandbox (real HTTP): a collected sale followed through
every stage to its collective invoice, the answer-lost states of the store, an order invoiced by hand
outside the collective invoice, a customer without e-mail or made inactive, no bank account, a
customer deleted in Tripletex."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from tests.fixtures.sandbox import SandboxCompany, new_sandbox_company
from tests.flows.export.conftest import Env, connect_env, make_settings
from tests.flows.posinvoice.conftest import pos_setup, sale, tripletex_customer
from txbridge.flows import connections
from txbridge.flows.diagnose.model import CheckStatus, Outcome
from txbridge.flows.diagnose.pos_invoicing import PosCheck, PosDiagnosis, diagnose_pos
from txbridge.flows.export import export_batch
from txbridge.flows.posinvoice import close_collective_invoices, close_pos_orders, record_sale
from txbridge.sandbox.server import SandboxServer
from txbridge.store import BatchItem, Database, ItemStatus

NOVEMBER = date(2026, 11, 1)
OCTOBER = date(2026, 10, 20)


@pytest.fixture
def env(tmp_path: Path, sqlite_template: Path, sandbox_company: SandboxCompany) -> Iterator[Env]:
    path = tmp_path / "txbridge.db"
    shutil.copyfile(sqlite_template, path)
    settings = make_settings(f"sqlite:///{path}", tmp_path)
    db = Database(settings)
    yield connect_env(db, settings, sandbox_company)
    db.dispose()


def _why(env: Env, key: str, today: date = NOVEMBER) -> PosDiagnosis:
    return diagnose_pos(env.db, env.settings, env.connection_id, key, today=today)


def _failed(diagnosis: PosDiagnosis) -> tuple[PosCheck, str]:
    failed = diagnosis.failed_check
    assert failed is not None and failed.message is not None, diagnosis.to_dict()
    assert diagnosis.outcome is Outcome.FAILED and diagnosis.answer == failed.message
    assert isinstance(failed.check, PosCheck)
    return failed.check, failed.message.id


def _set_item(env: Env, batch_id: int, **values: Any) -> None:
    with env.db.transaction() as session:
        session.execute(update(BatchItem).where(BatchItem.batch_id == batch_id).values(**values))


def _orders_sent(env: Env, customers: list[dict[str, Any]]) -> list[str]:
    """Collective invoice on, one sale per customer and day given, their orders exported."""
    pos_setup(env, collective=True)
    keys = []
    for n, who in enumerate(customers):
        recorded = record_sale(
            env.db, env.settings, env.connection_id, sale(f"S-{n}", who, date(2026, 10, 5 + n))
        )
        assert recorded.collective is not None
        keys.append(recorded.collective)
    closed = close_pos_orders(env.db, env.connection_id, "2026-10")
    assert closed.batch_id is not None
    assert export_batch(env.db, env.settings, closed.batch_id).exported == len(customers)
    return keys


def test_a_collected_sale_is_followed_through_every_stage_to_its_collective_invoice(env: Env) -> None:
    pos_setup(env, collective=False)
    anna = tripletex_customer(env, "Anna Catering AS", "923456783")
    record_sale(env.db, env.settings, env.connection_id, sale("ALONE", anna, date(2026, 10, 2)))
    assert _failed(_why(env, "ALONE")) == (PosCheck.IN_STORE, "pos_sale_invoiced_alone")
    assert _failed(_why(env, "NOPE")) == (PosCheck.IN_STORE, "pos_sale_not_found")

    pos_setup(env, collective=True)
    record_sale(env.db, env.settings, env.connection_id, sale("S-1", anna, date(2026, 10, 6)))
    assert _failed(_why(env, "S-1")) == (PosCheck.ORDERS_SENT, "pos_order_not_in_batch")
    orders = close_pos_orders(env.db, env.connection_id, "2026-10")
    assert orders.batch_id is not None
    assert _failed(_why(env, "POS-S-1")) == (PosCheck.ORDERS_SENT, "batch_not_exported")
    export_batch(env.db, env.settings, orders.batch_id)

    # The order is in Tripletex: the sale waits for the period's end, then for the collective close.
    running = _why(env, "S-1", today=OCTOBER)
    assert _failed(running) == (PosCheck.PERIOD_CLOSED, "pos_period_running")
    assert running.result(PosCheck.ORDERS_SENT).status is CheckStatus.PASSED
    assert _failed(_why(env, "S-1")) == (PosCheck.PERIOD_CLOSED, "pos_collective_not_in_batch")
    collect = close_collective_invoices(env.db, env.connection_id, "2026-10", today=NOVEMBER)
    assert collect.batch_id is not None
    key = f"2026-10 · {anna['customerNumber']}"
    assert _failed(_why(env, key)) == (PosCheck.INVOICE_EXPORTED, "batch_not_exported")
    # The answer to the write was lost: in flight, then (looked up, not found) pending again.
    _set_item(env, collect.batch_id, status=ItemStatus.IN_FLIGHT, attempts=1)
    assert _failed(_why(env, key)) == (PosCheck.INVOICE_EXPORTED, "outcome_unknown")
    _set_item(env, collect.batch_id, status=ItemStatus.PENDING)
    lost = _why(env, key)
    assert _failed(lost) == (PosCheck.INVOICE_EXPORTED, "pos_collective_not_made")
    assert f"batch export {collect.batch_id}" in lost.answer.fix_en  # type: ignore[union-attr]
    assert lost.api_calls == 0  # the store answered

    assert export_batch(env.db, env.settings, collect.batch_id).exported == 1
    done = _why(env, "S-1")
    assert done.outcome is Outcome.EXPORTED and done.answer is not None
    assert done.answer.id == "pos_collective_already_invoiced"
    assert [c.status for c in done.checks[:4]] == [CheckStatus.PASSED] * 4


def test_an_order_invoiced_by_hand_then_a_customer_without_email_or_inactive(env: Env) -> None:
    anna = tripletex_customer(env, "Anna Catering AS", "923456783")
    bjorn = tripletex_customer(env, "Bjørn Bygg AS", "987654325")
    _orders_sent(env, [anna, anna, bjorn])
    with env.api() as api:
        found = api.get(
            "/order",
            params={"orderDateFrom": "2026-10-01", "orderDateTo": "2026-11-01", "customerId": anna["id"]},
        ).json()["values"]
        by_hand = found[-1]
        api.put(f"/order/{by_hand['id']}/:invoice", params={"invoiceDate": "2026-10-07"}).raise_for_status()
    collect = close_collective_invoices(env.db, env.connection_id, "2026-10", today=NOVEMBER)
    assert collect.batch_id is not None
    result = export_batch(env.db, env.settings, collect.batch_id)
    assert (result.exported, result.failed) == (1, 1)
    key = f"2026-10 · {anna['customerNumber']}"

    elsewhere = _why(env, key)
    assert _failed(elsewhere) == (PosCheck.ORDERS_OPEN, "pos_order_invoiced_elsewhere")
    assert f"order {by_hand['number']} (sale POS-S-1)" in elsewhere.answer.en  # type: ignore[union-attr]
    assert elsewhere.result(PosCheck.INVOICE_EXPORTED).status is CheckStatus.PASSED  # failed item: go on
    assert elsewhere.api_calls <= 6

    # The invoice is to be e-mailed, but the customer has no address any more.
    connections.update_settings(
        env.db, env.connection_id, send_to_customer=True, prices_include_vat=False, batch_size=100
    )
    with env.api() as api:
        api.put(f"/customer/{anna['id']}", json={"email": "", "invoiceEmail": ""}).raise_for_status()
    assert _failed(_why(env, "S-0")) == (PosCheck.SEND_TO_CUSTOMER, "pos_customer_no_email")
    with env.api() as api:
        api.put(f"/customer/{anna['id']}", json={"isInactive": True}).raise_for_status()
    inactive = _why(env, key)
    assert _failed(inactive) == (PosCheck.CUSTOMER, "pos_customer_inactive")
    assert "`txbridge batch reset" in inactive.answer.fix_en  # type: ignore[union-attr]


def test_no_bank_account_and_a_customer_deleted_in_tripletex(
    tmp_path: Path, sqlite_template: Path, sandbox_server: SandboxServer
) -> None:
    path = tmp_path / "txbridge.db"
    shutil.copyfile(sqlite_template, path)
    settings = make_settings(f"sqlite:///{path}", tmp_path)
    env = connect_env(Database(settings), settings, new_sandbox_company(sandbox_server, bankAccount=False))
    pos_setup(env, collective=True)
    anna = tripletex_customer(env, "Anna Catering AS", "923456783")
    record_sale(env.db, env.settings, env.connection_id, sale("S-1", anna, date(2026, 10, 6)))
    orders = close_pos_orders(env.db, env.connection_id, "2026-10")
    assert orders.batch_id is not None
    assert export_batch(env.db, env.settings, orders.batch_id).failed == 1

    no_bank = _why(env, "S-1")
    assert _failed(no_bank) == (PosCheck.BANK_ACCOUNT, "no_bank_account")
    assert no_bank.result(PosCheck.ORDERS_SENT).status is CheckStatus.PASSED
    assert no_bank.result(PosCheck.PERIOD_CLOSED).status is CheckStatus.NOT_RUN

    with env.api() as api:
        (bank,) = api.get("/ledger/account", params={"number": "1920"}).json()["values"]
        api.put(f"/ledger/account/{bank['id']}", json={"bankAccountNumber": "86011117947"}).raise_for_status()
        api.delete(f"/customer/{anna['id']}").raise_for_status()
    gone = _why(env, "S-1")
    assert _failed(gone) == (PosCheck.CUSTOMER, "pos_customer_gone")
    assert str(anna["customerNumber"]) in gone.answer.en  # type: ignore[union-attr]

    # Fixed in Tripletex: no fault now, and the next step names the reset.
    with env.api() as api:
        api.post(
            "/customer",
            json={"name": "Anna Catering AS", "customerNumber": anna["customerNumber"], "email": "a@b.no"},
        ).raise_for_status()
    clear = _why(env, "S-1")
    assert clear.outcome is Outcome.NO_FAULT_FOUND and clear.next_step is not None
    assert f"batch reset {orders.batch_id}" in clear.next_step.en
    env.db.dispose()
