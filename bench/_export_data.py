"""Synthetic host data for the export benchmark, in the intake's JSON format (deterministic)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from txbridge.samples.generate import organization_number

#: (class code, account number a new Tripletex company has, VAT code of its products)
CLASSES: tuple[tuple[str, int, int], ...] = (
    ("ARBEID", 3000, 3),
    ("UTLEIE", 3620, 3),
    ("SERVERING", 3001, 31),
    ("TRANSPORT", 3002, 33),
    ("AVGIFTSFRI", 3100, 5),
    ("LOKALER", 3600, 6),
)
VAT_RATES = {3: 25, 31: 15, 33: 12, 5: 0, 6: 0}
PERIOD = "2026-10"


def generate(invoices: int, *, customers: int = 300, products: int = 50, seed: int = 4) -> dict[str, Any]:
    rng = random.Random(seed)
    classes = [{"code": code, "name": code.title(), "accountNumber": account} for code, account, _ in CLASSES]
    orgs: set[str] = set()
    customer_rows: list[dict[str, Any]] = []
    for i in range(customers):
        number = 20_000 + i
        if i % 6 == 5:
            customer_rows.append({"number": number, "name": f"Privatkunde {i}", "isPrivatePerson": True})
            continue
        org = organization_number(rng)
        while org in orgs:
            org = organization_number(rng)
        orgs.add(org)
        customer_rows.append(
            {
                "number": number,
                "name": f"Bedrift {i} AS",
                "organizationNumber": org,
                "email": f"post{i}@example.no",
                "postalCode": "0150",
                "city": "Oslo",
            }
        )
    product_rows: list[dict[str, Any]] = []
    for i in range(products):
        code, _account, vat = CLASSES[i % len(CLASSES)]
        product_rows.append(
            {
                "number": f"P-{i:03d}",
                "name": f"Vare {i}",
                "productClassCode": code,
                "vatCode": vat,
                "unitPrice": f"{rng.randrange(50, 5000)}.00",
            }
        )
    start = date(2026, 10, 1)
    invoice_rows: list[dict[str, Any]] = []
    for i in range(invoices):
        day = start + timedelta(days=rng.randrange(31))
        include_vat = rng.random() < 0.3
        lines = []
        for _ in range(rng.randrange(1, 4)):
            product = rng.choice(product_rows)
            price = rng.randrange(100, 20_000)
            if include_vat:
                price = price * (100 + VAT_RATES[product["vatCode"]]) // 100
            lines.append(
                {
                    "productNumber": product["number"],
                    "quantity": rng.randrange(1, 10),
                    "unitPrice": f"{price}.00",
                    "vatCode": product["vatCode"],
                }
            )
        invoice_rows.append(
            {
                "number": str(500_000 + i),
                "invoiceDate": day.isoformat(),
                "dueDate": (day + timedelta(days=14)).isoformat(),
                "customerNumber": rng.choice(customer_rows)["number"],
                "pricesIncludeVat": include_vat,
                "lines": lines,
            }
        )
    return {
        "productClasses": classes,
        "customers": customer_rows,
        "products": product_rows,
        "invoices": invoice_rows,
    }
