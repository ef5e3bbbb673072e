"""Intake: host data (customers, product classes, products, invoices) into the store, item by item.

    report = import_file(database, connection_id, Path("invoices.json"))
    report.counts["invoices"].created, report.rejections

JSON: ``{"productClasses": [...], "customers": [...], "products": [...], "invoices": [...]}`` with
camelCase keys (see :mod:`txbridge.flows.intake.schemas`); CSV: one kind per file, invoices one row
per line with the invoice columns repeated."""

from txbridge.flows.intake.files import KINDS, IntakeFileError, detect_kind, kind_name, load_file
from txbridge.flows.intake.importer import (
    ConnectionNotFoundError,
    ImportReport,
    Intake,
    KindCounts,
    Rejection,
    import_data,
    import_file,
)
from txbridge.flows.intake.schemas import (
    OUTPUT_VAT_CODES,
    CustomerIn,
    InvoiceIn,
    InvoiceLineIn,
    ProductClassIn,
    ProductIn,
)

__all__ = [
    "KINDS",
    "OUTPUT_VAT_CODES",
    "ConnectionNotFoundError",
    "CustomerIn",
    "ImportReport",
    "Intake",
    "IntakeFileError",
    "InvoiceIn",
    "InvoiceLineIn",
    "KindCounts",
    "ProductClassIn",
    "ProductIn",
    "Rejection",
    "detect_kind",
    "import_data",
    "import_file",
    "kind_name",
    "load_file",
]
