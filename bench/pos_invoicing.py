"""POS invoicing: sales «by invoice» for 100 Tripletex customers, invoiced one by one and collected
into collective invoices at the period's end.

The sandbox runs in a thread on loopback; the store is a fresh SQLite file. Two runs on one company:

* single: collective invoice off, ``--sales`` sales recorded and closed into one invoice batch, exported
  by the invoice kind (order and invoice in one ``POST /invoice/list`` per chunk);
* collective: collective invoice on, ``--sales`` more sales recorded for the same customers; their
  orders sent (``pos_order`` kind, ``POST /order/list``), then one collective invoice per customer at
  the period's end (``collective_invoice`` kind, one ``PUT /order/:invoiceMultipleOrders`` each).

Figures: API calls per sale and per collective invoice (the client's count and the sandbox's), wall
time of recording and of each export, peak memory (``ru_maxrss`` of the process, the sandbox thread
included; ``--trace`` adds tracemalloc's peak of the exports, slower), and a count in Tripletex that
each sale is on exactly one invoice. No assert on time.

Run: ``.venv/bin/python bench/pos_invoicing.py [--sales 2000] [--customers 100] [--trace]``;
``make bench``.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import httpx

from txbridge.flows import connections
from txbridge.flows.daysales import setup as pos
from txbridge.flows.export import ExportResult, close_batch, export_batch
from txbridge.flows.posinvoice import (
    InvoiceSale,
    SaleLine,
    close_collective_invoices,
    close_pos_orders,
    list_customers,
    record_sale,
    set_collective_invoice,
)
from txbridge.sandbox.server import SandboxServer
from txbridge.settings import Settings
from txbridge.store import Database, TokenCipher

T = TypeVar("T")
PERIOD = "2026-10"
LINES = (
    SaleLine("Lunsjbuffet", Decimal(2), Decimal("189.00"), 3),
    SaleLine("Kaffe (takeaway)", Decimal(1), Decimal("45.00"), 31),
)


def _measured(trace: bool, work: Callable[[], T]) -> tuple[T, float, float]:
    """``work()``, its wall time and (with ``trace``) tracemalloc's peak in MB."""
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    try:
        done = work()
    finally:
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] / 2**20 if trace else 0.0
        if trace:
            tracemalloc.stop()
    return done, seconds, peak


def _sandbox_calls(server: SandboxServer, company_id: int) -> int:
    stats = httpx.get(f"{server.control_url}/stats", params={"companyId": company_id}, timeout=10).json()
    return int(stats["total"])


def _record(
    db: Database, settings: Settings, connection_id: int, prefix: str, ids: list[int], n: int
) -> float:
    started = time.perf_counter()
    for i in range(n):
        sale = InvoiceSale(f"{prefix}-{i}", date(2026, 10, 1 + i % 31), ids[i % len(ids)], LINES)
        record_sale(db, settings, connection_id, sale)
    return time.perf_counter() - started


def _export(db: Database, settings: Settings, batch_id: int | None) -> ExportResult:
    assert batch_id is not None
    result = export_batch(db, settings, batch_id)
    assert result.stopped is None and result.failed == 0, (result.stopped, result.failures[:3])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sales", type=int, default=2000, help="sales per run (single, then collective)")
    parser.add_argument("--customers", type=int, default=100)
    parser.add_argument("--trace", action="store_true", help="tracemalloc's peak of the exports (slower)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, SandboxServer() as server:
        settings = Settings(
            database_url=f"sqlite:///{Path(folder) / 'bench.db'}",
            secret_key=TokenCipher.generate_key().decode(),
        )
        company = httpx.post(
            f"{server.control_url}/companies", json={"name": "Kantine Bench AS"}, timeout=10
        ).json()
        db = Database.open(settings)
        connection = connections.connect(
            db, settings, name="bench", environment="sandbox",
            consumer_token=company["consumerToken"], employee_token=company["employeeToken"],
            base_url=server.base_url,
        )  # fmt: skip
        connections.approve(db, connection.id)
        pos.save(db, connection.id, start_date=date(2026, 10, 1), by="bench")
        with connections.client_for(connection, settings) as client:
            client.customers.create_many(
                [
                    {"name": f"Kunde {n:03d} AS", "email": f"faktura{n}@kunde.no"}
                    for n in range(args.customers)
                ]
            )
        ids = [c.tripletex_id for c in list_customers(db, settings, connection.id, refresh=True)]
        figures: dict[str, Any] = {}

        set_collective_invoice(db, connection.id, False, by="bench")
        figures["single_record_s"] = _record(db, settings, connection.id, "S", ids, args.sales)
        before = _sandbox_calls(server, company["companyId"])
        closed = close_batch(db, connection.id, PERIOD)
        single, figures["single_s"], figures["single_peak"] = _measured(
            args.trace, lambda: _export(db, settings, closed.batch_id)
        )
        figures["single_sandbox"] = _sandbox_calls(server, company["companyId"]) - before

        set_collective_invoice(db, connection.id, True, by="bench")
        figures["collected_record_s"] = _record(db, settings, connection.id, "C", ids, args.sales)
        before = _sandbox_calls(server, company["companyId"])
        orders_batch = close_pos_orders(db, connection.id, PERIOD)
        orders, figures["orders_s"], figures["orders_peak"] = _measured(
            args.trace, lambda: _export(db, settings, orders_batch.batch_id)
        )
        figures["orders_sandbox"] = _sandbox_calls(server, company["companyId"]) - before
        before = _sandbox_calls(server, company["companyId"])
        ended = close_collective_invoices(db, connection.id, PERIOD, today=date(2026, 11, 1))
        collective, figures["collective_s"], figures["collective_peak"] = _measured(
            args.trace, lambda: _export(db, settings, ended.batch_id)
        )
        figures["collective_sandbox"] = _sandbox_calls(server, company["companyId"]) - before

        with connections.client_for(connection, settings) as client:
            invoices = list(
                client.invoices.iter(
                    invoiceDateFrom=date(2026, 10, 1), invoiceDateTo=date(2026, 11, 1), fields="id,orders(id)"
                )
            )
        db.dispose()
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    orders_on = Counter(o.id for i in invoices for o in i.orders or [])
    collective_invoices = [i for i in invoices if len(i.orders or []) > 1]
    once = set(orders_on.values()) == {1} and len(orders_on) == 2 * args.sales
    print(f"sales: {args.sales} single + {args.sales} collected, for {args.customers} customers ({PERIOD})")
    print(
        f"single invoices: {single.exported} in {figures['single_s']:.1f} s "
        f"({single.exported / figures['single_s']:.0f}/s); recording {figures['single_record_s']:.1f} s"
    )
    print(
        f"  API calls: {single.api_calls} by the client, {figures['single_sandbox']} seen by the sandbox; "
        f"{single.api_calls / single.exported:.4f} per sale"
    )
    print(
        f"collected sales as orders: {orders.exported} in {figures['orders_s']:.1f} s "
        f"({orders.exported / figures['orders_s']:.0f}/s); recording {figures['collected_record_s']:.1f} s"
    )
    print(
        f"  API calls: {orders.api_calls} by the client, {figures['orders_sandbox']} seen by the sandbox; "
        f"{orders.api_calls / orders.exported:.4f} per sale"
    )
    print(
        f"collective invoices at the period's end: {collective.exported} in {figures['collective_s']:.1f} s "
        f"({len(collective_invoices)} in Tripletex, {args.sales // max(1, collective.exported)} orders each)"
    )
    print(
        f"  API calls: {collective.api_calls} by the client, {figures['collective_sandbox']} seen by the "
        f"sandbox; {collective.api_calls / collective.exported:.3f} per collective invoice"
    )
    total_calls = orders.api_calls + collective.api_calls
    print(f"  collective path per sale (orders + invoices): {total_calls / args.sales:.4f} calls")
    if args.trace:
        print(
            f"peak memory (tracemalloc, exports): single {figures['single_peak']:.1f} MB, orders "
            f"{figures['orders_peak']:.1f} MB, collective {figures['collective_peak']:.1f} MB"
        )
    print(f"peak memory (ru_maxrss, whole process with the sandbox): {peak_rss_mb:.0f} MB")
    print(f"in Tripletex: {len(orders_on)} orders on invoices, {'each exactly once' if once else 'NOT once'}")
    return 0 if once else 1


if __name__ == "__main__":
    raise SystemExit(main())
