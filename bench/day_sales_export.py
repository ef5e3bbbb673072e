"""Day sales export: 365 days × 3 locations (1,095 Z-reports) of a café through the day-sales kind.

The sandbox runs in a thread on loopback; the store is a fresh SQLite file. The year is closed into
one batch per month (12 batches) and each is exported; figures: API calls per voucher (the client's
count and the sandbox's ``/_sandbox/stats``), wall time of the exports, vouchers per second, and a
count in Tripletex that every day is there exactly once (by ``externalVoucherNumber``).

Tripletex has no bulk create for vouchers (v2.72: ``PUT /ledger/voucher/list`` only updates), so one
call per voucher is the floor; the rest is per batch: the preflight (chart with VAT types, accounting
periods: 2 reads) and the session (create, close). Target: ≤ 1.05 calls per voucher (a month of 3
locations: 1 + 4/91).

Run: ``.venv/bin/python bench/day_sales_export.py [--days 365] [--locations 3]``; ``make bench``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import httpx

from txbridge.flows import connections
from txbridge.flows.daysales import import_day_sales
from txbridge.flows.daysales import setup as pos
from txbridge.flows.daysales.batches import close_day_sales
from txbridge.flows.export import export_batch
from txbridge.samples import day_sales as sample
from txbridge.sandbox.server import SandboxServer
from txbridge.settings import Settings
from txbridge.store import Database, PosAccountGroup, TokenCipher

TARGET_CALLS_PER_VOUCHER = 1.05
LOCATIONS = ("Storgata", "Torget", "Bryggen", "Solsiden", "Sentrum")
FIRST = date(2025, 1, 1)


def _mapping() -> dict[PosAccountGroup, dict[str, int]]:
    mapping = {group: dict(keys) for group, keys in sample.MAPPING.items()}
    mapping[PosAccountGroup.PRODUCT_GROUP]["dessert"] = 3000
    mapping[PosAccountGroup.TAKEAWAY_GROUP]["drinks"] = 3001
    return mapping


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--locations", type=int, default=3)
    args = parser.parse_args()
    locations = LOCATIONS[: args.locations]
    days = [FIRST + timedelta(days=n) for n in range(args.days)]
    with tempfile.TemporaryDirectory() as folder, SandboxServer() as server:
        settings = Settings(
            database_url=f"sqlite:///{Path(folder) / 'bench.db'}",
            secret_key=TokenCipher.generate_key().decode(),
        )
        company = httpx.post(
            f"{server.control_url}/companies", json={"name": "Kafé Bench AS"}, timeout=10
        ).json()
        db = Database.open(settings)
        connection = connections.connect(
            db, settings, name="bench", environment="sandbox",
            consumer_token=company["consumerToken"], employee_token=company["employeeToken"],
            base_url=server.base_url,
        )  # fmt: skip
        connections.approve(db, connection.id)
        pos.save(db, connection.id, start_date=FIRST, mappings=_mapping(), by="bench")
        started = time.perf_counter()
        reports = [sample.z_report(loc, day) for day in days for loc in locations]
        report = import_day_sales(db, connection.id, reports)
        intake_seconds = time.perf_counter() - started
        assert report.all_accepted, report.rejections[:3]
        sandbox_before = httpx.get(
            f"{server.control_url}/stats", params={"companyId": company["companyId"]}
        ).json()["total"]
        periods = sorted({d.strftime("%Y-%m") for d in days})
        exported = calls = 0
        started = time.perf_counter()
        for period in periods:
            closed = close_day_sales(db, connection.id, period)
            assert closed.batch_id is not None
            result = export_batch(db, settings, closed.batch_id)
            assert result.stopped is None and result.failed == 0, (result.stopped, result.failures[:3])
            exported += result.exported
            calls += result.api_calls
        seconds = time.perf_counter() - started
        sandbox_calls = (
            httpx.get(f"{server.control_url}/stats", params={"companyId": company["companyId"]}).json()[
                "total"
            ]
            - sandbox_before
        )
        with connections.client_for(connection, settings) as client:
            markers = Counter(
                v.externalVoucherNumber
                for v in client.ledger.vouchers.iter(
                    date_from=days[0], date_to=days[-1] + timedelta(days=1), fields="externalVoucherNumber"
                )
                if v.externalVoucherNumber
            )
        db.dispose()
    once = len(markers) == len(reports) and set(markers.values()) == {1}
    per_voucher = calls / exported
    print(
        f"days × locations: {args.days} × {len(locations)} = {len(reports)} Z-reports "
        f"({len(periods)} batches)"
    )
    print(f"intake: {intake_seconds:.1f} s")
    print(f"exported: {exported} vouchers in {seconds:.1f} s ({exported / seconds:.1f} vouchers/s)")
    print(f"API calls: {calls} by the client, {sandbox_calls} seen by the sandbox")
    print(f"calls per voucher: {per_voucher:.4f} (target ≤ {TARGET_CALLS_PER_VOUCHER})")
    print(f"in Tripletex: {len(markers)} day vouchers, {'each exactly once' if once else 'NOT once'}")
    return 0 if once and per_voucher <= TARGET_CALLS_PER_VOUCHER else 1


if __name__ == "__main__":
    raise SystemExit(main())
