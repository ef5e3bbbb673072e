"""From reads to field values: which reads the wanted fields need, and each field's count per month.

A read is made only when a wanted field needs it (an unmapped field costs no call)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from decimal import Decimal

from txbridge.flows.firm.reads import ClientReads, vat_returns_due

VOUCHER_FIELDS = frozenset({"sale_entries", "purchase_entries", "vouchers_posted", "documents_received"})
RECEPTION_FIELDS = frozenset({"documents_received", "inbox_waiting"})
BANK_FIELDS = frozenset({"bank_transactions", "unmatched_bank_transactions"})


def count_client(
    reads: ClientReads, months: Sequence[str], fields: Collection[str]
) -> dict[str, dict[str, Decimal]]:
    """Month → field key → value for ``fields`` (keys of ``FIELDS``) over ``months``."""
    wanted = set(fields)
    values: dict[str, dict[str, Decimal]] = {m: {} for m in months}

    def put(field_key: str, per_month: dict[str, int]) -> None:
        if field_key in wanted:
            for m in months:
                values[m][field_key] = Decimal(per_month.get(m, 0))

    if wanted & VOUCHER_FIELDS:
        vouchers = reads.vouchers(months)
        if wanted & {"sale_entries", "purchase_entries"}:
            types = reads.voucher_types()
            put("sale_entries", _of_types(vouchers, types["sale"]))
            put("purchase_entries", _of_types(vouchers, types["purchase"]))
        put("vouchers_posted", {m: c["all"] for m, c in vouchers.items()})
    else:
        vouchers = {}
    if wanted & RECEPTION_FIELDS:
        reception = reads.reception(months)
        put("inbox_waiting", {m: c["waiting"] for m, c in reception.items()})
        put(
            "documents_received",
            {m: reception.get(m, Counter())["waiting"] + vouchers.get(m, Counter())["doc"] for m in months},
        )
    if wanted & BANK_FIELDS:
        bank = reads.bank(months)
        put("bank_transactions", {m: c["tx"] for m, c in bank.items()})
        put("unmatched_bank_transactions", {m: c["unmatched"] for m, c in bank.items()})
    if "open_items" in wanted:
        put("open_items", {m: reads.open_items(m) for m in months})
    if "overdue_customer_invoices" in wanted:
        put("overdue_customer_invoices", reads.overdue_invoices(months))
    if "employees_paid" in wanted:
        put("employees_paid", reads.employees_paid(months))
    if "vat_returns_due" in wanted:
        terms = reads.vat_terms()
        put("vat_returns_due", {m: vat_returns_due(terms, m) for m in months})
    return values


def _of_types(vouchers: dict[str, Counter[str]], type_ids: Sequence[int]) -> dict[str, int]:
    return {m: sum(c[f"type:{t}"] for t in type_ids) for m, c in vouchers.items()}
