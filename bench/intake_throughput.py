"""Intake throughput: 3,000 invoices (with their customers and products) from JSON, then the same
invoices again from a Norwegian CSV (Windows-1252, semicolons, decimal commas, dd.mm.yyyy), into a
fresh SQLite store. Prints wall time and invoices per second for each."""

from __future__ import annotations

import json
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from _export_data import generate
from txbridge.flows.intake import import_file
from txbridge.store import Connection, Database, Environment, TokenCipher

INVOICES = 3000
CSV_COLUMNS = ("number", "invoiceDate", "dueDate", "customerNumber", "pricesIncludeVat", "productNumber")


def _norwegian_csv(invoices: list[dict[str, Any]]) -> bytes:
    rows = [";".join((*CSV_COLUMNS, "quantity", "unitPrice", "vatCode"))]
    for invoice in invoices:
        day = date.fromisoformat(invoice["invoiceDate"]).strftime("%d.%m.%Y")
        due = date.fromisoformat(invoice["dueDate"]).strftime("%d.%m.%Y")
        yes_no = "ja" if invoice["pricesIncludeVat"] else "nei"
        for line in invoice["lines"]:
            price = line["unitPrice"].replace(".", ",")
            cells = (
                invoice["number"],
                day,
                due,
                str(invoice["customerNumber"]),
                yes_no,
                line["productNumber"],
            )
            rows.append(";".join((*cells, str(line["quantity"]), price, str(line["vatCode"]))))
    return ("\r\n".join(rows) + "\r\n").encode("cp1252")


def main() -> int:
    data = generate(INVOICES)
    with tempfile.TemporaryDirectory() as folder:
        database = Database.from_url(f"sqlite:///{Path(folder) / 'bench.db'}")
        database.migrate()
        with database.transaction() as session:
            connection = Connection(
                name="bench", environment=Environment.SANDBOX, base_url="http://127.0.0.1:1/v2"
            )
            key = TokenCipher(TokenCipher.generate_key())
            connection.set_tokens(key, consumer_token="c" * 20, employee_token="e" * 20)
            session.add(connection)
            session.flush()
            connection_id = connection.id
        json_path = Path(folder) / "data.json"
        json_path.write_text(json.dumps(data), encoding="utf-8")
        started = time.perf_counter()
        report = import_file(database, connection_id, json_path)
        json_seconds = time.perf_counter() - started
        assert report.all_accepted, report.rejections[:3]
        # The CSV carries the same invoices: changed numbers, so they are created, not unchanged.
        for invoice in data["invoices"]:
            invoice["number"] = "C" + invoice["number"]
        csv_path = Path(folder) / "fakturaer.csv"
        csv_path.write_bytes(_norwegian_csv(data["invoices"]))
        started = time.perf_counter()
        report = import_file(database, connection_id, csv_path)
        csv_seconds = time.perf_counter() - started
        assert report.all_accepted, report.rejections[:3]
        assert report.counts["invoices"].created == INVOICES
        database.dispose()
    print(
        f"intake JSON: {INVOICES} invoices (+ customers, products) in {json_seconds:.2f} s, "
        f"{INVOICES / json_seconds:.0f} invoices/s"
    )
    print(
        f"intake CSV (Windows-1252, Norwegian formats): {INVOICES} invoices in {csv_seconds:.2f} s, "
        f"{INVOICES / csv_seconds:.0f} invoices/s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
