"""Export tests: a store (SQLite, and PostgreSQL where the test takes ``database_url``), a connection
to a fresh sandbox company over real HTTP, and small host data sets imported through the intake."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fixtures.sandbox import SandboxCompany
from txbridge.flows import connections
from txbridge.flows.intake import import_data
from txbridge.settings import Settings
from txbridge.store import Database, TokenCipher


@dataclass
class Env:
    """One connected company: the store, settings, the connection and the sandbox behind it."""

    db: Database
    settings: Settings
    connection_id: int
    company: SandboxCompany

    def api(self) -> httpx.Client:
        return self.company.client()

    def control(self) -> httpx.Client:
        return self.company.control()

    def invoices(self, start: str = "2026-01-01", end: str = "2027-01-01") -> list[dict[str, Any]]:
        """Every invoice in the sandbox company, with what the assertions need."""
        with self.api() as api:
            response = api.get(
                "/invoice",
                params={
                    "invoiceDateFrom": start,
                    "invoiceDateTo": end,
                    "fields": "id,invoiceNumber,amount,amountExcludingVat,amountOutstanding,isCredited,"
                    "orders(number,isPrioritizeAmountsIncludingVat),voucher(id,number)",
                    "count": 10000,
                },
            )
            response.raise_for_status()
            values: list[dict[str, Any]] = response.json()["values"]
            return values

    def markers(self) -> list[str]:
        return [o["number"] for inv in self.invoices() for o in inv["orders"]]

    def stats_total(self) -> int:
        with self.control() as control:
            body = control.get("/stats", params={"companyId": self.company.company_id}).json()
            return int(body["total"])

    def add_fault(self, **fault: Any) -> None:
        """A fault for this test's company only (the sandbox server is shared by the tests)."""
        with self.control() as control:
            body = {"companyId": self.company.company_id, **fault}
            control.post("/faults", json=body).raise_for_status()


def make_settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        secret_key=TokenCipher.generate_key().decode(),
        key_file=tmp_path / "unused.key",
        error_state_threshold=5,
    )


def connect_env(db: Database, settings: Settings, company: SandboxCompany, *, approve: bool = True) -> Env:
    connection = connections.connect(
        db,
        settings,
        name=f"c{company.company_id}",
        environment="sandbox",
        consumer_token=company.consumer_token,
        employee_token=company.employee_token,
        base_url=company.base_url,
        token_expires_on=date.today() + timedelta(days=300),
    )
    if approve:
        connections.approve(db, connection.id)
    return Env(db, settings, connection.id, company)


@pytest.fixture
def env(database_url: str, tmp_path: Path, sandbox_company: SandboxCompany) -> Iterator[Env]:
    """A connected, approved store (each test runs on SQLite and on PostgreSQL) for a fresh sandbox
    company."""
    settings = make_settings(database_url, tmp_path)
    db = Database(settings)
    yield connect_env(db, settings, sandbox_company)
    db.dispose()


CLASSES = [
    {"code": "ARBEID", "name": "Arbeid", "accountNumber": 3000},
    {"code": "UTLEIE", "name": "Utleie", "accountNumber": 3620},
    {"code": "SERVERING", "name": "Servering", "accountNumber": 3001},
    {"code": "TRANSPORT", "name": "Transport", "accountNumber": 3002},
    {"code": "AVGIFTSFRI", "name": "Avgiftsfritt", "accountNumber": 3100},
]
PRODUCTS = [
    {"number": "ARB-1", "name": "Montørtime", "productClassCode": "ARBEID", "vatCode": 3},
    {"number": "UTL-1", "name": "Lift, døgn", "productClassCode": "UTLEIE", "vatCode": 3},
    {"number": "MAT-1", "name": "Lunsj", "productClassCode": "SERVERING", "vatCode": 31},
    {"number": "TRA-1", "name": "Transport", "productClassCode": "TRANSPORT", "vatCode": 33},
    {"number": "FRI-1", "name": "Avgiftsfri tjeneste", "productClassCode": "AVGIFTSFRI", "vatCode": 5},
]


def org_number(seed: int) -> str:
    """A valid Norwegian organisation number (mod 11 check digit) made from ``seed``."""
    weights = (3, 2, 7, 6, 5, 4, 3, 2)
    base = 91000000 + seed * 7
    while True:
        digits = [int(d) for d in str(base)]
        check = 11 - sum(w * d for w, d in zip(weights, digits, strict=True)) % 11
        if check == 11:
            check = 0
        if check != 10:
            return f"{base}{check}"
        base += 1


ORG_NUMBERS = [org_number(i) for i in range(400)]


def payload(
    invoices: int = 12, customers: int = 4, period: str = "2026-10"
) -> dict[str, list[dict[str, Any]]]:
    """Host data: ``customers`` companies (the last one a private person), ``invoices`` invoices of
    ``period`` cycling through the products, every third one with prices including VAT."""
    year, month = (int(x) for x in period.split("-"))
    people = [
        {
            "number": 10001 + i,
            "name": f"Kunde {i} AS",
            "organizationNumber": ORG_NUMBERS[i % len(ORG_NUMBERS)],
        }
        if i < customers - 1
        else {"number": 10001 + i, "name": "Kari Nordmann", "isPrivatePerson": True}
        for i in range(customers)
    ]
    items = []
    for i in range(invoices):
        day = date(year, month, 1 + i % 27).isoformat()
        first = PRODUCTS[i % len(PRODUCTS)]
        second = PRODUCTS[(i + 2) % len(PRODUCTS)]
        items.append(
            {
                "number": str(500000 + i),
                "invoiceDate": day,
                "dueDate": (date.fromisoformat(day) + timedelta(days=14)).isoformat(),
                "customerNumber": 10001 + i % customers,
                "pricesIncludeVat": i % 3 == 0,
                "lines": [
                    {"productNumber": first["number"], "quantity": 2, "unitPrice": "100.00"},
                    {
                        "productNumber": second["number"],
                        "quantity": "1.5",
                        "unitPrice": "80.00",
                        "discount": "10" if i % 4 == 0 else "0",
                        "description": "Tillegg",
                    },
                ],
            }
        )
    return copy.deepcopy(
        {"productClasses": CLASSES, "customers": people, "products": PRODUCTS, "invoices": items}
    )


def load(env: Env, data: dict[str, list[dict[str, Any]]]) -> None:
    report = import_data(env.db, env.connection_id, data)
    assert report.all_accepted, report.rejections
