from __future__ import annotations

from typing import Any

import pytest

from txbridge.store import Connection, Database, Environment, TokenCipher


@pytest.fixture
def connection_id(database: Database) -> int:
    cipher = TokenCipher(TokenCipher.generate_key())
    with database.transaction() as session:
        connection = Connection(
            name="acme", environment=Environment.SANDBOX, base_url="http://127.0.0.1:1/v2"
        )
        connection.set_tokens(
            cipher, consumer_token="consumer-token-0001", employee_token="employee-token-0001"
        )
        session.add(connection)
        session.flush()
        return connection.id


def small_payload() -> dict[str, list[dict[str, Any]]]:
    """Two classes, two customers, two products, two invoices: all valid."""
    return {
        "productClasses": [
            {"code": "ARBEID", "name": "Arbeid", "accountNumber": 3000},
            {"code": "MAT", "name": "Mat", "accountNumber": 3001},
        ],
        "customers": [
            {
                "number": 10001,
                "name": "Fjordkraft Service AS",
                "organizationNumber": "974 760 673",
                "email": "post@fjord.example",
                "postalCode": "5003",
                "city": "Bergen",
            },
            {"number": 10002, "name": "Kari Nordmann", "isPrivatePerson": True},
        ],
        "products": [
            {
                "number": "A-1",
                "name": "Montasje, time",
                "productClassCode": "ARBEID",
                "vatCode": 3,
                "unitPrice": "950.00",
            },
            {"number": "M-1", "name": "Lunsj", "productClassCode": "MAT", "vatCode": 31},
        ],
        "invoices": [
            {
                "number": "F-1001",
                "invoiceDate": "2026-10-03",
                "dueDate": "2026-10-17",
                "customerNumber": 10001,
                "lines": [
                    {"productNumber": "A-1", "quantity": "2.5", "unitPrice": "950.00"},
                    {
                        "productNumber": "M-1",
                        "description": "Lunsj til montørene",
                        "quantity": 3,
                        "unitPrice": "129.90",
                        "discount": "10",
                    },
                ],
            },
            {
                "number": "F-1002",
                "invoiceDate": "2026-10-04",
                "dueDate": "2026-10-18",
                "customerNumber": 10002,
                "pricesIncludeVat": True,
                "lines": [{"description": "Reisetillegg", "quantity": 1, "unitPrice": "250", "vatCode": 33}],
            },
        ],
    }
