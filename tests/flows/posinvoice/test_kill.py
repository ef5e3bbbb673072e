"""Never twice for collective invoices: the export of a period's collective invoices (a real
subprocess) is SIGKILLed at many points — before, during and right after ``PUT
/order/:invoiceMultipleOrders`` — and run again until it finishes, on SQLite and PostgreSQL. Each
customer gets exactly one invoice for the period, holding all its orders, and every order is invoiced
once (the orders' own invoice link is how an unknown outcome is looked up)."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path

from tests.fixtures.sandbox import new_sandbox_company
from tests.flows.export.conftest import Env, connect_env, make_settings
from tests.flows.export.test_kill import (
    calls_reached,
    company_calls,
    invoices_above,
    kill_when,
    run_to_end,
    start,
)
from tests.flows.posinvoice.conftest import pos_setup, sale, tripletex_customer
from txbridge.flows.export import export_batch
from txbridge.flows.posinvoice import close_collective_invoices, close_pos_orders, record_sale
from txbridge.sandbox.server import SandboxServer
from txbridge.store import Database, ItemStatus, ReferenceKind
from txbridge.store import queries as q

CUSTOMERS = 3
SALES_EACH = 2
ORGS = ("923456783", "987654325", "912345678", "974760673")


def test_killed_at_many_points_each_customer_gets_one_collective_invoice(
    database_url: str, tmp_path: Path, sandbox_server: SandboxServer
) -> None:
    settings = make_settings(database_url, tmp_path)
    env: Env = connect_env(Database(settings), settings, new_sandbox_company(sandbox_server))
    pos_setup(env, collective=True)
    customers = [tripletex_customer(env, f"Kunde {n} AS", ORGS[n]) for n in range(CUSTOMERS)]
    for n, customer in enumerate(customers):
        for k in range(SALES_EACH):
            one = sale(f"S-{n}-{k}", customer, date(2026, 10, 3 + 10 * k))
            record_sale(env.db, env.settings, env.connection_id, one)
    orders = close_pos_orders(env.db, env.connection_id, "2026-10")
    assert orders.batch_id is not None
    assert export_batch(env.db, env.settings, orders.batch_id).exported == CUSTOMERS * SALES_EACH
    closed = close_collective_invoices(env.db, env.connection_id, "2026-10", today=date(2026, 11, 1))
    assert closed.batch_id is not None and closed.count == CUSTOMERS

    def invoices() -> list[dict[str, object]]:
        with sandbox_server.state.lock:
            return list(sandbox_server.state.companies[env.company.company_id].table("Invoice").values())

    def after_calls(offset: int) -> Callable[[], bool]:
        return calls_reached(sandbox_server, env, company_calls(sandbox_server, env) + offset)

    # Right after Tripletex made the 1st and the 2nd invoice (the answer never reaches the store),
    # then a few calls into a run (session, the lookup of what is in flight, chart, VAT types, a write).
    when: list[Callable[[], Callable[[], bool]]] = [
        lambda: invoices_above(sandbox_server, env, 0),
        lambda: invoices_above(sandbox_server, env, 1),
        *(functools.partial(after_calls, offset) for offset in (3, 5)),
    ]
    kills = 0
    for condition in when:
        process = start(env, closed.batch_id, grace=0)
        if kill_when(process, condition()):
            kills += 1
        else:
            assert process.returncode in (0, 1), process.stderr.read() if process.stderr else ""
    assert kills >= 2
    assert '"stopped": null' in run_to_end(env, closed.batch_id)

    made = invoices()
    assert len(made) == CUSTOMERS
    per_customer = Counter(int(inv["customer"]["id"]) for inv in made)  # type: ignore[index]
    assert set(per_customer.values()) == {1} and len(per_customer) == CUSTOMERS
    invoiced_orders = Counter(ref["id"] for inv in made for ref in inv["orders"])  # type: ignore[attr-defined]
    assert len(invoiced_orders) == CUSTOMERS * SALES_EACH and set(invoiced_orders.values()) == {1}
    with env.db.transaction() as session:
        assert len(q.references_of(session, env.connection_id, ReferenceKind.COLLECTIVE_INVOICE)) == CUSTOMERS
        statuses = Counter(i.status for i in q.items_of_batch(session, closed.batch_id))
    assert statuses == {ItemStatus.EXPORTED: CUSTOMERS}
    env.db.dispose()
