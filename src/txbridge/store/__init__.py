"""The store: SQLAlchemy 2 models, Alembic migrations, token encryption and small query helpers.

Knows tables, nothing about HTTP. Start with :class:`Database`::

    db = Database(settings)          # or Database.from_url("postgresql+psycopg://…")
    db.migrate()                     # Alembic upgrade head, at start-up
    with db.transaction() as session:
        ...
"""

from txbridge.store.crypto import TokenCipher, TokenKeyError, mask_token
from txbridge.store.database import Database
from txbridge.store.models import (
    Base,
    Batch,
    BatchStatus,
    Connection,
    ConnectionState,
    Customer,
    Environment,
    IntegrationReference,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    LogEntry,
    LogLevel,
    PaymentStatus,
    Posting,
    PostingStatus,
    Product,
    ProductClass,
    ReferenceKind,
    period_bounds,
    period_of,
)

__all__ = [
    "Base",
    "Batch",
    "BatchStatus",
    "Connection",
    "ConnectionState",
    "Customer",
    "Database",
    "Environment",
    "IntegrationReference",
    "Invoice",
    "InvoiceLine",
    "InvoiceStatus",
    "LogEntry",
    "LogLevel",
    "PaymentStatus",
    "Posting",
    "PostingStatus",
    "Product",
    "ProductClass",
    "ReferenceKind",
    "TokenCipher",
    "TokenKeyError",
    "mask_token",
    "period_bounds",
    "period_of",
]
