"""A small connected world for troubleshooter and CLI tests: a sandbox company, a stored connection
to it, and host data with one invoice per kind of defect."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from tests.fixtures.sandbox import SandboxCompany
from txbridge.flows.intake import import_data
from txbridge.settings import Settings
from txbridge.store import Connection, ConnectionState, Database, Environment, TokenCipher


@dataclass(frozen=True)
class World:
    database: Database
    settings: Settings
    connection_id: int
    company: SandboxCompany


def settings_for(database_url: str) -> Settings:
    return Settings(database_url=database_url, secret_key=TokenCipher.generate_key().decode())


def add_connection(
    database: Database,
    settings: Settings,
    company: SandboxCompany,
    *,
    name: str = "demo",
    state: ConnectionState = ConnectionState.ACTIVE,
    employee_token: str | None = None,
    token_expires_on: date | None = None,
) -> int:
    cipher = TokenCipher.from_settings(settings)
    with database.transaction() as session:
        connection = Connection(
            name=name,
            environment=Environment.SANDBOX,
            base_url=company.base_url,
            tripletex_company_id=0,
            company_name="Sandbox AS",
            state=state,
            token_expires_on=token_expires_on,
        )
        connection.set_tokens(
            cipher,
            consumer_token=company.consumer_token,
            employee_token=employee_token or company.employee_token,
        )
        session.add(connection)
        session.flush()
        return connection.id


def _line(product: str, price: str, vat: int) -> dict[str, Any]:
    return {"productNumber": product, "quantity": 1, "unitPrice": price, "vatCode": vat}


def _invoice(number: str, day: str, customer: int, *lines: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "number": number,
        "invoiceDate": day,
        "dueDate": day[:8] + "30",
        "customerNumber": customer,
        "lines": list(lines),
        **extra,
    }


def payload() -> dict[str, list[dict[str, Any]]]:
    """Invoices named after what is wrong with them (``OK-…`` have nothing wrong)."""
    return {
        "productClasses": [
            {"code": "ARBEID", "name": "Arbeid", "accountNumber": 3000},
            {"code": "KURS", "name": "Kurs", "accountNumber": 3099},
            {"code": "FEILMVA", "name": "Feil mva", "accountNumber": 3050},
        ],
        "customers": [
            {"number": 10001, "name": "Fjordkraft Service AS", "organizationNumber": "974760673"},
            {"number": 10002, "name": "Kari Nordmann", "isPrivatePerson": True},
            {"number": 10003, "name": "Bryggen Kjøkken AS", "organizationNumber": "965651845"},
            {"number": 10004, "name": "Tvilling A AS", "organizationNumber": "896856995"},
            {"number": 10005, "name": "Tvilling B AS", "organizationNumber": "896856995"},
        ],
        "products": [
            {"number": "A-1", "name": "Montasje", "productClassCode": "ARBEID", "vatCode": 3},
            {"number": "K-1", "name": "Kurs", "productClassCode": "KURS", "vatCode": 3},
            {"number": "F-1", "name": "Feil", "productClassCode": "FEILMVA", "vatCode": 3},
        ],
        "invoices": [
            _invoice("OK-1", "2026-10-03", 10001, _line("A-1", "950.00", 3)),
            _invoice("OK-2", "2026-10-04", 10002, _line("A-1", "1187.50", 3), pricesIncludeVat=True),
            _invoice("SEPT-1", "2026-09-29", 10001, _line("A-1", "100.00", 3)),
            _invoice("DRAFT-1", "2026-10-05", 10001, _line("A-1", "100.00", 3), status="draft"),
            _invoice("KURS-1", "2026-10-06", 10001, _line("A-1", "100.00", 3), _line("K-1", "500.00", 3)),
            _invoice("MVA-1", "2026-10-07", 10001, _line("F-1", "100.00", 3)),
            _invoice("CUST-1", "2026-10-08", 10003, _line("A-1", "100.00", 3)),
            _invoice("TWIN-1", "2026-10-09", 10005, _line("A-1", "100.00", 3)),
        ],
    }


def build_world(database: Database, settings: Settings, company: SandboxCompany, **kw: Any) -> World:
    connection_id = add_connection(database, settings, company, **kw)
    report = import_data(database, connection_id, payload())
    assert report.all_accepted, report.rejections
    return World(database, settings, connection_id, company)
