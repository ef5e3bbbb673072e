"""The store: SQLAlchemy 2 models, Alembic migrations, token encryption and small query helpers.

Knows tables, nothing about HTTP. Start with :class:`Database`::

    db = Database(settings)          # or Database.from_url("postgresql+psycopg://…")
    db.migrate()                     # Alembic upgrade head, at start-up
    with db.transaction() as session:
        ...

Crash-safe export with the helpers in :mod:`txbridge.store.queries` — one short transaction per step:

1. ``record_intent(session, posting, marker)`` and commit, *before* the write to Tripletex;
2. write to Tripletex (the marker goes on the order/invoice);
3. ``record_exported(session, posting, connection_id, tripletex_id=…, …)`` and
   ``refresh_batch(session, batch)`` in one transaction.

After a crash, ``items_in_flight(session, connection_id)`` lists what to reconcile (search
Tripletex for the marker) before anything is sent again. Many references at once:
``upsert_references`` (one ``INSERT … ON CONFLICT`` statement, safe when two writers meet).
"""

from txbridge.store.crypto import SecretKeyRequiredError, TokenCipher, TokenKeyError, mask_token
from txbridge.store.database import Database, register_schema_step
from txbridge.store.errors import SchemaNotCurrentError, StoreSetupError
from txbridge.store.models import (  # two-way sync
    ApiKey,
    ApiKeyConnection,
    Base,
    Batch,
    BatchItem,
    BatchStatus,
    ChangeAction,
    ChangeFeedEntry,
    CollectiveInvoice,
    Connection,
    ConnectionState,
    Customer,
    DaySale,
    DaySaleLine,
    DaySaleLineType,
    DeliveryState,
    Environment,
    ExportLease,
    HeldDecision,
    HeldMatch,
    HostObject,
    HostWebhookDelivery,
    HostWebhookEndpoint,
    HoursEntry,
    HoursState,
    IdempotentRequest,
    IntegrationReference,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    ItemStatus,
    LogEntry,
    LogLevel,
    OutboundKind,
    PaymentStatus,
    PosAccount,
    PosAccountGroup,
    PosCustomerList,
    PosSetup,
    Product,
    ProductClass,
    ReferenceKind,
    SignInThrottle,
    SyncCursor,
    SyncDirection,
    SyncLink,
    SyncLinkState,
    SyncLogEntry,
    SyncOutcome,
    SyncResource,
    TripletexObject,
    UserAccount,
    UserRole,
    WebSession,
    period_bounds,
    period_of,
)

__all__ = [
    "ApiKey",
    "ApiKeyConnection",
    "Base",
    "Batch",
    "BatchItem",
    "BatchStatus",
    "ChangeAction",
    "ChangeFeedEntry",
    "CollectiveInvoice",
    "Connection",
    "ConnectionState",
    "Customer",
    "Database",
    "DaySale",
    "DaySaleLine",
    "DaySaleLineType",
    "DeliveryState",
    "Environment",
    "ExportLease",
    "HeldDecision",
    "HeldMatch",
    "HostObject",
    "HostWebhookDelivery",
    "HostWebhookEndpoint",
    "HoursEntry",
    "HoursState",
    "IdempotentRequest",
    "IntegrationReference",
    "Invoice",
    "InvoiceLine",
    "InvoiceStatus",
    "ItemStatus",
    "LogEntry",
    "LogLevel",
    "OutboundKind",
    "PaymentStatus",
    "PosAccount",
    "PosAccountGroup",
    "PosCustomerList",
    "PosSetup",
    "Product",
    "ProductClass",
    "ReferenceKind",
    "SchemaNotCurrentError",
    "SecretKeyRequiredError",
    "SignInThrottle",
    "StoreSetupError",
    "SyncCursor",
    "SyncDirection",
    "SyncLink",
    "SyncLinkState",
    "SyncLogEntry",
    "SyncOutcome",
    "SyncResource",
    "TokenCipher",
    "TokenKeyError",
    "TripletexObject",
    "UserAccount",
    "UserRole",
    "WebSession",
    "mask_token",
    "period_bounds",
    "period_of",
    "register_schema_step",
]
