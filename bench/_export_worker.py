"""One measured step of the export benchmark, in its own process (clean ``ru_maxrss``).

    python bench/_export_worker.py prepare DB DATA BASE_URL   # connect, import, batch close (not measured)
    python bench/_export_worker.py export DB [--tracemalloc]  # the engine's batch export (measured)
    python bench/_export_worker.py naive DATA BASE_URL        # per invoice: customer, order, invoice

Tokens come in TXBRIDGE_BENCH_CONSUMER / TXBRIDGE_BENCH_EMPLOYEE, the store key in TXBRIDGE_SECRET_KEY
(never on the command line). The last line of stdout is a JSON object with the figures."""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
import tracemalloc
from datetime import date
from pathlib import Path
from typing import Any

from txbridge.flows import connections
from txbridge.flows.export import close_batch, export_batch
from txbridge.flows.intake import import_data
from txbridge.settings import Settings
from txbridge.store import Database, Environment
from txbridge.tripletex import NotFoundError, Tripletex

PERIOD = "2026-10"


def _settings(db_url: str) -> Settings:
    return Settings(database_url=db_url, secret_key=os.environ["TXBRIDGE_SECRET_KEY"])


def _maxrss_mb() -> float:
    # Linux reports kilobytes.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def prepare(db_url: str, data_file: Path, base_url: str) -> dict[str, Any]:
    settings = _settings(db_url)
    database = Database.open(settings)
    try:
        connection = connections.connect(
            database,
            settings,
            name="bench",
            environment=Environment.SANDBOX,
            consumer_token=os.environ["TXBRIDGE_BENCH_CONSUMER"],
            employee_token=os.environ["TXBRIDGE_BENCH_EMPLOYEE"],
            base_url=base_url,
        )
        connections.approve(database, connection.id)
        started = time.perf_counter()
        report = import_data(database, connection.id, json.loads(data_file.read_text(encoding="utf-8")))
        if not report.all_accepted:
            raise SystemExit(f"import rejected items: {report.rejections[:3]}")
        imported = time.perf_counter() - started
        closed = close_batch(database, connection.id, PERIOD)
        return {"batchId": closed.batch_id, "invoices": closed.invoice_count, "importSeconds": imported}
    finally:
        database.dispose()


def export(db_url: str, batch_id: int, *, trace: bool) -> dict[str, Any]:
    settings = _settings(db_url)
    database = Database.open(settings)
    try:
        if trace:
            tracemalloc.start()
        started = time.perf_counter()
        result = export_batch(database, settings, batch_id)
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] / 2**20 if trace else None
        return {
            "exported": result.exported,
            "failed": result.failed,
            "skipped": result.skipped,
            "stopped": None if result.stopped is None else result.stopped.en,
            "calls": result.api_calls,
            "rateLimitPauses": result.rate_limit_pauses,
            "seconds": seconds,
            "tracemallocPeakMb": peak,
            "maxrssMb": _maxrss_mb(),
            "byEndpoint": result.stats.get("by_endpoint", {}),
        }
    finally:
        database.dispose()


def naive(data_file: Path, base_url: str) -> dict[str, Any]:
    """What most integrations do: one invoice at a time, looking up its customer every time."""
    data = json.loads(data_file.read_text(encoding="utf-8"))
    customers = {c["number"]: c for c in data["customers"]}
    with Tripletex(
        consumer_token=os.environ["TXBRIDGE_BENCH_CONSUMER"],
        employee_token=os.environ["TXBRIDGE_BENCH_EMPLOYEE"],
        base_url=base_url,
    ) as tx:
        started = time.perf_counter()
        vat_ids = {
            str(v.number): v.id for v in tx.ledger.vat_types.list(fields="id,number", count=1000).values
        }
        product_ids: dict[str, int] = {}
        for product in data["products"]:
            created = tx.request(
                "POST",
                "/product",
                json={
                    "number": product["number"],
                    "name": product["name"],
                    "vatType": {"id": vat_ids[str(product["vatCode"])]},
                },
            )
            product_ids[product["number"]] = created["value"]["id"]
        for invoice in data["invoices"]:
            number = invoice["customerNumber"]
            found = tx.customers.list(customerAccountNumber=str(number), fields="id", count=1).values
            if found and found[0].id is not None:
                customer_id = found[0].id
            else:
                row = customers[number]
                body = {"name": row["name"], "customerNumber": number}
                if row.get("organizationNumber"):
                    body["organizationNumber"] = row["organizationNumber"]
                customer_id = tx.request("POST", "/customer", json=body)["value"]["id"]
            including = bool(invoice.get("pricesIncludeVat"))
            price_field = "unitPriceIncludingVatCurrency" if including else "unitPriceExcludingVatCurrency"
            order = tx.request(
                "POST",
                "/order",
                json={
                    "customer": {"id": customer_id},
                    "orderDate": invoice["invoiceDate"],
                    "deliveryDate": invoice["invoiceDate"],
                    "isPrioritizeAmountsIncludingVat": including,
                    "orderLines": [
                        {
                            "product": {"id": product_ids[line["productNumber"]]},
                            "count": line["quantity"],
                            price_field: float(line["unitPrice"]),
                            "vatType": {"id": vat_ids[str(line["vatCode"])]},
                        }
                        for line in invoice["lines"]
                    ],
                },
            )
            tx.orders.invoice(order["value"]["id"], invoice_date=date.fromisoformat(invoice["invoiceDate"]))
        seconds = time.perf_counter() - started
        return {
            "invoices": len(data["invoices"]),
            "calls": tx.stats.calls,
            "seconds": seconds,
            "maxrssMb": _maxrss_mb(),
        }


def main() -> int:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="mode", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("db")
    p.add_argument("data", type=Path)
    p.add_argument("base_url")
    e = sub.add_parser("export")
    e.add_argument("db")
    e.add_argument("batch_id", type=int)
    e.add_argument("--tracemalloc", action="store_true")
    n = sub.add_parser("naive")
    n.add_argument("data", type=Path)
    n.add_argument("base_url")
    args = parser.parse_args()
    if args.mode == "prepare":
        out = prepare(args.db, args.data, args.base_url)
    elif args.mode == "export":
        out = export(args.db, args.batch_id, trace=args.tracemalloc)
    else:
        out = naive(args.data, args.base_url)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except NotFoundError as exc:  # pragma: no cover - reported, not hidden
        print(f"Tripletex answered 404: {exc}", file=sys.stderr)
        sys.exit(1)
