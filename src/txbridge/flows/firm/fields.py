"""The monthly work statistics a firm can import per client, each defined from Tripletex's API.

A *month* is a calendar month ``YYYY-MM``; Tripletex's date ranges are from-and-including,
to-excluding, so a month is read as ``dateFrom=<1st>&dateTo=<1st of the next month>``. Every field is
counted per linked client company, read through the firm's token acting for that company (basic-auth
user = the client's company id). ``calls`` names the reads a field takes; reads shared by several
fields are made once per client and run (see :mod:`txbridge.flows.firm.statistics`), and a reload of
12 months reads each range once for all 12 months.

The definitions are what the README's «Monthly work statistics» section says; ``common`` fields are
shown first in the mapping screen, the rest behind «show more»."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StatisticField:
    key: str
    nb: str
    en: str
    #: Shown without «show more» in the mapping screen.
    common: bool
    definition_nb: str
    definition_en: str
    #: The Tripletex calls the field takes (shared reads are named the same in every field).
    calls: str


#: Voucher type names (``GET /ledger/voucherType``) that decide sale and purchase entries. Tripletex's
#: voucher type ids differ per company, so they are looked up by name per client and run.
SALE_VOUCHER_TYPE = "Utgående faktura"
PURCHASE_VOUCHER_TYPE = "Leverandørfaktura"

#: How far back an unpaid customer invoice is looked for (months before the counted month's end).
OVERDUE_LOOKBACK_MONTHS = 12

VOUCHER_TYPES_CALL = "GET /ledger/voucherType?fields=id,name (once per client and run)"
VOUCHERS_CALL = (
    "GET /ledger/voucher?dateFrom=&dateTo=&fields=id,date,voucherType(id),document(id),attachment(id)"
    " (one range for all months read, paged by 1000)"
)
RECEPTION_CALL = (
    "GET /ledger/voucher/>voucherReception?dateFrom=&dateTo=&fields=id,date (one range for all months read)"
)
STATEMENTS_CALL = "GET /bank/statement?fields=id,fromDate,toDate (once per client and run, all accounts)"
TRANSACTIONS_CALL = (
    "GET /bank/statement/transaction?bankStatementId=&fields=id,postedDate,matched "
    "(one per bank statement whose period overlaps a month read)"
)
OPEN_POSTS_CALL = (
    "GET /ledger/posting/openPost?date=<the 1st of the next month (exclusive)>&fields=id (one per month)"
)
INVOICES_CALL = (
    "GET /invoice?invoiceDateFrom=&invoiceDateTo=&fields=id,invoiceDate,invoiceDueDate,amountOutstanding "
    f"(from the 1st of the month {OVERDUE_LOOKBACK_MONTHS} months before the first month read to the end "
    "of the last; windows of at most 12 months)"
)
PAYSLIPS_CALL = (
    "GET /salary/payslip?yearFrom=&yearTo=&fields=id,year,month,employee(id) (one range for all months read)"
)
VAT_TERMS_CALL = "GET /vatTermSizeSettings?fields=id,reportType,fromDate,termSize (once per client and run)"


FIELDS: tuple[StatisticField, ...] = (
    StatisticField(
        key="sale_entries",
        nb="Salgsbilag",
        en="Sale entries",
        common=True,
        definition_nb=(
            f"Bilag datert i måneden med bilagstypen «{SALE_VOUCHER_TYPE}» (utgående fakturaer og "
            "kreditnotaer som er bokført)."
        ),
        definition_en=(
            f"Vouchers dated in the month whose voucher type is «{SALE_VOUCHER_TYPE}» (outgoing "
            "invoices and credit notes posted)."
        ),
        calls=f"{VOUCHER_TYPES_CALL}; {VOUCHERS_CALL}",
    ),
    StatisticField(
        key="purchase_entries",
        nb="Kjøpsbilag",
        en="Purchase entries",
        common=True,
        definition_nb=(
            f"Bilag datert i måneden med bilagstypen «{PURCHASE_VOUCHER_TYPE}» (bokførte "
            "leverandørfakturaer / inngående fakturaer)."
        ),
        definition_en=(
            f"Vouchers dated in the month whose voucher type is «{PURCHASE_VOUCHER_TYPE}» (posted "
            "supplier invoices / incoming invoices)."
        ),
        calls=f"{VOUCHER_TYPES_CALL}; {VOUCHERS_CALL}",
    ),
    StatisticField(
        key="bank_transactions",
        nb="Banktransaksjoner",
        en="Bank transactions",
        common=True,
        definition_nb=(
            "Transaksjoner på importerte kontoutskrifter (alle bankkontoer) med bokføringsdato "
            "(postedDate) i måneden."
        ),
        definition_en=(
            "Transactions on imported bank statements (every bank account) whose posted date "
            "(postedDate) is in the month."
        ),
        calls=f"{STATEMENTS_CALL}; {TRANSACTIONS_CALL}",
    ),
    StatisticField(
        key="documents_received",
        nb="Mottatte dokumenter",
        en="Documents received",
        common=True,
        definition_nb=(
            "Dokumenter datert i måneden: bilag i bilagsmottaket, pluss bokførte bilag med et "
            "vedlagt dokument (document eller attachment)."
        ),
        definition_en=(
            "Documents dated in the month: vouchers in the voucher reception, plus posted vouchers "
            "that carry a document (document or attachment)."
        ),
        calls=f"{RECEPTION_CALL}; {VOUCHERS_CALL}",
    ),
    StatisticField(
        key="vouchers_posted",
        nb="Bokførte bilag",
        en="Vouchers posted",
        common=True,
        definition_nb="Alle bilag i hovedboken datert i måneden, uansett bilagstype.",
        definition_en="Every voucher in the ledger dated in the month, whatever its voucher type.",
        calls=VOUCHERS_CALL,
    ),
    StatisticField(
        key="open_items",
        nb="Åpne poster",
        en="Open items",
        common=True,
        definition_nb=(
            "Åpne poster på kunde- og leverandørreskontro ved månedens slutt: posteringer datert "
            "senest månedens siste dag som ikke var lukket da."
        ),
        definition_en=(
            "Open items on the customer and supplier ledgers at the month's end: postings dated on "
            "or before the month's last day that were not closed by then."
        ),
        calls=OPEN_POSTS_CALL,
    ),
    StatisticField(
        key="employees_paid",
        nb="Ansatte lønnet",
        en="Employees paid",
        common=False,
        definition_nb="Antall ulike ansatte med lønnsslipp for måneden (lønnsslippens år og måned).",
        definition_en="Distinct employees with a payslip for the month (the payslip's year and month).",
        calls=PAYSLIPS_CALL,
    ),
    StatisticField(
        key="vat_returns_due",
        nb="Mva-meldinger med frist",
        en="VAT returns due",
        common=False,
        definition_nb=(
            "Mva-meldinger med innleveringsfrist i måneden, etter selskapets terminlengde "
            "(vatTermSizeSettings) og Skatteetatens frister: tomånedlig 10. april, 10. juni, "
            "31. august, 10. oktober, 10. desember, 10. februar; årlig 10. mars; månedlig den 10. i "
            "andre måned etter terminen (juni: 31. august)."
        ),
        definition_en=(
            "VAT returns whose filing deadline falls in the month, from the company's VAT term size "
            "(vatTermSizeSettings) and the tax administration's deadlines: two-monthly 10 April, "
            "10 June, 31 August, 10 October, 10 December, 10 February; yearly 10 March; monthly the "
            "10th of the second month after the term (June: 31 August)."
        ),
        calls=VAT_TERMS_CALL,
    ),
    StatisticField(
        key="inbox_waiting",
        nb="Dokumenter som venter i innboksen",
        en="Documents waiting in the inbox",
        common=False,
        definition_nb="Bilag datert i måneden som fortsatt ligger i bilagsmottaket når vi leser.",
        definition_en="Vouchers dated in the month still in the voucher reception when read.",
        calls=RECEPTION_CALL,
    ),
    StatisticField(
        key="unmatched_bank_transactions",
        nb="Uavstemte banktransaksjoner",
        en="Unmatched bank transactions",
        common=False,
        definition_nb=(
            "Banktransaksjoner med bokføringsdato i måneden som ikke er avstemt (matched = false) når "
            "vi leser."
        ),
        definition_en=(
            "Bank transactions posted in the month that are not matched (matched = false) when read."
        ),
        calls=f"{STATEMENTS_CALL}; {TRANSACTIONS_CALL}",
    ),
    StatisticField(
        key="overdue_customer_invoices",
        nb="Forfalte kundefakturaer",
        en="Overdue customer invoices",
        common=False,
        definition_nb=(
            "Kundefakturaer med forfallsdato senest månedens siste dag som fortsatt har utestående "
            "beløp (amountOutstanding > 0) når vi leser, blant fakturaer datert fra den 1. i måneden "
            f"{OVERDUE_LOOKBACK_MONTHS} måneder før til månedens slutt."
        ),
        definition_en=(
            "Customer invoices due on or before the month's last day that still have an amount "
            "outstanding (amountOutstanding > 0) when read, among invoices dated from the 1st of the "
            f"month {OVERDUE_LOOKBACK_MONTHS} months earlier to the month's end."
        ),
        calls=INVOICES_CALL,
    ),
)

BY_KEY: dict[str, StatisticField] = {f.key: f for f in FIELDS}


def field_of(key: str) -> StatisticField | None:
    return BY_KEY.get(key)
