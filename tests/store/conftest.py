from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from txbridge.store import (
    Connection,
    Customer,
    Database,
    Environment,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    Product,
    ProductClass,
    TokenCipher,
)


@pytest.fixture
def cipher() -> TokenCipher:
    return TokenCipher(TokenCipher.generate_key())


@pytest.fixture
def connection_id(database: Database, cipher: TokenCipher) -> int:
    """A connection with one customer (10001), one product class (SALG, 3000) and product (P-1)."""
    with database.transaction() as session:
        connection = Connection(
            name="acme", environment=Environment.SANDBOX, base_url="http://127.0.0.1:1/v2"
        )
        connection.set_tokens(
            cipher, consumer_token="consumer-abcdefghijklmnop", employee_token="test-employee-0123456789c3f9"
        )
        session.add(connection)
        session.flush()
        klass = ProductClass(connection_id=connection.id, code="SALG", name="Salg", account_number=3000)
        session.add(klass)
        session.flush()
        session.add(Customer(connection_id=connection.id, number=10001, name="Fjord AS"))
        session.add(
            Product(
                connection_id=connection.id,
                number="P-1",
                name="Service",
                product_class_id=klass.id,
                vat_code=3,
            )
        )
        return connection.id


def add_invoice(
    database: Database,
    connection_id: int,
    number: str,
    invoice_date: date,
    *,
    status: InvoiceStatus = InvoiceStatus.READY,
) -> int:
    with database.transaction() as session:
        from txbridge.store import queries

        customer = queries.customer_by_number(session, connection_id, 10001)
        product = queries.product_by_number(session, connection_id, "P-1")
        assert customer is not None and product is not None
        invoice = Invoice(
            connection_id=connection_id,
            number=number,
            invoice_date=invoice_date,
            due_date=invoice_date,
            customer_id=customer.id,
            status=status,
            lines=[
                InvoiceLine(
                    line_no=1,
                    product_id=product.id,
                    description="Arbeid",
                    quantity=Decimal("1.5"),
                    unit_price=Decimal("1000.10"),
                    vat_code=3,
                )
            ],
        )
        session.add(invoice)
        session.flush()
        return invoice.id
