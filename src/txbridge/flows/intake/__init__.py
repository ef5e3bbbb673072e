"""Intake: host data (customers, product classes, products, invoices) into the store, item by item.

    report = import_file(database, connection_id, Path("invoices.json"))
    report.counts["invoices"].created, report.rejections

JSON: ``{"productClasses": [...], "customers": [...], "products": [...], "invoices": [...]}`` with
camelCase keys (see :mod:`txbridge.flows.intake.schemas`); CSV: one kind per file, invoices one row
per line with the invoice columns repeated (and agreeing). Files in UTF-8 (with or without BOM),
UTF-16 with BOM or Windows-1252; see :func:`~txbridge.flows.intake.files.decode`."""

from txbridge.flows.intake.errors import ConnectionNotFoundError
from txbridge.flows.intake.files import (
    ENCODING_NAMES,
    KINDS,
    IntakeFile,
    IntakeFileError,
    detect_kind,
    kind_name,
    load_file,
    read_file,
)
from txbridge.flows.intake.importer import (
    ImportReport,
    Intake,
    KindCounts,
    Rejection,
    import_data,
    import_file,
)
from txbridge.flows.intake.limits import IntakeLimitError, IntakeLimits, intake_limits, set_intake_limits
from txbridge.flows.intake.schemas import (
    OUTPUT_VAT_CODES,
    CustomerIn,
    DaySaleIn,
    DaySaleLineIn,
    HoursIn,
    InvoiceIn,
    InvoiceLineIn,
    ProductClassIn,
    ProductIn,
)

__all__ = [
    "ENCODING_NAMES",
    "KINDS",
    "OUTPUT_VAT_CODES",
    "ConnectionNotFoundError",
    "CustomerIn",
    "DaySaleIn",
    "DaySaleLineIn",
    "HoursIn",
    "ImportReport",
    "Intake",
    "IntakeFile",
    "IntakeFileError",
    "IntakeLimitError",
    "IntakeLimits",
    "InvoiceIn",
    "InvoiceLineIn",
    "KindCounts",
    "ProductClassIn",
    "ProductIn",
    "Rejection",
    "detect_kind",
    "import_data",
    "import_file",
    "intake_limits",
    "kind_name",
    "load_file",
    "read_file",
    "set_intake_limits",
]
