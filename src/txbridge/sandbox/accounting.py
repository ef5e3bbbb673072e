"""Tripletex's bookkeeping rules, shared by orders, invoices and vouchers.

Money is computed in :class:`~decimal.Decimal` and rounded to øre per line, so every voucher the
sandbox writes balances exactly.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from txbridge.sandbox import errors
from txbridge.sandbox.state import CompanyState, Row

ORE = Decimal("0.01")
CUSTOMER_ACCOUNT = 1500
DEFAULT_VAT_NUMBER = "3"

PRICE_INCL_REQUIRED = "Enhetspris må være med mva siden enhetspris på ordre er med mva."
PRICE_EXCL_REQUIRED = "Enhetspris må være uten mva siden enhetspris på ordre er uten mva."
NO_BANK_ACCOUNT = (
    "Faktura kan ikke opprettes før selskapet har registrert et bankkontonummer. "
    "Invoices cannot be created before the company has a bank account number."
)


def money(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(ORE, rounding=ROUND_HALF_UP)


def out(value: Decimal) -> float:
    """A JSON number with two decimals (Tripletex sends amounts as numbers)."""
    return float(value.quantize(ORE, rounding=ROUND_HALF_UP))


def vat_rate(vat_type: Row) -> Decimal:
    return Decimal(str(vat_type.get("percentage", 0))) / Decimal(100)


def vat_type_by_number(company: CompanyState, number: str) -> Row:
    for row in company.table("VatType").values():
        if row["number"] == number:
            return row
    raise KeyError(number)


def account_by_number(company: CompanyState, number: int) -> Row:
    for row in company.table("Account").values():
        if row["number"] == number:
            return row
    raise KeyError(number)


def ref_id(value: Any) -> int | None:
    if isinstance(value, dict) and isinstance(value.get("id"), int):
        return int(value["id"])
    return None


def income_account(company: CompanyState, line_vat: Row, product: Row | None) -> Row:
    """The product's account when product, line and account agree on VAT type; else the default."""
    if product is not None:
        account_id = ref_id(product.get("account"))
        account = company.table("Account").get(account_id) if account_id else None
        if (
            account is not None
            and ref_id(product.get("vatType")) == line_vat["id"]
            and ref_id(account.get("vatType")) == line_vat["id"]
        ):
            return account
    number = company.default_income_account.get(line_vat["number"])
    if number is None:
        raise errors.validation(
            "orderLines.vatType",
            f"Mva-kode {line_vat['number']} kan ikke brukes på salg. "
            f"VAT code {line_vat['number']} is not for sales.",
        )
    return account_by_number(company, number)


def vat_account(company: CompanyState, vat: Row) -> Row | None:
    mapping: dict[str, int] = company.extra.get("vat_account_by_vat_number", {})
    number = mapping.get(vat["number"])
    return account_by_number(company, number) if number else None


def bank_account_number(company: CompanyState) -> str:
    for row in company.table("Account").values():
        if row.get("isBankAccount") and row.get("bankAccountNumber"):
            return str(row["bankAccountNumber"])
    return ""


def require_bank_account(company: CompanyState) -> None:
    if not bank_account_number(company):
        raise errors.validation("bankAccountNumber", NO_BANK_ACCOUNT)


def line_amounts(line: Row, vat: Row, including: bool) -> tuple[Decimal, Decimal]:
    """(excluding VAT, including VAT) for one order line, rounded to øre."""
    count = Decimal(str(line.get("count", 1)))
    discount = Decimal(str(line.get("discount", 0) or 0)) / Decimal(100)
    rate = vat_rate(vat)
    if including:
        gross = money(count * Decimal(str(line.get("unitPriceIncludingVatCurrency", 0))) * (1 - discount))
        net = money(gross / (1 + rate))
    else:
        net = money(count * Decimal(str(line.get("unitPriceExcludingVatCurrency", 0))) * (1 - discount))
        gross = money(net * (1 + rate))
    return net, gross


def kid_for(invoice_number: int, customer_number: int) -> str:
    """A KID with a MOD10 (Luhn) check digit: customer number + invoice number."""
    base = f"{customer_number:05d}{invoice_number:06d}"
    total = 0
    for i, ch in enumerate(reversed(base)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return base + str((10 - total % 10) % 10)
