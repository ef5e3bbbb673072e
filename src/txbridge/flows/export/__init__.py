"""Export in batches, the public entry: batch close, export (few calls, never twice, never lost), the
administrator's reset and clear-reference actions, and payment status read back. One export of a
batch at a time (its export lease; a second one raises ExportAlreadyRunningError).

The export itself is the outbound engine (:mod:`txbridge.flows.outbound`), the same for every kind of
document; invoices are its ``kinds/invoices.py``. This package keeps the invoice pieces the kind builds
on (mapping, master data, currencies, payments) and the batch actions.

    result = close_batch(db, connection_id, "2026-10")
    outcome = export_batch(db, settings, result.batch_id, progress=print)
"""

from txbridge.flows.export.batches import (
    BatchCloseResult,
    BatchNotFoundError,
    InvoiceNotFoundError,
    LeftOut,
    clear_reference,
    close_batch,
    reset_batch,
)
from txbridge.flows.export.mapping import make_marker
from txbridge.flows.export.payments import PaymentsResult, refresh_payments
from txbridge.flows.outbound.engine import (
    ExportProgress,
    ExportResult,
    ItemFailure,
    export_batch,
    export_stats,
)
from txbridge.flows.outbound.lease import (
    BatchLease,
    ExportAlreadyRunningError,
    LeaseHolder,
    lease_holder,
)

__all__ = [
    "BatchCloseResult",
    "BatchLease",
    "BatchNotFoundError",
    "ExportAlreadyRunningError",
    "ExportProgress",
    "ExportResult",
    "InvoiceNotFoundError",
    "ItemFailure",
    "LeaseHolder",
    "LeftOut",
    "PaymentsResult",
    "clear_reference",
    "close_batch",
    "export_batch",
    "export_stats",
    "lease_holder",
    "make_marker",
    "refresh_payments",
    "reset_batch",
]
